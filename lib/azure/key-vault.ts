import { KeyVault } from "@cdktf/provider-azurerm/lib/key-vault";
import { ManagementLock } from "@cdktf/provider-azurerm/lib/management-lock";
import { MonitorDiagnosticSetting } from "@cdktf/provider-azurerm/lib/monitor-diagnostic-setting";
import { PrivateEndpoint } from "@cdktf/provider-azurerm/lib/private-endpoint";
import { type ITerraformDependable, Token } from "cdktf";
import { Construct } from "constructs";
import { type AzureCustody, principalProblems } from "./custody";
import type { ILogStore } from "./log-store";
import type { INetwork } from "./network";
import { KEY_ADMIN_PERMISSIONS } from "./perms";
import { KEY_VAULT_NAME } from "./private/naming";
import { assignRole, CustomRole } from "./private/roles";

/** A custody key vault as other constructs see it. */
export interface ICustodyKeyVault {
  readonly vaultId: string;
  readonly vaultUri: string;
  /** The object ids that administer (but cannot use) the vault's keys. */
  readonly keyAdministrators: readonly string[];
  /**
   * What a key must wait for: the role assignments that let the key administrators create and
   * rotate keys (the identity applying the plan is one of them), and the private endpoint and
   * DNS zone group through which the vault's data plane is reached.
   */
  readonly keyAdministration: readonly ITerraformDependable[];
}

export interface CustodyKeyVaultProps {
  readonly custody: AzureCustody;
  readonly resourceGroupName: string;
  /** The id of the resource group (custom roles are defined and assignable only there). */
  readonly resourceGroupId: string;
  readonly location: string;
  /** Globally unique vault name: 3-24 letters, digits and single hyphens, starting with a letter. */
  readonly vaultName: string;
  /** The custom key-administrator role's display name (unique in the tenant). */
  readonly keyAdminRoleName: string;
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
 * Key administrators get a custom role (perms.KEY_ADMIN_PERMISSIONS) on this vault only: create,
 * rotate and manage keys, but no encrypt/decrypt/wrap/unwrap, no backup/export and no purge.
 *
 * Deploying: with public network access off, the key data plane is reachable only through the
 * private endpoint, so the plan that creates keys must be applied from inside the site network
 * (or a network peered with it that resolves the privatelink zones), by one of the key
 * administrators.
 */
export class CustodyKeyVault extends Construct implements ICustodyKeyVault {
  public readonly vaultId: string;
  public readonly vaultUri: string;
  public readonly keyAdministrators: readonly string[];
  public readonly keyAdministration: readonly ITerraformDependable[];
  public readonly resource: KeyVault;

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

    const endpoint = new PrivateEndpoint(this, "Endpoint", {
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
      description: "Administers custody keys (create, rotate, rotation policy, soft delete, recover); no cryptographic use, no export, no purge",
      resourceGroupId: props.resourceGroupId,
      permissions: KEY_ADMIN_PERMISSIONS,
      readsData: false,
    });
    const grants = new Construct(this, "KeyAdministrators");
    this.keyAdministration = [
      ...admins.map((principalId) =>
        assignRole(grants, principalId, {
          scope: this.resource.id,
          principalId,
          role,
          description: "administer-keys: custody key life cycle without cryptographic use",
        }),
      ),
      endpoint,
    ];
  }
}
