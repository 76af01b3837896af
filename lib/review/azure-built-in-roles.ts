/**
 * The Azure built-in roles the evaluator knows: the ones this library's constructs assign, plus
 * Owner and Contributor for completeness (so a reviewer who adds one by hand gets an answer, not
 * an error). Copied from Microsoft's generated built-in role reference, which lists each role's
 * id, Actions, NotActions, DataActions and NotDataActions as JSON:
 * - General (Reader): learn.microsoft.com/azure/role-based-access-control/built-in-roles/general
 *   (MicrosoftDocs/azure-docs articles/role-based-access-control/built-in-roles/general.md);
 * - Privileged (Owner, Contributor): .../built-in-roles/privileged (privileged.md);
 * - Storage (Storage Blob Data Reader): .../built-in-roles/storage (storage.md);
 * - Security (Key Vault Reader, Key Vault Crypto Service Encryption User): .../built-in-roles/security (security.md);
 * - Monitor (Log Analytics Reader): .../built-in-roles/monitor (monitor.md).
 * Built-in role ids are the same in every cloud and tenant (role-definitions.md, "Id / name").
 * A role Microsoft changes later must be updated here by hand: the evaluator never calls Azure.
 */

/** One permission block of a role definition (Azure's own field names). */
export interface RolePermission {
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
  readonly dataActions: readonly string[];
  readonly notDataActions: readonly string[];
}

/** A built-in role as Microsoft defines it. */
export interface BuiltInRole {
  /** The display name (`roleName`), as `role_definition_name` takes it. */
  readonly name: string;
  /** The role definition GUID (`name`), the last segment of its `roleDefinitionId`. */
  readonly id: string;
  readonly permissions: readonly RolePermission[];
}

const none: readonly string[] = [];

export const AZURE_BUILT_IN_ROLES: readonly BuiltInRole[] = Object.freeze([
  {
    name: "Owner",
    id: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
    permissions: [{ actions: ["*"], notActions: none, dataActions: none, notDataActions: none }],
  },
  {
    name: "Contributor",
    id: "b24988ac-6180-42a0-ab88-20f7382dd24c",
    permissions: [
      {
        actions: ["*"],
        notActions: [
          "Microsoft.Authorization/*/Delete",
          "Microsoft.Authorization/*/Write",
          "Microsoft.Authorization/elevateAccess/Action",
          "Microsoft.Blueprint/blueprintAssignments/write",
          "Microsoft.Blueprint/blueprintAssignments/delete",
          "Microsoft.Compute/galleries/share/action",
          "Microsoft.Purview/consents/write",
          "Microsoft.Purview/consents/delete",
          "Microsoft.Resources/deploymentStacks/manageDenySetting/action",
          "Microsoft.Subscription/cancel/action",
          "Microsoft.Subscription/enable/action",
        ],
        dataActions: none,
        notDataActions: none,
      },
    ],
  },
  {
    name: "Reader",
    id: "acdd72a7-3385-48ef-bd42-f606fba81ae7",
    permissions: [{ actions: ["*/read"], notActions: none, dataActions: none, notDataActions: none }],
  },
  {
    name: "Storage Blob Data Reader",
    id: "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
    permissions: [
      {
        actions: ["Microsoft.Storage/storageAccounts/blobServices/containers/read", "Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action"],
        notActions: none,
        dataActions: ["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read"],
        notDataActions: none,
      },
    ],
  },
  {
    name: "Key Vault Crypto Service Encryption User",
    id: "e147488a-f6f5-4113-8e2d-b22465e65bf6",
    permissions: [
      {
        actions: ["Microsoft.EventGrid/eventSubscriptions/write", "Microsoft.EventGrid/eventSubscriptions/read", "Microsoft.EventGrid/eventSubscriptions/delete"],
        notActions: none,
        dataActions: ["Microsoft.KeyVault/vaults/keys/read", "Microsoft.KeyVault/vaults/keys/wrap/action", "Microsoft.KeyVault/vaults/keys/unwrap/action"],
        notDataActions: none,
      },
    ],
  },
  {
    name: "Key Vault Reader",
    id: "21090545-7ca7-4776-b22c-e363652d74d2",
    permissions: [
      {
        actions: [
          "Microsoft.Authorization/*/read",
          "Microsoft.Insights/alertRules/*",
          "Microsoft.Resources/deployments/*",
          "Microsoft.Resources/subscriptions/resourceGroups/read",
          "Microsoft.Support/*",
          "Microsoft.KeyVault/checkNameAvailability/read",
          "Microsoft.KeyVault/deletedVaults/read",
          "Microsoft.KeyVault/locations/*/read",
          "Microsoft.KeyVault/vaults/*/read",
          "Microsoft.KeyVault/operations/read",
        ],
        notActions: none,
        dataActions: ["Microsoft.KeyVault/vaults/*/read", "Microsoft.KeyVault/vaults/secrets/readMetadata/action"],
        notDataActions: none,
      },
    ],
  },
  {
    name: "Log Analytics Reader",
    id: "73c42c96-874c-492b-b04d-ab87d138a893",
    permissions: [
      {
        actions: ["*/read", "Microsoft.OperationalInsights/workspaces/analytics/query/action", "Microsoft.OperationalInsights/workspaces/search/action", "Microsoft.Support/*"],
        notActions: ["Microsoft.OperationalInsights/workspaces/sharedKeys/read"],
        dataActions: none,
        notDataActions: none,
      },
    ],
  },
]);
