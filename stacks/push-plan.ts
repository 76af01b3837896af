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

/**
 * The stack output that holds a site's manifest-signing key, by cloud: on AWS the key's ARN (pass it
 * as `--signing-key`), on Azure the key's versionless id (`https://<vault>.vault.azure.net/keys/<name>`).
 * Every site that holds a signing key has it: the primary, when it is a cloud site, and every cloud
 * site a datacenter primary sends to (see `signingKeySiteIds` (stacks/push-plan.ts)). A cloud
 * primary has no push plan; its key is `{ stack: "<topology>-<primary>", output: SIGNING_KEY_OUTPUT[cloud] }`.
 */
export const SIGNING_KEY_OUTPUT = { aws: "signing-key-arn", azure: "signing-key-id" } as const;

/**
 * Where a manifest-signing key is built. Where registries are written, with custody kept by the
 * owning state:
 * - a cloud primary: one key at the primary, which its writer signs with; the other sites' readers,
 *   operators and auditors verify replicated manifests with it (AWS: by key policy and identity
 *   grant; across clouds there is no replication, so no cross-cloud verification is needed);
 * - a datacenter primary: one key at every cloud site it sends to, which that site's ingest
 *   identity signs with. Decision: the copy job signs each target's manifest with the target's own
 *   key, so that checking a site needs only that site's key service (a foreign site stays checkable
 *   when home, and every other site, is gone), no identity gets rights in a second cloud, and the
 *   datacenter needs no HSM of its own. A state that signs with its own HSM instead passes
 *   `--signing-key file:PATH` (or its signer) and publishes its public key; the cloud keys then
 *   simply stay unused.
 */
export function signingKeySiteIds(topology: Topology): string[] {
  if (topology.primary.cloud !== "onprem") return [topology.primary.id];
  return [...new Set(topology.links.filter((l) => l.from.id === topology.primary.id && l.to.cloud !== "onprem").map((l) => l.to.id))];
}

/** The signature of a manifest in JOSE terms (RFC 7518, 3.4: ECDSA using P-256 and SHA-256): KMS's ECDSA_SHA_256, Key Vault's ES256. */
export const JOSE_MANIFEST_ALGORITHM = "ES256";

/** The key a copy job signs a target's manifests with: an AWS KMS key (ECC_NIST_P256, SIGN_VERIFY). */
export interface AwsSigningKeyRef {
  /** An AWS KMS key. */
  readonly kind: "aws-kms";
  /** The key's ARN, known after deploy: pass it as `--signing-key`. */
  readonly keyArn: DeployedValue;
  /** The key's alias, known at synth (an alias resolves in the caller's account and region). */
  readonly keyAlias: string;
  /** The key's region: call KMS Sign there. */
  readonly region: string;
  /** KMS `SigningAlgorithm` (Sign / Verify). */
  readonly algorithm: "ECDSA_SHA_256";
  /** The same signature in JOSE terms. */
  readonly jose: "ES256";
}

/** The key a copy job signs a target's manifests with: a Key Vault key (EC-HSM, P-256, sign/verify). */
export interface AzureSigningKeyRef {
  /** A Key Vault key. */
  readonly kind: "azure-key-vault";
  /** The key's versionless id (`https://<vault>.vault.azure.net/keys/<name>`), known after deploy: pass it as `--signing-key`. */
  readonly keyId: DeployedValue;
  /** The vault's name, known at synth. */
  readonly keyVault: string;
  /** The key's name in the vault, known at synth. */
  readonly keyName: string;
  /** Key Vault `alg` of the sign and verify operations (JsonWebKeySignatureAlgorithm). */
  readonly algorithm: "ES256";
  /** The private address `<keyVault>.vault.azure.net` must resolve to from the datacenter (the vault takes its private endpoint only). */
  readonly endpointIp: DeployedValue;
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
  /** The key the copy job signs this target's manifests with (its ingest role may kms:Sign with it). */
  readonly signing: AwsSigningKeyRef;
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
  /** The key the copy job signs this target's manifests with (its identity may sign with it). */
  readonly signing: AzureSigningKeyRef;
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
