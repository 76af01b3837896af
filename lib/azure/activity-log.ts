import { MonitorDiagnosticSetting } from "@cdktf/provider-azurerm/lib/monitor-diagnostic-setting";
import { Token } from "cdktf";
import { Construct } from "constructs";

/**
 * Every category of the subscription activity log, as a subscription diagnostic setting exports
 * them: Microsoft's own template for exporting the activity log to a workspace enables exactly
 * these eight (MicrosoftDocs/azure-docs articles/azure-resource-manager/bicep/temp/
 * diagnostic-settings-activity-log.bicep; the categories are described in articles/azure-monitor/
 * essentials/activity-log-schema.md). They are listed one by one rather than as a category group.
 */
export const ACTIVITY_LOG_CATEGORIES = ["Administrative", "Security", "ServiceHealth", "Alert", "Recommendation", "Policy", "Autoscale", "ResourceHealth"] as const;

/**
 * How many diagnostic settings one resource may have, the subscription's activity log included:
 * "Each resource can have up to five diagnostic settings" (learn.microsoft.com/azure/azure-monitor/
 * essentials/diagnostic-settings, "Destinations"). Each Azure site of a topology exports the
 * subscription's activity log to its own workspace, so one subscription holds at most this many
 * sites, fewer if something else (Defender for Cloud, Sentinel) already exports it.
 */
export const MAX_DIAGNOSTIC_SETTINGS_PER_RESOURCE = 5;

/** How an ActivityLogExport is built. */
export interface ActivityLogExportProps {
  /** The subscription whose activity log is exported. */
  readonly subscriptionId: string;
  /** The diagnostic setting's name: unique among the subscription's settings, so it carries the site. */
  readonly name: string;
  /** The workspace that receives the activity log (the site's log store). */
  readonly workspaceId: string;
}

/**
 * The subscription's activity log, every category, exported to a site's Log Analytics workspace
 * (`azurerm_monitor_diagnostic_setting` with `target_resource_id = /subscriptions/<id>`; the
 * records land in the `AzureActivity` table). Azure keeps the activity log itself for 90 days; the
 * workspace keeps it for its retention (400 days by default, see LogStore), where nobody holds the
 * purge role, next to the site's other evidence: the tamper alerts' events stay queryable after the
 * platform has dropped them.
 *
 * One setting per site, named for the site: two sites in one subscription are two settings with
 * distinct names, each to its own workspace (a setting takes one workspace). The limit is
 * MAX_DIAGNOSTIC_SETTINGS_PER_RESOURCE.
 *
 * Not yet to an immutable container, though Azure supports it: a diagnostic setting may also
 * write to a storage account (`storage_account_id`), and "To send the data to immutable storage,
 * set the immutable policy for the storage account ... You must follow all steps in this linked
 * article including enabling protected append blobs writes", and the account must admit trusted
 * Microsoft services through its firewall (learn.microsoft.com/azure/azure-monitor/essentials/
 * diagnostic-settings, "Destination limitations"). No account of the site can take it today: the
 * flow-log account deliberately has no WORM (Network Watcher rewrites its blobs, see LogStore),
 * and registry stores accept only their private endpoints and carry version-level WORM. Doing it
 * means a separate evidence account per site (HardenedAccount, `trusted-services-only`, no
 * version-level immutability) with the `insights-activity-logs` container created by the plan and
 * given a locked time-based retention policy with `protected_append_writes_enabled`, a lifecycle
 * rule that deletes blobs after the retention, and this setting's `storage_account_id` pointing
 * there; the policy rules for stores (versioning, WORM) would need to know that account's role.
 * That is left for a separate change; until then the workspace, which nobody can purge before its
 * retention ends, is the tamper-evident copy, and deleting this setting raises a tamper alert.
 */
export class ActivityLogExport extends Construct {
  /** The subscription diagnostic setting (`azurerm_monitor_diagnostic_setting` on `/subscriptions/<id>`) with every ACTIVITY_LOG_CATEGORIES entry enabled. */
  public readonly resource: MonitorDiagnosticSetting;

  constructor(scope: Construct, id: string, props: ActivityLogExportProps) {
    super(scope, id);
    if (!Token.isUnresolved(props.subscriptionId) && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(props.subscriptionId)) {
      throw new Error(`subscriptionId must be a subscription GUID, got '${props.subscriptionId}' for activity log export '${props.name}'`);
    }
    this.resource = new MonitorDiagnosticSetting(this, "Resource", {
      name: props.name,
      targetResourceId: `/subscriptions/${props.subscriptionId}`,
      logAnalyticsWorkspaceId: props.workspaceId,
      enabledLog: ACTIVITY_LOG_CATEGORIES.map((category) => ({ category })),
    });
  }
}
