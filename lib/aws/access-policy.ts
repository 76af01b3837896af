import { Construct } from "constructs";
import { physicalName } from "../private/names";
import type { IAuditEvidence } from "./audit-trail";
import type { ICustodyKey } from "./custody-key";
import { type AwsCustody, custodiansOf, partitionOf } from "./custody";
import type { IEncryptedStore } from "./encrypted-store";
import {
  BUCKET_AUDIT_ACTIONS,
  BUCKET_LIST_ACTIONS,
  DATA_READ_DENY_ACTIONS,
  EVIDENCE_DECRYPT_ACTIONS,
  EVIDENCE_READ_ACTIONS,
  KEY_ADMIN_ACTIONS,
  KEY_ALIAS_ACTIONS,
  KEY_AUDIT_ACTIONS,
  KEY_LIST_ACTIONS,
  KEY_VERIFY_ACTIONS,
  OPERATE_ACTIONS,
} from "./perms";
import { Role } from "./role";
import type { ISigningKey } from "./signing-key";

/** How an AccessPolicy is built: the custody, the stores it grants on, and what the site may do. */
export interface AccessPolicyProps {
  /** The owning state's account and administrators: the only principals the roles trust. */
  readonly custody: AwsCustody;
  /** Prefix of every role name, e.g. `nl-embassy-es-embassy`. */
  readonly namePrefix: string;
  /** The stores these roles act on. */
  readonly stores: readonly IEncryptedStore[];
  /**
   * Whether the site is where registries are written (the primary): adds a writer role.
   * @default false
   */
  readonly writable?: boolean;
  /**
   * A prefix every store's bucket name starts with. When given, the roles that never touch data
   * (operate, administer keys, audit) are granted on the prefix and on the region's keys rather
   * than on each store, so their policies stay one size however many registries the site holds
   * (key policies still decide who may do what with each key). Data roles always list stores.
   * @default - every store's bucket and key is listed
   */
  readonly bucketNamePrefix?: string;
  /**
   * Audit evidence of the site (its audit trail, its log bucket) that the audit role may read,
   * object by object and version by version, decrypting through S3 where the evidence is under a
   * custody key. The audit role's deny of data then names each store's objects and key exactly
   * (rather than the bucket prefix), so that it covers every registry copy and no evidence.
   * @default - none: the audit role reads configurations only
   */
  readonly auditEvidence?: readonly IAuditEvidence[];
  /**
   * Custody keys of the site that protect no registry copy (the alert topic's, the audit trail's):
   * the key administrators administer them and the auditors read their metadata, as for store keys.
   * @default - none
   */
  readonly siteKeys?: readonly ICustodyKey[];
  /**
   * The site's manifest-signing key (SigningKey): the writer (when `writable`) signs with it, the
   * readers, operators and auditors verify with it, the key administrators administer it and the
   * auditors read its metadata.
   * @default - no signing key at this site
   */
  readonly signingKey?: ISigningKey;
  /**
   * Manifest-signing keys at other sites whose signatures the readers, operators and auditors here
   * check: granted kms:Verify, kms:GetPublicKey and kms:DescribeKey in their identity policies, on
   * the keys that carry one of `aliases` only. Each key's own policy decides too, and must name
   * these roles (SigningKey.allowVerify with {@link AccessPolicy.roleArnFor}).
   * @default - none
   */
  readonly verifyKeys?: VerifyKeys;
}

/**
 * Manifest-signing keys of other stacks, as an identity policy can name them before they exist:
 * by an ARN pattern and by alias.
 */
export interface VerifyKeys {
  /**
   * ARNs or ARN patterns of the keys, e.g. `arn:aws:kms:<region>:<account>:key/*`: a key of another
   * stack is named by pattern because its ARN only exists after that stack is applied.
   */
  readonly keyArns: readonly string[];
  /**
   * Full alias names (`alias/...`), one of which a key must carry for the grant to apply: the
   * condition `ForAnyValue:StringEquals` on `kms:ResourceAliases` (KMS Developer Guide, "Use aliases
   * to control access to KMS keys": kms:ResourceAliases "allows or denies access to a KMS key based
   * on the aliases associated with the KMS key"; a multivalued key, hence the ForAnyValue
   * operator). Without it a pattern would let these roles verify with any key of the region whose
   * policy delegates to IAM (the default key policy does), such as one a forger created.
   */
  readonly aliases: readonly string[];
}

/** The purposes a person or system can act for at a site. Replication has its own role (ReplicationLink). */
export type Purpose = "read" | "write" | "operate" | "administer-keys" | "audit";

/**
 * Least-privilege IAM roles per purpose at one site, each assumable only by custody
 * administrators: `read` and `write` by the named readers and writers (default: every
 * administrator), all others only by the custodians (administrators who are neither):
 * - `read`: read and restore every version (decrypt through S3 only);
 * - `write` (primary only): write new versions;
 * - `operate`: see and tune bucket configuration; denied data and decryption;
 * - `administer-keys`: key policy, rotation, aliases, cancelling a deletion, re-enabling; never
 *   scheduling a deletion or disabling a key (custody `keyRetirers` only); denied data and
 *   decryption (separation of duties);
 * - `audit`: read configurations and policies, and the site's audit evidence (`auditEvidence`:
 *   CloudTrail logs, access logs); denied every registry copy and its decryption.
 * No role has a `*` action or a `*` resource except where AWS offers no resource scope.
 */
export class AccessPolicy extends Construct {
  /**
   * The ARN the role for `purpose` of an access policy with `namePrefix` has: known from the names
   * alone, so another site's stack can name it in a key policy (SigningKey.allowVerify).
   */
  public static roleArnFor(custody: AwsCustody, namePrefix: string, purpose: Purpose): string {
    return Role.arnFor(custody, physicalName([namePrefix, purpose], 64));
  }

  /** The role of each purpose (read, write, operate, administer-keys, audit) this site has. */
  public readonly roles: ReadonlyMap<Purpose, Role>;

  constructor(scope: Construct, id: string, props: AccessPolicyProps) {
    super(scope, id);
    if (props.stores.length === 0) {
      throw new Error(`stores must list at least one store for access policy '${props.namePrefix}', got none`);
    }
    // Who may assume what: readers and writers as named (default: every administrator);
    // everything else only the custodians, who never touch data.
    const custodians = custodiansOf(props.custody);
    const trusted: Record<Purpose, readonly string[]> = {
      read: props.custody.readers ?? props.custody.administrators,
      write: props.custody.writers ?? props.custody.administrators,
      operate: custodians,
      "administer-keys": custodians,
      audit: custodians,
    };
    const role = (purpose: Purpose, construct: string, description: string) =>
      new Role(this, construct, {
        custody: props.custody,
        roleName: physicalName([props.namePrefix, purpose], 64),
        description,
        assumedBy: { AWS: [...trusted[purpose]] },
      });
    const roles = new Map<Purpose, Role>();
    const reader = role("read", "Reader", "Reads and restores registry copies");
    const operator = role("operate", "Operator", "Operates the site's stores; no data access");
    const keyAdmin = role("administer-keys", "KeyAdministrator", "Administers custody keys; no data access");
    const auditor = role("audit", "Auditor", "Reads configurations and policies; no data access");
    roles.set("read", reader).set("operate", operator).set("administer-keys", keyAdmin).set("audit", auditor);

    const regions = [...new Set(props.stores.map((s) => s.region))];
    if (props.bucketNamePrefix !== undefined && (regions.length !== 1 || !/^[a-z0-9][a-z0-9-]{2,}$/.test(props.bucketNamePrefix))) {
      throw new Error(
        `bucketNamePrefix needs stores of one region and a prefix of 3+ characters of [a-z0-9-], got '${props.bucketNamePrefix}' for stores in ${regions.join(", ")}`,
      );
    }
    const partition = partitionOf(props.custody);
    const buckets = props.bucketNamePrefix ? [`arn:${partition}:s3:::${props.bucketNamePrefix}*`] : props.stores.map((s) => s.bucketArn);
    const objects = buckets.map((b) => `${b}/*`);
    const keys = props.bucketNamePrefix
      ? [`arn:${partition}:kms:${regions[0]}:${props.custody.accountId}:key/*`]
      : [...props.stores.map((s) => s.key.keyArn), ...(props.signingKey ? [props.signingKey.keyArn] : [])];
    // A store's key alias is `alias/<bucket name>` (EncryptedStore), so the prefix covers them too.
    const aliases = props.bucketNamePrefix
      ? [`arn:${partition}:kms:${regions[0]}:${props.custody.accountId}:alias/${props.bucketNamePrefix}*`]
      : props.stores.flatMap((s) => (s.key.aliasArn === undefined ? [] : [s.key.aliasArn]));

    for (const store of props.stores) {
      store.grantRead(reader);
      store.key.grantAdminister(keyAdmin);
      store.key.grantAudit(auditor);
    }
    for (const key of props.siteKeys ?? []) {
      key.grantAdminister(keyAdmin);
      key.grantAudit(auditor);
    }
    if (props.writable) {
      const writer = role("write", "Writer", "Writes new registry versions at the primary");
      roles.set("write", writer);
      props.stores.forEach((s) => s.grantWrite(writer));
      // Names and sizes, never content (perms.BUCKET_LIST_ACTIONS): a push skips what is there already.
      writer.addToPolicy({ Sid: "ListStores", Effect: "Allow", Action: [...BUCKET_LIST_ACTIONS], Resource: props.stores.map((s) => s.bucketArn) });
      props.signingKey?.grantSign(writer);
    }
    if (props.signingKey) {
      for (const r of [reader, operator, auditor]) props.signingKey.grantVerify(r);
      props.signingKey.grantAdminister(keyAdmin);
      props.signingKey.grantAudit(auditor);
    }
    if (props.verifyKeys) {
      const { keyArns, aliases } = props.verifyKeys;
      const errors: string[] = [];
      if (keyArns.length === 0) errors.push(`verifyKeys.keyArns must name at least one key ARN or pattern for access policy '${props.namePrefix}', got none`);
      if (aliases.length === 0) errors.push(`verifyKeys.aliases must name at least one alias for access policy '${props.namePrefix}' (a key ARN pattern alone opens every key it matches), got none`);
      const bad = aliases.filter((a) => !/^alias\/[a-zA-Z0-9/_-]+$/.test(a) || a.startsWith("alias/aws/"));
      if (bad.length > 0) errors.push(`verifyKeys.aliases must be full customer alias names (alias/ then [a-zA-Z0-9/_-], not alias/aws/...), got ${bad.map((a) => `'${a}'`).join(", ")} for access policy '${props.namePrefix}'`);
      if (errors.length > 0) throw new Error(errors.join("\n"));
      for (const r of [reader, operator, auditor]) {
        r.addToPolicy({
          Sid: "VerifyManifestsElsewhere",
          Effect: "Allow",
          Action: [...KEY_VERIFY_ACTIONS],
          Resource: [...keyArns],
          Condition: { "ForAnyValue:StringEquals": { "kms:ResourceAliases": [...aliases] } },
        });
      }
    }

    operator.addToPolicy({ Sid: "OperateStores", Effect: "Allow", Action: [...OPERATE_ACTIONS], Resource: buckets });
    operator.addToPolicy({ Sid: "ReadReplicationMetrics", Effect: "Allow", Action: ["cloudwatch:GetMetricData", "cloudwatch:ListMetrics"], Resource: "*" });
    auditor.addToPolicy({ Sid: "AuditStores", Effect: "Allow", Action: [...BUCKET_AUDIT_ACTIONS], Resource: buckets });
    auditor.addToPolicy({ Sid: "AuditKeys", Effect: "Allow", Action: [...KEY_AUDIT_ACTIONS], Resource: keys });
    auditor.addToPolicy({ Sid: "AuditTrail", Effect: "Allow", Action: ["cloudtrail:LookupEvents", "cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus"], Resource: "*" });
    keyAdmin.addToPolicy({ Sid: "AdministerKeys", Effect: "Allow", Action: [...KEY_ADMIN_ACTIONS], Resource: keys });
    // The alias half of the alias actions (the key half is in AdministerKeys and the key policy).
    if (aliases.length > 0) keyAdmin.addToPolicy({ Sid: "AdministerKeyAliases", Effect: "Allow", Action: [...KEY_ALIAS_ACTIONS], Resource: aliases });
    // kms:ListAliases names no resource: it is granted on `*` or not at all (see KEY_LIST_ACTIONS).
    keyAdmin.addToPolicy({ Sid: "ListKeyAliases", Effect: "Allow", Action: [...KEY_LIST_ACTIONS], Resource: "*" });

    const evidence = props.auditEvidence ?? [];
    if (evidence.length > 0) {
      auditor.addToPolicy({
        Sid: "ReadAuditEvidence",
        Effect: "Allow",
        Action: [...EVIDENCE_READ_ACTIONS],
        Resource: evidence.flatMap((e) => [e.bucketArn, `${e.bucketArn}/*`]),
      });
      const evidenceKeys = evidence.flatMap((e) => (e.key ? [e.key] : []));
      if (evidenceKeys.length > 0) {
        auditor.addToPolicy({
          Sid: "DecryptAuditEvidence",
          Effect: "Allow",
          Action: [...EVIDENCE_DECRYPT_ACTIONS],
          Resource: evidenceKeys.map((k) => k.keyArn),
          Condition: { StringEquals: { "kms:ViaService": [...new Set(evidenceKeys.map((k) => `s3.${k.region}.amazonaws.com`))] } },
        });
        evidenceKeys.forEach((k) => k.grantUse(auditor, EVIDENCE_DECRYPT_ACTIONS, "s3"));
      }
    }
    // With evidence to read under the same bucket prefix, the audit role's deny names the stores
    // exactly: every registry copy and its key, and nothing else.
    const auditorDenied = evidence.length > 0 ? [...props.stores.map((s) => `${s.bucketArn}/*`), ...props.stores.map((s) => s.key.keyArn)] : [...objects, ...keys];
    for (const r of [operator, keyAdmin, auditor]) {
      r.addToPolicy({ Sid: "DenyDataAccess", Effect: "Deny", Action: [...DATA_READ_DENY_ACTIONS], Resource: r === auditor ? auditorDenied : [...objects, ...keys] });
    }
    this.roles = roles;
  }

  /** The role for a purpose; throws if this site has none (e.g. `write` away from the primary). */
  public role(purpose: Purpose): Role {
    const r = this.roles.get(purpose);
    if (!r) throw new Error(`access policy has no '${purpose}' role (have: ${[...this.roles.keys()].join(", ")})`);
    return r;
  }
}
