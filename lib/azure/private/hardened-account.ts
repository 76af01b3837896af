import { ManagementLock } from "@cdktf/provider-azurerm/lib/management-lock";
import { MonitorDiagnosticSetting } from "@cdktf/provider-azurerm/lib/monitor-diagnostic-setting";
import { StorageAccount, type StorageAccountConfig } from "@cdktf/provider-azurerm/lib/storage-account";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { STORAGE_ACCOUNT_NAME } from "./naming";

/** Within-region redundancy of a store. GRS/GZRS are deliberately absent: they would put a copy in the Azure paired region, outside the topology's control. */
export type StoreRedundancy = "ZRS" | "LRS";

export interface HardenedAccountProps {
  readonly accountName: string;
  readonly resourceGroupName: string;
  readonly location: string;
  readonly redundancy: StoreRedundancy;
  /** Days blob versions and containers stay recoverable after a delete (1-365). */
  readonly softDeleteDays: number;
  /** Where the blob service's diagnostic logs go. */
  readonly logAnalyticsWorkspaceId: string;
  /** Extra account settings (identity, customer-managed key, immutability, network rules). */
  readonly extra: Pick<StorageAccountConfig, "identity" | "customerManagedKey" | "immutabilityPolicy" | "dependsOn">;
  /** Whether the blob change feed is on (object replication sources need it). */
  readonly changeFeed: boolean;
  /**
   * Whether blob versioning is on. Registry stores need it (version-level WORM and object
   * replication both require it); the flow-log account does not have it (see LogStore: Network
   * Watcher rewrites each hourly blob every minute, and each rewrite would leave a version).
   */
  readonly versioned: boolean;
  /**
   * How the account is reached. `private-endpoint-only`: public network access off, only private
   * endpoints. `trusted-services-only`: the public endpoint is on but its firewall denies every
   * network and admits only trusted Azure services (Network Watcher writing flow logs cannot use a
   * private endpoint); there is still no IP or subnet rule.
   */
  readonly reach: "private-endpoint-only" | "trusted-services-only";
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * The parts every storage account of this library shares: StorageV2, TLS 1.2, HTTPS only, a
 * firewall that denies every network (and, for stores, no public network access at all), no
 * shared keys (Entra ID only), no public containers, no cross-tenant
 * replication, infrastructure (double) encryption, blob versioning where asked (`versioned`),
 * blob and container soft delete without permanent delete, diagnostic logs of the blob service, a CanNotDelete
 * management lock and `prevent_destroy`. Internal: used by EncryptedStore and LogStore.
 */
export class HardenedAccount extends Construct {
  public readonly resource: StorageAccount;

  constructor(scope: Construct, id: string, props: HardenedAccountProps) {
    super(scope, id);
    if (!Token.isUnresolved(props.accountName) && !STORAGE_ACCOUNT_NAME.test(props.accountName)) {
      throw new Error(`accountName must be 3-24 lower-case letters and digits, got '${props.accountName}'`);
    }
    this.resource = new StorageAccount(this, "Resource", {
      name: props.accountName,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      accountKind: "StorageV2",
      accountTier: "Standard",
      accountReplicationType: props.redundancy,
      accessTier: "Hot",
      minTlsVersion: "TLS1_2",
      httpsTrafficOnlyEnabled: true,
      publicNetworkAccessEnabled: props.reach === "trusted-services-only",
      networkRules: {
        defaultAction: "Deny",
        bypass: props.reach === "trusted-services-only" ? ["AzureServices", "Logging", "Metrics"] : ["None"],
        ipRules: [],
        virtualNetworkSubnetIds: [],
      },
      sharedAccessKeyEnabled: false,
      defaultToOauthAuthentication: true,
      allowNestedItemsToBePublic: false,
      crossTenantReplicationEnabled: false,
      allowedCopyScope: "AAD",
      infrastructureEncryptionEnabled: true,
      // Queues and tables (unused) are also encrypted with the account key, i.e. the custody key.
      queueEncryptionKeyType: "Account",
      tableEncryptionKeyType: "Account",
      isHnsEnabled: false,
      nfsv3Enabled: false,
      sftpEnabled: false,
      localUserEnabled: false,
      blobProperties: {
        versioningEnabled: props.versioned,
        changeFeedEnabled: props.changeFeed,
        deleteRetentionPolicy: { days: props.softDeleteDays, permanentDeleteEnabled: false },
        containerDeleteRetentionPolicy: { days: props.softDeleteDays },
      },
      ...props.extra,
      tags: { ...props.tags },
      lifecycle: { preventDestroy: true },
    });
    new ManagementLock(this, "DeleteLock", {
      name: `${props.accountName}-cannot-delete`,
      scope: this.resource.id,
      lockLevel: "CanNotDelete",
      notes: "Holds registry data or its evidence: deleting it needs this lock removed first (an audited act).",
    });
    new MonitorDiagnosticSetting(this, "BlobDiagnostics", {
      name: "embassy-blob-audit",
      targetResourceId: `${this.resource.id}/blobServices/default`,
      logAnalyticsWorkspaceId: props.logAnalyticsWorkspaceId,
      enabledLog: [{ categoryGroup: "allLogs" }],
      enabledMetric: [{ category: "Transaction" }],
    });
  }
}
