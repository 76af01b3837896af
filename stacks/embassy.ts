import type { App } from "cdktf";
import { applyEmbassyPack } from "../lib/policy/embassy-pack";
import { assertSingleCopy } from "../lib/private/single-copy";
import type { Topology } from "../lib/topology/model";
import type { AwsSiteStack } from "./aws-site-stack";
import type { AzureSiteStack } from "./azure-site-stack";
import { type BackendConfig } from "./backend";

/** How {@link buildEmbassy} builds the stacks beyond what the topology says. */
export interface EmbassyOptions {
  /**
   * Where Terraform keeps each stack's state (`backendFromEnv` reads an S3 backend from the
   * environment).
   * @default - a local backend per stack
   */
  readonly backend?: BackendConfig;
}

/**
 * Adds one stack per cloud site of a validated topology to `app` (on-premises sites get none),
 * then wires every link: between two cloud sites, the primary's stack references its targets'
 * stores, so cdktf orders the targets first; from a datacenter, the target site gets what the
 * datacenter's copy job needs (see `pushPlanFiles` in stacks/push-plan.ts for what it is told). The embassy policy pack checks every stack at
 * synth: an error finding fails synth with its rule id, and `policy-report.json` next to the
 * stacks lists every finding and suppression.
 * Returns the stacks by site id.
 */
export function buildEmbassy(app: App, topology: Topology, options: EmbassyOptions = {}): Map<string, AwsSiteStack | AzureSiteStack> {
  assertSingleCopy(app, "buildEmbassy");
  const backend = options.backend ?? { kind: "local" };
  const stacks = new Map<string, AwsSiteStack | AzureSiteStack>();
  const awsStacks = new Map<string, AwsSiteStack>();
  const azureStacks = new Map<string, AzureSiteStack>();
  for (const site of topology.sites) {
    const name = `${topology.name}-${site.id}`;
    if (site.cloud === "aws") {
      const stack = new (siteStacks().aws)(app, name, { topology, site, backend });
      awsStacks.set(site.id, stack);
      stacks.set(site.id, stack);
    } else if (site.cloud === "azure") {
      const azure = topology.custody.azure;
      const dataPrincipals = { readers: azure?.readers, writers: site.primary ? azure?.writers : undefined };
      const stack = new (siteStacks().azure)(app, name, { topology, site, backend, dataPrincipals });
      azureStacks.set(site.id, stack);
      stacks.set(site.id, stack);
    }
    // An on-premises site gets no stack: nothing is deployed in the state's own datacenters.
  }
  // The validator refuses links no mechanism serves (e.g. across clouds); this is a backstop.
  for (const link of topology.links) {
    // A link from a datacenter is the state's copy job (the cloud site gets an ingest identity,
    // and a VPN when the datacenter has one) or its own storage replication (nothing built).
    if (link.from.cloud === "onprem") {
      const registries = link.registries.map((r) => r.id);
      const every = link.everyMinutes ?? link.mechanism.achievableRpoMinutes;
      if (link.to.cloud === "aws") awsStacks.get(link.to.id)!.ingestFrom(link.from, registries, every);
      else if (link.to.cloud === "azure") azureStacks.get(link.to.id)!.ingestFrom(link.from, registries, every);
      continue;
    }
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

/**
 * The site stack classes, loaded on first use: each pulls in its cloud's provider classes
 * (about 190 ms of module loading for Azure, measured with `require` timing on a 2-core machine),
 * which a single-cloud embassy never needs.
 */
function siteStacks(): { aws: typeof AwsSiteStack; azure: typeof AzureSiteStack } {
  return {
    get aws() {
      return (require("./aws-site-stack") as typeof import("./aws-site-stack")).AwsSiteStack;
    },
    get azure() {
      return (require("./azure-site-stack") as typeof import("./azure-site-stack")).AzureSiteStack;
    },
  };
}
