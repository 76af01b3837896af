import { LogAnalyticsWorkspace } from "@cdktf/provider-azurerm/lib/log-analytics-workspace";
import { ManagementLock } from "@cdktf/provider-azurerm/lib/management-lock";
import { StorageManagementPolicy } from "@cdktf/provider-azurerm/lib/storage-management-policy";
import { dependable, type ITerraformDependable, Token } from "cdktf";
import { Construct } from "constructs";
import { HardenedAccount, type StoreRedundancy } from "./private/hardened-account";

/** Where a site's diagnostic logs and flow logs go. */
export interface ILogStore {
  /** The Log Analytics workspace's resource id (diagnostic settings send here). */
  readonly workspaceId: string;
  /** The storage account that receives VNet flow logs (Network Watcher can only write to storage). */
  readonly flowLogAccountId: string;
  /** Days flow logs are kept: the flow log's own retention, and the account's WORM period and lifecycle. */
  readonly flowLogRetentionDays: number;
  /**
   * Registers a flow log that writes to the flow-log account, so the account's lifecycle policy is
   * applied after it: Network Watcher replaces an account's lifecycle rules with its own retention
   * rule when it creates a flow log (see LogStore).
   */
  registerFlowLog(flowLog: ITerraformDependable): void;
}

export interface LogStoreProps {
  readonly resourceGroupName: string;
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
   * Days VNet flow logs are kept, from 90 to 365: Network Watcher's flow-log retention allows at
   * most a year ("Flow logs have a retention feature that allows automatically deleting the logs
   * up to a year after their creation", learn.microsoft.com/azure/network-watcher/vnet-flow-logs-overview).
   * Every version of every flow-log blob is also immutable for this many days, then deleted.
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
export const MAX_LOG_RETENTION_DAYS = 730;

/** Flow-log retention bounds: a quarter (the common audit floor), and Network Watcher's maximum of a year. */
export const MIN_FLOW_LOG_RETENTION_DAYS = 90;
export const MAX_FLOW_LOG_RETENTION_DAYS = 365;

/**
 * Days a deleted flow-log blob stays recoverable. Every version is already immutable for the
 * retention period; this only bounds how long deleted data lingers after it (retention + 30 days).
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
 * The flow-log account, bounded and tamper-evident:
 * - Network Watcher writes each hourly blob (`PT1H.json`) by committing a new block list every
 *   minute, i.e. by overwriting the blob. With versioning on (every store keeps versions), each
 *   commit leaves a version, and the flow log's own retention deletes only the blobs: without a
 *   lifecycle rule for versions they would be kept forever. The account's lifecycle policy
 *   (`azurerm_storage_management_policy`) deletes blobs `flowLogRetentionDays` after their last
 *   change and versions and snapshots that long after they were made.
 * - Tamper evidence is version-level immutability: an account default policy of
 *   `flowLogRetentionDays` makes every version (every minute's state of every blob) immutable
 *   for that long. Version-level WORM lets an overwrite create a new version, which inherits the
 *   default policy, so Network Watcher's overwrites keep working
 *   (learn.microsoft.com/azure/storage/blobs/immutable-version-level-worm-policies). A
 *   container-level policy with protected append writes was not chosen: it would refuse
 *   Network Watcher's block-list rewrites unless they only append blocks, which Microsoft does not
 *   document for flow logs, and a refused write loses logs silently. The policy stays Unlocked
 *   (Azure creates it so, and azurerm would replace the account to change it): an Owner could
 *   shorten it, an audited ARM write that also shows as drift in the plan, so it is evidence of
 *   tampering rather than a lock against it.
 * - Network Watcher implements the flow log's retention by writing its own lifecycle rule on the
 *   account, replacing the account's rules ("The azurerm_network_watcher_flow_log creates a new
 *   storage lifecycle management rule that overwrites existing rules",
 *   hashicorp/terraform-provider-azurerm website/docs/r/network_watcher_flow_log.html.markdown,
 *   issue #6935). The lifecycle policy here therefore depends on every flow log registered with
 *   {@link LogStore.registerFlowLog} and is applied after it, as a superset of Network Watcher's
 *   rule (the same blob deletion, plus versions and snapshots). Should Network Watcher rewrite
 *   its rule later (when a flow log's retention changes), the next plan shows the drift and
 *   restores the policy; blobs are deleted on time meanwhile.
 */
export class LogStore extends Construct implements ILogStore {
  public readonly workspaceId: string;
  public readonly flowLogAccountId: string;
  public readonly flowLogRetentionDays: number;
  public readonly workspace: LogAnalyticsWorkspace;
  public readonly flowLogAccount: HardenedAccount;
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
        `flowLogRetentionDays must be a whole number from ${MIN_FLOW_LOG_RETENTION_DAYS} to ${MAX_FLOW_LOG_RETENTION_DAYS} (Network Watcher keeps flow logs at most a year), got ${flowLogDays} for log store '${props.workspaceName}'`,
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
      reach: "trusted-services-only",
      extra: {
        immutabilityPolicy: { state: "Unlocked", periodSinceCreationInDays: flowLogDays, allowProtectedAppendWrites: false },
      },
      tags,
    });
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
