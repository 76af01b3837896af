import { KeyVault } from "@cdktf/provider-azurerm/lib/key-vault";
import { ManagementLock } from "@cdktf/provider-azurerm/lib/management-lock";
import { MonitorDiagnosticSetting } from "@cdktf/provider-azurerm/lib/monitor-diagnostic-setting";
import { PrivateEndpoint } from "@cdktf/provider-azurerm/lib/private-endpoint";
import { type ITerraformDependable, Token } from "cdktf";
import { Construct } from "constructs";
import { type AzureCustody, principalProblems } from "./custody";
import type { ILogStore } from "./log-store";
import type { INetwork } from "./network";
import { type IRoleDefinition, KEY_ADMIN_PERMISSIONS, KEY_RETIREMENT_PERMISSIONS } from "./perms";
import { KEY_VAULT_NAME } from "./private/naming";
import { assignRole, CustomRole } from "./private/roles";

/** A custody key vault as other constructs see it. */
export interface ICustodyKeyVault {
  /** The ARM resource id of the vault (the scope of key-administrator and key-use role assignments). */
  readonly vaultId: string;
  /** The vault's data-plane URI, `https://<vaultName>.vault.azure.net/`, which key URIs start with. */
  readonly vaultUri: string;
  /** The object ids that administer (but cannot use) the vault's keys. */
  readonly keyAdministrators: readonly string[];
  /**
   * The role assignments that make the key administrators custodians of this vault's keys
   * (rotation, rotation policy, recovery), for anything that must come after them. Keys
   * themselves do not: the plan creates them through Azure Resource Manager (see CustodyKey).
   */
  readonly keyAdministration: readonly ITerraformDependable[];
}

/** How a CustodyKeyVault is built. */
export interface CustodyKeyVaultProps {
  /** The owning state's tenant, subscription and administrators: the vault's tenant, and the only principals that may administer keys. */
  readonly custody: AzureCustody;
  /** The resource group the vault, its private endpoint, lock and diagnostics go into. */
  readonly resourceGroupName: string;
  /** The id of the resource group (custom roles are defined and assignable only there). */
  readonly resourceGroupId: string;
  /** The Azure region of the site, as ARM names it (`westeurope`); must be the region of `network`'s VNet. */
  readonly location: string;
  /** Globally unique vault name: 3-24 letters, digits and single hyphens, starting with a letter. */
  readonly vaultName: string;
  /** The custom key-administrator role's display name (unique in the tenant). */
  readonly keyAdminRoleName: string;
  /**
   * The display name of the custom role that retires keys: soft-deletes them or updates their
   * attributes, e.g. disables them (unique in the tenant). The role is defined but assigned to
   * nobody; see perms.KEY_RETIREMENT_PERMISSIONS.
   * @default - `<keyAdminRoleName>-retire`
   */
  readonly keyRetirementRoleName?: string;
  /** Where the vault's private endpoint goes. */
  readonly network: INetwork;
  /** Where the vault's audit events go. */
  readonly logStore: ILogStore;
  /**
   * Who administers the keys (life cycle and rotation, never cryptographic use); each must be in
   * `custody.administrators`.
   * @default - every custody administrator
   */
  readonly keyAdministrators?: readonly string[];
  /**
   * Tags for every resource this construct creates.
   * @default - no tags
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/** Soft-delete retention of the vault and its keys, in days: the longest Azure allows. */
export const VAULT_SOFT_DELETE_DAYS = 90;

/**
 * The Key Vault that holds a site's custody keys, the Azure counterpart of the AWS key policy:
 * Premium SKU (HSM-backed keys), Azure RBAC authorization (no access policies), purge
 * protection and the longest soft-delete window (a deleted key or vault is recoverable for 90
 * days and can never be purged early), public network access off with a default-deny network
 * ACL (trusted Azure services such as Storage may still reach it for customer-managed keys, and
 * still need an RBAC grant), a private endpoint in the site's endpoint subnet, audit events to
 * the log store, a CanNotDelete lock and `prevent_destroy`.
 *
 * Key administrators get a custom role (perms.KEY_ADMIN_PERMISSIONS) on this vault only: rotate,
 * read and set the rotation policy, recover; no encrypt/decrypt/wrap/unwrap, no backup/export, no
 * delete, no attribute update (which could disable a key), no purge, and no create or import (a new
 * version of an existing key name becomes its current version with the caller's attributes, which
 * could disable it just as well; keys are created through Azure Resource Manager, CustodyKey).
 * Retiring a key (deleting it, or updating its attributes) is a second custom role
 * (perms.KEY_RETIREMENT_PERMISSIONS), defined here and assigned to nobody: it is granted for a
 * planned change through an approval workflow, so no custodian destroys a key, or makes every
 * copy it protects unreadable, alone. perms.ts says what a subscription Owner can still do.
 *
 * Deploying: nothing in the plan uses the vault's data plane. The vault is read through Azure
 * Resource Manager, and keys are created there too (CustodyKey), so the plan is applied from a
 * runner outside the site networks. (azurerm's vault read also asks the data plane for
 * certificate contacts, and ignores the refusal while public network access is off:
 * hashicorp/terraform-provider-azurerm internal/services/keyvault/key_vault_resource.go,
 * `resourceKeyVaultRead`; `contact` is never set here.) Data-plane work (a rotation-policy change,
 * a manual rotation, a recovery) is done from inside a site network through the private endpoint.
 */
export class CustodyKeyVault extends Construct implements ICustodyKeyVault {
  /** The ARM resource id of the vault. */
  public readonly vaultId: string;
  /** The vault's data-plane URI, `https://<vaultName>.vault.azure.net/` (reachable only through `endpoint`). */
  public readonly vaultUri: string;
  public readonly keyAdministrators: readonly string[];
  public readonly keyAdministration: readonly ITerraformDependable[];
  /** The Premium, RBAC-authorized, purge-protected `azurerm_key_vault` (construct id `Resource`). */
  public readonly resource: KeyVault;
  /** The private endpoint through which the vault's data plane is reached from the site network. */
  public readonly endpoint: PrivateEndpoint;
  /** The custom role that may soft-delete keys and update their attributes, assigned to nobody (see perms.KEY_RETIREMENT_PERMISSIONS). */
  public readonly keyRetirementRole: IRoleDefinition;

  constructor(scope: Construct, id: string, props: CustodyKeyVaultProps) {
    super(scope, id);
    const admins = [...(props.keyAdministrators ?? props.custody.administrators)];
    const problems = principalProblems(props.custody, admins, "administer-keys");
    if (admins.length === 0) problems.push(`keyAdministrators must list at least one principal for vault '${props.vaultName}', got none`);
    if (!Token.isUnresolved(props.vaultName) && !KEY_VAULT_NAME.test(props.vaultName)) {
      problems.push(`vaultName must be 3-24 letters, digits and single hyphens, starting with a letter, got '${props.vaultName}'`);
    }
    if (problems.length > 0) throw new Error(problems.join("\n"));
    this.keyAdministrators = admins;
    const tags = { ...(props.tags ?? {}) };

    this.resource = new KeyVault(this, "Resource", {
      name: props.vaultName,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      tenantId: props.custody.tenantId,
      skuName: "premium",
      rbacAuthorizationEnabled: true,
      purgeProtectionEnabled: true,
      softDeleteRetentionDays: VAULT_SOFT_DELETE_DAYS,
      publicNetworkAccessEnabled: false,
      enabledForDeployment: false,
      enabledForDiskEncryption: false,
      enabledForTemplateDeployment: false,
      networkAcls: { defaultAction: "Deny", bypass: "AzureServices", ipRules: [], virtualNetworkSubnetIds: [] },
      tags,
      lifecycle: { preventDestroy: true },
    });
    this.vaultId = this.resource.id;
    this.vaultUri = this.resource.vaultUri;

    this.endpoint = new PrivateEndpoint(this, "Endpoint", {
      name: `${props.vaultName}-pe`,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      subnetId: props.network.endpointSubnetId,
      privateServiceConnection: {
        name: `${props.vaultName}-vault`,
        privateConnectionResourceId: this.resource.id,
        subresourceNames: ["vault"],
        isManualConnection: false,
      },
      privateDnsZoneGroup: { name: "vault", privateDnsZoneIds: [props.network.vaultDnsZoneId] },
      tags,
    });
    new ManagementLock(this, "DeleteLock", {
      name: `${props.vaultName}-cannot-delete`,
      scope: this.resource.id,
      lockLevel: "CanNotDelete",
      notes: "Holds the custody keys of the site's registry copies.",
    });
    new MonitorDiagnosticSetting(this, "Diagnostics", {
      name: "embassy-vault-audit",
      targetResourceId: this.resource.id,
      logAnalyticsWorkspaceId: props.logStore.workspaceId,
      enabledLog: [{ categoryGroup: "allLogs" }],
      enabledMetric: [{ category: "AllMetrics" }],
    });

    const role = new CustomRole(this, "KeyAdministratorRole", {
      roleName: props.keyAdminRoleName,
      description: "Administers custody keys (rotate, rotation policy, recover); no cryptographic use, no create or import of versions, no export, no attribute update, no delete, no purge",
      resourceGroupId: props.resourceGroupId,
      permissions: KEY_ADMIN_PERMISSIONS,
      readsData: false,
    });
    // Construct id from when the role could only delete: renaming it would replace the role
    // definition (a new id), and orphan any PIM eligibility made for it outside this plan.
    this.keyRetirementRole = new CustomRole(this, "KeyDeletionRole", {
      roleName: props.keyRetirementRoleName ?? `${props.keyAdminRoleName}-retire`,
      description: "Retires custody keys (soft-delete, update attributes such as enabled): grant only for a planned change, through approval by a second person; never purges",
      resourceGroupId: props.resourceGroupId,
      permissions: KEY_RETIREMENT_PERMISSIONS,
      readsData: false,
    });
    const grants = new Construct(this, "KeyAdministrators");
    this.keyAdministration = admins.map((principalId) =>
      assignRole(grants, principalId, {
        scope: this.resource.id,
        principalId,
        role,
        description: "administer-keys: custody key life cycle without cryptographic use, attribute update or deletion",
      }),
    );
  }
}
