import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Lazy, Token } from "cdktf";
import { Construct } from "constructs";
import { type AwsCustody, custodiansOf, keyRetirersOf, partitionOf } from "./custody";
import { KEY_ADMIN_ACTIONS, KEY_AUDIT_ACTIONS, KEY_RETIRE_ACTIONS } from "./perms";
import { accountRoot, type Conditions, type PolicyStatement, renderPolicy } from "./policy-document";
import type { IRoleRef } from "./role";

/**
 * What an AWS service principal may do with a custody key, acting for itself (not for a principal
 * of the custody account): e.g. CloudTrail encrypting log files, CloudWatch publishing an alarm to
 * an encrypted SNS topic.
 */
export interface ServiceKeyGrant {
  /** The statement's Sid: stable and unique within the key policy, e.g. `AllowCloudTrailToEncryptLogs`. */
  readonly sid: string;
  /** The service principal, e.g. `cloudtrail.amazonaws.com`. */
  readonly service: string;
  /** The KMS actions the service may call with the key. */
  readonly actions: readonly string[];
  /**
   * Conditions that pin the grant to what the service does for this account (`aws:SourceArn`,
   * `aws:SourceAccount`), where the service documents them for key policies.
   * @default - none: only where the service documents that the keys are not supported
   */
  readonly conditions?: Conditions;
}

/** A customer-managed key as other constructs see it. */
export interface ICustodyKey {
  /** The ARN of the KMS key. */
  readonly keyArn: string;
  /** The region the key lives in (keys are regional). */
  readonly region: string;
  /**
   * The ARN of the key's alias, if it has one: alias actions need permission on the alias too.
   * @default - the key has no alias
   */
  readonly aliasArn?: string;
  /**
   * Lets `role` use the key for `actions`, only through the named AWS service in the key's
   * region (e.g. `s3`): the key can never be used directly.
   */
  grantUse(role: IRoleRef, actions: readonly string[], viaService: string): void;
  /**
   * Lets `role` administer the key (policy, rotation, aliases, cancelling a deletion, re-enabling)
   * without any cryptographic use, and without scheduling its deletion or disabling it.
   */
  grantAdminister(role: IRoleRef): void;
  /**
   * Lets `role` retire the key: schedule its deletion (never with less than 30 days) or disable it.
   * A purpose of its own: grant it to a break-glass role, not to everyday administrators.
   */
  grantRetire(role: IRoleRef): void;
  /** Lets `role` read the key's metadata, policy and rotation status: no use, no change. */
  grantAudit(role: IRoleRef): void;
  /**
   * Lets an AWS service principal use the key for itself, as its documentation requires (see
   * {@link ServiceKeyGrant}). The key's deny of principals outside the custody account then no
   * longer applies to AWS service principals (which have no account), so every service grant must
   * carry the source conditions its service documents.
   */
  grantToService(grant: ServiceKeyGrant): void;
}

/** How a CustodyKey is built. */
export interface CustodyKeyProps {
  /** The owning state's account and administrators: the only principals the key policy names. */
  readonly custody: AwsCustody;
  /** The key's region, used to pin `kms:ViaService` conditions. */
  readonly region: string;
  /** What the key protects, shown in the console and the review. */
  readonly description: string;
  /**
   * An alias for the key, without the `alias/` prefix.
   * @default - no alias
   */
  readonly alias?: string;
}

/** The deletion window, in days: the longest AWS allows, so a scheduled deletion can be cancelled for a month. */
export const KEY_DELETION_WINDOW_DAYS = 30;

/**
 * A symmetric customer-managed KMS key that only the owning state controls: rotation on,
 * the longest deletion window, `prevent_destroy`, and a key policy that
 * - lets the custodians (administrators not named as readers or writers) and granted key-admin
 *   roles administer but not use it, and neither schedule its deletion nor disable it,
 * - lets only the named key retirers (custody `keyRetirers`, granted retire roles) schedule its
 *   deletion or disable it,
 * - denies every principal a deletion window shorter than 30 days,
 * - lets only granted roles use it, only through a named service in the key's region,
 * - denies every principal outside the custody account.
 * There is no statement delegating to IAM (`kms:*` for the account root), so no IAM policy
 * alone can ever open the key to anyone else.
 *
 * Why deletion and disabling are a purpose of their own. Either makes every copy under the key
 * unreadable, and all sites of a topology share one custody account, so an everyday key
 * administrator holding them could, alone and within minutes, disable every copy (or, with the
 * API's 7-day minimum, destroy them within a week). `deletion_window_in_days = 30` binds only
 * Terraform; the `DenyShortDeletionWindow` statement binds every caller, because KMS evaluates
 * `kms:ScheduleKeyDeletionPendingWindowInDays` on every ScheduleKeyDeletion request, including one
 * that omits the parameter and so gets the default of 30 (AWS KMS Developer Guide, "AWS KMS
 * condition keys", kms:ScheduleKeyDeletionPendingWindowInDays and "Conditions for an API
 * operation request"; API reference ScheduleKeyDeletion: PendingWindowInDays 7 to 30, default 30).
 * A scheduled deletion can then be cancelled for 30 days by any key administrator
 * (kms:CancelKeyDeletion), and a disabled key re-enabled (kms:EnableKey).
 *
 * What this does not stop, honestly: a holder of kms:PutKeyPolicy (every key administrator, as
 * somebody must be able to change the policy) can rewrite it, remove the deny, and grant itself
 * anything, including removing the other administrators. A key policy cannot protect itself from
 * its own editors. What guards against that lies outside the key: the change is a
 * PutKeyPolicy event in CloudTrail (each site's TamperRules mail it to the alert topic), it shows in the next plan as
 * drift, the 30-day window still applies unless the same person also removes the deny, and a
 * service control policy set by the organization's management account (held by other people)
 * can deny kms:PutKeyPolicy, kms:ScheduleKeyDeletion and kms:DisableKey in the custody account
 * except to a break-glass role: the only real two-person control AWS offers for this.
 */
export class CustodyKey extends Construct implements ICustodyKey {
  public readonly keyArn: string;
  public readonly region: string;
  public readonly aliasArn?: string;
  /** The KMS key. */
  public readonly resource: KmsKey;
  private readonly custody: AwsCustody;
  private readonly administrators: string[];
  private readonly retirers: string[];
  /** Use grants by role and service, so a Sid names its grantee and never shifts with order. */
  private readonly uses = new Map<string, { sid: string; role: string; actions: string[]; via: string }>();
  private readonly auditors: string[] = [];
  private readonly services: ServiceKeyGrant[] = [];

  constructor(scope: Construct, id: string, props: CustodyKeyProps) {
    super(scope, id);
    this.custody = props.custody;
    this.region = props.region;
    // Readers and writers never administer keys (separation of duties).
    this.administrators = custodiansOf(props.custody);
    this.retirers = keyRetirersOf(props.custody);
    this.resource = new KmsKey(this, "Resource", {
      description: props.description,
      enableKeyRotation: true,
      rotationPeriodInDays: 365,
      deletionWindowInDays: KEY_DELETION_WINDOW_DAYS,
      keyUsage: "ENCRYPT_DECRYPT",
      customerMasterKeySpec: "SYMMETRIC_DEFAULT",
      multiRegion: false,
      policy: Lazy.stringValue({ produce: () => renderPolicy(this.statements()) }),
      lifecycle: { preventDestroy: true },
    });
    this.keyArn = this.resource.arn;
    if (props.alias) {
      this.aliasArn = new KmsAlias(this, "Alias", { name: `alias/${props.alias}`, targetKeyId: this.resource.keyId }).arn;
    }
  }

  public grantUse(role: IRoleRef, actions: readonly string[], viaService: string): void {
    const via = `${viaService}.${this.region}.amazonaws.com`;
    const key = `${role.roleArn}|${via}`;
    const existing = this.uses.get(key);
    if (existing) {
      for (const a of actions) if (!existing.actions.includes(a)) existing.actions.push(a);
      return;
    }
    this.uses.set(key, { sid: this.useSid(role.roleArn), role: role.roleArn, actions: [...actions], via });
  }

  public grantAdminister(role: IRoleRef): void {
    if (!this.administrators.includes(role.roleArn)) this.administrators.push(role.roleArn);
  }

  public grantRetire(role: IRoleRef): void {
    if (!this.retirers.includes(role.roleArn)) this.retirers.push(role.roleArn);
  }

  public grantAudit(role: IRoleRef): void {
    if (!this.auditors.includes(role.roleArn)) this.auditors.push(role.roleArn);
  }

  public grantToService(grant: ServiceKeyGrant): void {
    const existing = this.services.find((g) => g.sid === grant.sid);
    if (existing) {
      if (JSON.stringify(existing) === JSON.stringify(grant)) return;
      throw new Error(`key grant sid must be unique, got a second, different grant '${grant.sid}' for ${grant.service}`);
    }
    this.services.push({ ...grant, actions: [...grant.actions] });
  }

  private root(): string {
    return accountRoot(partitionOf(this.custody), this.custody.accountId);
  }

  /**
   * `Use` + the role's name without punctuation (`es-primary-read` -> `UseEsPrimaryRead`): the
   * statement of a grantee keeps its Sid when other grants come or go. A name that collides
   * after the punctuation is dropped gets a number; an unresolved ARN falls back to a count.
   */
  private useSid(roleArn: string): string {
    const name = Token.isUnresolved(roleArn) ? "" : roleArn.slice(roleArn.lastIndexOf("/") + 1);
    const base = `Use${name.split(/[^A-Za-z0-9]+/).map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join("")}`;
    const taken = new Set([...this.uses.values()].map((u) => u.sid));
    if (name !== "" && !taken.has(base)) return base;
    let n = 2;
    while (taken.has(`${base}${n}`)) n++;
    return `${base}${n}`;
  }

  private statements(): PolicyStatement[] {
    const byPrincipal = (principals: readonly string[]) => ({ ArnEquals: { "aws:PrincipalArn": [...principals] } });
    return [
      {
        Sid: "KeyAdministrationWithoutUse",
        Effect: "Allow",
        Principal: { AWS: this.root() },
        Action: [...KEY_ADMIN_ACTIONS],
        Resource: "*",
        Condition: byPrincipal(this.administrators),
      },
      ...(this.retirers.length === 0
        ? []
        : [
            {
              Sid: "RetireKeyWithoutUse",
              Effect: "Allow" as const,
              Principal: { AWS: this.root() },
              Action: [...KEY_RETIRE_ACTIONS],
              Resource: "*",
              Condition: byPrincipal(this.retirers),
            },
          ]),
      ...[...this.uses.values()].map(
        (u): PolicyStatement => ({
          Sid: u.sid,
          Effect: "Allow",
          Principal: { AWS: this.root() },
          Action: [...u.actions],
          Resource: "*",
          Condition: { ArnEquals: { "aws:PrincipalArn": u.role }, StringEquals: { "kms:ViaService": u.via } },
        }),
      ),
      ...(this.auditors.length === 0
        ? []
        : [
            {
              Sid: "AuditWithoutUse",
              Effect: "Allow" as const,
              Principal: { AWS: this.root() },
              Action: [...KEY_AUDIT_ACTIONS],
              Resource: "*",
              Condition: byPrincipal(this.auditors),
            },
          ]),
      {
        // Binds every caller, whatever another statement allows: an explicit Deny wins.
        Sid: "DenyShortDeletionWindow",
        Effect: "Deny",
        Principal: "*",
        Action: "kms:ScheduleKeyDeletion",
        Resource: "*",
        Condition: { NumericLessThan: { "kms:ScheduleKeyDeletionPendingWindowInDays": String(KEY_DELETION_WINDOW_DAYS) } },
      },
      ...this.services.map(
        (g): PolicyStatement => ({
          Sid: g.sid,
          Effect: "Allow",
          Principal: { Service: g.service },
          Action: [...g.actions],
          Resource: "*",
          ...(g.conditions ? { Condition: g.conditions } : {}),
        }),
      ),
      {
        Sid: "DenyOutsideCustody",
        Effect: "Deny",
        Principal: "*",
        Action: "kms:*",
        Resource: "*",
        // A service principal acting for itself has no aws:PrincipalAccount, so StringNotEquals would
        // deny it; where the key grants services, service principals are exempt (as HardenedBucket
        // exempts log delivery) and each service grant carries its own source conditions.
        // aws:PrincipalIsAWSService is true only for a service principal's own requests, never for
        // an IAM principal (IAM User Guide, "AWS global condition context keys").
        Condition: {
          StringNotEquals: { "aws:PrincipalAccount": this.custody.accountId },
          ...(this.services.length > 0 ? { BoolIfExists: { "aws:PrincipalIsAWSService": "false" } } : {}),
        },
      },
    ];
  }
}
