/**
 * Every Azure role this library assigns, in one place, so a reviewer can read exactly what each
 * purpose may do. Built-in roles are named by their display names; where no built-in role is
 * least-privilege, a custom role is defined from the action lists below (scoped to the site's
 * resource group, assignable only there). Nothing here is `*`, and no list holds a storage
 * data action together with a key administration action (separation of duties).
 */

/** Read and restore registry copies: every blob version, through Entra ID only. */
export const STORE_READER_ROLE = "Storage Blob Data Reader";

/** The store's own user-assigned identity: wrap and unwrap with its key, nothing else. */
export const KEY_ENCRYPTION_USER_ROLE = "Key Vault Crypto Service Encryption User";

/** Audit: read every resource's configuration (no data, no key material), and the key metadata. */
export const AUDIT_READER_ROLE = "Reader";
/**
 * Audit: the key metadata (names, versions, attributes, rotation policy) of the custody vault,
 * never key material or use; a data-plane role, effective because the vault uses Azure RBAC
 * authorization ("Key Vault Reader: Read metadata of key vaults and its certificates, keys, and
 * secrets. Cannot read sensitive values such as secret contents or key material",
 * learn.microsoft.com/azure/key-vault/general/rbac-guide).
 */
export const AUDIT_KEY_READER_ROLE = "Key Vault Reader";
/** Audit: query the site's diagnostic logs. */
export const AUDIT_LOG_READER_ROLE = "Log Analytics Reader";
/**
 * Audit: read the site's VNet flow logs, which Network Watcher writes to the log store's flow-log
 * account (storage only, not the workspace): "Storage Blob Data Reader" on that account. It holds
 * no registry data (no registry container lives there) and no write or delete.
 */
export const AUDIT_FLOW_LOG_READER_ROLE = "Storage Blob Data Reader";

/** The shape of a custom role: management-plane actions and data-plane actions. */
export interface CustomRolePermissions {
  /** Management-plane operations (`Microsoft.<Provider>/<type>/<verb>`), checked by Azure Resource Manager: the role definition's `Actions`. */
  readonly actions: readonly string[];
  /** Data-plane operations (blob, key), checked by the service itself: the role definition's `DataActions`. */
  readonly dataActions: readonly string[];
}

/**
 * Write new versions at the primary (like the AWS writer: no read). Deliberately without `blobs/delete` and
 * `blobs/immutableStorage/runAsSuperUser/action` (which could set a shorter policy on a
 * version): writers add versions, never remove or unprotect them.
 */
export const STORE_WRITER_PERMISSIONS: CustomRolePermissions = {
  actions: ["Microsoft.Storage/storageAccounts/blobServices/containers/read"],
  dataActions: [
    "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write",
    "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action",
  ],
};

/**
 * Ingest: a datacenter's copy job (`data-embassy push`) adds registry versions to the containers
 * it carries, and nothing else. Deliberately absent:
 * - `blobs/read` (data read, see DATA_READ_ACTIONS): a copy job's token leaking from the
 *   datacenter must not let anyone read a registry copy out of the embassy. Listing is granted
 *   apart, by INGEST_LIST_PERMISSIONS under LIST_ONLY_CONDITION (below), so that a second push of
 *   the same files sends nothing. Writing needs no read either: the job uploads with
 *   `If-None-Match: *`, which the Blob service answers with 409 BlobAlreadyExists when the blob
 *   exists ("Specify the wildcard character (*) to perform the operation only if the resource does
 *   not exist, and fail the operation if it does exist", learn.microsoft.com/rest/api/
 *   storageservices/specifying-conditional-headers-for-blob-service-operations), with write
 *   permission only: where listing is refused (a 403 before the list assignment has propagated)
 *   the job falls back to those conditional creates. Put Block List takes the same header; the
 *   push keeps its own journal of staged blocks instead of asking for Get Block List (a read).
 *   Checking what arrived is `data-embassy verify`, run by a custody reader.
 * - `blobs/delete`, `deleteBlobVersion/action`, `permanentDelete/action`,
 *   `immutableStorage/runAsSuperUser/action` and any `immutabilityPolicies` action: the job adds
 *   versions, never removes or unprotects them (the container's locked WORM policy would refuse
 *   most of that anyway; the role does not even ask).
 * - every control-plane action: the job talks to the blob endpoint only, over the site VPN;
 *   Azure Resource Manager is not on its path.
 */
export const INGEST_PERMISSIONS: CustomRolePermissions = {
  actions: [],
  dataActions: [
    "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write",
    "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action",
  ],
};

/**
 * Ingest, listing: which blobs are already at the target, so `data-embassy push` sends only what is
 * missing ("a second push of the same files sends nothing"; objects are content-addressed, so the
 * names are enough). List Blobs is authorized by the same data action as Get Blob,
 * `Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read` (learn.microsoft.com/rest/
 * api/storageservices/list-blobs, "Authorization"; authorize-with-azure-active-directory,
 * "Permissions for calling data operations"), so this role is never assigned without
 * LIST_ONLY_CONDITION: OnPremIngest.carry makes both assignments together, on the container only.
 */
export const INGEST_LIST_PERMISSIONS: CustomRolePermissions = {
  actions: [],
  dataActions: ["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read"],
};

/**
 * The role-assignment condition (Azure ABAC, condition version 2.0) that narrows `blobs/read` to
 * listing. Azure Blob Storage splits that data action into the suboperation `Blob.List` ("List
 * blobs: List blobs operation", DataAction `.../blobs/read`, Suboperation `Blob.List`) and "Read a
 * blob: All blob read operations excluding list" (Suboperation `NOT Blob.List`), whose documented
 * action clause is `!(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/
 * blobs/read'} AND NOT SubOperationMatches{'Blob.List'})` (learn.microsoft.com/azure/storage/blobs/
 * storage-auth-abac-attributes, "Azure Blob Storage actions and suboperations", "Read a blob",
 * "List blobs"; MicrosoftDocs/azure-docs articles/storage/blobs/storage-auth-abac-attributes.md).
 * A condition allows an operation when it evaluates to true: any action other than the targeted
 * one makes `!(ActionMatches...)` true (learn.microsoft.com/azure/role-based-access-control/
 * conditions-format, "How a condition is evaluated"). Here there is no `OR <expression>` after the
 * action clause, so reading a blob (any `blobs/read` request that is not List Blobs: Get Blob, Get
 * Blob Properties, Get Blob Metadata, Get Block List, ...) is never allowed, and listing always is.
 * The examples of "Example Azure role assignment conditions for Blob Storage" (storage-auth-abac-
 * examples) pair the same clause with an expression (e.g. `OR (@Resource[...containers:name]
 * StringEquals '...')`), which would re-open reads; this condition deliberately has none.
 * azurerm 4.x `azurerm_role_assignment`: `condition` (ForceNew, RequiredWith `condition_version`)
 * and `condition_version` ("1.0" or "2.0") (hashicorp/terraform-provider-azurerm
 * internal/services/authorization/role_assignment_resource.go). The access evaluator recognises
 * exactly this text (lib/review/azure-access.ts).
 */
export const LIST_ONLY_CONDITION =
  "((!(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'} AND NOT SubOperationMatches{'Blob.List'})))";
/** The condition version of LIST_ONLY_CONDITION: "2.0", as Microsoft's storage ABAC walkthroughs set it (Azure PowerShell: `$conditionVersion = "2.0"`). */
export const LIST_ONLY_CONDITION_VERSION = "2.0";

/**
 * Administer a key's life cycle without any cryptographic use of it and without destroying or
 * disabling it (the Azure counterpart of the AWS KEY_ADMIN_ACTIONS). Deliberately absent, compared
 * with the built-in "Key Vault Crypto Officer": encrypt/decrypt/wrap/unwrap/sign/verify (use),
 * backup/restore/import/release (key material leaving or entering the vault), and everything
 * that retires a key (KEY_RETIREMENT_PERMISSIONS). The vault itself can only be read, not
 * reconfigured. Key creation by the plan goes through Azure Resource Manager
 * (`Microsoft.KeyVault/vaults/keys/write`, a control-plane action of the deploying identity, see
 * CustodyKey: "Create If Not Exist", which never adds a version to an existing key), so no custodian
 * needs to create keys. `keys/rotate/action` rotates now ("Creates a new version of an existing key
 * (with the same parameters)"; Rotate Key "will rotate the key based on the key policy. It requires
 * the keys/rotate permission", learn.microsoft.com/dotnet/api/azure.security.keyvault.keys.
 * keyclient.rotatekey; automatic rotation by the rotation policy is done by Key Vault itself and
 * needs no principal), `keyrotationpolicies/read|write` read and set the rotation policy
 * ("Retrieves/Updates the rotation policy of a given key"), `keys/recover/action` undo a soft
 * delete. Data action names and descriptions: learn.microsoft.com/azure/role-based-access-control/
 * permissions/security (MicrosoftDocs/azure-docs articles/role-based-access-control/permissions/
 * security.md, Microsoft.KeyVault DataActions).
 *
 * Deliberately absent too: `keys/create/action`. Key Vault's Create Key on an existing name "creates
 * a new version of the key" (learn.microsoft.com/rest/api/keyvault/keys/create-key/create-key, "It
 * requires the keys/create permission"), and that version becomes the current one with whatever
 * the caller sends: `enabled: false`, an `exp` in the past, `key_ops` without wrapKey/unwrapKey, a
 * software `RSA` kty. Every store names its key by the versionless URI (EncryptedStore) and the copy
 * jobs sign with the versionless signing key, so one custodian could make every store of a site
 * unreadable, and manifests unsignable, without the retirement role: exactly the disabling that
 * `keys/update/action` is kept out of this role for. `keys/import/action` (the same, with key
 * material from outside) is absent for the same reason. Both are watched by the vault's key-audit
 * alert (tamper-alerts.ts, `KeyCreate`, `KeyImport`) in case someone else (an Owner) does it.
 *
 * Why no custodian may retire a key alone (delete it, or update it):
 * - delete: with purge protection on, a deleted key stays recoverable for 90 days, but Key Vault
 *   purges it by itself when that window ends, and every blob it protects is then unreadable for
 *   good. A custodian who deletes a key and is not noticed for 90 days would have destroyed a
 *   registry copy alone.
 * - `keys/update/action` ("Updates the specified attributes associated with the given key"): it
 *   can disable a key, give it an expiry in the past, or take `wrapKey`/`unwrapKey` out of its
 *   allowed operations. Storage then cannot use the key, and "after the key has been disabled or
 *   deleted, clients cannot call operations that read from or write to a blob or its metadata.
 *   Attempts to call any of the following operations will fail with error code 403 (Forbidden)
 *   for all users" (learn.microsoft.com/azure/storage/common/customer-managed-keys-overview,
 *   MicrosoftDocs/azure-docs articles/storage/common/customer-managed-keys-overview.md, "Revoke
 *   access to customer-managed keys"). The key-administrator group holds its role at every site,
 *   so one group could make every copy unreadable at once.
 * Both are therefore a separate role (KEY_RETIREMENT_PERMISSIONS) that no principal holds: it is
 * meant to be granted for the time of a planned retirement or attribute change, through an
 * approval workflow (Entra ID Privileged Identity Management with approval by a second person),
 * so that two people act. A custodian can still rotate a key and change its rotation policy: a
 * rotation adds a version with the same parameters and leaves the earlier versions usable.
 */
export const KEY_ADMIN_PERMISSIONS: CustomRolePermissions = {
  actions: ["Microsoft.KeyVault/vaults/read"],
  dataActions: [
    "Microsoft.KeyVault/vaults/keys/read",
    "Microsoft.KeyVault/vaults/keys/rotate/action",
    "Microsoft.KeyVault/vaults/keys/recover/action",
    "Microsoft.KeyVault/vaults/keyrotationpolicies/read",
    "Microsoft.KeyVault/vaults/keyrotationpolicies/write",
  ],
};

/**
 * Retire a custody key: soft-delete it, or update its attributes (disable it, set its expiry,
 * change its allowed operations or tags), and nothing else: the role for a planned, approved
 * retirement (see KEY_ADMIN_PERMISSIONS). Defined on each site's resource group, assigned to
 * nobody by this library. There is no purge action here, nor anywhere in this library, and the
 * vault's purge protection refuses a purge from anyone, Owner included, until the 90-day retention
 * ends; a disabled key can be enabled again by the same role.
 *
 * What this cannot prevent (Azure RBAC has no two-person rule of its own, and a user cannot
 * create deny assignments): a subscription Owner (or User Access Administrator) can assign
 * himself this role or "Key Vault Crypto Officer" and soft-delete or disable a key alone, or
 * change its rotation policy; he can also remove the CanNotDelete locks and delete (soft-delete)
 * the vault. Locks do not cover data-plane operations such as key deletion at all. He cannot
 * purge a key or the vault while purge protection is on (it cannot be turned off once on), so a
 * deletion stays recoverable for 90 days: an alert on the vault's `KeyDelete` and `KeyUpdate`
 * audit events (diagnostic logs go to the site's workspace) and a second person's recovery are
 * what stop it becoming destruction. Owner-level standing access should itself be behind PIM
 * with approval.
 */
export const KEY_RETIREMENT_PERMISSIONS: CustomRolePermissions = {
  actions: ["Microsoft.KeyVault/vaults/read"],
  dataActions: ["Microsoft.KeyVault/vaults/keys/read", "Microsoft.KeyVault/vaults/keys/delete", "Microsoft.KeyVault/vaults/keys/update/action"],
};

/**
 * Operate a site: see configuration, health, metrics and replication state, and tag resources.
 * No data action, no `listKeys`, and no `storageAccounts/write` (which could re-enable shared
 * keys or public access): an operator can neither read data nor weaken a store.
 */
export const OPERATE_PERMISSIONS: CustomRolePermissions = {
  actions: [
    "Microsoft.Storage/storageAccounts/read",
    "Microsoft.Storage/storageAccounts/blobServices/read",
    "Microsoft.Storage/storageAccounts/blobServices/containers/read",
    "Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies/read",
    "Microsoft.Storage/storageAccounts/objectReplicationPolicies/read",
    "Microsoft.Insights/metrics/read",
    "Microsoft.Insights/metricDefinitions/read",
    "Microsoft.Insights/diagnosticSettings/read",
    "Microsoft.Resources/tags/read",
    "Microsoft.Resources/tags/write",
  ],
  dataActions: [],
};

/**
 * Replicate: Azure object replication runs inside the storage service and needs no principal
 * of ours (unlike S3 replication's role). The purpose is therefore to watch it: read the
 * replication policy and each account's replication state on both ends. Changing or deleting
 * a policy stays with whoever applies the plan (visible in the plan and the activity log).
 */
export const REPLICATE_PERMISSIONS: CustomRolePermissions = {
  actions: [
    "Microsoft.Storage/storageAccounts/read",
    "Microsoft.Storage/storageAccounts/objectReplicationPolicies/read",
    "Microsoft.Insights/metrics/read",
  ],
  dataActions: [],
};

/**
 * Sign snapshot manifests with a manifest-signing key (SigningKey, EC-HSM P-256), and read the
 * key's public part to record it: the writer at an Azure primary, a datacenter's ingest identity.
 * `keys/sign/action` "Signs a message digest (hash) with a key"; `keys/read` "List keys in the
 * specified vault, or read properties and public material of a key" (MicrosoftDocs/azure-docs
 * articles/role-based-access-control/permissions/security.md, Microsoft.KeyVault DataActions).
 * Assigned on the one key only, never on the vault.
 */
export const MANIFEST_SIGNER_PERMISSIONS: CustomRolePermissions = {
  actions: [],
  dataActions: ["Microsoft.KeyVault/vaults/keys/read", "Microsoft.KeyVault/vaults/keys/sign/action"],
};

/**
 * Check a manifest's signature: `keys/verify/action` ("Verifies the signature of a message digest
 * (hash) with a key. Note that the operation can be performed locally using the public portion of
 * the key", same page) and `keys/read` (the public part, to verify offline). Every custody
 * administrator holds it on the site's signing key: no signing, no other key, nothing secret.
 */
export const MANIFEST_VERIFIER_PERMISSIONS: CustomRolePermissions = {
  actions: [],
  dataActions: ["Microsoft.KeyVault/vaults/keys/read", "Microsoft.KeyVault/vaults/keys/verify/action"],
};

/** Data actions no non-data purpose may hold (checked when a custom role is defined). */
export const DATA_READ_ACTIONS = [
  "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read",
  "Microsoft.Storage/storageAccounts/listKeys/action",
  "Microsoft.KeyVault/vaults/keys/decrypt/action",
  "Microsoft.KeyVault/vaults/keys/unwrap/action",
] as const;

/** A custom role definition as role assignments reference it. */
export interface IRoleDefinition {
  /** The role definition's full resource id. */
  readonly roleDefinitionId: string;
}
