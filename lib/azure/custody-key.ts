import type { RoleAssignment } from "@cdktf/provider-azurerm/lib/role-assignment";
import { Construct } from "constructs";
import { AzapiResource } from "./azapi/resource";
import type { ICustodyKeyVault } from "./key-vault";
import { KEY_ENCRYPTION_USER_ROLE } from "./perms";
import { keyLifecycleProblems, keyRotationPolicy } from "./private/key-lifecycle";
import { assignRole } from "./private/roles";

/** A customer-managed key as other constructs see it. */
export interface ICustodyKey {
  /**
   * The key's versionless data-plane URI (`https://<vault>.vault.azure.net/keys/<name>`): storage
   * follows each rotation automatically.
   */
  readonly versionlessKeyId: string;
  /** The key's ARM id (`<vault id>/keys/<name>`): the scope of role assignments on this key alone. */
  readonly resourceId: string;
  /** The custody vault that holds the key (and whose key administrators manage it). */
  readonly vault: ICustodyKeyVault;
  /**
   * Lets a managed identity wrap and unwrap with this key (and nothing else, on no other key):
   * "Key Vault Crypto Service Encryption User" scoped to the key. `grantId` names the grant.
   */
  grantEncryptionUse(grantId: string, principalId: string): RoleAssignment;
}

/** How a CustodyKey is built. */
export interface CustodyKeyProps {
  /** The site's custody vault the key is created in (Premium, so the key can be HSM-backed). */
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

export { EXPIRY_NOTICE_DAYS, ROTATION_MARGIN_DAYS } from "./private/key-lifecycle";

/**
 * The current stable ARM API version of `Microsoft.KeyVault/vaults/keys` (Azure/azure-rest-api-specs
 * specification/keyvault/resource-manager/Microsoft.KeyVault/stable/2024-11-01/keys.json).
 */
export const KEY_VAULT_KEYS_API_VERSION = "2024-11-01";

/** The azapi resource type of a custody key. */
export const CUSTODY_KEY_RESOURCE_TYPE = `Microsoft.KeyVault/vaults/keys@${KEY_VAULT_KEYS_API_VERSION}`;

/**
 * An HSM-backed RSA key (`RSA-HSM`) in a custody vault, for wrapping storage encryption keys
 * only (`wrapKey`, `unwrapKey`), not exportable, with a rotation policy that rotates
 * automatically after `rotateAfterDays`, sets an expiry of `expireAfterDays` on every rotated
 * version (`rotationPolicy.attributes.expiryTime` applies to new versions, not to the first one)
 * and notifies 30 days before expiry, and `prevent_destroy`.
 *
 * Created through the control plane. The key is an `azapi_resource` of type
 * {@link CUSTODY_KEY_RESOURCE_TYPE} whose parent is the vault: Terraform PUTs and GETs it at
 * management.azure.com ("Keys - Create If Not Exist", keys.json above), never at the vault's
 * endpoint, which public network access off leaves reachable only through the private endpoint
 * (learn.microsoft.com/azure/key-vault/general/access-behind-firewall: management goes to Azure
 * Resource Manager, data-plane access to `https://<vault>.vault.azure.net`). Plan, apply and
 * refresh therefore work from a runner outside the site networks. The identity applying the plan
 * needs the control-plane action `Microsoft.KeyVault/vaults/keys/write` (and `.../keys/read`) on
 * the vault (Contributor or Owner, which it holds anyway to create role assignments), not a data
 * role: the key does not wait for the key administrators' grants nor for the private endpoint.
 *
 * What ARM key creation does NOT do (keys.json, Keys_CreateIfNotExist: "If it already exists, then
 * the existing key is returned without any write operations being performed. This API does not
 * create subsequent versions, and does not update existing keys."):
 * - it never updates an existing key. Changing `keySize`, `rotateAfterDays` or `expireAfterDays`
 *   (or the tags) after the key exists changes nothing in Azure; the plan keeps showing the
 *   difference. Apply the change through the data plane, from inside the site network: as a key
 *   administrator (the custom role holds `keyrotationpolicies/write`) for the rotation policy,
 *   `az keyvault key rotation-policy update --vault-name <vault> --name <key> --value policy.json`
 *   (Key Vault REST "Update Key Rotation Policy", `PUT {vault}/keys/{name}/rotationpolicy`); with
 *   the key-retirement role, granted through an approval (it alone holds `keys/update/action`,
 *   which could also disable the key, see perms.KEY_RETIREMENT_PERMISSIONS), for attributes and
 *   tags, `az keyvault key set-attributes` ("Update Key", `PATCH {vault}/keys/{name}`). A different key size or type needs a new key
 *   (a new `keyName`) and a change of the store's customer-managed key;
 * - it never deletes: ARM has no DELETE for keys, so `terraform destroy` could not remove a key
 *   even without `prevent_destroy` (deletion is the data-plane `keys/delete`; see perms.ts);
 * - it does not rotate: new versions come from the rotation policy (or `keys/rotate/action`).
 * The first version gets no `exp` attribute (an absolute date would change on every synth); it is
 * rotated after `rotateAfterDays` like every later version. The stack needs an AzapiProvider.
 */
export class CustodyKey extends Construct implements ICustodyKey {
  public readonly versionlessKeyId: string;
  public readonly resourceId: string;
  /** The custody vault that holds the key, as given in `vault`. */
  public readonly vault: ICustodyKeyVault;
  /** The `azapi_resource` of type CUSTODY_KEY_RESOURCE_TYPE that creates the key through Azure Resource Manager (construct id `Resource`). */
  public readonly resource: AzapiResource;

  constructor(scope: Construct, id: string, props: CustodyKeyProps) {
    super(scope, id);
    const rotate = props.rotateAfterDays ?? 365;
    const expire = props.expireAfterDays ?? 730;
    const problems = keyLifecycleProblems(props.keyName, rotate, expire, `key '${props.keyName}'`);
    if (problems.length > 0) throw new Error(problems.join("\n"));
    this.vault = props.vault;
    this.resource = new AzapiResource(this, "Resource", {
      type: CUSTODY_KEY_RESOURCE_TYPE,
      name: props.keyName,
      parentId: props.vault.vaultId,
      // KeyCreateParameters / KeyProperties in keys.json: `kty`, `keySize`, `keyOps`,
      // `attributes` (KeyAttributes) and `rotationPolicy` (RotationPolicy: `attributes.expiryTime`
      // and `lifetimeActions` of a `trigger` with `timeAfterCreate` or `timeBeforeExpiry` and an
      // `action` of type `rotate` or `notify`), ISO 8601 durations throughout.
      body: {
        properties: {
          kty: "RSA-HSM",
          keySize: props.keySize ?? 3072,
          keyOps: ["wrapKey", "unwrapKey"],
          attributes: { enabled: true, exportable: false },
          rotationPolicy: keyRotationPolicy(rotate, expire),
        },
      },
      tags: { ...(props.tags ?? {}) },
      // `keyUri` is the versionless data-plane URI ("The URI to retrieve the current version of the key").
      responseExportValues: ["properties.keyUri"],
      schemaValidationEnabled: true,
      // Key Vault may echo enum values in another case (e.g. `Rotate`); that is not a change.
      ignoreCasing: true,
      lifecycle: { preventDestroy: true },
    });
    this.versionlessKeyId = this.resource.outputString("properties.keyUri");
    this.resourceId = this.resource.id;
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
