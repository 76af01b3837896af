/**
 * The access matrix of the review: for every registry store at every cloud site, which principal
 * may administer its key, use its key, read, write, replicate, operate, change its guarantees and
 * audit it, each capability decided for concrete operations by the AWS resolver (aws-access.ts)
 * or the Azure RBAC evaluator (azure-access.ts), over the synthesized JSON only.
 */
import { type AwsAccess, type AwsBucket, type AwsCaller, type AwsDecision, type AwsRole } from "./aws-access";
import { type AzureAccess, type AzureAction, type AzureGrant, type AzurePrincipal, type AzureResource } from "./azure-access";
import type { Capability, ReviewAccess } from "./review-format";

/** What each capability means, per cloud: the review's legend. */
export const CAPABILITY_OPERATIONS: Readonly<Record<Capability, { readonly title: string; readonly aws: string; readonly azure: string }>> = {
  administerKeys: { title: "administer keys", aws: "kms:PutKeyPolicy on the store's key", azure: "keys/rotate, create, update or delete on the store's key" },
  useKey: { title: "use key directly", aws: "kms:Decrypt on the store's key, called directly (not through S3)", azure: "keys/unwrapKey on the store's key" },
  read: { title: "read", aws: "s3:GetObject, then kms:Decrypt through S3", azure: "blobs/read on the container for reading a blob (List Blobs, suboperation Blob.List, is not reading: a list-only condition allows it and no more)" },
  write: { title: "write", aws: "s3:PutObject (default headers), then kms:GenerateDataKey through S3; public endpoint or the site's S3 endpoints", azure: "blobs/write on the container" },
  replicate: {
    title: "replicate",
    aws: "s3:ReplicateObject + kms:GenerateDataKey (replicas in), or s3:GetObjectVersionForReplication + kms:Decrypt (replicas out)",
    azure: "objectReplicationPolicies/write on the account (Azure copies as the storage service itself)",
  },
  operate: { title: "operate", aws: "s3:PutMetricsConfiguration on the bucket", azure: "Microsoft.Resources/tags/write on the account" },
  changeGuarantees: { title: "change guarantees", aws: "s3:PutBucketPolicy on the bucket", azure: "storageAccounts/write on the account or immutabilityPolicies/write on the container" },
  audit: { title: "audit", aws: "kms:GetKeyPolicy on the store's key", azure: "immutabilityPolicies/read on the container" },
};

/** A store the matrix is computed for. */
export interface AwsStoreRef {
  readonly site: string;
  readonly registry: string;
  readonly bucket: AwsBucket;
}

const both = (a: AwsDecision, b: () => AwsDecision | undefined): AwsDecision => {
  if (!a.allowed) return a;
  const second = b();
  if (!second) return { allowed: false, reason: "the bucket has no SSE-KMS key of the stacks" };
  return second.allowed ? { allowed: true, reason: `${a.reason}; ${second.reason}` } : second;
};

/** Every capability of one caller on one store (allowed ones only), with evidence. */
export function awsCapabilities(access: AwsAccess, caller: AwsCaller, bucket: AwsBucket): Map<Capability, string> {
  const key = access.keyOf(bucket);
  const endpoints = access.endpoints.filter((e) => e.stack === bucket.stack && e.service === "s3");
  const out = new Map<Capability, string>();
  const put = (c: Capability, d: AwsDecision) => {
    if (d.allowed) out.set(c, d.reason);
  };
  // A request may reach S3 over its public endpoint or any S3 endpoint of the site: allowed if any path is.
  const anyPath = (fn: (endpoint?: (typeof endpoints)[number]) => AwsDecision): AwsDecision => {
    const first = fn();
    if (first.allowed) return first;
    for (const e of endpoints) {
      const d = fn(e);
      if (d.allowed) return { allowed: true, reason: `through ${e.address}: ${d.reason}` };
    }
    return first;
  };
  put("read", anyPath((e) => both(access.s3(caller, "s3:GetObject", bucket, true, e), () => key && access.kms(caller, "kms:Decrypt", key, true))));
  put("write", anyPath((e) => both(access.s3(caller, "s3:PutObject", bucket, true, e), () => key && access.kms(caller, "kms:GenerateDataKey", key, true))));
  const replicaIn = both(access.s3(caller, "s3:ReplicateObject", bucket, true), () => key && access.kms(caller, "kms:GenerateDataKey", key, true));
  put("replicate", replicaIn.allowed ? replicaIn : both(access.s3(caller, "s3:GetObjectVersionForReplication", bucket, true), () => key && access.kms(caller, "kms:Decrypt", key, true)));
  if (key) {
    put("administerKeys", access.kms(caller, "kms:PutKeyPolicy", key, false));
    put("useKey", access.kms(caller, "kms:Decrypt", key, false));
    put("audit", access.kms(caller, "kms:GetKeyPolicy", key, false));
  }
  put("operate", access.s3(caller, "s3:PutMetricsConfiguration", bucket, false));
  put("changeGuarantees", access.s3(caller, "s3:PutBucketPolicy", bucket, false));
  return out;
}

const roleNameOf = (arn: string) => arn.split("/").pop() ?? arn;

/**
 * The AWS rows of the matrix. Principals shown: the principals outside the stacks that the
 * policies name (custody administrators), acting directly or through each role they may assume,
 * and the roles a service uses (S3 replication, a datacenter's copy job through IAM Roles Anywhere).
 */
export function awsAccessRows(access: AwsAccess, stores: readonly AwsStoreRef[], extraPrincipals: readonly string[]): ReviewAccess[] {
  const rows: ReviewAccess[] = [];
  const externals = [...new Set([...access.externalPrincipals(), ...extraPrincipals])].sort();
  const serviceRoles = access.roles.filter((r) => access.usedBy.has(r.arn) || r.trust.statements.some((s) => s.effect === "Allow" && s.principal !== undefined && s.principal !== "*" && (s.principal.Service ?? []).length > 0));
  const assumable = new Map<string, AwsRole[]>();
  for (const e of externals) assumable.set(e, access.roles.filter((r) => access.assume(access.caller(e), r).allowed));
  for (const store of stores) {
    const add = (principal: string, name: string, caps: Map<Capability, string>, extra: { via?: string; usedBy?: string }) => {
      for (const [capability, evidence] of caps) rows.push({ site: store.site, registry: store.registry, capability, principal, name, ...extra, evidence });
    };
    for (const e of externals) {
      const direct = awsCapabilities(access, access.caller(e), store.bucket);
      add(e, roleNameOf(e), direct, {});
      for (const role of assumable.get(e) ?? []) {
        const caps = awsCapabilities(access, access.caller(role.arn), store.bucket);
        for (const c of direct.keys()) caps.delete(c);
        add(e, roleNameOf(e), caps, { via: role.name });
      }
    }
    for (const role of serviceRoles) {
      const used = access.usedBy.get(role.arn) ?? `the service ${role.trust.statements.flatMap((s) => (s.principal && s.principal !== "*" ? (s.principal.Service ?? []) : [])).join(", ")}`;
      add(role.arn, role.name, awsCapabilities(access, access.caller(role.arn), store.bucket), { usedBy: used });
    }
  }
  return dedupe(rows);
}

/** A store at an Azure site: its container, account and key as the evaluator knows them. */
export interface AzureStoreRef {
  readonly site: string;
  readonly registry: string;
  readonly account: AzureResource;
  readonly container?: AzureResource;
  readonly key?: AzureResource;
}

const STORAGE = "Microsoft.Storage/storageAccounts";
const KEYS = "Microsoft.KeyVault/vaults/keys";

/** The Azure rows of the matrix: every principal with a role assignment, named by `nameOf`. */
export function azureAccessRows(access: AzureAccess, stores: readonly AzureStoreRef[], nameOf: (p: AzurePrincipal) => { name: string; usedBy?: string }): ReviewAccess[] {
  const rows: ReviewAccess[] = [];
  for (const store of stores) {
    const checks: [Capability, AzureAction, string | undefined][] = [];
    const keyPath = store.key?.path;
    const containerPath = store.container?.path;
    const accountPath = store.account.path;
    if (keyPath) {
      for (const op of ["rotate/action", "create/action", "update/action", "delete"]) checks.push(["administerKeys", { dataAction: `${KEYS}/${op}` }, keyPath]);
      checks.push(["useKey", { dataAction: `${KEYS}/unwrap/action` }, keyPath]);
    }
    if (containerPath) {
      checks.push(["read", { dataAction: `${STORAGE}/blobServices/containers/blobs/read` }, containerPath]);
      checks.push(["write", { dataAction: `${STORAGE}/blobServices/containers/blobs/write` }, containerPath]);
      checks.push(["changeGuarantees", { action: `${STORAGE}/blobServices/containers/immutabilityPolicies/write` }, containerPath]);
      checks.push(["audit", { action: `${STORAGE}/blobServices/containers/immutabilityPolicies/read` }, containerPath]);
    }
    if (accountPath) {
      checks.push(["replicate", { action: `${STORAGE}/objectReplicationPolicies/write` }, accountPath]);
      checks.push(["operate", { action: "Microsoft.Resources/tags/write" }, accountPath]);
      checks.push(["changeGuarantees", { action: `${STORAGE}/write` }, accountPath]);
    }
    for (const [capability, action, path] of checks) {
      if (!path) continue;
      for (const { principal, grants } of access.whoCan(action, path)) {
        const g = grants.find((x) => x.condition !== "not-evaluated") ?? grants[0];
        const { name, usedBy } = nameOf(principal);
        rows.push({
          site: store.site,
          registry: store.registry,
          capability,
          principal: principal.id,
          name,
          ...(usedBy ? { usedBy } : {}),
          evidence: `${g.assignment.stack}/${g.assignment.address}: '${g.assignment.role.name}' (${g.pattern}${g.via === "shared-key" ? ", through shared keys" : ""}${conditionNote(g)})`,
        });
      }
    }
  }
  return dedupe(rows);
}

/** How a grant's condition shows in the evidence: a condition the evaluator did not read is said so (possibly allowed). */
function conditionNote(g: AzureGrant): string {
  if (g.condition === "not-evaluated") return `, under a condition not evaluated, so possibly allowed: ${g.assignment.condition?.text ?? ""}`;
  if (g.condition === "met") return ", its condition allows it";
  return "";
}

/** One row per (site, registry, capability, principal, via): the first evidence wins. */
function dedupe(rows: readonly ReviewAccess[]): ReviewAccess[] {
  const seen = new Map<string, ReviewAccess>();
  for (const r of rows) {
    const k = [r.site, r.registry, r.capability, r.principal, r.via ?? ""].join("|");
    if (!seen.has(k)) seen.set(k, r);
  }
  return [...seen.values()];
}
