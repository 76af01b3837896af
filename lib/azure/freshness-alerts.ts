import { MonitorScheduledQueryRulesAlertV2 } from "@cdktf/provider-azurerm/lib/monitor-scheduled-query-rules-alert-v2";
import { Token } from "cdktf";
import { Construct } from "constructs";
import type { Site, Topology } from "../topology/model";
import type { IEncryptedStore } from "./encrypted-store";
import type { ISiteAlerts } from "./notifications";

/**
 * The look-back windows a log search alert may have, in minutes: azurerm validates
 * `window_duration` against PT1M, PT5M, PT10M, PT15M, PT30M, PT45M, PT1H, PT2H, PT3H, PT4H, PT5H,
 * PT6H, P1D and P2D (hashicorp/terraform-provider-azurerm internal/services/monitor/
 * monitor_scheduled_query_rules_alert_v2_resource.go, `window_duration`).
 */
export const LOG_ALERT_WINDOW_MINUTES = [1, 5, 10, 15, 30, 45, 60, 120, 180, 240, 300, 360, 1440, 2880] as const;

/** The longest window, two days: an expected interval longer than this is watched over two days (see freshnessWindow). */
export const MAX_LOG_ALERT_WINDOW_MINUTES = 2880;

/** Severity of a freshness alert: 1 ("Error"; Azure Monitor severities run from 0, critical, to 4, verbose). */
export const FRESHNESS_SEVERITY = 1;

/**
 * Who writes the versions of a store, which decides what counts as a new version:
 * - `clients`: the custody writers at the primary, or a datacenter's copy job (`data-embassy push`),
 *   both through the Blob API with Put Blob, or Put Block and Put Block List (the ingest role and
 *   the push plan allow nothing else), so a new version is a successful `PutBlob` or `PutBlockList`
 *   (and `CopyBlob`, a writer's server-side copy). A `PutBlock` alone stages a block and commits
 *   nothing, so it is not counted.
 * - `object-replication`: Azure object replication from another site. Microsoft documents that it
 *   writes every version to the destination and bills "Transaction cost to write the blob and blob
 *   versions" to the destination account (MicrosoftDocs/azure-docs articles/storage/blobs/
 *   object-replication-overview.md, "Billing"), but not under which operation name these writes
 *   are logged. The destination container refuses every other write ("Any attempts to write to the
 *   destination container fail with error code 409 (Conflict)", same article, "Replication
 *   rules"), so any successful write to it except a staged `PutBlock` is counted.
 */
export type StoreWriter = "clients" | "object-replication";

/** How a freshness alert watches one store. */
export interface FreshnessWatch {
  /** Minutes within which a new version must arrive, or the alert fires (from the topology, see expectedArrival). */
  readonly withinMinutes: number;
  /** Who writes the store's versions. */
  readonly writtenBy: StoreWriter;
}

/**
 * Minutes a store's blob log records may take to become queryable: "Resource logs are usually
 * available within 3 to 10 minutes end-to-end" (MicrosoftDocs/azure-monitor-docs articles/
 * azure-monitor/logs/data-ingestion-time.md, "Azure metrics, resource logs, activity log"). A
 * freshness alert allows this much on top of the expected interval, so a version that arrived on
 * time but is not yet in the workspace does not raise it.
 */
export const RESOURCE_LOG_LATENCY_MINUTES = 10;

/** The log search alert settings for an expected interval. */
export interface FreshnessWindow {
  /**
   * The alert fires when the newest version is older than this many minutes: the interval plus
   * RESOURCE_LOG_LATENCY_MINUTES, or the whole window when that is longer than two days.
   */
  readonly limitMinutes: number;
  /** The look-back window, the smallest allowed one at least `limitMinutes` long (or two days). */
  readonly windowMinutes: number;
  /** `window_duration`, ISO 8601. */
  readonly windowDuration: string;
  /** `evaluation_frequency`, ISO 8601, never longer than the window. */
  readonly evaluationFrequency: string;
  /** True when the interval plus the latency allowance is longer than two days: the alert then fires after two days of silence, earlier than the interval allows. */
  readonly shortened: boolean;
}

/** ISO 8601 duration of a whole number of minutes, as Azure Monitor writes them (PT5M, PT1H, P1D, P2D). */
export function isoMinutes(minutes: number): string {
  if (minutes % 1440 === 0) return `P${minutes / 1440}D`;
  if (minutes % 60 === 0) return `PT${minutes / 60}H`;
  return `PT${minutes}M`;
}

/**
 * The settings for "no new version for longer than `withinMinutes`". The alert compares the age
 * of the newest version with `limitMinutes` (the interval plus RESOURCE_LOG_LATENCY_MINUTES), so
 * the threshold is exact whatever the window; the window only has to be long enough to see a
 * version that old: the smallest allowed window at least `limitMinutes` long, or two days, the
 * longest, when the limit is longer (the alert then fires after two days without a version, earlier
 * than the interval allows, rather than never; `shortened` says so). The rule looks again every
 * 5 minutes for windows up to an hour, every 15 minutes up to 6 hours, and hourly beyond:
 * `evaluation_frequency` must be one of PT1M ... P1D (same azurerm file) and is never longer than
 * the window.
 */
export function freshnessWindow(withinMinutes: number): FreshnessWindow {
  const wanted = withinMinutes + RESOURCE_LOG_LATENCY_MINUTES;
  const windowMinutes = LOG_ALERT_WINDOW_MINUTES.find((w) => w >= wanted) ?? MAX_LOG_ALERT_WINDOW_MINUTES;
  const frequencyMinutes = windowMinutes <= 60 ? 5 : windowMinutes <= 360 ? 15 : 60;
  return {
    limitMinutes: Math.min(wanted, windowMinutes),
    windowMinutes,
    windowDuration: isoMinutes(windowMinutes),
    evaluationFrequency: isoMinutes(frequencyMinutes),
    shortened: wanted > MAX_LOG_ALERT_WINDOW_MINUTES,
  };
}

/**
 * How often a new version of `registryId` is expected to arrive in `site`'s store, from the
 * topology alone:
 * - at the primary, where the registry is written: its `rpoMinutes` (the registry is expected to
 *   produce a version at least that often, or no copy can be that fresh);
 * - fed by a datacenter's copy job: the link's `everyMinutes` (each run writes its snapshot and a
 *   signed manifest);
 * - fed by object replication from another cloud site: what that site expects, plus the link's
 *   achievable RPO (a version arriving there is here at most that much later). Watching the
 *   replica for the link's RPO alone would fire every time the source has simply written nothing
 *   new for a while; the lag of the link itself is watched at the source (replication-lag alerts).
 * With several links into the site, the shortest applies. Undefined when nothing feeds the store.
 */
export function expectedArrival(topology: Topology, site: Site, registryId: string, visiting: ReadonlySet<string> = new Set()): FreshnessWatch | undefined {
  const registry = topology.registries.find((r) => r.id === registryId);
  if (!registry || visiting.has(site.id)) return undefined;
  if (site.primary) return { withinMinutes: registry.rpoMinutes, writtenBy: "clients" };
  const seen = new Set([...visiting, site.id]);
  const feeds = topology.links
    .filter((l) => l.to.id === site.id && l.mechanism.builtHere && l.registries.some((r) => r.id === registryId))
    .map((l): FreshnessWatch | undefined => {
      if (l.from.cloud === "onprem") return { withinMinutes: l.everyMinutes ?? l.mechanism.achievableRpoMinutes, writtenBy: "clients" };
      const upstream = expectedArrival(topology, l.from, registryId, seen);
      return upstream && { withinMinutes: upstream.withinMinutes + l.mechanism.achievableRpoMinutes, writtenBy: "object-replication" };
    })
    .filter((w): w is FreshnessWatch => w !== undefined);
  if (feeds.length === 0) return undefined;
  return {
    withinMinutes: Math.min(...feeds.map((f) => f.withinMinutes)),
    // Replication's filter (any successful write) also counts a client's writes, so it is the safe one for a mixed feed.
    writtenBy: feeds.some((f) => f.writtenBy === "object-replication") ? "object-replication" : "clients",
  };
}

/** The operations that commit a new blob version when a client writes (REST: Put Blob, Put Block List, Copy Blob). */
export const CLIENT_WRITE_OPERATIONS = ["PutBlob", "PutBlockList", "CopyBlob"] as const;

/**
 * The KQL that gives the age, in minutes, of the newest version in a store's container. Table and
 * columns: `StorageBlobLogs`, where the blob service's diagnostic setting (every store has one, see
 * HardenedAccount) sends its StorageRead/StorageWrite/StorageDelete logs; a record's `category` is
 * `StorageWrite` for a write, `statusText` is `Success` when it succeeded, and `objectKey` is
 * `/<account>/<container>/<blob>` (MicrosoftDocs/azure-docs articles/storage/blobs/
 * monitor-blob-storage-reference.md, "Resource logs"). The rule runs it over its window.
 *
 * It always returns exactly one row: `summarize` without `by` over an empty input gives one row
 * ("If GroupExpression isn't provided, the output is a single (empty) row", learn.microsoft.com/
 * kusto/query/summarize-operator), whose `max()` is null; a window without any version then counts
 * as one minute older than the window (`long(...)`, the type `datetime_diff` returns, as `iff`
 * needs both branches of one type). That row is what makes the alert fire on silence (see
 * FreshnessAlerts).
 */
export function freshnessQuery(accountName: string, containerName: string, writtenBy: StoreWriter, windowMinutes: number): string {
  const operations =
    writtenBy === "clients"
      ? `| where OperationName in (${CLIENT_WRITE_OPERATIONS.map((o) => `"${o}"`).join(", ")})`
      : `| where OperationName != "PutBlock"`;
  return [
    "StorageBlobLogs",
    `| where AccountName == "${accountName}"`,
    `| where Category == "StorageWrite" and StatusText == "Success"`,
    `| where ObjectKey startswith "/${accountName}/${containerName}/"`,
    operations,
    "| summarize NewestVersion = max(TimeGenerated)",
    `| extend MinutesSinceNewestVersion = iff(isnull(NewestVersion), long(${windowMinutes + 1}), datetime_diff("minute", now(), NewestVersion))`,
  ].join("\n");
}

/** How a site's FreshnessAlerts are built. */
export interface FreshnessAlertsProps {
  /** Where the alerts go. */
  readonly alerts: ISiteAlerts;
  /** The site's Log Analytics workspace, which receives every store's blob logs (the rules' scope). */
  readonly workspaceId: string;
  /** The resource group the log search alert rules are created in (the site's). */
  readonly resourceGroupName: string;
  /** The region of the rules (the site's). */
  readonly location: string;
  /** Prefix of every rule name, e.g. `nl-embassy-nl-primary`. */
  readonly namePrefix: string;
  /**
   * Tags for every rule.
   * @default - no tags
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * "No new version in a registry store for longer than expected": one log search alert
 * (`azurerm_monitor_scheduled_query_rules_alert_v2`) per store, added with {@link FreshnessAlerts.watch}.
 *
 * Why a log search alert on the blob logs and not a metric alert on the blob service's
 * `Transactions` metric:
 * - silence: "Transaction metrics are emitted on every request to a storage account ... In the
 *   case of no activity on your storage account, there will be no data on transaction metrics in
 *   the period" (MicrosoftDocs/azure-docs articles/storage/blobs/monitor-blob-storage-reference.md,
 *   "Transaction metrics"), and for platform metrics a missing value is NULL, which is not a
 *   measurement: "NULL values aren't counted as valid measurements ... Azure Monitor alerts use the
 *   values the resource provider writes to the metric database" (MicrosoftDocs/azure-monitor-docs
 *   articles/azure-monitor/essentials/metrics-aggregation-explained.md, "NULL and zero values").
 *   A static `Transactions < 1` rule therefore sees no value when nothing is written and has nothing
 *   to compare, which is exactly the case it exists for; `skip_metric_validation` only skips the
 *   check that the metric exists, and a dynamic threshold has no value to compare either. The query
 *   here returns one row even when nothing was written (see freshnessQuery), so silence is a value
 *   above the threshold.
 * - replicas: the `ApiName` under which object replication's writes reach a destination's
 *   `Transactions` is not documented (see StoreWriter); the logs let the replica rule count any
 *   successful write to a container that nothing else may write.
 * - long intervals: a metric alert's window ends at one day (P1D); a log search alert's at two.
 *
 * Each rule: scope the site's workspace; criteria `MinutesSinceNewestVersion` (Maximum)
 * GreaterThan the `limitMinutes` of {@link freshnessWindow} (the interval plus the time resource
 * logs take to arrive), over its window; auto-mitigated (it resolves when versions arrive again);
 * query validation skipped, because on a fresh workspace the `StorageBlobLogs` table has no data
 * until the first blob request is logged, and the rule must not depend on that order.
 */
export class FreshnessAlerts extends Construct {
  private readonly props: FreshnessAlertsProps;
  private readonly watched = new Map<string, { rule: MonitorScheduledQueryRulesAlertV2; window: FreshnessWindow; watch: FreshnessWatch }>();

  constructor(scope: Construct, id: string, props: FreshnessAlertsProps) {
    super(scope, id);
    this.props = props;
  }

  /** The rule of each watched store, by registry id. */
  public get rules(): ReadonlyMap<string, MonitorScheduledQueryRulesAlertV2> {
    return new Map([...this.watched].map(([registryId, w]) => [registryId, w.rule]));
  }

  /** The window of each watched store, by registry id. */
  public get windows(): ReadonlyMap<string, FreshnessWindow> {
    return new Map([...this.watched].map(([registryId, w]) => [registryId, w.window]));
  }

  /** Alerts when `store` gets no new version for longer than `watch.withinMinutes`. */
  public watch(store: IEncryptedStore, watch: FreshnessWatch): MonitorScheduledQueryRulesAlertV2 {
    const where = `registry '${store.registryId}'`;
    if (this.watched.has(store.registryId)) throw new Error(`${where} is already watched by freshness alerts '${this.props.namePrefix}'`);
    if (!Token.isUnresolved(watch.withinMinutes) && (!Number.isInteger(watch.withinMinutes) || watch.withinMinutes < 1)) {
      throw new Error(`withinMinutes must be a whole number of minutes, at least 1, got ${watch.withinMinutes} for ${where}`);
    }
    const window = freshnessWindow(watch.withinMinutes);
    const expected = `${watch.withinMinutes} minutes`;
    const rule = new MonitorScheduledQueryRulesAlertV2(this, `Store-${store.registryId}`, {
      name: `${this.props.namePrefix}-fresh-${store.registryId}`,
      displayName: `Registry '${store.registryId}': no new version for ${window.limitMinutes} minutes`,
      description:
        `The newest version of registry '${store.registryId}' in its store (${watch.writtenBy === "clients" ? "written by the registry's writers or a datacenter copy job" : "filled by object replication"}) ` +
        `is more than ${window.limitMinutes} minutes old; a version is expected at least every ${expected}, plus ${RESOURCE_LOG_LATENCY_MINUTES} minutes for its log to arrive${window.shortened ? " (watched over two days, the longest window)" : ""}. ` +
        "First: check the source (writer, copy job, or the source site's replication status) and run `data-embassy verify` for this site.",
      resourceGroupName: this.props.resourceGroupName,
      location: this.props.location,
      scopes: [this.props.workspaceId],
      severity: FRESHNESS_SEVERITY,
      enabled: true,
      windowDuration: window.windowDuration,
      evaluationFrequency: window.evaluationFrequency,
      autoMitigationEnabled: true,
      skipQueryValidation: true,
      criteria: [
        {
          query: freshnessQuery(store.accountName, store.containerName, watch.writtenBy, window.windowMinutes),
          timeAggregationMethod: "Maximum",
          metricMeasureColumn: "MinutesSinceNewestVersion",
          operator: "GreaterThan",
          threshold: window.limitMinutes,
          failingPeriods: { minimumFailingPeriodsToTriggerAlert: 1, numberOfEvaluationPeriods: 1 },
        },
      ],
      action: { actionGroups: [this.props.alerts.actionGroupId] },
      tags: { ...(this.props.tags ?? {}), "embassy:registry": store.registryId, "embassy:alert": "freshness" },
    });
    this.watched.set(store.registryId, { rule, window, watch });
    return rule;
  }
}
