import type { App, TerraformStack } from "cdktf";
import { applyEmbassyPack } from "../lib/policy/embassy-pack";
import type { Topology } from "../lib/topology/model";
import { AwsSiteStack } from "./aws-site-stack";
import { AzureSiteStack } from "./azure-site-stack";
import { type BackendConfig } from "./backend";

export interface EmbassyOptions {
  /** @default - a local backend per stack */
  readonly backend?: BackendConfig;
}

/**
 * Adds one stack per cloud site of a validated topology to `app` (on-premises sites get none),
 * then wires every link between two cloud sites: the primary's stack references its targets'
 * stores, so cdktf orders the targets first. The embassy policy pack checks every stack at
 * synth: an error finding fails synth with its rule id, and `policy-report.json` next to the
 * stacks lists every finding and suppression.
 * Returns the stacks by site id.
 */
export function buildEmbassy(app: App, topology: Topology, options: EmbassyOptions = {}): Map<string, TerraformStack> {
  const backend = options.backend ?? { kind: "local" };
  const stacks = new Map<string, TerraformStack>();
  const awsStacks = new Map<string, AwsSiteStack>();
  const azureStacks = new Map<string, AzureSiteStack>();
  for (const site of topology.sites) {
    const name = `${topology.name}-${site.id}`;
    if (site.cloud === "aws") {
      const stack = new AwsSiteStack(app, name, { topology, site, backend });
      awsStacks.set(site.id, stack);
      stacks.set(site.id, stack);
    } else if (site.cloud === "azure") {
      const azure = topology.custody.azure;
      const dataPrincipals = { readers: azure?.readers, writers: site.primary ? azure?.writers : undefined };
      const stack = new AzureSiteStack(app, name, { topology, site, backend, dataPrincipals });
      azureStacks.set(site.id, stack);
      stacks.set(site.id, stack);
    }
    // An on-premises site gets no stack: nothing is deployed in the state's own datacenters.
  }
  // The validator refuses links no mechanism serves (e.g. across clouds); this is a backstop.
  for (const link of topology.links) {
    // A link from a datacenter is the state's copy job or its own storage replication; the
    // clouds' side of a copy job (ingest identity, VPN) is not built yet, so nothing here.
    if (link.from.cloud === "onprem") continue;
    const [awsFrom, awsTo] = [awsStacks.get(link.from.id), awsStacks.get(link.to.id)];
    const [azureFrom, azureTo] = [azureStacks.get(link.from.id), azureStacks.get(link.to.id)];
    for (const registry of link.registries) {
      if (awsFrom && awsTo) awsFrom.replicateTo(registry.id, awsTo);
      else if (azureFrom && azureTo) azureFrom.replicateTo(registry.id, azureTo);
      else throw new Error(`link '${link.from.id} -> ${link.to.id}': both ends must be on the same cloud`);
    }
  }
  applyEmbassyPack(app, { topology });
  return stacks;
}
