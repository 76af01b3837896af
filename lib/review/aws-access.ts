/**
 * Who can do what on AWS, decided from the synthesized Terraform JSON alone (the `cdk.tf.json` of
 * each stack in `cdktf.out`), never from the constructs that produced it: the review's own
 * resolver of IAM role policies, trust policies, bucket policies, key policies and VPC endpoint
 * policies. (The AGPL evaluator `@cloud-copilot/iam-simulate` is used only by the tests, which
 * cross-check this resolver's answers against it.)
 *
 * What it reads: `aws_iam_role` (name, trust policy, `inline_policy`), `aws_iam_role_policy`,
 * `aws_iam_policy` with its attachments, `aws_s3_bucket` with `aws_s3_bucket_policy` and default
 * encryption, `aws_kms_key` (`policy`) and `aws_kms_key_policy`, `aws_vpc_endpoint` policies,
 * `aws_rolesanywhere_profile` and `aws_s3_bucket_replication_configuration` (who uses a role).
 * References (`${aws_s3_bucket.X.arn}`, cdktf's cross-stack outputs) become ARNs built from the
 * resources' own attributes; a KMS key's or endpoint's id exists only after apply, so a stand-in
 * that no wildcard but `*` can match is used (`key/tf.<stack>.<resource>`).
 *
 * How it decides, as AWS does (IAM User Guide, "Policy evaluation logic"; "Cross-account and
 * same-account"; KMS Developer Guide, "Key policies in AWS KMS"):
 * - an explicit Deny in any policy that applies (identity, resource, endpoint) wins;
 * - a request through a VPC endpoint also needs an Allow of the endpoint policy;
 * - S3 (same account): an Allow of the identity policy or of the bucket policy naming the
 *   principal itself suffices; a bucket-policy Allow naming the account only delegates to IAM;
 * - KMS: the key policy must allow; naming the account (`arn:aws:iam::<account>:root`) lets IAM
 *   policies allow, so the identity policy must then allow too ("Allows access to the AWS account
 *   and enables IAM policies");
 * - STS AssumeRole: the trust policy must allow the caller; naming the account also needs the
 *   caller's identity policy;
 * - conditions: every operator and key must hold (AND), any value of one key (OR; NOR for negated
 *   operators); a key absent from the request makes a condition false, except for negated
 *   operators (true), `...IfExists` (true) and `Null` (IAM User Guide, "IAM JSON policy elements:
 *   Condition operators").
 * Principals the stacks do not create (custody administrators, named in trust and key policies)
 * are assumed to hold every permission their own account could give them (AdministratorAccess):
 * what they still cannot do is what the resource policies refuse. An AWS managed policy's text
 * is not in the synth, so a role with one is treated the same way. Anything that could grant
 * access but is not modelled (a KMS grant, an access point, users' and groups' policies) is
 * listed in {@link AwsAccess.unmodelled} rather than skipped silently.
 */
import { isObject, type Json, type JsonObject, parseReference, type SynthesizedStack, templateParts } from "./terraform-json";

/** One statement of an IAM policy document, normalised. */
export interface AwsStatement {
  readonly sid?: string;
  readonly effect: "Allow" | "Deny";
  /** `*` or the principals by type (`AWS`, `Service`, `Federated`); absent in identity policies. */
  readonly principal?: "*" | Readonly<Record<string, readonly string[]>>;
  readonly notPrincipal?: "*" | Readonly<Record<string, readonly string[]>>;
  readonly actions?: readonly string[];
  readonly notActions?: readonly string[];
  readonly resources?: readonly string[];
  readonly notResources?: readonly string[];
  /** Operator -> key -> values. */
  readonly condition?: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;
}

/** A policy document with its statements resolved and normalised. */
export interface AwsPolicy {
  /** Where it came from: `<stack>/<type>.<name>`. */
  readonly source: string;
  readonly statements: readonly AwsStatement[];
}

/** An IAM role created by the stacks. */
export interface AwsRole {
  readonly stack: string;
  readonly address: string;
  readonly name: string;
  readonly arn: string;
  readonly trust: AwsPolicy;
  readonly policies: readonly AwsPolicy[];
  /** AWS managed (or otherwise unknown) policy ARNs attached: treated as allowing everything. */
  readonly unknownPolicies: readonly string[];
}

/** A bucket created by the stacks. */
export interface AwsBucket {
  readonly stack: string;
  readonly address: string;
  readonly name: string;
  readonly arn: string;
  readonly region: string;
  /** The account the bucket is created in (its stack's provider). */
  readonly account: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly policy?: AwsPolicy;
  /** The key ARN of its default SSE-KMS encryption, if any. */
  readonly keyArn?: string;
}

/** A KMS key created by the stacks. */
export interface AwsKey {
  readonly stack: string;
  readonly address: string;
  readonly arn: string;
  readonly region: string;
  readonly policy: AwsPolicy;
}

/** A VPC endpoint created by the stacks. */
export interface AwsEndpoint {
  readonly stack: string;
  readonly address: string;
  readonly id: string;
  readonly service: string;
  readonly policy: AwsPolicy;
}

/** A request to decide. */
export interface AwsRequest {
  readonly action: string;
  readonly resource: string;
  /** Extra request keys (the principal's keys are added). */
  readonly context?: Readonly<Record<string, string>>;
  /** The VPC endpoint the request goes through. */
  readonly endpoint?: AwsEndpoint;
}

/** An answer with its reason. */
export interface AwsDecision {
  readonly allowed: boolean;
  /** `allowed by ...`, `explicitly denied by ...`, `not allowed by ...`. */
  readonly reason: string;
}

/** The AWS partition of a region (aws-sdk-js-v3 packages/util-endpoints/src/lib/aws/partitions.json). */
export function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  if (region.startsWith("eusc-")) return "aws-eusc";
  return "aws";
}

/** IAM's wildcard match: `*` any run of characters, `?` one character. */
export function iamWildcard(pattern: string, value: string, ignoreCase: boolean): boolean {
  const cacheKey = `${ignoreCase ? "i" : "s"}${pattern}`;
  let re = WILDCARDS.get(cacheKey);
  if (!re) {
    const body = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
    re = new RegExp(`^${body}$`, ignoreCase ? "is" : "s");
    WILDCARDS.set(cacheKey, re);
  }
  return re.test(value);
}
const WILDCARDS = new Map<string, RegExp>();

const list = (v: Json | undefined): string[] => (v === undefined || v === null ? [] : Array.isArray(v) ? (v as Json[]).map(String) : [String(v)]);

/** Normalises a parsed policy document. */
export function normalisePolicy(source: string, doc: Json): AwsPolicy {
  if (!isObject(doc)) throw new Error(`${source}: a policy document must be a JSON object`);
  const raw = doc.Statement;
  const statements = (Array.isArray(raw) ? (raw as Json[]) : [raw]).filter(isObject).map((s): AwsStatement => {
    const principal = (p: Json | undefined) => {
      if (p === undefined) return undefined;
      if (p === "*") return "*" as const;
      if (!isObject(p)) throw new Error(`${source}: statement ${String(s.Sid ?? "")} has a principal that is neither '*' nor an object`);
      const out: Record<string, string[]> = {};
      for (const [k, v] of Object.entries(p)) out[k] = list(v);
      return out;
    };
    const condition: Record<string, Record<string, string[]>> = {};
    if (isObject(s.Condition)) {
      for (const [op, keys] of Object.entries(s.Condition)) {
        if (!isObject(keys)) continue;
        condition[op] = {};
        for (const [k, v] of Object.entries(keys)) condition[op][k] = list(v);
      }
    }
    const effect = s.Effect === "Deny" ? "Deny" : "Allow";
    const p = principal(s.Principal);
    const np = principal(s.NotPrincipal);
    return {
      ...(typeof s.Sid === "string" ? { sid: s.Sid } : {}),
      effect,
      ...(p !== undefined ? { principal: p } : {}),
      ...(np !== undefined ? { notPrincipal: np } : {}),
      ...(s.Action !== undefined ? { actions: list(s.Action) } : {}),
      ...(s.NotAction !== undefined ? { notActions: list(s.NotAction) } : {}),
      ...(s.Resource !== undefined ? { resources: list(s.Resource) } : {}),
      ...(s.NotResource !== undefined ? { notResources: list(s.NotResource) } : {}),
      ...(Object.keys(condition).length > 0 ? { condition } : {}),
    };
  });
  return { source, statements };
}

/** Whether one condition block holds for the request context (keys compared case-insensitively, as IAM does). */
export function conditionHolds(condition: AwsStatement["condition"], context: Readonly<Record<string, string>>): boolean {
  if (!condition) return true;
  const lower = new Map(Object.entries(context).map(([k, v]) => [k.toLowerCase(), v]));
  for (const [rawOp, keys] of Object.entries(condition)) {
    const op = rawOp.replace(/^(ForAnyValue|ForAllValues):/, "");
    const ifExists = op.endsWith("IfExists");
    const base = ifExists ? op.slice(0, -"IfExists".length) : op;
    for (const [key, values] of Object.entries(keys)) {
      const actual = lower.get(key.toLowerCase());
      if (base === "Null") {
        const wantsAbsent = values.some((v) => v.toLowerCase() === "true");
        if (wantsAbsent !== (actual === undefined)) return false;
        continue;
      }
      const negated = /Not/.test(base);
      if (actual === undefined) {
        if (ifExists || negated) continue;
        return false;
      }
      const anyMatches = values.some((v) => matchesOperator(base.replace("Not", ""), v, actual));
      if (negated ? anyMatches : !anyMatches) return false;
    }
  }
  return true;
}

function matchesOperator(op: string, expected: string, actual: string): boolean {
  switch (op) {
    case "StringEquals":
      return expected === actual;
    case "StringEqualsIgnoreCase":
      return expected.toLowerCase() === actual.toLowerCase();
    case "StringLike":
      return iamWildcard(expected, actual, false);
    case "ArnEquals":
    case "ArnLike":
      return iamWildcard(expected, actual, false);
    case "Bool":
      return expected.toLowerCase() === actual.toLowerCase();
    case "NumericEquals":
      return Number(actual) === Number(expected);
    case "NumericLessThan":
      return Number(actual) < Number(expected);
    case "NumericLessThanEquals":
      return Number(actual) <= Number(expected);
    case "NumericGreaterThan":
      return Number(actual) > Number(expected);
    case "NumericGreaterThanEquals":
      return Number(actual) >= Number(expected);
    default:
      throw new Error(`condition operator '${op}' is not evaluated by the review's AWS resolver`);
  }
}

/** The principal making a request. */
export interface AwsCaller {
  /** A role or user ARN, or a service principal (`s3.amazonaws.com`). */
  readonly arn: string;
  readonly account?: string;
  /** Identity policies; undefined means "any permission its account could give" (AdministratorAccess). */
  readonly policies?: readonly AwsPolicy[];
}

function principalMatches(spec: AwsStatement["principal"], caller: AwsCaller): "named" | "account" | undefined {
  if (spec === undefined) return undefined;
  if (spec === "*") return "named";
  for (const [type, values] of Object.entries(spec)) {
    for (const v of values) {
      if (type === "Service" && v === caller.arn) return "named";
      if (type !== "AWS") continue;
      if (v === "*") return "named";
      if (v === caller.arn) return "named";
      const root = /^arn:[^:]+:iam::(\d{12}):root$/.exec(v)?.[1] ?? (/^\d{12}$/.test(v) ? v : undefined);
      if (root !== undefined && root === caller.account) return "account";
    }
  }
  return undefined;
}

function statementApplies(s: AwsStatement, request: AwsRequest, context: Readonly<Record<string, string>>): boolean {
  const actionOk = s.actions ? s.actions.some((a) => iamWildcard(a, request.action, true)) : s.notActions ? !s.notActions.some((a) => iamWildcard(a, request.action, true)) : false;
  if (!actionOk) return false;
  const resourceOk = s.resources
    ? s.resources.some((r) => iamWildcard(r, request.resource, false))
    : s.notResources
      ? !s.notResources.some((r) => iamWildcard(r, request.resource, false))
      : true; // resource policies may omit Resource for the resource they are attached to
  return resourceOk && conditionHolds(s.condition, context);
}

/** The kind of policy a statement is read from. */
type PolicyKind = "identity" | "resource" | "endpoint";

/** Evaluates one request against identity, resource and endpoint policies. */
export function decide(caller: AwsCaller, request: AwsRequest, resourcePolicy: AwsPolicy | undefined, service: "s3" | "kms" | "sts"): AwsDecision {
  const context: Record<string, string> = {
    ...(caller.account ? { "aws:PrincipalArn": caller.arn, "aws:PrincipalAccount": caller.account } : { "aws:PrincipalIsAWSService": "true", "aws:PrincipalServiceName": caller.arn }),
    "aws:SecureTransport": "true",
    ...(request.endpoint ? { "aws:SourceVpce": request.endpoint.id } : {}),
    ...(request.context ?? {}),
  };
  const sources: { kind: PolicyKind; policy: AwsPolicy }[] = [
    ...(caller.policies ?? []).map((policy) => ({ kind: "identity" as const, policy })),
    ...(resourcePolicy ? [{ kind: "resource" as const, policy: resourcePolicy }] : []),
    ...(request.endpoint ? [{ kind: "endpoint" as const, policy: request.endpoint.policy }] : []),
  ];
  const applies = (kind: PolicyKind, s: AwsStatement) => {
    if (kind !== "identity") {
      if (s.notPrincipal !== undefined) {
        if (principalMatches(s.notPrincipal, caller) !== undefined) return false;
      } else if (principalMatches(s.principal, caller) === undefined) return false;
    }
    return statementApplies(s, request, context);
  };
  for (const { kind, policy } of sources) {
    const deny = policy.statements.find((s) => s.effect === "Deny" && applies(kind, s));
    if (deny) return { allowed: false, reason: `explicitly denied by ${policy.source}${deny.sid ? ` (${deny.sid})` : ""}` };
  }
  if (request.endpoint) {
    const ok = request.endpoint.policy.statements.some((s) => s.effect === "Allow" && applies("endpoint", s));
    if (!ok) return { allowed: false, reason: `not allowed by the endpoint policy ${request.endpoint.policy.source}` };
  }
  // Identity side: explicit policies, or (for principals outside the stacks) anything.
  const identityAllow =
    caller.policies === undefined
      ? caller.account
        ? "the principal's own account (assumed: AdministratorAccess)"
        : undefined
      : caller.policies.map((p) => ({ p, s: p.statements.find((s) => s.effect === "Allow" && statementApplies(s, request, context)) })).find((x) => x.s);
  const identityReason = typeof identityAllow === "string" ? identityAllow : identityAllow ? `${identityAllow.p.source}${identityAllow.s!.sid ? ` (${identityAllow.s!.sid})` : ""}` : undefined;
  let resourceNamed: string | undefined;
  let resourceAccount: string | undefined;
  for (const s of resourcePolicy?.statements ?? []) {
    if (s.effect !== "Allow" || !statementApplies(s, request, context)) continue;
    const m = principalMatches(s.principal, caller);
    const where = `${resourcePolicy!.source}${s.sid ? ` (${s.sid})` : ""}`;
    if (m === "named") resourceNamed ??= where;
    if (m === "account") resourceAccount ??= where;
  }
  if (service === "kms") {
    if (resourceNamed) return { allowed: true, reason: `allowed by ${resourceNamed}` };
    if (resourceAccount && identityReason) return { allowed: true, reason: `allowed by ${resourceAccount} and ${identityReason}` };
    return { allowed: false, reason: resourceAccount ? `the key policy delegates to IAM, and no identity policy allows ${request.action}` : `no statement of the key policy allows ${request.action}` };
  }
  if (service === "sts") {
    if (resourceNamed) return { allowed: true, reason: `allowed by ${resourceNamed}` };
    if (resourceAccount && identityReason) return { allowed: true, reason: `allowed by ${resourceAccount} and ${identityReason}` };
    return { allowed: false, reason: `the trust policy does not allow ${caller.arn}` };
  }
  if (resourceNamed) return { allowed: true, reason: `allowed by ${resourceNamed}` };
  if (identityReason) return { allowed: true, reason: `allowed by ${identityReason}` };
  return { allowed: false, reason: `no policy allows ${request.action}` };
}

/** Resource types that can grant access to data or keys but are not modelled. */
const UNMODELLED_GRANTING_TYPES = [
  "aws_kms_grant",
  "aws_kms_replica_key",
  "aws_s3_bucket_acl",
  "aws_s3_access_point",
  "aws_s3control_access_point_policy",
  "aws_s3control_multi_region_access_point_policy",
  "aws_s3control_bucket_policy",
  "aws_iam_group_policy",
  "aws_iam_group_policy_attachment",
  "aws_iam_user_policy",
  "aws_iam_user_policy_attachment",
];

/** Turns the stacks' strings into concrete values. Internal. */
class Resolver {
  private readonly byName = new Map<string, SynthesizedStack>();

  constructor(
    stacks: readonly SynthesizedStack[],
    private readonly fallbackAccount: string | undefined,
  ) {
    for (const s of stacks) this.byName.set(s.name, s);
  }

  public block(stack: string, type: string, name: string): JsonObject | undefined {
    const b = this.byName.get(stack)?.json.resource?.[type]?.[name];
    return isObject(b) ? b : undefined;
  }

  public region(stack: string, attrs?: JsonObject): string {
    const alias = typeof attrs?.provider === "string" ? attrs.provider.split(".")[1] : undefined;
    const providers = this.byName.get(stack)?.json.provider?.aws ?? [];
    const p = providers.find((x) => (alias ? x.alias === alias : x.alias === undefined)) ?? providers[0];
    if (!p || typeof p.region !== "string") throw new Error(`${stack}: the aws provider has no literal region`);
    return p.region;
  }

  public account(stack: string): string {
    const providers = this.byName.get(stack)?.json.provider?.aws ?? [];
    const ids = providers.flatMap((p) => list(p.allowed_account_ids));
    const id = ids[0] ?? this.fallbackAccount;
    if (!id) throw new Error(`${stack}: cannot tell the AWS account: the aws provider has no allowed_account_ids and custody names none`);
    return id;
  }

  public text(stack: string, value: Json | undefined, what: string): string {
    if (typeof value === "number" || typeof value === "boolean") return String(value);
    if (typeof value !== "string") throw new Error(`${stack}: ${what} must be a string, got ${JSON.stringify(value ?? null)}`);
    return templateParts(value)
      .map((p) => ("literal" in p ? p.literal : this.expression(stack, p.expression, what)))
      .join("");
  }

  private expression(stack: string, expression: string, what: string): string {
    const ref = parseReference(expression);
    const fail = (reason: string): never => {
      throw new Error(`${stack}: cannot resolve \`${expression}\` in ${what}: ${reason}`);
    };
    if (!ref) return fail("only plain references are evaluated");
    if (ref.data) {
      const prefix = "cross-stack-reference-input-";
      if (ref.type !== "terraform_remote_state" || !ref.name.startsWith(prefix) || ref.attribute[0] !== "outputs") return fail("data sources are read only at apply time");
      const origin = ref.name.slice(prefix.length);
      const output = this.byName.get(origin)?.json.output?.[ref.attribute[1]];
      if (!isObject(output)) return fail(`stack '${origin}' has no output '${ref.attribute[1]}'`);
      return this.text(origin, output.value, `output ${ref.attribute[1]}`);
    }
    const attrs = this.block(stack, ref.type, ref.name);
    if (!attrs) return fail(`stack '${stack}' has no resource ${ref.type}.${ref.name}`);
    const attr = ref.attribute.join(".");
    const region = () => this.region(stack, attrs);
    const account = () => this.account(stack);
    const p = () => partitionOf(region());
    const standIn = `tf.${stack}.${ref.name}`;
    switch (`${ref.type}.${attr}`) {
      case "aws_s3_bucket.bucket":
      case "aws_s3_bucket.id":
        return this.text(stack, attrs.bucket, `${ref.type}.${ref.name}.bucket`);
      case "aws_s3_bucket.arn":
        // S3 User Guide, "Amazon S3 resources": arn:<partition>:s3:::<bucket>.
        return `arn:${p()}:s3:::${this.text(stack, attrs.bucket, `${ref.type}.${ref.name}.bucket`)}`;
      case "aws_iam_role.name":
      case "aws_iam_role.id":
        return this.text(stack, attrs.name, `${ref.type}.${ref.name}.name`);
      case "aws_iam_role.arn": {
        const path = typeof attrs.path === "string" ? attrs.path : "/";
        return `arn:${p()}:iam::${account()}:role${path}${this.text(stack, attrs.name, `${ref.type}.${ref.name}.name`)}`;
      }
      case "aws_iam_policy.arn": {
        const path = typeof attrs.path === "string" ? attrs.path : "/";
        return `arn:${p()}:iam::${account()}:policy${path}${this.text(stack, attrs.name, `${ref.type}.${ref.name}.name`)}`;
      }
      case "aws_kms_key.arn":
        return `arn:${p()}:kms:${region()}:${account()}:key/${standIn}`;
      case "aws_kms_key.key_id":
      case "aws_kms_key.id":
        return standIn;
      case "aws_vpc_endpoint.id":
        return `vpce-${standIn}`;
      case "aws_rolesanywhere_trust_anchor.arn":
        return `arn:${p()}:rolesanywhere:${region()}:${account()}:trust-anchor/${standIn}`;
      case "aws_rolesanywhere_profile.arn":
        return `arn:${p()}:rolesanywhere:${region()}:${account()}:profile/${standIn}`;
      case "aws_sns_topic.arn":
        return `arn:${p()}:sns:${region()}:${account()}:${this.text(stack, attrs.name, `${ref.type}.${ref.name}.name`)}`;
      default:
        return fail(`${ref.type}.${attr} is not known at synth to the review`);
    }
  }

  public policy(stack: string, value: Json | undefined, source: string): AwsPolicy {
    const text = this.text(stack, value, source);
    let doc: Json;
    try {
      doc = JSON.parse(text) as Json;
    } catch (e) {
      throw new Error(`${stack}: ${source} is not valid JSON: ${(e as Error).message}`);
    }
    return normalisePolicy(`${stack}/${source}`, doc);
  }
}

const blocksOf = (v: Json | undefined): JsonObject[] => (isObject(v) ? [v] : Array.isArray(v) ? (v as Json[]).filter(isObject) : []);

/** The AWS access model of a set of synthesized stacks. */
export class AwsAccess {
  public readonly roles: readonly AwsRole[];
  public readonly buckets: readonly AwsBucket[];
  public readonly keys: readonly AwsKey[];
  public readonly endpoints: readonly AwsEndpoint[];
  /** Which service or datacenter uses a role: `s3.amazonaws.com` (replication), `rolesanywhere.amazonaws.com` (a datacenter's copy job). */
  public readonly usedBy: ReadonlyMap<string, string>;
  /** `<stack>: <type>.<name>` of every resource that could grant access and is not modelled. */
  public readonly unmodelled: readonly string[];

  /** `accountId`: the custody account, used when a stack's provider names none. */
  constructor(stacks: readonly SynthesizedStack[], accountId?: string) {
    const r = new Resolver(stacks, accountId);
    const each = (type: string, fn: (stack: string, name: string, attrs: JsonObject) => void) => {
      for (const s of stacks) for (const [name, attrs] of Object.entries(s.json.resource?.[type] ?? {})) fn(s.name, name, attrs);
    };
    const unmodelled: string[] = [];
    for (const t of UNMODELLED_GRANTING_TYPES) each(t, (stack, name) => unmodelled.push(`${stack}: ${t}.${name}`));

    const managed = new Map<string, AwsPolicy>();
    each("aws_iam_policy", (stack, name, a) => managed.set(r.text(stack, `\${aws_iam_policy.${name}.arn}`, `aws_iam_policy.${name}`), r.policy(stack, a.policy, `aws_iam_policy.${name}`)));

    const roles = new Map<string, { role: AwsRole; policies: AwsPolicy[]; unknown: string[] }>();
    each("aws_iam_role", (stack, name, a) => {
      const address = `aws_iam_role.${name}`;
      const policies = blocksOf(a.inline_policy).map((p, i) => r.policy(stack, p.policy, `${address}.inline_policy[${i}]`));
      const unknown: string[] = [];
      for (const arn of list(a.managed_policy_arns).map((x) => r.text(stack, x, `${address}.managed_policy_arns`))) {
        const m = managed.get(arn);
        if (m) policies.push(m);
        else unknown.push(arn);
      }
      const roleName = r.text(stack, a.name, `${address}.name`);
      const role: AwsRole = {
        stack,
        address,
        name: roleName,
        arn: r.text(stack, `\${${address}.arn}`, address),
        trust: r.policy(stack, a.assume_role_policy, `${address}.assume_role_policy`),
        policies,
        unknownPolicies: unknown,
      };
      roles.set(roleName, { role, policies, unknown });
    });
    const roleNamed = (stack: string, value: Json | undefined, what: string) => {
      const n = r.text(stack, value, what);
      const found = roles.get(n);
      if (!found) throw new Error(`${stack}: ${what} names role '${n}', which no synthesized stack creates`);
      return found;
    };
    each("aws_iam_role_policy", (stack, name, a) => roleNamed(stack, a.role, `aws_iam_role_policy.${name}.role`).policies.push(r.policy(stack, a.policy, `aws_iam_role_policy.${name}`)));
    each("aws_iam_role_policy_attachment", (stack, name, a) => {
      const target = roleNamed(stack, a.role, `aws_iam_role_policy_attachment.${name}.role`);
      const arn = r.text(stack, a.policy_arn, `aws_iam_role_policy_attachment.${name}.policy_arn`);
      const m = managed.get(arn);
      if (m) target.policies.push(m);
      else target.unknown.push(arn);
    });
    this.roles = [...roles.values()].map((x) => ({ ...x.role, policies: x.policies, unknownPolicies: x.unknown }));

    const buckets = new Map<string, { -readonly [K in keyof AwsBucket]: AwsBucket[K] }>();
    each("aws_s3_bucket", (stack, name, a) => {
      const address = `aws_s3_bucket.${name}`;
      const tags: Record<string, string> = {};
      if (isObject(a.tags)) for (const [k, v] of Object.entries(a.tags)) tags[k] = r.text(stack, v, `${address}.tags`);
      const b = {
        stack,
        address,
        name: r.text(stack, a.bucket, `${address}.bucket`),
        arn: r.text(stack, `\${${address}.arn}`, address),
        region: r.region(stack, a),
        account: r.account(stack),
        tags,
        ...(a.policy !== undefined ? { policy: r.policy(stack, a.policy, `${address}.policy`) } : {}),
      };
      buckets.set(b.name, b);
    });
    const bucketNamed = (stack: string, value: Json | undefined, what: string) => {
      const n = r.text(stack, value, what);
      const found = buckets.get(n);
      if (!found) throw new Error(`${stack}: ${what} names bucket '${n}', which no synthesized stack creates`);
      return found;
    };
    each("aws_s3_bucket_policy", (stack, name, a) => {
      bucketNamed(stack, a.bucket, `aws_s3_bucket_policy.${name}.bucket`).policy = r.policy(stack, a.policy, `aws_s3_bucket_policy.${name}`);
    });
    each("aws_s3_bucket_server_side_encryption_configuration", (stack, name, a) => {
      const b = bucketNamed(stack, a.bucket, `aws_s3_bucket_server_side_encryption_configuration.${name}.bucket`);
      for (const rule of blocksOf(a.rule)) {
        for (const d of blocksOf(rule.apply_server_side_encryption_by_default)) {
          if (d.sse_algorithm === "aws:kms" && d.kms_master_key_id !== undefined) b.keyArn = r.text(stack, d.kms_master_key_id, `${name}.kms_master_key_id`);
        }
      }
    });
    this.buckets = [...buckets.values()];

    const keys: { -readonly [K in keyof AwsKey]: AwsKey[K] }[] = [];
    each("aws_kms_key", (stack, name, a) => {
      const address = `aws_kms_key.${name}`;
      const arn = r.text(stack, `\${${address}.arn}`, address);
      const region = r.region(stack, a);
      // KMS Developer Guide, "Default key policy": without a policy the account may do kms:*, which lets IAM policies allow.
      const policy =
        a.policy !== undefined
          ? r.policy(stack, a.policy, `${address}.policy`)
          : normalisePolicy(`${stack}/${address} (default key policy)`, { Statement: [{ Effect: "Allow", Principal: { AWS: `arn:${partitionOf(region)}:iam::${r.account(stack)}:root` }, Action: "kms:*", Resource: "*" }] });
      keys.push({ stack, address, arn, region, policy });
    });
    each("aws_kms_key_policy", (stack, name, a) => {
      const id = r.text(stack, a.key_id, `aws_kms_key_policy.${name}.key_id`);
      const key = keys.find((k) => k.arn === id || k.arn.endsWith(`/${id}`));
      if (!key) throw new Error(`${stack}: aws_kms_key_policy.${name} names key '${id}', which no synthesized stack creates`);
      key.policy = r.policy(stack, a.policy, `aws_kms_key_policy.${name}`);
    });
    this.keys = keys;

    const endpoints: AwsEndpoint[] = [];
    each("aws_vpc_endpoint", (stack, name, a) => {
      const address = `aws_vpc_endpoint.${name}`;
      const service = /\.([a-z0-9-]+)$/.exec(r.text(stack, a.service_name, `${address}.service_name`))?.[1] ?? "";
      // VPC User Guide, "Control access to VPC endpoints using endpoint policies": no policy allows full access.
      const policy = a.policy !== undefined ? r.policy(stack, a.policy, `${address}.policy`) : normalisePolicy(`${stack}/${address} (default)`, { Statement: [{ Effect: "Allow", Principal: "*", Action: "*", Resource: "*" }] });
      endpoints.push({ stack, address, id: r.text(stack, `\${${address}.id}`, address), service, policy });
    });
    this.endpoints = endpoints;

    const usedBy = new Map<string, string>();
    each("aws_s3_bucket_replication_configuration", (stack, name, a) => usedBy.set(r.text(stack, a.role, `aws_s3_bucket_replication_configuration.${name}.role`), "S3 replication"));
    each("aws_rolesanywhere_profile", (stack, name, a) => {
      const tags = isObject(a.tags) ? a.tags : {};
      const dc = typeof tags["embassy:datacenter"] === "string" ? ` for datacenter ${tags["embassy:datacenter"]}` : "";
      for (const arn of list(a.role_arns)) usedBy.set(r.text(stack, arn, `aws_rolesanywhere_profile.${name}.role_arns`), `IAM Roles Anywhere${dc}`);
    });
    this.usedBy = usedBy;
    this.unmodelled = unmodelled;
  }

  /** The caller for a role of the stacks, or a principal outside them (assumed AdministratorAccess). */
  public caller(arn: string): AwsCaller {
    const account = /^arn:[^:]+:iam::(\d{12}):/.exec(arn)?.[1];
    const role = this.roles.find((x) => x.arn === arn);
    if (role) return { arn, ...(account ? { account } : {}), ...(role.unknownPolicies.length > 0 ? {} : { policies: role.policies }) };
    return { arn, ...(account ? { account } : {}) };
  }

  /** An S3 request on a bucket or an object in it. */
  public s3(caller: AwsCaller, action: string, bucket: AwsBucket, object: boolean, endpoint?: AwsEndpoint, context: Readonly<Record<string, string>> = {}): AwsDecision {
    const resource = object ? `${bucket.arn}/registry/snapshot.json` : bucket.arn;
    return decide(caller, { action, resource, context: { "aws:ResourceAccount": bucket.account, ...context }, ...(endpoint ? { endpoint } : {}) }, bucket.policy, "s3");
  }

  /** A KMS call on a key, made through S3 in the key's region (`kms:ViaService`) or directly. */
  public kms(caller: AwsCaller, action: string, key: AwsKey, viaS3: boolean, context: Readonly<Record<string, string>> = {}): AwsDecision {
    const ctx = viaS3 ? { "kms:ViaService": `s3.${key.region}.amazonaws.com`, "aws:ViaAWSService": "true", ...context } : { "aws:ViaAWSService": "false", ...context };
    return decide(caller, { action, resource: key.arn, context: { ...(caller.account ? { "kms:CallerAccount": caller.account } : {}), ...ctx } }, key.policy, "kms");
  }

  /** Whether `caller` may assume `role` (sts:AssumeRole against its trust policy). */
  public assume(caller: AwsCaller, role: AwsRole): AwsDecision {
    return decide(caller, { action: "sts:AssumeRole", resource: role.arn }, role.trust, "sts");
  }

  /** The key a bucket's default encryption uses, if it is one of the stacks' keys. */
  public keyOf(bucket: AwsBucket): AwsKey | undefined {
    return bucket.keyArn ? this.keys.find((k) => k.arn === bucket.keyArn) : undefined;
  }

  /** Every principal ARN (role or user) the policies name outside the stacks, e.g. custody administrators. */
  public externalPrincipals(): readonly string[] {
    const own = new Set(this.roles.map((x) => x.arn));
    const found = new Set<string>();
    const scan = (p: AwsPolicy) => {
      for (const s of p.statements) {
        const principals = s.principal && s.principal !== "*" ? (s.principal.AWS ?? []) : [];
        const fromConditions = Object.values(s.condition ?? {}).flatMap((keys) => Object.entries(keys).filter(([k]) => k.toLowerCase() === "aws:principalarn").flatMap(([, v]) => v));
        for (const arn of [...principals, ...fromConditions]) if (/^arn:[^:]+:iam::\d{12}:(role|user)\//.test(arn) && !arn.includes("*") && !own.has(arn)) found.add(arn);
      }
    };
    for (const role of this.roles) scan(role.trust);
    for (const b of this.buckets) if (b.policy) scan(b.policy);
    for (const k of this.keys) scan(k.policy);
    return [...found].sort();
  }
}
