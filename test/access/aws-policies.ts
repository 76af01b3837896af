/**
 * Test-only adapter: reads the synthesized Terraform JSON of every stack of an app (what
 * `cdktf deploy` would apply) and collects the AWS access policies in it, with every Terraform
 * reference resolved into the concrete value AWS would see, so that an IAM policy evaluator can
 * decide requests against them:
 * - IAM roles (name, ARN, trust policy) with their inline policies (`aws_iam_role_policy`,
 *   `inline_policy` blocks) and attached customer-managed policies (`aws_iam_policy` through
 *   `aws_iam_role_policy_attachment`, `aws_iam_policy_attachment` or `managed_policy_arns`);
 * - S3 buckets with their bucket policy (`aws_s3_bucket_policy`) and default encryption;
 * - KMS keys with their key policy (`aws_kms_key.policy` or `aws_kms_key_policy`);
 * - S3 replication configurations and VPC endpoint policies;
 * - IAM Roles Anywhere trust anchors (the CA certificate they hold) and profiles (the roles they
 *   hand out), which decide who reaches a datacenter's ingest role.
 *
 * References such as `${aws_s3_bucket.X.arn}`, `${aws_kms_key.X.arn}`, `${aws_iam_role.X.arn}`
 * and cdktf's cross-stack references (`${data.terraform_remote_state.<input>.outputs.<output>}`,
 * resolved through the producing stack's outputs) become concrete ARNs: the region comes from
 * the stack's (or the resource's aliased) `aws` provider block, the account from custody, a
 * bucket's ARN from its `bucket` name, an IAM role's ARN from its `name` (and `path`), and a
 * key's ARN is `arn:<partition>:kms:<region>:<account>:key/<id>` with an id derived
 * deterministically from the stack and resource name (the real id only exists after apply); IAM
 * Roles Anywhere trust anchors and profiles get ARNs made the same way
 * (`arn:<partition>:rolesanywhere:<region>:<account>:trust-anchor/<id>`, `...:profile/<id>`).
 *
 * Nothing is skipped silently: a reference the adapter cannot resolve, a policy attached to a
 * role that no stack creates, an AWS managed policy whose text is not in the synth, or a
 * resource type that can grant access but is not modelled here (a KMS grant, an access point)
 * throws an error naming the stack, the resource and the reference.
 *
 * This file is under test/ on purpose: it is only ever used with the AGPL-licensed evaluator
 * `@cloud-copilot/iam-simulate`, which must never be imported from lib/ or stacks/.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";

/** A raw block of synthesized Terraform JSON (a resource, a data source, a provider). */
export type Block = Record<string, any>;

/** One stack's `cdk.tf.json`, parsed. */
export interface SynthesizedStack {
  readonly resource?: Record<string, Record<string, Block>>;
  readonly data?: Record<string, Record<string, Block>>;
  readonly output?: Record<string, Block>;
  readonly provider?: Record<string, Block[]>;
  readonly [other: string]: unknown;
}

/** Every stack of an app by stack name, as synth wrote them. */
export type SynthesizedApp = Readonly<Record<string, SynthesizedStack>>;

/** An IAM policy document (identity, resource, trust or endpoint policy). */
export interface PolicyDocument {
  readonly Version?: string;
  readonly Statement: Block | readonly Block[];
}

export interface NamedPolicy {
  readonly name: string;
  readonly document: PolicyDocument;
}

/** Where a collected thing came from: its stack and Terraform address (`aws_iam_role.Access_Reader_6B7CDE29`). */
interface Origin {
  readonly stack: string;
  readonly address: string;
}

export interface RoleModel extends Origin {
  readonly name: string;
  readonly arn: string;
  readonly trustPolicy: PolicyDocument;
  /** Inline and attached customer-managed policies, each named for where it came from. */
  readonly policies: readonly NamedPolicy[];
}

export interface BucketModel extends Origin {
  readonly name: string;
  readonly arn: string;
  readonly region: string;
  /** The bucket's own tags (not the provider's default tags), values resolved. */
  readonly tags: Readonly<Record<string, string>>;
  /** The bucket policy, if the synth sets one. */
  readonly policy?: PolicyDocument;
  /** The default encryption S3 applies to a request that sends no encryption headers. */
  readonly defaultEncryption?: { readonly algorithm: string; readonly keyArn?: string; readonly bucketKeyEnabled: boolean };
}

export interface KeyModel extends Origin {
  readonly arn: string;
  readonly keyId: string;
  readonly region: string;
  readonly policy: PolicyDocument;
  readonly deletionWindowInDays?: number;
  /** The names (`alias/...`) of the aliases that point at the key (`aws_kms_alias.target_key_id`): what KMS puts in kms:ResourceAliases. */
  readonly aliases: readonly string[];
}

export interface ReplicationRuleModel {
  readonly id?: string;
  readonly status: string;
  readonly destinationBucketArn: string;
  readonly replicaKeyArn?: string;
  readonly deleteMarkerReplication?: string;
}

export interface ReplicationModel extends Origin {
  /** The source bucket's name. */
  readonly sourceBucket: string;
  /** The role S3 assumes to replicate. */
  readonly roleArn: string;
  readonly rules: readonly ReplicationRuleModel[];
}

/** An IAM Roles Anywhere trust anchor: the CA whose certificates may ask for a profile's roles. */
export interface TrustAnchorModel extends Origin {
  readonly name: string;
  /** A deterministic stand-in ARN (`arn:<partition>:rolesanywhere:<region>:<account>:trust-anchor/<uuid>`). */
  readonly arn: string;
  readonly region: string;
  /** `enabled` as synth sets it; absent when synth leaves it to the provider and API defaults. */
  readonly enabled?: boolean;
  /** `CERTIFICATE_BUNDLE` (an uploaded CA certificate), `AWS_ACM_PCA` or `SELF_SIGNED_REPOSITORY`. */
  readonly sourceType: string;
  /** The uploaded CA certificate (PEM), for a `CERTIFICATE_BUNDLE` source. */
  readonly certificatePem?: string;
}

/** An IAM Roles Anywhere profile: which roles a certificate holder may get sessions for. */
export interface ProfileModel extends Origin {
  readonly name: string;
  /** A deterministic stand-in ARN (`arn:<partition>:rolesanywhere:<region>:<account>:profile/<uuid>`). */
  readonly arn: string;
  readonly region: string;
  /** `enabled` as synth sets it; absent when synth leaves it to the provider and API defaults. */
  readonly enabled?: boolean;
  readonly roleArns: readonly string[];
  readonly durationSeconds?: number;
}

export interface EndpointModel extends Origin {
  /** A deterministic stand-in for the endpoint id (`vpce-...`), as `aws:SourceVpce` would carry it. */
  readonly id: string;
  /** The AWS service the endpoint serves, e.g. `s3` or `kms`. */
  readonly service: string;
  readonly region: string;
  /** `Gateway` or `Interface` (`vpc_endpoint_type`; the provider's default is `Gateway`). */
  readonly type: string;
  readonly policy: PolicyDocument;
}

export interface CollectOptions {
  /** The custody account every stack deploys into. */
  readonly accountId: string;
}

/** A reference or value the adapter cannot turn into a concrete value. */
export class UnresolvableReferenceError extends Error {}

/** The AWS partition of a region (the partition is part of every ARN). */
export function partitionOfRegion(region: string): string {
  // Partition prefixes of region codes, as in the AWS SDKs' partitions.json (aws-sdk-js-v3
  // packages/util-endpoints/src/lib/aws/partitions.json): cn-*, us-gov-*, eusc-* (European
  // Sovereign Cloud); everything else used here is the commercial partition.
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  if (region.startsWith("eusc-")) return "aws-eusc";
  return "aws";
}

/**
 * A UUID-shaped id derived from a resource's stack and resource name: stable across runs, distinct
 * per resource. Stands in for the ids AWS gives KMS keys and IAM Roles Anywhere trust anchors and
 * profiles (all UUIDs) only when they are created.
 */
export function fakeKeyId(stack: string, resourceName: string): string {
  const h = createHash("sha256").update(`${stack}/${resourceName}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * Synthesizes an app into a temporary folder and returns every stack's JSON by stack name
 * (a real `app.synth()`: cross-stack references are only rendered then). The folder is removed.
 */
export function synthesizeApp(build: (app: App) => void): SynthesizedApp {
  const dir = mkdtempSync(join(tmpdir(), "access-"));
  try {
    const app = new App({ outdir: dir });
    build(app);
    app.synth();
    const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as {
      stacks: Record<string, { synthesizedStackPath: string }>;
    };
    const out: Record<string, SynthesizedStack> = {};
    for (const [name, entry] of Object.entries(manifest.stacks)) {
      out[name] = JSON.parse(readFileSync(join(dir, entry.synthesizedStackPath), "utf8"));
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every AWS access policy of an app, references resolved. Build with {@link collectAwsPolicies}. */
export class AwsPolicies {
  constructor(
    public readonly accountId: string,
    public readonly roles: readonly RoleModel[],
    public readonly buckets: readonly BucketModel[],
    public readonly keys: readonly KeyModel[],
    public readonly replications: readonly ReplicationModel[],
    public readonly endpoints: readonly EndpointModel[],
    public readonly trustAnchors: readonly TrustAnchorModel[],
    public readonly profiles: readonly ProfileModel[],
    private readonly resolver: Resolver,
  ) {}

  /** The role with this ARN; throws naming the known roles otherwise. */
  public role(arn: string): RoleModel {
    return one(this.roles, (r) => r.arn === arn, `role '${arn}'`, (r) => r.arn);
  }

  /** The bucket with this name, or whose ARN (or an object ARN in which) this is. */
  public bucket(nameOrArn: string): BucketModel {
    const name = nameOrArn.startsWith("arn:") ? nameOrArn.split(":").slice(5).join(":").split("/")[0] : nameOrArn;
    return one(this.buckets, (b) => b.name === name, `bucket '${nameOrArn}'`, (b) => b.name);
  }

  /** The key with this ARN; throws naming the known keys otherwise. */
  public key(arn: string): KeyModel {
    return one(this.keys, (k) => k.arn === arn, `key '${arn}'`, (k) => `${k.arn} (${k.stack} ${k.address})`);
  }

  /**
   * The same policies with `keys` added: keys the synth does not create but that may exist in the
   * account (one a forger created, say), to show what the synthesized identity policies open on them.
   */
  public withKeys(keys: readonly KeyModel[]): AwsPolicies {
    return new AwsPolicies(this.accountId, this.roles, this.buckets, [...this.keys, ...keys], this.replications, this.endpoints, this.trustAnchors, this.profiles, this.resolver);
  }

  /** Whether a KMS key ARN is one of the synthesized keys. */
  public hasKey(arn: string): boolean {
    return this.keys.some((k) => k.arn === arn);
  }

  /** A stack output's value, references resolved. Throws if the stack or output does not exist. */
  public output(stack: string, name: string): string {
    return this.resolver.output(stack, name, `output '${name}' requested by a test`, 0);
  }

  /**
   * The endpoint of a service in a stack, of the given type (`Gateway` or `Interface`); throws
   * unless exactly one matches. Without a type: the service's only endpoint there, or, where it has
   * several, its gateway endpoint: the VPC's own route to S3. (A site with a datacenter's VPN also
   * has an S3 interface endpoint per datacenter, with private DNS off, so only a client that names
   * its DNS name uses it; ask for it by type, or by the output that gives its DNS name,
   * {@link AwsPolicies.endpointOfOutput}.)
   */
  public endpoint(stack: string, service: string, type?: string): EndpointModel {
    const candidates = this.endpoints.filter((e) => e.stack === stack && e.service === service && (type === undefined || e.type === type));
    const pick = type === undefined && candidates.length > 1 ? candidates.filter((e) => e.type === "Gateway") : candidates;
    const what = `${type ?? ""}${type ? " " : ""}'${service}' endpoint in stack '${stack}'${type === undefined && candidates.length > 1 ? " (several: the Gateway one)" : ""}`;
    return one(pick, () => true, what, (e) => `${e.stack}/${e.service} ${e.type} (${e.address})`, this.endpoints);
  }

  /**
   * The one VPC endpoint a stack output refers to (e.g. `onprem-<datacenter>-s3-endpoint-dns-name`,
   * whose value is an expression over the endpoint's `dns_entry`): what a client told that output
   * reaches. Throws unless the output names exactly one `aws_vpc_endpoint` of its stack.
   */
  public endpointOfOutput(stack: string, output: string): EndpointModel {
    const raw = this.resolver.rawOutput(stack, output, `output '${output}' requested by a test`);
    const named = [...new Set([...raw.matchAll(/\baws_vpc_endpoint\.([\w-]+)\./g)].map((m) => `aws_vpc_endpoint.${m[1]}`))];
    if (named.length !== 1) throw new Error(`output '${output}' of stack '${stack}' must name exactly one aws_vpc_endpoint, got ${named.length} in '${raw}'`);
    return one(this.endpoints, (e) => e.stack === stack && e.address === named[0], `${named[0]} in stack '${stack}'`, (e) => `${e.stack}/${e.address}`);
  }

  /** The IAM Roles Anywhere trust anchor with this ARN; throws naming the known ones otherwise. */
  public trustAnchor(arn: string): TrustAnchorModel {
    return one(this.trustAnchors, (t) => t.arn === arn, `trust anchor '${arn}'`, (t) => `${t.arn} (${t.stack} ${t.address})`);
  }

  /** The IAM Roles Anywhere profile with this ARN; throws naming the known ones otherwise. */
  public profile(arn: string): ProfileModel {
    return one(this.profiles, (p) => p.arn === arn, `profile '${arn}'`, (p) => `${p.arn} (${p.stack} ${p.address})`);
  }
}

function one<T>(items: readonly T[], match: (t: T) => boolean, what: string, show: (t: T) => string, known: readonly T[] = items): T {
  const found = items.filter(match);
  if (found.length === 1) return found[0];
  if (found.length === 0) throw new Error(`no ${what} in the synthesized stacks (have: ${known.map(show).join(", ") || "none"})`);
  throw new Error(`${found.length} matches for ${what}: ${found.map(show).join(", ")}`);
}

/** Nested blocks render as an object or a list of objects depending on the provider schema. */
function blocks(value: unknown): Block[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]) as Block[];
}

/** Resource types that can grant access to data or keys but are not modelled: collecting around them would be a silent hole. */
const UNMODELLED_GRANTING_TYPES = [
  "aws_kms_grant",
  "aws_kms_replica_key",
  "aws_kms_external_key",
  "aws_s3_bucket_acl",
  "aws_s3_access_point",
  "aws_s3control_access_point_policy",
  "aws_s3control_multi_region_access_point",
  "aws_s3control_multi_region_access_point_policy",
  "aws_s3control_object_lambda_access_point_policy",
  "aws_s3control_bucket_policy",
  "aws_iam_group_policy",
  "aws_iam_group_policy_attachment",
  "aws_iam_user_policy",
  "aws_iam_user_policy_attachment",
];

/** Resolves `${...}` references in a stack's strings to concrete values. */
class Resolver {
  constructor(
    private readonly app: SynthesizedApp,
    private readonly accountId: string,
  ) {}

  public block(stack: string, type: string, name: string, where: string): Block {
    const b = this.app[stack]?.resource?.[type]?.[name];
    if (!b) throw new UnresolvableReferenceError(`${where}: stack '${stack}' has no resource ${type}.${name}`);
    return b;
  }

  /** The region of the `aws` provider a resource uses (`provider: "aws.<alias>"`, or the default one). */
  public region(stack: string, providerRef: string | undefined, where: string): string {
    const providers = blocks(this.app[stack]?.provider?.aws);
    const alias = providerRef === undefined ? undefined : providerRef.replace(/^aws\./, "");
    const provider = providers.find((p) => (alias === undefined ? p.alias === undefined : p.alias === alias));
    if (!provider) {
      throw new UnresolvableReferenceError(`${where}: stack '${stack}' has no aws provider${alias ? ` with alias '${alias}'` : " without an alias"}`);
    }
    const region = typeof provider.region === "string" ? this.text(stack, provider.region, `${where}: provider region`, 0) : undefined;
    if (!region) throw new UnresolvableReferenceError(`${where}: the aws provider of stack '${stack}' sets no region`);
    const allowed = provider.allowed_account_ids as string[] | undefined;
    if (allowed && !allowed.includes(this.accountId)) {
      throw new UnresolvableReferenceError(`${where}: stack '${stack}' deploys only into ${allowed.join(", ")}, not the custody account ${this.accountId}`);
    }
    return region;
  }

  public resourceRegion(stack: string, block: Block, where: string): string {
    return this.region(stack, typeof block.provider === "string" ? block.provider : undefined, where);
  }

  /** A string with every `${...}` replaced by its value (`$${` is Terraform's escape for a literal `${`). */
  public text(stack: string, value: string, where: string, depth: number): string {
    if (depth > 10) throw new UnresolvableReferenceError(`${where}: references nest deeper than 10 levels (a cycle?)`);
    // An interpolation with nested braces is a function call or a for expression: not a plain reference.
    if (value.replace(/\$\$\{/g, "").replace(/\$\{[^{}]*\}/g, "").includes("${")) {
      throw new UnresolvableReferenceError(`${where}: unsupported Terraform expression in '${value}' (stack '${stack}')`);
    }
    return value.replace(/(\$?)\$\{([^{}]*)\}/g, (match, escape: string, expr: string) =>
      escape ? match.slice(1) : this.expression(stack, expr.trim(), where, depth + 1),
    );
  }

  /** A required attribute, resolved to a string. */
  public attr(stack: string, block: Block, attribute: string, where: string, depth = 0): string {
    const value = block[attribute];
    if (typeof value !== "string") {
      throw new UnresolvableReferenceError(`${where}: '${attribute}' must be a string to resolve, got ${JSON.stringify(value)}`);
    }
    return this.text(stack, value, `${where}.${attribute}`, depth);
  }

  /** A policy attribute: references resolved, then parsed. */
  public policy(stack: string, value: unknown, where: string): PolicyDocument {
    if (typeof value !== "string") throw new UnresolvableReferenceError(`${where}: the policy must be a JSON string, got ${JSON.stringify(value)}`);
    const text = this.text(stack, value, where, 0);
    try {
      const doc = JSON.parse(text) as PolicyDocument;
      if (!doc || typeof doc !== "object" || doc.Statement === undefined) throw new Error("no Statement");
      return doc;
    } catch (e) {
      throw new UnresolvableReferenceError(`${where}: not a policy document after resolving references (${(e as Error).message}): ${text}`);
    }
  }

  public output(stack: string, name: string, where: string, depth: number): string {
    const synth = this.app[stack];
    if (!synth) throw new UnresolvableReferenceError(`${where}: no stack '${stack}' in this app (have: ${Object.keys(this.app).join(", ")})`);
    const output = synth.output?.[name];
    if (!output) throw new UnresolvableReferenceError(`${where}: stack '${stack}' has no output '${name}'`);
    if (typeof output.value !== "string") throw new UnresolvableReferenceError(`${where}: output '${name}' of stack '${stack}' is not a string`);
    return this.text(stack, output.value, `${where} -> ${stack} output '${name}'`, depth);
  }

  /** An output's value as synth wrote it, references unresolved. */
  public rawOutput(stack: string, name: string, where: string): string {
    const value = this.app[stack]?.output?.[name]?.value;
    if (typeof value !== "string") throw new UnresolvableReferenceError(`${where}: stack '${stack}' has no string output '${name}' (have: ${Object.keys(this.app[stack]?.output ?? {}).join(", ") || "none"})`);
    return value;
  }

  public roleArn(stack: string, block: Block, where: string, depth = 0): string {
    const name = this.attr(stack, block, "name", where, depth);
    const path = typeof block.path === "string" ? this.text(stack, block.path, `${where}.path`, depth) : "/";
    return `arn:${partitionOfRegion(this.region(stack, undefined, where))}:iam::${this.accountId}:role${path}${name}`;
  }

  private expression(stack: string, expr: string, where: string, depth: number): string {
    const at = `${where} (reference '\${${expr}}' in stack '${stack}')`;
    // Only plain references resolve: `type.name.attribute` or `data.type.name.attribute[.key]`.
    if (!/^[\w-]+(\.[\w-]+)+$/.test(expr)) throw new UnresolvableReferenceError(`${at}: unsupported Terraform expression (only plain references resolve)`);
    const parts = expr.split(".");
    if (parts[0] === "data") return this.dataExpression(stack, parts.slice(1), at, depth);
    if (parts.length !== 3) throw new UnresolvableReferenceError(`${at}: unsupported Terraform expression (only plain references resolve)`);
    const [type, name, attribute] = parts;
    const block = this.block(stack, type, name, at);
    const fail = (): never => {
      throw new UnresolvableReferenceError(`${at}: the adapter does not resolve attribute '${attribute}' of ${type}`);
    };
    const region = () => this.resourceRegion(stack, block, at);
    const partition = () => partitionOfRegion(region());
    switch (type) {
      case "aws_s3_bucket": {
        if (block.bucket === undefined) throw new UnresolvableReferenceError(`${at}: the bucket has no literal 'bucket' name (bucket_prefix is not resolvable before apply)`);
        const bucket = this.text(stack, block.bucket, `${at}: bucket`, depth);
        if (attribute === "bucket" || attribute === "id") return bucket;
        if (attribute === "arn") return `arn:${partition()}:s3:::${bucket}`;
        if (attribute === "region") return region();
        return fail();
      }
      case "aws_kms_key": {
        const keyId = fakeKeyId(stack, name);
        if (attribute === "key_id" || attribute === "id") return keyId;
        if (attribute === "arn") return `arn:${partition()}:kms:${region()}:${this.accountId}:key/${keyId}`;
        return fail();
      }
      case "aws_kms_alias": {
        const aliasName = this.attr(stack, block, "name", at, depth);
        if (attribute === "name" || attribute === "id") return aliasName;
        if (attribute === "arn") return `arn:${partition()}:kms:${region()}:${this.accountId}:${aliasName}`;
        return fail();
      }
      case "aws_iam_role": {
        if (attribute === "name" || attribute === "id") return this.attr(stack, block, "name", at, depth);
        if (attribute === "arn") return this.roleArn(stack, block, at, depth);
        return fail();
      }
      case "aws_iam_policy": {
        const policyName = this.attr(stack, block, "name", at, depth);
        const path = typeof block.path === "string" ? this.text(stack, block.path, `${at}.path`, depth) : "/";
        if (attribute === "name") return policyName;
        if (attribute === "arn" || attribute === "id") return `arn:${partition()}:iam::${this.accountId}:policy${path}${policyName}`;
        return fail();
      }
      case "aws_rolesanywhere_trust_anchor":
      case "aws_rolesanywhere_profile": {
        // Resource types `trust-anchor` and `profile`: arn:${Partition}:rolesanywhere:${Region}:${Account}:trust-anchor/${TrustAnchorId}
        // and .../profile/${ProfileId} (Service Authorization Reference, "Actions, resources, and
        // condition keys for AWS Identity and Access Management Roles Anywhere", Resource types);
        // the ids are UUIDs (GetTrustAnchor / GetProfile, trustAnchorId / profileId).
        const id = fakeKeyId(stack, name);
        if (attribute === "id") return id;
        if (attribute === "arn") return `arn:${partition()}:rolesanywhere:${region()}:${this.accountId}:${type === "aws_rolesanywhere_profile" ? "profile" : "trust-anchor"}/${id}`;
        if (attribute === "name") return this.attr(stack, block, "name", at, depth);
        return fail();
      }
      case "aws_vpc_endpoint": {
        if (attribute === "id") return `vpce-${createHash("sha256").update(`${stack}/${name}`).digest("hex").slice(0, 17)}`;
        return fail();
      }
      default:
        throw new UnresolvableReferenceError(`${at}: the adapter does not resolve references to ${type}`);
    }
  }

  private dataExpression(stack: string, parts: string[], at: string, depth: number): string {
    const [type, name, attribute, ...rest] = parts;
    const source = this.app[stack]?.data?.[type]?.[name];
    if (!source) throw new UnresolvableReferenceError(`${at}: stack '${stack}' has no data source ${type}.${name}`);
    if (type === "terraform_remote_state" && attribute === "outputs" && rest.length === 1) {
      // cdktf names the input of a cross-stack reference `cross-stack-reference-input-<producing
      // stack's construct path>`, which for a stack of an App is its name (cdktf 0.21
      // lib/terraform-stack.ts, registerIncomingCrossStackReference).
      const prefix = "cross-stack-reference-input-";
      if (!name.startsWith(prefix)) throw new UnresolvableReferenceError(`${at}: remote state '${name}' is not a cdktf cross-stack reference`);
      const producer = name.slice(prefix.length);
      return this.output(producer, rest[0], at, depth);
    }
    if (rest.length === 0 && type === "aws_caller_identity" && attribute === "account_id") return this.accountId;
    if (rest.length === 0 && type === "aws_region" && (attribute === "name" || attribute === "region" || attribute === "id")) {
      return this.resourceRegion(stack, source, at);
    }
    if (rest.length === 0 && type === "aws_partition" && attribute === "partition") return partitionOfRegion(this.resourceRegion(stack, source, at));
    throw new UnresolvableReferenceError(`${at}: the adapter does not resolve data.${parts.join(".")}`);
  }
}

/**
 * Collects every IAM role (with its policies), S3 bucket (with its policy and default encryption),
 * KMS key (with its key policy), replication configuration and VPC endpoint policy of an app's
 * stacks, every reference resolved. Throws on anything it cannot resolve or does not model.
 */
export function collectAwsPolicies(app: SynthesizedApp, options: CollectOptions): AwsPolicies {
  if (!/^\d{12}$/.test(options.accountId)) throw new Error(`accountId must be 12 digits, got '${options.accountId}'`);
  const r = new Resolver(app, options.accountId);
  const each = (type: string, visit: (stack: string, name: string, block: Block, where: string) => void) => {
    for (const [stack, synth] of Object.entries(app)) {
      for (const [name, block] of Object.entries(synth.resource?.[type] ?? {})) visit(stack, name, block, `${stack}: ${type}.${name}`);
    }
  };
  for (const type of UNMODELLED_GRANTING_TYPES) {
    each(type, (_s, _n, _b, where) => {
      throw new UnresolvableReferenceError(`${where}: the adapter does not model ${type}, which can grant access; extend it before evaluating this app`);
    });
  }

  // IAM: customer-managed policies first, then roles, then what attaches the former to the latter.
  const managed = new Map<string, NamedPolicy>();
  each("aws_iam_policy", (stack, name, block, where) => {
    const arn = r.text(stack, `\${aws_iam_policy.${name}.arn}`, where, 0);
    managed.set(arn, { name: `${stack}/aws_iam_policy.${name}`, document: r.policy(stack, block.policy, `${where}.policy`) });
  });
  const roles: { model: Omit<RoleModel, "policies">; policies: NamedPolicy[] }[] = [];
  const managedPolicy = (arn: string, where: string): NamedPolicy => {
    const p = managed.get(arn);
    if (!p) {
      throw new UnresolvableReferenceError(
        `${where}: attaches '${arn}', which no synthesized stack creates (an AWS managed policy?): its text is unknown, so access cannot be evaluated`,
      );
    }
    return p;
  };
  each("aws_iam_role", (stack, name, block, where) => {
    if (block.permissions_boundary !== undefined) {
      throw new UnresolvableReferenceError(`${where}: has a permissions boundary, which the adapter does not model (it would decide allowed requests wrongly)`);
    }
    const roleName = r.attr(stack, block, "name", where);
    const policies: NamedPolicy[] = blocks(block.inline_policy).map((p, i) => ({
      name: `${stack}/aws_iam_role.${name}.inline_policy[${i}]`,
      document: r.policy(stack, p.policy, `${where}.inline_policy[${i}]`),
    }));
    for (const arn of (block.managed_policy_arns as string[] | undefined) ?? []) {
      policies.push(managedPolicy(r.text(stack, arn, `${where}.managed_policy_arns`, 0), where));
    }
    roles.push({
      model: { stack, address: `aws_iam_role.${name}`, name: roleName, arn: r.roleArn(stack, block, where), trustPolicy: r.policy(stack, block.assume_role_policy, `${where}.assume_role_policy`) },
      policies,
    });
  });
  const roleNamed = (roleName: string, where: string) => {
    const found = roles.filter((x) => x.model.name === roleName);
    if (found.length !== 1) {
      throw new UnresolvableReferenceError(`${where}: names role '${roleName}', which ${found.length === 0 ? "no synthesized stack creates" : `${found.length} stacks create`}`);
    }
    return found[0];
  };
  each("aws_iam_role_policy", (stack, name, block, where) => {
    roleNamed(r.attr(stack, block, "role", where), where).policies.push({
      name: `${stack}/aws_iam_role_policy.${name}`,
      document: r.policy(stack, block.policy, `${where}.policy`),
    });
  });
  each("aws_iam_role_policy_attachment", (stack, _name, block, where) => {
    roleNamed(r.attr(stack, block, "role", where), where).policies.push(managedPolicy(r.attr(stack, block, "policy_arn", where), where));
  });
  each("aws_iam_policy_attachment", (stack, _name, block, where) => {
    if (blocks(block.users).length > 0 || blocks(block.groups).length > 0) {
      throw new UnresolvableReferenceError(`${where}: attaches to users or groups, which the adapter does not model`);
    }
    const policy = managedPolicy(r.attr(stack, block, "policy_arn", where), where);
    for (const role of blocks(block.roles) as unknown as string[]) roleNamed(r.text(stack, role, `${where}.roles`, 0), where).policies.push(policy);
  });

  // S3 buckets, their policies and default encryption.
  const buckets: { -readonly [K in keyof BucketModel]: BucketModel[K] }[] = [];
  each("aws_s3_bucket", (stack, name, block, where) => {
    const bucketName = r.text(stack, `\${aws_s3_bucket.${name}.bucket}`, where, 0);
    buckets.push({
      stack,
      address: `aws_s3_bucket.${name}`,
      name: bucketName,
      arn: r.text(stack, `\${aws_s3_bucket.${name}.arn}`, where, 0),
      region: r.resourceRegion(stack, block, where),
      tags: Object.fromEntries(Object.entries((block.tags ?? {}) as Record<string, string>).map(([k, v]) => [k, r.text(stack, v, `${where}.tags`, 0)])),
      ...(block.policy !== undefined ? { policy: r.policy(stack, block.policy, `${where}.policy`) } : {}),
    });
  });
  const bucketNamed = (bucketName: string, where: string) => {
    const found = buckets.find((b) => b.name === bucketName);
    if (!found) throw new UnresolvableReferenceError(`${where}: names bucket '${bucketName}', which no synthesized stack creates`);
    return found;
  };
  each("aws_s3_bucket_policy", (stack, _name, block, where) => {
    const bucket = bucketNamed(r.attr(stack, block, "bucket", where), where);
    if (bucket.policy) throw new UnresolvableReferenceError(`${where}: bucket '${bucket.name}' has two policies`);
    bucket.policy = r.policy(stack, block.policy, `${where}.policy`);
  });
  each("aws_s3_bucket_server_side_encryption_configuration", (stack, _name, block, where) => {
    const bucket = bucketNamed(r.attr(stack, block, "bucket", where), where);
    const rules = blocks(block.rule);
    const defaults = rules.flatMap((rule) => blocks(rule.apply_server_side_encryption_by_default));
    if (defaults.length !== 1) throw new UnresolvableReferenceError(`${where}: expected one apply_server_side_encryption_by_default, got ${defaults.length}`);
    if (bucket.defaultEncryption) throw new UnresolvableReferenceError(`${where}: bucket '${bucket.name}' has two encryption configurations`);
    const d = defaults[0];
    bucket.defaultEncryption = {
      algorithm: r.attr(stack, d, "sse_algorithm", where),
      ...(d.kms_master_key_id !== undefined ? { keyArn: r.attr(stack, d, "kms_master_key_id", where) } : {}),
      bucketKeyEnabled: rules.some((rule) => rule.bucket_key_enabled === true),
    };
  });

  // KMS keys and their policies.
  const keys: { -readonly [K in keyof KeyModel]: KeyModel[K] }[] = [];
  each("aws_kms_key", (stack, name, block, where) => {
    const arn = r.text(stack, `\${aws_kms_key.${name}.arn}`, where, 0);
    keys.push({
      stack,
      address: `aws_kms_key.${name}`,
      arn,
      keyId: fakeKeyId(stack, name),
      region: r.resourceRegion(stack, block, where),
      // Without a policy, KMS gives the key its default policy: the account root may do kms:*, which
      // lets IAM policies grant use (KMS Developer Guide, "Default key policy").
      policy:
        block.policy !== undefined
          ? r.policy(stack, block.policy, `${where}.policy`)
          : { Version: "2012-10-17", Statement: [{ Sid: "Enable IAM User Permissions", Effect: "Allow", Principal: { AWS: `arn:${partitionOfRegion(r.resourceRegion(stack, block, where))}:iam::${options.accountId}:root` }, Action: "kms:*", Resource: "*" }] },
      ...(typeof block.deletion_window_in_days === "number" ? { deletionWindowInDays: block.deletion_window_in_days } : {}),
      aliases: [],
    });
  });
  each("aws_kms_alias", (stack, _name, block, where) => {
    const ref = r.attr(stack, block, "target_key_id", where);
    const key = keys.find((k) => k.arn === ref || k.keyId === ref);
    if (!key) throw new UnresolvableReferenceError(`${where}: alias points at key '${ref}', which no synthesized stack creates`);
    key.aliases = [...key.aliases, r.attr(stack, block, "name", where)];
  });
  each("aws_kms_key_policy", (stack, name, block, where) => {
    const ref = r.attr(stack, block, "key_id", where);
    const key = keys.find((k) => k.arn === ref || k.keyId === ref);
    if (!key) throw new UnresolvableReferenceError(`${where}: names key '${ref}', which no synthesized stack creates`);
    const own = app[key.stack].resource?.aws_kms_key?.[key.address.split(".")[1]];
    if (own?.policy !== undefined) throw new UnresolvableReferenceError(`${where}: key ${key.address} also sets its policy inline (two sources, ${stack}: aws_kms_key_policy.${name})`);
    key.policy = r.policy(stack, block.policy, `${where}.policy`);
  });

  const replications: ReplicationModel[] = [];
  each("aws_s3_bucket_replication_configuration", (stack, name, block, where) => {
    replications.push({
      stack,
      address: `aws_s3_bucket_replication_configuration.${name}`,
      sourceBucket: r.attr(stack, block, "bucket", where),
      roleArn: r.attr(stack, block, "role", where),
      rules: blocks(block.rule).map((rule, i) => {
        const at = `${where}.rule[${i}]`;
        const destination = blocks(rule.destination);
        if (destination.length !== 1) throw new UnresolvableReferenceError(`${at}: expected one destination, got ${destination.length}`);
        const encryption = blocks(destination[0].encryption_configuration);
        const deleteMarkers = blocks(rule.delete_marker_replication);
        return {
          ...(typeof rule.id === "string" ? { id: rule.id } : {}),
          status: r.attr(stack, rule, "status", at),
          destinationBucketArn: r.attr(stack, destination[0], "bucket", `${at}.destination`),
          ...(encryption.length === 1 ? { replicaKeyArn: r.attr(stack, encryption[0], "replica_kms_key_id", `${at}.destination.encryption_configuration`) } : {}),
          ...(deleteMarkers.length === 1 ? { deleteMarkerReplication: r.attr(stack, deleteMarkers[0], "status", `${at}.delete_marker_replication`) } : {}),
        };
      }),
    });
  });

  const endpoints: EndpointModel[] = [];
  each("aws_vpc_endpoint", (stack, name, block, where) => {
    const serviceName = r.attr(stack, block, "service_name", where);
    const service = /^com\.amazonaws\.[a-z0-9-]+\.([a-z0-9.-]+)$/.exec(serviceName)?.[1];
    if (!service) throw new UnresolvableReferenceError(`${where}: unrecognised service_name '${serviceName}'`);
    endpoints.push({
      stack,
      address: `aws_vpc_endpoint.${name}`,
      id: r.text(stack, `\${aws_vpc_endpoint.${name}.id}`, where, 0),
      service,
      region: r.resourceRegion(stack, block, where),
      type: typeof block.vpc_endpoint_type === "string" ? block.vpc_endpoint_type : "Gateway",
      // Without a policy an endpoint allows full access (VPC User Guide, "Control access to VPC endpoints using endpoint policies").
      policy: block.policy !== undefined ? r.policy(stack, block.policy, `${where}.policy`) : { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "*", Resource: "*" }] },
    });
  });

  // IAM Roles Anywhere: which CA a trust anchor trusts, which roles a profile hands out. A profile's
  // session policies would narrow every session it hands out; they are not modelled, so refuse them.
  const trustAnchors: TrustAnchorModel[] = [];
  each("aws_rolesanywhere_trust_anchor", (stack, name, block, where) => {
    const sources = blocks(block.source);
    if (sources.length !== 1) throw new UnresolvableReferenceError(`${where}: expected one source, got ${sources.length}`);
    const data = blocks(sources[0].source_data);
    const pem = data.length === 1 && data[0].x509_certificate_data !== undefined ? r.attr(stack, data[0], "x509_certificate_data", `${where}.source.source_data`) : undefined;
    trustAnchors.push({
      stack,
      address: `aws_rolesanywhere_trust_anchor.${name}`,
      name: r.attr(stack, block, "name", where),
      arn: r.text(stack, `\${aws_rolesanywhere_trust_anchor.${name}.arn}`, where, 0),
      region: r.resourceRegion(stack, block, where),
      ...(typeof block.enabled === "boolean" ? { enabled: block.enabled } : {}),
      sourceType: r.attr(stack, sources[0], "source_type", `${where}.source`),
      ...(pem !== undefined ? { certificatePem: pem } : {}),
    });
  });
  const profiles: ProfileModel[] = [];
  each("aws_rolesanywhere_profile", (stack, name, block, where) => {
    for (const narrowing of ["session_policy", "managed_policy_arns"]) {
      if (block[narrowing] !== undefined && blocks(block[narrowing]).length > 0) {
        throw new UnresolvableReferenceError(`${where}: sets ${narrowing}, which narrows every session the profile hands out; the adapter does not model it`);
      }
    }
    profiles.push({
      stack,
      address: `aws_rolesanywhere_profile.${name}`,
      name: r.attr(stack, block, "name", where),
      arn: r.text(stack, `\${aws_rolesanywhere_profile.${name}.arn}`, where, 0),
      region: r.resourceRegion(stack, block, where),
      ...(typeof block.enabled === "boolean" ? { enabled: block.enabled } : {}),
      roleArns: (blocks(block.role_arns) as unknown as string[]).map((arn) => r.text(stack, arn, `${where}.role_arns`, 0)),
      ...(typeof block.duration_seconds === "number" ? { durationSeconds: block.duration_seconds } : {}),
    });
  });

  return new AwsPolicies(
    options.accountId,
    roles.map((x) => ({ ...x.model, policies: x.policies })),
    buckets,
    keys,
    replications,
    endpoints,
    trustAnchors,
    profiles,
    r,
  );
}
