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
 * Administer a key's life cycle without any cryptographic use of it and without destroying it
 * (the Azure counterpart of the AWS KEY_ADMIN_ACTIONS). Deliberately absent, compared with the
 * built-in "Key Vault Crypto Officer": encrypt/decrypt/wrap/unwrap/sign/verify (use),
 * backup/restore/import/release (key material leaving or entering the vault), delete and purge
 * (destruction). The vault itself can only be read, not reconfigured. Key creation by the plan
 * goes through Azure Resource Manager (`Microsoft.KeyVault/vaults/keys/write`, a control-plane
 * action of the deploying identity, see CustodyKey); `keys/create/action` here lets a custodian
 * create a version by hand from inside the site network, `keys/rotate/action` rotate now,
 * `keys/update/action` and `keyrotationpolicies/write` change attributes and the rotation policy
 * (the data-plane path the plan cannot take), `keys/recover/action` undo a soft delete.
 *
 * Why delete is not here: with purge protection on, a deleted key stays recoverable for 90 days,
 * but Key Vault purges it by itself when that window ends, and every blob it protects is then
 * unreadable for good. A single custodian who deletes a key and is not noticed for 90 days would
 * have destroyed a registry copy alone. Deleting a key is therefore a separate role
 * (KEY_DELETION_PERMISSIONS) that no principal holds: it is meant to be granted for the time of a
 * planned deletion, through an approval workflow (Entra ID Privileged Identity Management with
 * approval by a second person), so that two people act.
 */
export const KEY_ADMIN_PERMISSIONS: CustomRolePermissions = {
  actions: ["Microsoft.KeyVault/vaults/read"],
  dataActions: [
    "Microsoft.KeyVault/vaults/keys/read",
    "Microsoft.KeyVault/vaults/keys/create/action",
    "Microsoft.KeyVault/vaults/keys/update/action",
    "Microsoft.KeyVault/vaults/keys/rotate/action",
    "Microsoft.KeyVault/vaults/keys/recover/action",
    "Microsoft.KeyVault/vaults/keyrotationpolicies/read",
    "Microsoft.KeyVault/vaults/keyrotationpolicies/write",
  ],
};

/**
 * Soft-delete a custody key, and nothing else: the role for a planned, approved deletion (see
 * KEY_ADMIN_PERMISSIONS). Defined on each site's resource group, assigned to nobody by this
 * library. There is no purge action here, nor anywhere in this library, and the vault's purge
 * protection refuses a purge from anyone, Owner included, until the 90-day retention ends.
 *
 * What this cannot prevent (Azure RBAC has no two-person rule of its own, and a user cannot
 * create deny assignments): a subscription Owner (or User Access Administrator) can assign
 * himself this role or "Key Vault Crypto Officer" and soft-delete a key alone, disable it, or
 * change its rotation policy; he can also remove the CanNotDelete locks and delete (soft-delete)
 * the vault. Locks do not cover data-plane operations such as key deletion at all. He cannot
 * purge a key or the vault while purge protection is on (it cannot be turned off once on), so a
 * deletion stays recoverable for 90 days: an alert on the vault's `KeyDelete` audit events
 * (diagnostic logs go to the site's workspace) and a second person's recovery are what stop it
 * becoming destruction. Owner-level standing access should itself be behind PIM with approval.
 */
export const KEY_DELETION_PERMISSIONS: CustomRolePermissions = {
  actions: ["Microsoft.KeyVault/vaults/read"],
  dataActions: ["Microsoft.KeyVault/vaults/keys/read", "Microsoft.KeyVault/vaults/keys/delete"],
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
