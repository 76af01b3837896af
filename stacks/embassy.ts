import type { App, TerraformStack } from "cdktf";
import type { Topology } from "../lib/topology/model";
import { AwsSiteStack } from "./aws-site-stack";
import { type BackendConfig } from "./backend";

export interface EmbassyOptions {
  /** @default - a local backend per stack */
  readonly backend?: BackendConfig;
}

/**
 * Adds one stack per site of a validated topology to `app`, then wires every link: the
 * primary's stack references its targets' stores, so cdktf orders the targets first.
 * Returns the stacks by site id.
 */
export function buildEmbassy(app: App, topology: Topology, options: EmbassyOptions = {}): Map<string, TerraformStack> {
  const backend = options.backend ?? { kind: "local" };
  const stacks = new Map<string, TerraformStack>();
  const awsStacks = new Map<string, AwsSiteStack>();
  for (const site of topology.sites) {
    const name = `${topology.name}-${site.id}`;
    if (site.cloud === "aws") {
      const stack = new AwsSiteStack(app, name, { topology, site, backend });
      awsStacks.set(site.id, stack);
      stacks.set(site.id, stack);
    } else {
      throw new Error(`site '${site.id}': ${site.cloud} sites are not supported yet`);
    }
  }
  for (const link of topology.links) {
    const from = awsStacks.get(link.from.id);
    const to = awsStacks.get(link.to.id);
    if (!from || !to) throw new Error(`link '${link.from.id} -> ${link.to.id}': both ends must be aws sites`);
    for (const registry of link.registries) from.replicateTo(registry.id, to);
  }
  return stacks;
}
