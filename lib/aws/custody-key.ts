import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Lazy } from "cdktf";
import { Construct } from "constructs";
import { type AwsCustody, custodiansOf, partitionOf } from "./custody";
import { KEY_ADMIN_ACTIONS, KEY_AUDIT_ACTIONS } from "./perms";
import { accountRoot, type PolicyStatement, renderPolicy } from "./policy-document";
import type { IRoleRef } from "./role";

/** A customer-managed key as other constructs see it. */
export interface ICustodyKey {
  readonly keyArn: string;
  /** The region the key lives in (keys are regional). */
  readonly region: string;
  /**
   * Lets `role` use the key for `actions`, only through the named AWS service in the key's
   * region (e.g. `s3`): the key can never be used directly.
   */
  grantUse(role: IRoleRef, actions: readonly string[], viaService: string): void;
  /** Lets `role` administer the key (policy, rotation, deletion) without any cryptographic use. */
  grantAdminister(role: IRoleRef): void;
  /** Lets `role` read the key's metadata, policy and rotation status: no use, no change. */
  grantAudit(role: IRoleRef): void;
}

export interface CustodyKeyProps {
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
 *   roles administer but not use it,
 * - lets only granted roles use it, only through a named service in the key's region,
 * - denies every principal outside the custody account.
 * There is no statement delegating to IAM (`kms:*` for the account root), so no IAM policy
 * alone can ever open the key to anyone else.
 */
export class CustodyKey extends Construct implements ICustodyKey {
  public readonly keyArn: string;
  public readonly region: string;
  public readonly resource: KmsKey;
  private readonly custody: AwsCustody;
  private readonly administrators: string[];
  private readonly uses: PolicyStatement[] = [];
  private readonly auditors: string[] = [];

  constructor(scope: Construct, id: string, props: CustodyKeyProps) {
    super(scope, id);
    this.custody = props.custody;
    this.region = props.region;
    // Readers and writers never administer keys (separation of duties).
    this.administrators = custodiansOf(props.custody);
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
      new KmsAlias(this, "Alias", { name: `alias/${props.alias}`, targetKeyId: this.resource.keyId });
    }
  }

  public grantUse(role: IRoleRef, actions: readonly string[], viaService: string): void {
    this.uses.push({
      Sid: `Use${this.uses.length + 1}`,
      Effect: "Allow",
      Principal: { AWS: this.root() },
      Action: [...actions],
      Resource: "*",
      Condition: {
        ArnEquals: { "aws:PrincipalArn": role.roleArn },
        StringEquals: { "kms:ViaService": `${viaService}.${this.region}.amazonaws.com` },
      },
    });
  }

  public grantAdminister(role: IRoleRef): void {
    if (!this.administrators.includes(role.roleArn)) this.administrators.push(role.roleArn);
  }

  public grantAudit(role: IRoleRef): void {
    if (!this.auditors.includes(role.roleArn)) this.auditors.push(role.roleArn);
  }

  private root(): string {
    return accountRoot(partitionOf(this.custody), this.custody.accountId);
  }

  private statements(): PolicyStatement[] {
    return [
      {
        Sid: "KeyAdministrationWithoutUse",
        Effect: "Allow",
        Principal: { AWS: this.root() },
        Action: [...KEY_ADMIN_ACTIONS],
        Resource: "*",
        Condition: { ArnEquals: { "aws:PrincipalArn": [...this.administrators] } },
      },
      ...this.uses,
      ...(this.auditors.length === 0
        ? []
        : [
            {
              Sid: "AuditWithoutUse",
              Effect: "Allow" as const,
              Principal: { AWS: this.root() },
              Action: [...KEY_AUDIT_ACTIONS],
              Resource: "*",
              Condition: { ArnEquals: { "aws:PrincipalArn": [...this.auditors] } },
            },
          ]),
      {
        Sid: "DenyOutsideCustody",
        Effect: "Deny",
        Principal: "*",
        Action: "kms:*",
        Resource: "*",
        Condition: { StringNotEquals: { "aws:PrincipalAccount": this.custody.accountId } },
      },
    ];
  }
}
