/**
 * Push plans: what a state datacenter's copy job (`data-embassy push`) and its operators need to
 * know to send each registry to each cloud site, written at synth as
 * `cdktf.out/onprem/<datacenter>.json`. A value that is known only after `cdktf deploy` (an ARN
 * with a random id, an identity's client id) is given as `{ stack, output }`: read it with
 * `terraform -chdir=cdktf.out/stacks/<stack> output -raw <output>`.
 */
import type { OnPremSite, Topology } from "../lib/topology/model";

/** The folder under the synth output that holds one push plan per datacenter. */
export const PUSH_PLAN_DIR = "onprem";

/** A value of a deployed stack: `terraform output -raw <output>` in that stack's folder. */
export interface DeployedValue {
  readonly stack: string;
  readonly output: string;
}

/** Where one registry goes at one AWS site. */
export interface AwsRegistryTarget {
  readonly id: string;
  readonly url: string;
  readonly bucket: string;
  /** The store's custody key; uploads send no encryption header and S3 applies it by default. */
  readonly keyArn: DeployedValue;
  readonly keyAlias: string;
}

/** Where one registry goes at one Azure site. */
export interface AzureRegistryTarget {
  readonly id: string;
  readonly url: string;
  readonly account: string;
  readonly container: string;
  /** The private address `<account>.blob.core.windows.net` must resolve to from the datacenter. */
  readonly endpointIp: DeployedValue;
  /** The store's customer-managed key (the account encrypts with it; nothing to send). */
  readonly keyVault: string;
  readonly keyName: string;
}

interface TargetCommon {
  readonly site: string;
  readonly role: "domestic" | "foreign";
  readonly region: string;
  readonly stack: string;
  /** The copy job's schedule for this site: the link's RPO. */
  readonly everyMinutes: number;
}

export interface AwsPushTarget extends TargetCommon {
  readonly cloud: "aws";
  readonly credentials: {
    readonly kind: "iam-roles-anywhere";
    /** Known at synth: the role has a fixed name. */
    readonly roleArn: string;
    readonly trustAnchorArn: DeployedValue;
    readonly profileArn: DeployedValue;
  };
  readonly network:
    | { readonly kind: "vpn"; readonly siteCidr: string; readonly vpnConnectionId: DeployedValue; readonly s3EndpointDnsName: DeployedValue; readonly note: string }
    | { readonly kind: "internet"; readonly s3Endpoint: string };
  readonly upload: { readonly checksum: "SHA256"; readonly encryptionHeaders: string; readonly operations: string; readonly egress: string };
  readonly registries: readonly AwsRegistryTarget[];
}

export interface AzurePushTarget extends TargetCommon {
  readonly cloud: "azure";
  readonly credentials: {
    readonly kind: "federated-credential";
    readonly tenantId: string;
    readonly clientId: DeployedValue;
    readonly issuer: string;
    readonly subject: string;
    readonly audience: string;
  };
  readonly network: {
    readonly kind: "vpn";
    readonly gatewayPublicIp: DeployedValue;
    readonly siteCidr: string;
    readonly routing: string;
    /** What the datacenter's VPN device must match (Azure's custom IPsec/IKE policy of the connection). */
    readonly ipsecPolicy: Readonly<Record<string, string | number>>;
    readonly dns: string;
  };
  readonly upload: { readonly operations: string; readonly ifNoneMatch: string; readonly egress: string };
  readonly registries: readonly AzureRegistryTarget[];
}

export type PushTarget = AwsPushTarget | AzurePushTarget;

/** A cloud site stack that takes copies from datacenters. */
export interface IngestingStack {
  /** The push target for a datacenter that `ingestFrom` was called for. */
  pushTarget(datacenter: OnPremSite, everyMinutes: number): PushTarget;
}

/** One datacenter's push plan, as written to `onprem/<datacenter>.json`. */
export interface PushPlan {
  readonly version: 1;
  readonly topology: string;
  readonly datacenter: string;
  readonly location: OnPremSite["location"];
  readonly howToReadDeployedValues: string;
  readonly targets: readonly PushTarget[];
  /** Links to other datacenters: the state's own storage replication, never built here. */
  readonly notBuiltHere: readonly { readonly site: string; readonly everyMinutes: number; readonly registries: readonly string[]; readonly mechanism: string }[];
}

/**
 * The push plan of every datacenter that is the source of a link, keyed by file path relative
 * to the synth output. `stacks` are the cloud site stacks by site id (those that ingest).
 */
export function pushPlanFiles(topology: Topology, stacks: ReadonlyMap<string, IngestingStack>): Record<string, string> {
  const files: Record<string, string> = {};
  for (const datacenter of topology.sites) {
    if (datacenter.cloud !== "onprem") continue;
    const links = topology.links.filter((l) => l.from.id === datacenter.id);
    if (links.length === 0) continue;
    const targets: PushTarget[] = [];
    const notBuiltHere: PushPlan["notBuiltHere"][number][] = [];
    for (const link of links) {
      const everyMinutes = link.everyMinutes ?? link.mechanism.achievableRpoMinutes;
      if (link.to.cloud === "onprem") {
        notBuiltHere.push({ site: link.to.id, everyMinutes, registries: link.registries.map((r) => r.id), mechanism: link.mechanism.description });
        continue;
      }
      const stack = stacks.get(link.to.id);
      if (!stack) throw new Error(`push plan of '${datacenter.id}': no stack for site '${link.to.id}'`);
      targets.push(stack.pushTarget(datacenter, everyMinutes));
    }
    const plan: PushPlan = {
      version: 1,
      topology: topology.name,
      datacenter: datacenter.id,
      location: datacenter.location,
      howToReadDeployedValues: "a { stack, output } value is known after `cdktf deploy`: terraform -chdir=cdktf.out/stacks/<stack> output -raw <output>",
      targets,
      notBuiltHere,
    };
    files[`${PUSH_PLAN_DIR}/${datacenter.id}.json`] = `${JSON.stringify(plan, null, 2)}\n`;
  }
  return files;
}
