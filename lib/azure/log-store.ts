import { LogAnalyticsWorkspace } from "@cdktf/provider-azurerm/lib/log-analytics-workspace";
import { ManagementLock } from "@cdktf/provider-azurerm/lib/management-lock";
import { StorageManagementPolicy } from "@cdktf/provider-azurerm/lib/storage-management-policy";
import { dependable, type ITerraformDependable, Token } from "cdktf";
import { Construct } from "constructs";
import { Suppressions } from "../policy/suppressions";
import { HardenedAccount, type StoreRedundancy } from "./private/hardened-account";

/** Where a site's diagnostic logs and flow logs go. */
export interface ILogStore {
  /** The Log Analytics workspace's resource id (diagnostic settings send here). */
  readonly workspaceId: string;
  /** The storage account that receives VNet flow logs (Network Watcher can only write to storage). */
  readonly flowLogAccountId: string;
  /**
   * Days flow logs are kept: the flow-log account's lifecycle policy deletes them at this age. A
   * flow log's own retention must stay off (`retention_policy { enabled = false, days = 0 }`): it
   * would replace that policy with Network Watcher's own rule (see LogStore).
   */
  readonly flowLogRetentionDays: number;
  /**
   * Registers a flow log that writes to the flow-log account, so the account's lifecycle policy is
   * applied after it (a guard, see LogStore).
   */
  registerFlowLog(flowLog: ITerraformDependable): void;
}

/** How a LogStore is built. */
export interface LogStoreProps {
  /** The resource group the workspace, its lock and the flow-log account go into. */
  readonly resourceGroupName: string;
  /** The Azure region of the site, as ARM names it (`westeurope`); VNet flow logs need an account in the VNet's region. */
  readonly location: string;
  /** The Log Analytics workspace's name (unique in the resource group). */
  readonly workspaceName: string;
  /** The flow-log storage account's globally unique name (3-24 lower-case letters and digits). */
  readonly flowLogAccountName: string;
  /**
   * Days the workspace keeps logs (Log Analytics interactive retention).
   * @default 400 - a year of evidence plus a margin for an annual audit
   */
  readonly retentionDays?: number;
  /**
   * Days VNet flow logs are kept, from 90 (a quarter, the common audit floor) to 365 (a year, the
   * most Network Watcher's own retention ever allowed). The flow-log account's lifecycle policy
   * deletes each blob, snapshot and version this many days after its last change or creation.
   * @default 365
   */
  readonly flowLogRetentionDays?: number;
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
/**
 * Largest allowed workspace retention, in days: the most `retention_in_days` accepts ("range
 * between 30 and 730", hashicorp/terraform-provider-azurerm website/docs/r/log_analytics_workspace.html.markdown).
 */
export const MAX_LOG_RETENTION_DAYS = 730;

/** Flow-log retention bounds: a quarter (the common audit floor) and a year. */
export const MIN_FLOW_LOG_RETENTION_DAYS = 90;
/** Largest allowed flow-log retention, in days: a year, the most a Network Watcher flow log's own retention ever allowed. */
export const MAX_FLOW_LOG_RETENTION_DAYS = 365;

/**
 * Days a deleted or overwritten flow-log blob stays recoverable (blob soft delete): each minute's
 * overwrite by Network Watcher leaves a soft-deleted snapshot of the previous state for this long,
 * and a deleted blob lingers this long after the lifecycle policy deletes it (retention + 30 days).
 */
export const FLOW_LOG_SOFT_DELETE_DAYS = 30;

/**
 * A site's protected log store, the Azure counterpart of the AWS LogBucket: a Log Analytics
 * workspace for every diagnostic setting (Key Vault audit events, blob service reads/writes/
 * deletes, NSG events) with local (shared key) authentication off, no ingestion from the public
 * internet, a CanNotDelete lock and `prevent_destroy`; and a hardened storage account for VNet
 * flow logs, reachable only by trusted Azure services. Nobody is granted the "Data Purger" role,
 * so workspace data cannot be purged before its retention ends.
 *
 * The flow-log account: bounded, with evidence of tampering but without WORM.
 * - How Network Watcher writes: "Flow logs are stored in a storage account in block blobs. Each
 *   log is a separate block blob that is generated every hour and updated with the latest data
 *   every few minutes", each new record "added to the end right before the final block"
 *   (MicrosoftDocs/azure-docs articles/network-watcher/flow-logs-read.md). Every update commits a
 *   new block list (Put Block, Put Block List): an overwrite of `PT1H.json`.
 * - No WORM, no versioning. Version-level WORM keeps every overwritten state as a version immutable
 *   for the whole retention: about sixty versions per blob and hour that nobody can remove early
 *   (versioning alone would still keep them all, for the lifecycle rule to delete). A container-level time-based policy with protected
 *   append writes for block blobs (`allowProtectedAppendWritesAll`) would keep one blob, but
 *   Microsoft documents it only for Data Lake Storage append-and-flush and "Microsoft applications
 *   such as Azure Data Factory", and states "The Blob Storage API doesn't provide a way for
 *   applications to do this directly" (articles/storage/blobs/
 *   immutable-time-based-retention-policy-overview.md, "Allow protected append blobs writes");
 *   nothing documents it for Network Watcher, whose records are inserted before the last block,
 *   not appended. A refused write would lose flow logs silently; correctness over a guess. The
 *   account therefore has versioning off and no immutability policy, and the policy rule that
 *   wants every account versioned (EMB-S03) is suppressed on it with this reason (the review
 *   lists the suppression).
 * - What remains as evidence of tampering: the blob service's diagnostic logs (every write,
 *   overwrite and delete, with its caller) go to the workspace, which nobody can purge; blob soft
 *   delete keeps each overwritten state as a soft-deleted snapshot and each deleted blob for
 *   FLOW_LOG_SOFT_DELETE_DAYS ("When blob soft delete is enabled, overwriting a blob automatically
 *   creates a soft-deleted snapshot of the blob's state prior to the write operation",
 *   articles/storage/blobs/soft-delete-blob-overview.md); the CanNotDelete lock and
 *   `prevent_destroy` guard the account; and no principal of ours holds a write or delete data
 *   action on it. A subscription Owner can still grant himself
 *   a data role and delete flow logs: the workspace records it, but does not prevent it.
 * - Bounded: the account's lifecycle policy (`azurerm_storage_management_policy`) deletes blobs
 *   `flowLogRetentionDays` after their last change, and snapshots and versions (should any appear)
 *   that long after they were made. It is the only retention: Network Watcher implements a flow
 *   log's own retention by writing its own lifecycle rule on the account, replacing the account's
 *   rules ("The azurerm_network_watcher_flow_log creates a new storage lifecycle management rule
 *   that overwrites existing rules", hashicorp/terraform-provider-azurerm website/docs/r/
 *   network_watcher_flow_log.html.markdown, added by PR #18369 for issue #6935), so the two would
 *   fight. Flow logs writing here keep their retention off (`retention_policy { enabled = false,
 *   days = 0 }`, see Network), which for Network Watcher means "keep forever" ("If a retention
 *   policy is not set, the logs are maintained forever", articles/network-watcher/
 *   network-watcher-nsg-flow-logging-overview.md); this policy bounds it. The policy still depends on every flow log registered with {@link LogStore.registerFlowLog}:
 *   Microsoft does not document that a flow log without retention leaves the account's lifecycle
 *   policy alone, so ours is applied after it, and any later rewrite shows as drift in the next plan.
 */
export class LogStore extends Construct implements ILogStore {
  public readonly workspaceId: string;
  public readonly flowLogAccountId: string;
  public readonly flowLogRetentionDays: number;
  /** The Log Analytics workspace (PerGB2018, local authentication off, no internet ingestion; construct id `Resource`). */
  public readonly workspace: LogAnalyticsWorkspace;
  /** The hardened flow-log storage account (no versioning, no WORM, reachable by trusted Azure services only); `flowLogAccount.resource` is the `azurerm_storage_account`. */
  public readonly flowLogAccount: HardenedAccount;
  /** The flow-log account's lifecycle policy: deletes block blobs, snapshots and versions `flowLogRetentionDays` after their last change or creation. */
  public readonly flowLogLifecycle: StorageManagementPolicy;

  constructor(scope: Construct, id: string, props: LogStoreProps) {
    super(scope, id);
    const retentionDays = props.retentionDays ?? 400;
    const flowLogDays = props.flowLogRetentionDays ?? MAX_FLOW_LOG_RETENTION_DAYS;
    const problems: string[] = [];
    if (!Token.isUnresolved(retentionDays) && (retentionDays < MIN_LOG_RETENTION_DAYS || retentionDays > MAX_LOG_RETENTION_DAYS)) {
      problems.push(`retentionDays must be from ${MIN_LOG_RETENTION_DAYS} to ${MAX_LOG_RETENTION_DAYS}, got ${retentionDays} for log store '${props.workspaceName}'`);
    }
    if (
      !Token.isUnresolved(flowLogDays) &&
      (!Number.isInteger(flowLogDays) || flowLogDays < MIN_FLOW_LOG_RETENTION_DAYS || flowLogDays > MAX_FLOW_LOG_RETENTION_DAYS)
    ) {
      problems.push(
        `flowLogRetentionDays must be a whole number from ${MIN_FLOW_LOG_RETENTION_DAYS} to ${MAX_FLOW_LOG_RETENTION_DAYS} (a quarter to a year), got ${flowLogDays} for log store '${props.workspaceName}'`,
      );
    }
    if (problems.length > 0) throw new Error(problems.join("\n"));
    this.flowLogRetentionDays = flowLogDays;
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
    this.flowLogAccount = new HardenedAccount(this, "FlowLogs", {
      accountName: props.flowLogAccountName,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      redundancy: props.redundancy ?? "ZRS",
      softDeleteDays: FLOW_LOG_SOFT_DELETE_DAYS,
      logAnalyticsWorkspaceId: this.workspace.id,
      changeFeed: false,
      versioned: false,
      reach: "trusted-services-only",
      extra: {},
      tags,
    });
    Suppressions.of(this.flowLogAccount).add(
      "EMB-S03",
      "flow-log account: Network Watcher overwrites each hourly blob every minute, so versioning would keep about sixty versions per blob and hour; overwritten states are kept 30 days as soft-deleted snapshots and every write is in the workspace's blob logs instead",
    );
    this.flowLogAccountId = this.flowLogAccount.resource.id;
    // azurerm_storage_management_policy: `base_blob`, `snapshot` and `version` actions of one rule
    // (hashicorp/terraform-provider-azurerm website/docs/r/storage_management_policy.html.markdown).
    this.flowLogLifecycle = new StorageManagementPolicy(this, "FlowLogLifecycle", {
      storageAccountId: this.flowLogAccountId,
      rule: [
        {
          name: "flow-log-retention",
          enabled: true,
          filters: { blobTypes: ["blockBlob"] },
          actions: {
            baseBlob: { deleteAfterDaysSinceModificationGreaterThan: flowLogDays },
            snapshot: { deleteAfterDaysSinceCreationGreaterThan: flowLogDays },
            version: { deleteAfterDaysSinceCreation: flowLogDays },
          },
        },
      ],
    });
  }

  public registerFlowLog(flowLog: ITerraformDependable): void {
    this.flowLogLifecycle.dependsOn = [...(this.flowLogLifecycle.dependsOn ?? []), dependable(flowLog)];
  }
}
