import { LogAnalyticsWorkspace } from "@cdktf/provider-azurerm/lib/log-analytics-workspace";
import { ManagementLock } from "@cdktf/provider-azurerm/lib/management-lock";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { HardenedAccount, type StoreRedundancy } from "./private/hardened-account";

/** Where a site's diagnostic logs and flow logs go. */
export interface ILogStore {
  /** The Log Analytics workspace's resource id (diagnostic settings send here). */
  readonly workspaceId: string;
  /** The storage account that receives VNet flow logs (Network Watcher can only write to storage). */
  readonly flowLogAccountId: string;
}

export interface LogStoreProps {
  readonly resourceGroupName: string;
  readonly location: string;
  /** The Log Analytics workspace's name (unique in the resource group). */
  readonly workspaceName: string;
  /** The flow-log storage account's globally unique name (3-24 lower-case letters and digits). */
  readonly flowLogAccountName: string;
  /**
   * Days logs are kept (Log Analytics interactive retention, and flow-log retention).
   * @default 400 - a year of evidence plus a margin for an annual audit
   */
  readonly retentionDays?: number;
  /**
   * Within-region redundancy of the flow-log account.
   * @default "ZRS"
   */
  readonly redundancy?: StoreRedundancy;
  /**
   * Tags for every resource this construct creates.
   * @default - no tags
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/** Smallest allowed log retention: an audit year. Largest: Log Analytics' interactive maximum. */
export const MIN_LOG_RETENTION_DAYS = 365;
export const MAX_LOG_RETENTION_DAYS = 730;

/**
 * A site's protected log store, the Azure counterpart of the AWS LogBucket: a Log Analytics
 * workspace for every diagnostic setting (Key Vault audit events, blob service reads/writes/
 * deletes, NSG events) with local (shared key) authentication off, no ingestion from the public
 * internet, a CanNotDelete lock and `prevent_destroy`; and a hardened storage account for VNet
 * flow logs, reachable only by trusted Azure services. Nobody is granted the "Data Purger" role,
 * so workspace data cannot be purged before its retention ends. Like the AWS log bucket, the
 * flow-log account has no WORM policy: Network Watcher appends to hourly blobs, which a WORM
 * container would refuse.
 */
export class LogStore extends Construct implements ILogStore {
  public readonly workspaceId: string;
  public readonly flowLogAccountId: string;
  public readonly workspace: LogAnalyticsWorkspace;

  constructor(scope: Construct, id: string, props: LogStoreProps) {
    super(scope, id);
    const retentionDays = props.retentionDays ?? 400;
    if (!Token.isUnresolved(retentionDays) && (retentionDays < MIN_LOG_RETENTION_DAYS || retentionDays > MAX_LOG_RETENTION_DAYS)) {
      throw new Error(
        `retentionDays must be from ${MIN_LOG_RETENTION_DAYS} to ${MAX_LOG_RETENTION_DAYS}, got ${retentionDays} for log store '${props.workspaceName}'`,
      );
    }
    const tags = { ...(props.tags ?? {}) };
    this.workspace = new LogAnalyticsWorkspace(this, "Resource", {
      name: props.workspaceName,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      sku: "PerGB2018",
      retentionInDays: retentionDays,
      localAuthenticationEnabled: false,
      internetIngestionEnabled: false,
      internetQueryEnabled: true,
      allowResourceOnlyPermissions: true,
      tags,
      lifecycle: { preventDestroy: true },
    });
    this.workspaceId = this.workspace.id;
    new ManagementLock(this, "DeleteLock", {
      name: `${props.workspaceName}-cannot-delete`,
      scope: this.workspace.id,
      lockLevel: "CanNotDelete",
      notes: "Audit evidence of the site: deleting it needs this lock removed first (an audited act).",
    });
    const flowLogs = new HardenedAccount(this, "FlowLogs", {
      accountName: props.flowLogAccountName,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      redundancy: props.redundancy ?? "ZRS",
      softDeleteDays: 365,
      logAnalyticsWorkspaceId: this.workspace.id,
      changeFeed: false,
      reach: "trusted-services-only",
      extra: {},
      tags,
    });
    this.flowLogAccountId = flowLogs.resource.id;
  }
}
