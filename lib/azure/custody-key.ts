import { KeyVaultKey } from "@cdktf/provider-azurerm/lib/key-vault-key";
import type { RoleAssignment } from "@cdktf/provider-azurerm/lib/role-assignment";
import { Token } from "cdktf";
import { Construct } from "constructs";
import type { ICustodyKeyVault } from "./key-vault";
import { KEY_ENCRYPTION_USER_ROLE } from "./perms";
import { assignRole } from "./private/roles";

/** A customer-managed key as other constructs see it. */
export interface ICustodyKey {
  /** The key's versionless id: storage follows each rotation automatically. */
  readonly versionlessKeyId: string;
  /** The key's versionless ARM id: the scope of role assignments on this key alone. */
  readonly resourceId: string;
  readonly vault: ICustodyKeyVault;
  /**
   * Lets a managed identity wrap and unwrap with this key (and nothing else, on no other key):
   * "Key Vault Crypto Service Encryption User" scoped to the key. `grantId` names the grant.
   */
  grantEncryptionUse(grantId: string, principalId: string): RoleAssignment;
}

export interface CustodyKeyProps {
  readonly vault: ICustodyKeyVault;
  /** The key's name in the vault (1-127 letters, digits and hyphens). */
  readonly keyName: string;
  /**
   * RSA key size in bits.
   * @default 3072
   */
  readonly keySize?: 2048 | 3072 | 4096;
  /**
   * Days after which a new key version is created automatically.
   * @default 365 - yearly, like the AWS custody keys
   */
  readonly rotateAfterDays?: number;
  /**
   * Days after which a key version expires; rotation must come at least 28 days earlier.
   * @default 730
   */
  readonly expireAfterDays?: number;
  /**
   * Tags for every resource this construct creates.
   * @default - no tags
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/** The shortest gap between automatic rotation and expiry, so a notification (and a person) can act. */
export const ROTATION_MARGIN_DAYS = 28;

/**
 * An HSM-backed RSA key (`RSA-HSM`) in a custody vault, for wrapping storage encryption keys
 * only (`wrapKey`, `unwrapKey`), with a rotation policy that rotates automatically, sets an
 * expiry on every rotated version (Key Vault applies `expire_after` to new versions, not to the
 * first one) and notifies 30 days before expiry, and `prevent_destroy`. It depends
 * on the vault's key-administrator grants, since the identity applying the plan creates it.
 */
export class CustodyKey extends Construct implements ICustodyKey {
  public readonly versionlessKeyId: string;
  public readonly resourceId: string;
  public readonly vault: ICustodyKeyVault;
  public readonly resource: KeyVaultKey;

  constructor(scope: Construct, id: string, props: CustodyKeyProps) {
    super(scope, id);
    const rotate = props.rotateAfterDays ?? 365;
    const expire = props.expireAfterDays ?? 730;
    const problems: string[] = [];
    if (!Token.isUnresolved(props.keyName) && !/^[a-zA-Z0-9-]{1,127}$/.test(props.keyName)) {
      problems.push(`keyName must be 1-127 letters, digits and hyphens, got '${props.keyName}'`);
    }
    if (!Token.isUnresolved(rotate) && (rotate < 7 || rotate > 365)) {
      problems.push(`rotateAfterDays must be from 7 to 365 (rotation is always on), got ${rotate} for key '${props.keyName}'`);
    }
    if (!Token.isUnresolved(rotate) && !Token.isUnresolved(expire) && expire < rotate + ROTATION_MARGIN_DAYS) {
      problems.push(
        `expireAfterDays must be at least rotateAfterDays + ${ROTATION_MARGIN_DAYS} (${rotate + ROTATION_MARGIN_DAYS}), got ${expire} for key '${props.keyName}'`,
      );
    }
    if (problems.length > 0) throw new Error(problems.join("\n"));
    this.vault = props.vault;
    this.resource = new KeyVaultKey(this, "Resource", {
      name: props.keyName,
      keyVaultId: props.vault.vaultId,
      keyType: "RSA-HSM",
      keySize: props.keySize ?? 3072,
      keyOpts: ["wrapKey", "unwrapKey"],
      rotationPolicy: {
        automatic: { timeAfterCreation: `P${rotate}D` },
        expireAfter: `P${expire}D`,
        notifyBeforeExpiry: "P30D",
      },
      tags: { ...(props.tags ?? {}) },
      dependsOn: [...props.vault.keyAdministration],
      lifecycle: { preventDestroy: true },
    });
    this.versionlessKeyId = this.resource.versionlessId;
    this.resourceId = this.resource.resourceVersionlessId;
  }

  public grantEncryptionUse(grantId: string, principalId: string): RoleAssignment {
    return assignRole(this, `EncryptionUser-${grantId}`, {
      scope: this.resourceId,
      principalId,
      role: KEY_ENCRYPTION_USER_ROLE,
      description: "The store's own identity: wrap/unwrap its storage encryption key with this key only",
      principalType: "ServicePrincipal",
    });
  }
}
