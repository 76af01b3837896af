/**
 * Where a registry's copies are, read from what synth wrote (DESIGN.md: the CLI uses the
 * synthesized output and the topology, never the constructs):
 * - a datacenter primary's push plan, `<out>/onprem/<datacenter>.json` (stacks/push-plan.ts):
 *   bucket, or account and container, per target site and registry;
 * - a cloud site's `cdk.tf.json`: the store's bucket (output `store-<registry>-bucket-name`) or
 *   storage account (output `store-<registry>`) and its container. Names are literals at synth;
 *   only ARNs and ids with random parts wait for deploy, and the CLI needs none of them.
 * The manifest-signing key of each store comes from the same files: a push-plan target's `signing`
 * entry (its KMS alias, or its Key Vault and key name), or, for a cloud primary, the key behind the
 * primary stack's `signing-key-arn` / `signing-key-id` output: the KMS alias that targets it, or the
 * Key Vault key resource and its vault. Keys are named by alias / versionless id, the names synth knows.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type JsonObject, type TerraformJson, parseReference, templateParts } from "../review/terraform-json";
import { registriesAt } from "../topology/holdings";
import type { Site, Topology } from "../topology/model";
import { UsageError } from "./errors";
import { type KeyRef, keyVaultRef, kmsAliasRef } from "./signing";

/** A registry store in an S3 bucket. */
export interface S3StoreRef {
  readonly cloud: "aws";
  readonly site: string;
  readonly region: string;
  readonly bucket: string;
  /** Key prefix inside the bucket ("" or ending in "/"). */
  readonly prefix: string;
  /** `s3://BUCKET/PREFIX` */
  readonly url: string;
  /** The key synth names for signing the manifests this store receives: a push target's own key, or for a cloud primary (and replicas) the primary's key; absent when synth names none. */
  readonly signingKey?: KeyRef;
}

/** A registry store in an Azure Blob container. */
export interface BlobStoreRef {
  readonly cloud: "azure";
  readonly site: string;
  readonly account: string;
  readonly container: string;
  readonly prefix: string;
  /** `https://ACCOUNT.blob.core.windows.net/CONTAINER/PREFIX` */
  readonly url: string;
  /** The key synth names for signing the manifests this store receives: a push target's own key, or for a cloud primary (and replicas) the primary's key; absent when synth names none. */
  readonly signingKey?: KeyRef;
}

export type StoreRef = S3StoreRef | BlobStoreRef;

function s3Ref(site: string, region: string, bucket: string, prefix: string): S3StoreRef {
  return { cloud: "aws", site, region, bucket, prefix, url: `s3://${bucket}/${prefix}` };
}

function blobRef(site: string, account: string, container: string, prefix: string): BlobStoreRef {
  return { cloud: "azure", site, account, container, prefix, url: `https://${account}.blob.core.windows.net/${container}/${prefix}` };
}

/** The synth output folder: `--out`, else $CDKTF_OUTDIR, else `cdktf.out`. */
export function synthDir(out: string | undefined, env: NodeJS.ProcessEnv): string {
  return out ?? (env.CDKTF_OUTDIR || "cdktf.out");
}

function readSynthFile<T>(outDir: string, relative: string, what: string): T {
  if (!existsSync(outDir)) throw new UsageError(`no synth output at '${outDir}': run \`npm run synth\` first (or give --out DIR)`);
  const file = join(outDir, relative);
  if (!existsSync(file)) throw new UsageError(`'${file}' is missing (${what}): run \`npm run synth\` with this topology first (or give --out DIR)`);
  try {
    return JSON.parse(readFileSync(file, "utf8")) as T;
  } catch (e) {
    throw new UsageError(`'${file}' is not valid JSON: ${(e as Error).message}`);
  }
}

/** The parts of a push plan the CLI reads (stacks/push-plan.ts writes them). */
interface PushPlanDoc {
  readonly datacenter: string;
  readonly targets: readonly {
    readonly site: string;
    readonly cloud: "aws" | "azure";
    readonly region: string;
    readonly registries: readonly { readonly id: string; readonly url: string; readonly bucket?: string; readonly account?: string; readonly container?: string }[];
    /** The target's own manifest-signing key (absent in push plans written before the stacks had one). */
    readonly signing?: { readonly kind: "aws-kms"; readonly keyAlias: string; readonly region: string } | { readonly kind: "azure-key-vault"; readonly keyVault: string; readonly keyName: string };
  }[];
}

/** The custody account of the topology, needed to name a KMS alias by ARN. */
function custodyAccount(topology: Topology, where: string): string {
  const account = topology.custody.aws?.accountId;
  if (!account) throw new UsageError(`${where} names a KMS signing key, but topology '${topology.name}' has no custody.aws.accountId`);
  return account;
}

function partitionOf(topology: Topology, siteId: string): string {
  const site = topology.sites.find((s) => s.id === siteId);
  return site && site.cloud !== "onprem" ? site.regionInfo.partition : "aws";
}

/** The key a push-plan target's `signing` entry names. */
function planSigningKey(topology: Topology, target: PushPlanDoc["targets"][number], planFile: string): KeyRef | undefined {
  const signing = target.signing;
  if (!signing) return undefined;
  if (signing.kind === "aws-kms") {
    const account = custodyAccount(topology, `push plan '${planFile}' (target '${target.site}')`);
    return kmsAliasRef(partitionOf(topology, target.site), signing.region, account, signing.keyAlias);
  }
  return keyVaultRef(signing.keyVault, signing.keyName);
}

function prefixOfUrl(url: string, base: string): string {
  return url.startsWith(base) ? url.slice(base.length) : "";
}

function readPlan(outDir: string, datacenter: Site): PushPlanDoc {
  return readSynthFile<PushPlanDoc>(outDir, join("onprem", `${datacenter.id}.json`), `the push plan of datacenter '${datacenter.id}'`);
}

function planTargets(topology: Topology, outDir: string, datacenter: Site, registry: string): StoreRef[] {
  const plan = readPlan(outDir, datacenter);
  const planFile = join(outDir, "onprem", `${datacenter.id}.json`);
  const refs: StoreRef[] = [];
  for (const target of plan.targets ?? []) {
    const r = target.registries.find((x) => x.id === registry);
    if (!r) continue;
    const signingKey = planSigningKey(topology, target, planFile);
    if (target.cloud === "aws" && r.bucket) refs.push({ ...s3Ref(target.site, target.region, r.bucket, prefixOfUrl(r.url, `s3://${r.bucket}/`)), signingKey });
    else if (target.cloud === "azure" && r.account && r.container) {
      refs.push({ ...blobRef(target.site, r.account, r.container, prefixOfUrl(r.url, `https://${r.account}.blob.core.windows.net/${r.container}/`)), signingKey });
    }
  }
  return refs;
}

/** The synthesized stack of a cloud site: `<topology>-<site>` in cdktf's manifest.json. */
function stackJson(topology: Topology, outDir: string, site: Site): TerraformJson {
  const name = `${topology.name}-${site.id}`;
  const manifest = readSynthFile<{ stacks?: Record<string, { synthesizedStackPath?: string }> }>(outDir, "manifest.json", "cdktf's index of the stacks");
  const path = manifest.stacks?.[name]?.synthesizedStackPath;
  if (!path) throw new UsageError(`stack '${name}' is not in '${join(outDir, "manifest.json")}': run \`npm run synth\` with this topology first (or give --out DIR)`);
  return readSynthFile<TerraformJson>(outDir, path, `the stack of site '${site.id}'`);
}

/** The literal attribute a `${type.name.attr}` output value points to, e.g. a bucket's name. */
function resolveOutput(json: TerraformJson, output: string): { type: string; name: string; value: string } | undefined {
  const value = json.output?.[output]?.value;
  if (typeof value !== "string") return undefined;
  const parts = templateParts(value);
  if (parts.length !== 1 || !("expression" in parts[0])) return undefined;
  const ref = parseReference(parts[0].expression);
  if (!ref || ref.data || ref.attribute.length !== 1) return undefined;
  const resource: JsonObject | undefined = json.resource?.[ref.type]?.[ref.name];
  const literal = resource?.[ref.attribute[0]];
  return typeof literal === "string" && !literal.includes("${") ? { type: ref.type, name: ref.name, value: literal } : undefined;
}

/** The resource a `${type.name.attr...}` output points to, with its type and name. */
function outputResource(json: TerraformJson, output: string): { type: string; name: string; resource: JsonObject } | undefined {
  const value = json.output?.[output]?.value;
  if (typeof value !== "string") return undefined;
  const parts = templateParts(value);
  if (parts.length !== 1 || !("expression" in parts[0])) return undefined;
  const ref = parseReference(parts[0].expression);
  const resource = ref && !ref.data ? json.resource?.[ref.type]?.[ref.name] : undefined;
  return ref && resource ? { type: ref.type, name: ref.name, resource } : undefined;
}

/**
 * The manifest-signing key of a cloud primary, from its stack: on AWS the alias whose
 * `target_key_id` is the key of output `signing-key-arn` (aws_kms_alias), on Azure the key resource
 * of output `signing-key-id` and the vault its `parent_id` names. Undefined when the stack has no
 * such output (synth output from before the stacks had signing keys).
 */
function primarySigningKey(topology: Topology, json: TerraformJson, site: Site): KeyRef | undefined {
  const stack = `${topology.name}-${site.id}`;
  if (site.cloud === "aws") {
    const key = outputResource(json, "signing-key-arn");
    if (!key) return undefined;
    const targets = [`\${${key.type}.${key.name}.key_id}`, `\${${key.type}.${key.name}.arn}`, `\${${key.type}.${key.name}.id}`];
    const alias = Object.values(json.resource?.aws_kms_alias ?? {}).find((a) => typeof a.target_key_id === "string" && targets.includes(a.target_key_id));
    if (!alias || typeof alias.name !== "string" || alias.name.includes("${")) throw new UsageError(`stack '${stack}' has no literal aws_kms_alias for the signing key ${key.type}.${key.name} (output 'signing-key-arn')`);
    return kmsAliasRef(site.regionInfo.partition, site.region, custodyAccount(topology, `stack '${stack}'`), alias.name);
  }
  if (site.cloud !== "azure") return undefined;
  const key = outputResource(json, "signing-key-id");
  if (!key) return undefined;
  const name = key.resource.name;
  const parent = typeof key.resource.parent_id === "string" ? templateParts(key.resource.parent_id) : [];
  const vaultRef = parent.length === 1 && "expression" in parent[0] ? parseReference(parent[0].expression) : undefined;
  const vault = vaultRef ? json.resource?.[vaultRef.type]?.[vaultRef.name]?.name : undefined;
  if (typeof name !== "string" || typeof vault !== "string" || name.includes("${") || vault.includes("${")) {
    throw new UsageError(`stack '${stack}' names no literal Key Vault and key name for the signing key ${key.type}.${key.name} (output 'signing-key-id')`);
  }
  return keyVaultRef(vault, name);
}

function stackStore(topology: Topology, outDir: string, site: Site, registry: string): StoreRef {
  const json = stackJson(topology, outDir, site);
  const stack = `${topology.name}-${site.id}`;
  if (site.cloud === "aws") {
    const bucket = resolveOutput(json, `store-${registry}-bucket-name`);
    if (!bucket) throw new UsageError(`stack '${stack}' has no literal bucket name in output 'store-${registry}-bucket-name'`);
    return s3Ref(site.id, site.region, bucket.value, "");
  }
  const account = resolveOutput(json, `store-${registry}`);
  if (!account) throw new UsageError(`stack '${stack}' has no literal storage account name in output 'store-${registry}'`);
  const accountId = `\${${account.type}.${account.name}.id}`;
  const container = Object.values(json.resource?.azurerm_storage_container ?? {}).find((c) => c.storage_account_id === accountId);
  if (!container || typeof container.name !== "string") throw new UsageError(`stack '${stack}' has no container in storage account '${account.value}' of registry '${registry}'`);
  return blobRef(site.id, account.value, container.name, "");
}

/** The registry, or a usage error naming the choices. */
export function registryOf(topology: Topology, id: string): void {
  if (!topology.registries.some((r) => r.id === id)) {
    throw new UsageError(`registry '${id}' is not in topology '${topology.name}' (registries: ${topology.registries.map((r) => r.id).join(", ")})`);
  }
}

/**
 * Where `push` sends a registry: the primary's store when the primary is a cloud site (its
 * replication carries the copy on), else every cloud site the datacenter primary links to with
 * that registry. `sites` (from --site) narrows the list; each must be one of the targets.
 */
export function pushTargets(topology: Topology, outDir: string, registry: string, sites: readonly string[] = []): StoreRef[] {
  registryOf(topology, registry);
  const primary = topology.primary;
  const all = primary.cloud === "onprem" ? planTargets(topology, outDir, primary, registry) : [{ ...stackStore(topology, outDir, primary, registry), signingKey: primarySigningKey(topology, stackJson(topology, outDir, primary), primary) }];
  if (all.length === 0) throw new UsageError(`registry '${registry}' goes to no cloud site from datacenter '${primary.id}' (push plan '${join(outDir, "onprem", `${primary.id}.json`)}')`);
  for (const s of sites) {
    if (!all.some((t) => t.site === s)) {
      const why = primary.cloud === "onprem" ? "" : ` (the primary is a cloud site: its replication carries copies on)`;
      throw new UsageError(`--site '${s}' is not a push target of registry '${registry}' (targets: ${all.map((t) => t.site).join(", ")})${why}`);
    }
  }
  return sites.length > 0 ? all.filter((t) => sites.includes(t.site)) : all;
}

/** The store of a registry at one site, for `verify`. */
export function storeAt(topology: Topology, outDir: string, siteId: string, registry: string): StoreRef {
  registryOf(topology, registry);
  const site = topology.sites.find((s) => s.id === siteId);
  if (!site) throw new UsageError(`site '${siteId}' is not in topology '${topology.name}' (sites: ${topology.sites.map((s) => s.id).join(", ")})`);
  if (site.cloud === "onprem") throw new UsageError(`site '${siteId}' is a datacenter: verify checks cloud sites (the datacenter's own storage is not built here)`);
  const held = registriesAt(topology, site).map((r) => r.id);
  if (!held.includes(registry)) throw new UsageError(`registry '${registry}' is not held at site '${siteId}' (registries there: ${held.join(", ") || "none"})`);
  if (topology.primary.cloud === "onprem") {
    const planned = planTargets(topology, outDir, topology.primary, registry);
    const here = planned.find((t) => t.site === siteId);
    if (here) return here;
    return { ...stackStore(topology, outDir, site, registry), signingKey: upstreamKey(topology, site, registry, planned) };
  }
  return { ...stackStore(topology, outDir, site, registry), signingKey: primarySigningKey(topology, stackJson(topology, outDir, topology.primary), topology.primary) };
}

/**
 * The key of the push target whose manifests replication brings to `site` (a cloud site a
 * datacenter primary does not send to directly): the nearest push target up the links that carry
 * the registry. Undefined when none is found.
 */
function upstreamKey(topology: Topology, site: Site, registry: string, planned: readonly StoreRef[]): KeyRef | undefined {
  const seen = new Set<string>([site.id]);
  let frontier = [site.id];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const id of frontier) {
      for (const link of topology.links) {
        if (link.to.id !== id || seen.has(link.from.id) || !link.registries.some((r) => r.id === registry)) continue;
        const target = planned.find((t) => t.site === link.from.id);
        if (target) return target.signingKey;
        seen.add(link.from.id);
        next.push(link.from.id);
      }
    }
    frontier = next;
  }
  return undefined;
}
