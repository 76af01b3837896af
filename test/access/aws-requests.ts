/**
 * Test-only: decides AWS requests against the policies {@link collectAwsPolicies} collected,
 * with the IAM evaluator `@cloud-copilot/iam-simulate` (AGPL-3.0; imported only under test/).
 *
 * A request is decided the way AWS decides it, step by step, and is allowed only when every step
 * is: S3 authorizes the S3 action first (identity policy + bucket policy, and the VPC endpoint
 * policy when the request goes through one); only an authorized request reaches KMS, where S3
 * calls the key on the caller's behalf (identity policy + key policy, with `kms:ViaService` =
 * `s3.<region>.amazonaws.com` and `kms:CallerAccount`). The steps stop at the first denial, as S3
 * does. Each step reports which policy types explicitly denied it and by which statements.
 * Assuming a role (`sts:*` on a role ARN) is decided against the caller's identity policies and the
 * role's trust policy; requests an AWS service principal makes itself (IAM Roles Anywhere assuming
 * a role for a certificate holder, log delivery writing into a bucket) against the resource policy
 * alone, as a service principal has no identity policy.
 *
 * The request context holds only keys AWS really sets for the request (each cited below); an
 * optional header's condition key is present only when the client sends that header. A context
 * key the evaluator does not know for the action is an error, not silently dropped.
 */
import { runSimulation, type Simulation } from "@cloud-copilot/iam-simulate";
import { createHash } from "node:crypto";
import type { AwsPolicies, EndpointModel, NamedPolicy, PolicyDocument } from "./aws-policies";

export type Decision = "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied" | "NotModelled";

/** One authorization AWS makes for a request. */
export interface Step {
  /** The action authorized, e.g. `s3:PutObject` or `kms:GenerateDataKey`. */
  readonly call: string;
  readonly resource: string;
  readonly decision: Decision;
  /** The policy types whose statements explicitly denied the call. */
  readonly deniedBy: readonly ("identity" | "resource" | "endpoint")[];
  /** `<policy type>:<Sid>` of every explicitly denying statement, for the reader of a failed test. */
  readonly denyingStatements: readonly string[];
}

/** A request's fate: allowed only when every step it took was. */
export interface Outcome {
  readonly allowed: boolean;
  readonly steps: readonly Step[];
}

/** Who makes a request: an IAM role (acting through a session) or user, with its identity policies. */
export interface Caller {
  /** The role or user ARN (`aws:PrincipalArn`). */
  readonly arn: string;
  readonly policies: readonly NamedPolicy[];
}

/** The text of the AWS managed policy AdministratorAccess (IAM > Policies > AdministratorAccess). */
export const ADMINISTRATOR_ACCESS: NamedPolicy = {
  name: "AdministratorAccess",
  document: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] },
};

/** A role of the synthesized app, with the policies the synth attaches to it. */
export function roleCaller(model: AwsPolicies, roleArn: string): Caller {
  return { arn: roleArn, policies: model.role(roleArn).policies };
}

/** A principal the synth does not create (a custody administrator, an intruder), with the policies given. */
export function externalCaller(arn: string, policies: readonly NamedPolicy[] = [ADMINISTRATOR_ACCESS]): Caller {
  return { arn, policies };
}

const arnParts = (arn: string) => {
  const m = /^arn:([^:]+):(iam|sts)::(\d{12}):(role|user|assumed-role)\/(.+)$/.exec(arn);
  if (!m) throw new Error(`a caller must be an IAM role or user ARN, got '${arn}'`);
  return { partition: m[1], account: m[3], kind: m[4], path: m[5] };
};

/** The principal AWS sees: a role acts through an assumed-role session, a user as itself. */
export function sessionArn(caller: Caller): string {
  const { partition, account, kind, path } = arnParts(caller.arn);
  if (kind !== "role") return caller.arn;
  const name = path.split("/").pop();
  return `arn:${partition}:sts::${account}:assumed-role/${name}/access-test`;
}

/**
 * The context keys AWS puts into every request a caller signs (IAM User Guide, "AWS global
 * condition context keys": aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalType,
 * aws:userid and aws:PrincipalIsAWSService are present in every signed request).
 */
export function principalContext(caller: Caller): Record<string, string> {
  const { account, kind } = arnParts(caller.arn);
  const uniqueId = createHash("sha256").update(caller.arn).digest("hex").slice(0, 17).toUpperCase();
  return {
    "aws:PrincipalArn": caller.arn,
    "aws:PrincipalAccount": account,
    "aws:PrincipalType": kind === "role" ? "AssumedRole" : "User",
    "aws:userid": kind === "role" ? `AROA${uniqueId}:access-test` : `AIDA${uniqueId}`,
    "aws:PrincipalIsAWSService": "false",
  };
}

/** What a client sends with an S3 request, beyond the SDK's defaults. */
export interface S3RequestOptions {
  /**
   * Whether the request uses HTTPS.
   * @default true
   */
  readonly secureTransport?: boolean;
  /**
   * The `x-amz-server-side-encryption` header.
   * @default - not sent (the SDK's default: the bucket's default encryption applies)
   */
  readonly sse?: string;
  /**
   * The `x-amz-server-side-encryption-aws-kms-key-id` header.
   * @default - not sent
   */
  readonly sseKmsKeyId?: string;
  /**
   * The `versionId` of a GetObjectVersion request.
   * @default - none
   */
  readonly versionId?: string;
  /**
   * The VPC endpoint the request goes through (its policy is evaluated too).
   * @default - none: the request reaches S3's public endpoint
   */
  readonly endpoint?: EndpointModel;
  /**
   * The `If-None-Match` header of a conditional write (`*`: create only if absent), which S3 puts in
   * the request context as `s3:if-none-match` (Service Authorization Reference, Amazon S3: PutObject
   * condition keys; S3 User Guide, "Add preconditions to S3 operations with conditional requests").
   * @default - not sent
   */
  readonly ifNoneMatch?: string;
  /**
   * The `x-amz-content-sha256` header of a SigV4 request (`s3:x-amz-content-sha256`): an SDK that
   * sends a flexible checksum such as `x-amz-checksum-sha256` in a trailer signs
   * `STREAMING-UNSIGNED-PAYLOAD-TRAILER` (Amazon S3 API Reference, "Signature Calculations for the
   * Authorization Header: Transferring Payload in Multiple Chunks", trailing headers). The checksum
   * header itself has no condition key (Service Authorization Reference, Amazon S3): no policy can
   * refuse it.
   * @default - not sent
   */
  readonly contentSha256?: string;
}

/**
 * The request context S3 builds for a caller's request on a bucket in `region` (Service
 * Authorization Reference, "Actions, resources, and condition keys for Amazon S3", and the IAM
 * global keys). The encryption keys are present only when the client sends their headers: an
 * SDK's PutObject without encryption parameters sends neither, and S3 then applies the bucket's
 * default encryption.
 */
export function s3RequestContext(caller: Caller, region: string, resourceAccount: string, options: S3RequestOptions = {}): Record<string, string> {
  const tls = options.secureTransport ?? true;
  return {
    ...principalContext(caller),
    "aws:SecureTransport": String(tls),
    ...(tls ? { "s3:TlsVersion": "1.3" } : {}),
    "aws:RequestedRegion": region,
    "aws:ResourceAccount": resourceAccount,
    "s3:ResourceAccount": resourceAccount,
    "aws:ViaAWSService": "false",
    "s3:authType": "REST-HEADER",
    "s3:signatureversion": "AWS4-HMAC-SHA256",
    ...(options.sse !== undefined ? { "s3:x-amz-server-side-encryption": options.sse } : {}),
    ...(options.sseKmsKeyId !== undefined ? { "s3:x-amz-server-side-encryption-aws-kms-key-id": options.sseKmsKeyId } : {}),
    ...(options.versionId !== undefined ? { "s3:versionid": options.versionId } : {}),
    ...(options.endpoint ? { "aws:SourceVpce": options.endpoint.id } : {}),
    ...(options.ifNoneMatch !== undefined ? { "s3:if-none-match": options.ifNoneMatch } : {}),
    ...(options.contentSha256 !== undefined ? { "s3:x-amz-content-sha256": options.contentSha256 } : {}),
  };
}

/**
 * The context of a KMS call S3 makes on a caller's behalf (a forward access session): the
 * caller's principal keys, `kms:ViaService` = `s3.<region>.amazonaws.com` of the bucket's region,
 * `kms:CallerAccount` = the caller's account, and `aws:ViaAWSService` = true (KMS Developer
 * Guide, "AWS KMS condition keys": kms:ViaService, kms:CallerAccount; IAM User Guide,
 * aws:ViaAWSService). S3 also sends the encryption context `aws:s3:arn`; the evaluator's key
 * pattern `kms:EncryptionContext:${EncryptionContextKey}` cannot carry a key with colons, so it
 * is left out, and {@link AwsAccess} refuses to decide any policy that conditions on an
 * encryption context rather than decide it wrongly.
 */
export function kmsViaS3Context(caller: Caller, region: string, resourceAccount: string): Record<string, string> {
  return {
    ...principalContext(caller),
    "kms:ViaService": `s3.${region}.amazonaws.com`,
    "kms:CallerAccount": arnParts(caller.arn).account,
    "aws:ViaAWSService": "true",
    "aws:SecureTransport": "true",
    "aws:RequestedRegion": region,
    "aws:ResourceAccount": resourceAccount,
  };
}

/** A direct call to KMS by the caller itself (no service in between). */
export function kmsDirectContext(caller: Caller, region: string, resourceAccount: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...principalContext(caller),
    "kms:CallerAccount": arnParts(caller.arn).account,
    "aws:ViaAWSService": "false",
    "aws:SecureTransport": "true",
    "aws:RequestedRegion": region,
    "aws:ResourceAccount": resourceAccount,
    ...extra,
  };
}

/**
 * The context of a request an AWS service principal makes itself (IAM User Guide, "AWS global
 * condition context keys": aws:PrincipalIsAWSService and aws:PrincipalServiceName are set for a
 * service principal's requests; aws:SourceArn and aws:SourceAccount, for the resource the service
 * acts for, are added by the caller through `extra` where the service sends them).
 */
export function serviceContext(service: string, region: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    "aws:PrincipalIsAWSService": "true",
    "aws:PrincipalServiceName": service,
    "aws:SecureTransport": "true",
    "aws:RequestedRegion": region,
    ...extra,
  };
}

/** The object every data-path request in the tests names. */
export const OBJECT_KEY = "snapshots/2026-01-01/registry.json";

const statementsOf = (doc: PolicyDocument) => [doc.Statement].flat() as Record<string, any>[];

/** Every condition key a policy uses. */
function conditionKeys(doc: PolicyDocument): string[] {
  return statementsOf(doc).flatMap((s) => Object.values((s.Condition ?? {}) as Record<string, Record<string, unknown>>).flatMap((c) => Object.keys(c)));
}

/** Decides requests against an app's collected policies. */
export class AwsAccess {
  constructor(public readonly model: AwsPolicies) {}

  /**
   * One authorization: `caller` asks for `action` on `resource` (an S3 bucket or object ARN, a KMS
   * key ARN or, for `sts:*`, an IAM role ARN of the app) with the given context. The resource policy
   * is the bucket's, the key's or the role's trust policy.
   */
  public async decide(caller: Caller, action: string, resource: string, context: Record<string, string | string[]>, endpoint?: EndpointModel): Promise<Step> {
    return this.evaluate(sessionArn(caller), caller.policies, action, resource, context, endpoint);
  }

  /**
   * One authorization of a request an AWS service principal (e.g. `rolesanywhere.amazonaws.com`)
   * makes itself: decided against the resource policy alone, with {@link serviceContext} and `extra`.
   */
  public async decideAsService(service: string, action: string, resource: string, region: string, extra: Record<string, string> = {}): Promise<Step> {
    return this.evaluate(service, [], action, resource, serviceContext(service, region, extra));
  }

  /**
   * `caller` asks STS to assume `roleArn` (`sts:AssumeRole`, or `sts:TagSession` /
   * `sts:SetSourceIdentity` that come with it) at STS in `region`: its identity policies must
   * allow it and the role's trust policy must allow it or its account, even within one account (a
   * role's trust policy is the resource policy of sts:AssumeRole: IAM User Guide, "Roles terms and
   * concepts", role trust policy; the evaluator's StsServiceAuthorizer,
   * @cloud-copilot/iam-simulate src/services/StsServiceAuthorizer.ts, decides it so).
   */
  public async assumeRole(caller: Caller, roleArn: string, region: string, action = "sts:AssumeRole"): Promise<Step> {
    const context = { ...principalContext(caller), "aws:SecureTransport": "true", "aws:RequestedRegion": region, "aws:ResourceAccount": this.model.accountId };
    return this.decide(caller, action, roleArn, context);
  }

  private async evaluate(
    principal: string,
    identity: readonly NamedPolicy[],
    action: string,
    resource: string,
    context: Record<string, string | string[]>,
    endpoint?: EndpointModel,
  ): Promise<Step> {
    const service = action.split(":")[0];
    let resourcePolicy: PolicyDocument | undefined;
    if (service === "s3") resourcePolicy = this.model.bucket(resource).policy;
    else if (service === "kms") resourcePolicy = this.model.key(resource).policy;
    else if (service === "sts") resourcePolicy = this.model.role(resource).trustPolicy;
    else throw new Error(`AwsAccess decides s3, kms and sts actions only, got '${action}'`);
    const all = [...identity.map((p) => p.document), ...(resourcePolicy ? [resourcePolicy] : []), ...(endpoint ? [endpoint.policy] : [])];
    const unsupported = all.flatMap(conditionKeys).filter((k) => /^kms:encryptioncontext:/i.test(k));
    if (unsupported.length > 0) {
      throw new Error(`cannot decide ${action} on ${resource}: a policy conditions on ${unsupported.join(", ")}, which the evaluator cannot represent`);
    }
    const simulation: Simulation = {
      request: { principal, action, resource: { resource, accountId: this.model.accountId }, contextVariables: context },
      identityPolicies: identity.map((p) => ({ name: p.name, policy: p.document })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(resourcePolicy ? { resourcePolicy } : {}),
      ...(endpoint ? { vpcEndpointPolicies: [{ name: `${endpoint.stack}/${endpoint.address}`, policy: endpoint.policy }] } : {}),
    };
    const response = await runSimulation(simulation, { simulationMode: "Strict" });
    if (response.resultType === "error") {
      throw new Error(`the evaluator refused ${action} on ${resource}: ${JSON.stringify(response.errors)}`);
    }
    if (response.resultType !== "single") throw new Error(`expected one decision for ${action} on ${resource}, got ${response.resultType}`);
    const ignored = response.result.ignoredContextKeys ?? [];
    if (ignored.length > 0) throw new Error(`the evaluator ignored context keys ${ignored.join(", ")} for ${action} on ${resource}`);
    const analysis = response.result.analysis;
    const denials = [
      ["identity", analysis.identityAnalysis] as const,
      ["resource", analysis.resourceAnalysis] as const,
      ["endpoint", analysis.endpointAnalysis] as const,
    ].filter(([, a]) => a !== undefined && a.denyStatements.length > 0);
    return {
      call: action,
      resource,
      decision: response.overallResult,
      deniedBy: denials.map(([type]) => type),
      denyingStatements: denials.flatMap(([type, a]) => a!.denyStatements.map((s) => `${type}:${s.statement.sid() ?? s.explain.identifier}`)),
    };
  }

  /**
   * PutObject of one object into a bucket: S3 authorizes s3:PutObject, then (for SSE-KMS) calls
   * kms:GenerateDataKey on the caller's behalf (S3 User Guide, "Using server-side encryption with
   * AWS KMS keys (SSE-KMS)": uploads need kms:GenerateDataKey on the key). The key is the one the
   * headers name, else `aws/s3` when only `aws:kms` is sent (S3 API Reference, PutObject,
   * x-amz-server-side-encryption-aws-kms-key-id), else the bucket's default encryption key.
   */
  public async putObject(caller: Caller, bucketName: string, options: S3RequestOptions = {}): Promise<Outcome> {
    const bucket = this.model.bucket(bucketName);
    const context = s3RequestContext(caller, bucket.region, this.model.accountId, options);
    const steps: Step[] = [await this.decide(caller, "s3:PutObject", `${bucket.arn}/${OBJECT_KEY}`, context, options.endpoint)];
    if (steps[0].decision !== "Allowed") return outcome(steps);
    let keyArn: string | undefined;
    if (options.sse === "aws:kms") keyArn = options.sseKmsKeyId ?? "alias/aws/s3";
    else if (options.sse === undefined && bucket.defaultEncryption?.algorithm === "aws:kms") keyArn = bucket.defaultEncryption.keyArn ?? "alias/aws/s3";
    if (keyArn !== undefined) steps.push(await this.kmsViaS3(caller, "kms:GenerateDataKey", keyArn, bucket.region));
    return outcome(steps);
  }

  /**
   * GetObject (or GetObjectVersion) of an object the bucket's default encryption wrote: S3
   * authorizes the read, then calls kms:Decrypt on the caller's behalf.
   */
  public async getObject(caller: Caller, bucketName: string, options: S3RequestOptions & { readonly version?: boolean } = {}): Promise<Outcome> {
    const bucket = this.model.bucket(bucketName);
    const action = options.version ? "s3:GetObjectVersion" : "s3:GetObject";
    const context = s3RequestContext(caller, bucket.region, this.model.accountId, options.version ? { versionId: "3HL4kqtJlcpXroDTDmJ", ...options } : options);
    const steps: Step[] = [await this.decide(caller, action, `${bucket.arn}/${OBJECT_KEY}`, context, options.endpoint)];
    if (steps[0].decision !== "Allowed") return outcome(steps);
    if (bucket.defaultEncryption?.algorithm === "aws:kms") {
      steps.push(await this.kmsViaS3(caller, "kms:Decrypt", bucket.defaultEncryption.keyArn ?? "alias/aws/s3", bucket.region));
    }
    return outcome(steps);
  }

  /**
   * What S3 does with the replication role to replicate one new SSE-KMS version from a source
   * bucket to a destination (S3 User Guide, "Setting up permissions for live replication" and
   * "Replicating encrypted objects"): read the version for replication from the source and decrypt
   * it with the source key through S3 in the source region, then write the replica and encrypt it
   * with the replica key through S3 in the destination region (kms:GenerateDataKey, as the
   * destination uses S3 Bucket Keys, and kms:Encrypt).
   */
  public async replicate(role: Caller, sourceBucket: string, destinationBucketArn: string, replicaKeyArn: string): Promise<Outcome> {
    const source = this.model.bucket(sourceBucket);
    const destination = this.model.bucket(destinationBucketArn);
    const sourceKey = source.defaultEncryption?.keyArn;
    if (!sourceKey) throw new Error(`source bucket '${source.name}' has no default KMS key`);
    // S3 acts with the replication role's own session (it assumed the role), not on anyone's behalf.
    const s3Service = (region: string) => s3RequestContext(role, region, this.model.accountId);
    const plan: (() => Promise<Step>)[] = [
      () => this.decide(role, "s3:GetObjectVersionForReplication", `${source.arn}/${OBJECT_KEY}`, s3Service(source.region)),
      () => this.kmsViaS3(role, "kms:Decrypt", sourceKey, source.region),
      () => this.decide(role, "s3:ReplicateObject", `${destination.arn}/${OBJECT_KEY}`, s3Service(destination.region)),
      () => this.kmsViaS3(role, "kms:GenerateDataKey", replicaKeyArn, destination.region),
      () => this.kmsViaS3(role, "kms:Encrypt", replicaKeyArn, destination.region),
    ];
    const steps: Step[] = [];
    for (const next of plan) {
      steps.push(await next());
      if (steps[steps.length - 1].decision !== "Allowed") break;
    }
    return outcome(steps);
  }

  /**
   * A KMS call S3 makes on the caller's behalf in `region`. A key outside the app (e.g. the AWS
   * managed `aws/s3`) is `NotModelled`: its policy is not in the synth.
   */
  public async kmsViaS3(caller: Caller, action: string, keyArn: string, region: string): Promise<Step> {
    if (!this.model.hasKey(keyArn)) return { call: action, resource: keyArn, decision: "NotModelled", deniedBy: [], denyingStatements: [] };
    return this.decide(caller, action, keyArn, { ...kmsViaS3Context(caller, region, this.model.accountId), ...resourceAliases(this.model.key(keyArn).aliases) });
  }

  /** A KMS call the caller makes directly (no service in between), with any extra request keys. */
  public async kmsDirect(caller: Caller, action: string, keyArn: string, extra: Record<string, string> = {}): Promise<Step> {
    const key = this.model.key(keyArn);
    return this.decide(caller, action, keyArn, { ...kmsDirectContext(caller, key.region, this.model.accountId, extra), ...resourceAliases(key.aliases) });
  }

  /** An S3 call on a bucket or object ARN with the default context of a TLS request. */
  public async s3(caller: Caller, action: string, resource: string, options: S3RequestOptions = {}): Promise<Step> {
    const bucket = this.model.bucket(resource);
    return this.decide(caller, action, resource, s3RequestContext(caller, bucket.region, this.model.accountId, options), options.endpoint);
  }
}

/**
 * kms:ResourceAliases of a request on a key with these aliases: KMS sets it to the key's aliases
 * (KMS Developer Guide, "AWS KMS condition keys", kms:ResourceAliases, a multivalued key); a key
 * without aliases has no value for it.
 */
function resourceAliases(aliases: readonly string[]): Record<string, string[]> {
  return aliases.length > 0 ? { "kms:ResourceAliases": [...aliases] } : {};
}

function outcome(steps: Step[]): Outcome {
  return { allowed: steps.length > 0 && steps.every((s) => s.decision === "Allowed"), steps };
}
