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
export const AUDIT_KEY_READER_ROLE = "Key Vault Reader";
/** Audit: query the site's diagnostic and flow logs. */
export const AUDIT_LOG_READER_ROLE = "Log Analytics Reader";

/** The shape of a custom role: management-plane actions and data-plane actions. */
export interface CustomRolePermissions {
  readonly actions: readonly string[];
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
 * Administer a key's life cycle without any cryptographic use of it (the Azure counterpart of
 * the AWS KEY_ADMIN_ACTIONS). Deliberately absent, compared with the built-in "Key Vault Crypto
 * Officer": encrypt/decrypt/wrap/unwrap/sign/verify (use), backup/restore/import/release (key
 * material leaving or entering the vault) and purge (destruction; purge protection also forbids
 * it). Deleting a key only soft-deletes it (recoverable for 90 days) and the key is
 * `prevent_destroy`; the vault itself can only be read, not reconfigured.
 */
export const KEY_ADMIN_PERMISSIONS: CustomRolePermissions = {
  actions: ["Microsoft.KeyVault/vaults/read"],
  dataActions: [
    "Microsoft.KeyVault/vaults/keys/read",
    "Microsoft.KeyVault/vaults/keys/create/action",
    "Microsoft.KeyVault/vaults/keys/update/action",
    "Microsoft.KeyVault/vaults/keys/rotate/action",
    "Microsoft.KeyVault/vaults/keys/delete",
    "Microsoft.KeyVault/vaults/keys/recover/action",
    "Microsoft.KeyVault/vaults/keyrotationpolicies/read",
    "Microsoft.KeyVault/vaults/keyrotationpolicies/write",
  ],
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
