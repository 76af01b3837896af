import { MonitorMetricAlert } from "@cdktf/provider-azurerm/lib/monitor-metric-alert";
import { Token } from "cdktf";
import { Construct } from "constructs";
import type { ISiteAlerts } from "./notifications";

/**
 * Where Azure Monitor keeps object replication's metrics: on the replication policy, resource type
 * Microsoft.Storage/storageAccounts/objectReplicationPolicies (Azure Monitor supported metrics,
 * learn.microsoft.com/azure/azure-monitor/reference/supported-metrics/
 * microsoft-storage-storageaccounts-objectreplicationpolicies-metrics, generated 2024-07-30:
 * `PendingOperationsForReplication`, Count, aggregations Average, Minimum, Maximum, dimension
 * `TimeBucket`, time grains from PT1M). Not on the storage account: an alert on
 * Microsoft.Storage/storageAccounts would find no such metric. The source account's policy is the
 * one to watch: "You can enable replication metrics on the source account for monitoring pending
 * bytes and pending operations" (MicrosoftDocs/azure-docs
 * articles/storage/blobs/object-replication-overview.md, "Replication metrics").
 */
export const OBJECT_REPLICATION_METRICS_NAMESPACE = "Microsoft.Storage/storageAccounts/objectReplicationPolicies";

/** The count of operations pending replication, per TimeBucket (same source). */
export const PENDING_OPERATIONS_METRIC = "PendingOperationsForReplication";

/** The dimension that says how long an operation has been pending (same source). */
export const TIME_BUCKET_DIMENSION = "TimeBucket";

/** One age bucket of the pending-replication metrics, with its upper edge in minutes. */
export interface TimeBucket {
  /** Upper edge of the bucket, in minutes; undefined for the last, open bucket (more than 24 hours). */
  readonly upToMinutes: number | undefined;
  /**
   * The dimension values that may name it. Microsoft lists the buckets as "0-5 mins", "5-10 mins",
   * "10-15 mins", "15-30 mins", "30 mins-2 hrs", "2-8 hrs", "8-24 hrs" and ">24 hrs"
   * (object-replication-overview.md, "Replication metrics") but does not publish the exact
   * dimension values the metric carries; both that spelling and the compact one ("0-5min") are
   * listed. They are only ever excluded (see ReplicationLagAlert), so a spelling that never occurs
   * costs nothing, and if Azure's values differ from both, nothing is excluded and the alert fires
   * on any pending operation: louder, never silent.
   */
  readonly values: readonly string[];
}

/** The buckets, youngest first (same source). */
export const TIME_BUCKETS: readonly TimeBucket[] = Object.freeze([
  { upToMinutes: 5, values: ["0-5 mins", "0-5min"] },
  { upToMinutes: 10, values: ["5-10 mins", "5-10min"] },
  { upToMinutes: 15, values: ["10-15 mins", "10-15min"] },
  { upToMinutes: 30, values: ["15-30 mins", "15-30min"] },
  { upToMinutes: 120, values: ["30 mins-2 hrs", "30min-2h"] },
  { upToMinutes: 480, values: ["2-8 hrs", "2-8h"] },
  { upToMinutes: 1440, values: ["8-24 hrs", "8-24h"] },
  { upToMinutes: undefined, values: [">24 hrs", ">24h"] },
]);

/** Severity of a replication lag alert: 1 ("Error"; Azure Monitor severities run from 0, critical, to 4, verbose). */
export const REPLICATION_LAG_SEVERITY = 1;

/**
 * What a lag alert watches: a replication policy on the source account whose metrics are on
 * (ReplicationLink.replications with priority, PriorityReplicationPolicy.sourcePolicyId).
 */
export interface IWatchedReplication {
  /** The ARM id of the replication policy on the source account. */
  readonly sourcePolicyId: string;
}

/** How a ReplicationLagAlert is built. */
export interface ReplicationLagAlertProps {
  /** The resource group the alert rule lives in: the source site's, next to the policy it watches. */
  readonly resourceGroupName: string;
  /** The alert rule's name (unique in the resource group). */
  readonly name: string;
  /** The replication policy whose pending operations are watched. */
  readonly replication: IWatchedReplication;
  /**
   * The registry's RPO, in minutes: an operation pending in a bucket that may be older than this
   * fires the alert. At least 5 (the first bucket's edge).
   */
  readonly rpoMinutes: number;
  /**
   * Where the alert goes.
   * @default - the alert fires and shows in the Azure portal and alert history, and notifies nobody
   */
  readonly alerts?: ISiteAlerts;
  /**
   * Words for the alert's description: which registry, from where to where.
   * @default - the rule's name
   */
  readonly subject?: string;
  /**
   * Tags for the alert rule.
   * @default - no tags
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * The TimeBucket values of every bucket that lies entirely within `rpoMinutes` (its upper edge at or
 * below it): what a lag alert leaves out. A bucket that straddles the RPO is watched, so the alert
 * may fire before the RPO is passed, never after.
 */
export function bucketsWithin(rpoMinutes: number): string[] {
  return TIME_BUCKETS.filter((b) => b.upToMinutes !== undefined && b.upToMinutes <= rpoMinutes).flatMap((b) => [...b.values]);
}

/**
 * An Azure Monitor metric alert on one object replication policy: it fires when any operation has
 * been pending replication for longer than the registry's RPO, i.e. when the source policy's
 * `PendingOperationsForReplication` (maximum over 15 minutes, evaluated every 5) is above 0 in a
 * TimeBucket that is not entirely within the RPO. It watches the very figure Microsoft points to
 * for priority replication's SLA: users "can monitor the larger time buckets (ex: 30 mins – 2 hours
 * or 8-24 hours) and ensure they are at zero or near zero throughout the billing month"
 * (articles/storage/blobs/object-replication-priority-replication.md). Threshold 0, not "near
 * zero": for a registry copy every late operation matters, and the SLA's 1% allowance is the
 * state's loss, not an excuse.
 *
 * The filter excludes the young buckets rather than including the old ones, so an unexpected
 * dimension value errs towards alerting (see TIME_BUCKETS). Metric validation stays on
 * (`skip_metric_validation` false): a wrong namespace or metric fails the deployment instead of
 * leaving an alert that can never fire. The policy's metrics must be on (priority replication turns
 * them on, and PriorityReplicationPolicy sets `metrics.enabled` too).
 *
 * azurerm limits checked here (hashicorp/terraform-provider-azurerm
 * internal/services/monitor/monitor_metric_alert_resource.go): aggregation one of Average, Count,
 * Minimum, Maximum, Total; dimension operator Include, Exclude or StartsWith; frequency PT1M, PT5M,
 * PT15M, PT30M or PT1H; window_size from PT1M to P1D; severity 0-4.
 */
export class ReplicationLagAlert extends Construct {
  /** The metric alert rule (`azurerm_monitor_metric_alert`) on the source account's replication policy. */
  public readonly resource: MonitorMetricAlert;
  /** The TimeBucket values left out (the buckets within the RPO). */
  public readonly excludedBuckets: readonly string[];

  constructor(scope: Construct, id: string, props: ReplicationLagAlertProps) {
    super(scope, id);
    if (!Token.isUnresolved(props.rpoMinutes) && (!Number.isInteger(props.rpoMinutes) || props.rpoMinutes < 5)) {
      throw new Error(`rpoMinutes must be a whole number of minutes, at least 5 (the first TimeBucket's edge), got ${props.rpoMinutes} for replication lag alert '${props.name}'`);
    }
    this.excludedBuckets = bucketsWithin(props.rpoMinutes);
    this.resource = new MonitorMetricAlert(this, "Resource", {
      name: props.name,
      resourceGroupName: props.resourceGroupName,
      scopes: [props.replication.sourcePolicyId],
      description: `Object replication of ${props.subject ?? props.name} has operations pending for longer than the registry's RPO of ${props.rpoMinutes} minutes`,
      severity: REPLICATION_LAG_SEVERITY,
      frequency: "PT5M",
      windowSize: "PT15M",
      autoMitigate: true,
      criteria: [
        {
          metricNamespace: OBJECT_REPLICATION_METRICS_NAMESPACE,
          metricName: PENDING_OPERATIONS_METRIC,
          aggregation: "Maximum",
          operator: "GreaterThan",
          threshold: 0,
          dimension: [{ name: TIME_BUCKET_DIMENSION, operator: "Exclude", values: [...this.excludedBuckets] }],
        },
      ],
      action: props.alerts ? [{ actionGroupId: props.alerts.actionGroupId }] : undefined,
      tags: { ...(props.tags ?? {}) },
    });
  }
}
