import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CloudwatchLogResourcePolicy } from "@cdktf/provider-aws/lib/cloudwatch-log-resource-policy";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { physicalName } from "../private/names";
import type { IAlertTopic } from "./alert-topic";
import type { IEncryptedStore } from "./encrypted-store";
import { EVENTS_TO_LOGS_ACTIONS } from "./perms";
import { renderPolicy } from "./policy-document";

/** How FreshnessAlarms are built: where they notify and how their resources are named. */
export interface FreshnessAlarmsProps {
  /** Where the alarms notify (a topic in the site's region). */
  readonly topic: IAlertTopic;
  /** A prefix for the names of the rules, alarms and log group, e.g. `jp-embassy-jp-tokyo`. */
  readonly namePrefix: string;
  /**
   * Days the arrival log (one entry per new object) is kept.
   * @default 400 - a year of evidence plus a margin, like the site's log bucket
   */
  readonly arrivalLogRetentionDays?: number;
}

/** The longest window an alarm can watch: CloudWatch evaluates at most seven days (604,800 s). */
export const MAX_FRESHNESS_MINUTES = 7 * 24 * 60;

/** The smallest grace a scheduled write gets on top of its interval, in minutes (see freshnessGraceMinutes). */
export const MIN_FRESHNESS_GRACE_MINUTES = 5;

/**
 * The grace a store written on a schedule (every `intervalMinutes`: a datacenter's copy job, a
 * registry's export at the primary) gets before its freshness alarm fires: the larger of
 * {@link MIN_FRESHNESS_GRACE_MINUTES} and a quarter of the interval, in whole minutes.
 *
 * Why: the alarm says "the RPO is at risk", not "a run was a minute late". A copy job started by
 * cron or a scheduler lands its objects some time after its tick: start-up, the upload itself,
 * retries, clock skew; and the `TriggeredRules` datapoint of the arrival is that minute's, so
 * with a window of exactly the interval every slightly late run would flap ALARM then OK, and a
 * team that learns to ignore the flapping misses the real outage. A grace proportional to the
 * interval covers the normal jitter of short and long schedules alike (a 15-minute job gets 5
 * minutes, an hourly one 15, a daily one 6 hours), while a job that skipped a whole run still
 * alarms well before a second one is missed (the window stays under twice the interval for every
 * interval of 7 minutes or more). The evaluation limits still bound the window (see
 * {@link freshnessWindowWithGrace}).
 */
export function freshnessGraceMinutes(intervalMinutes: number): number {
  return Math.max(MIN_FRESHNESS_GRACE_MINUTES, Math.ceil(intervalMinutes / 4));
}

/**
 * The freshness window of a store written every `intervalMinutes`: the interval plus
 * {@link freshnessGraceMinutes}, capped at {@link MAX_FRESHNESS_MINUTES} (CloudWatch's longest
 * evaluation, see freshnessEvaluation) so that the grace never turns a window the alarm can watch
 * into one it cannot. An interval already beyond the cap is returned as is, for
 * FreshnessAlarms.watch to refuse by name.
 */
export function freshnessWindowWithGrace(intervalMinutes: number): number {
  if (intervalMinutes >= MAX_FRESHNESS_MINUTES) return intervalMinutes;
  return Math.min(intervalMinutes + freshnessGraceMinutes(intervalMinutes), MAX_FRESHNESS_MINUTES);
}

/**
 * How a window of `minutes` is evaluated. Up to a day, in one-minute periods, every one of which
 * must be empty to alarm: exactly "nothing arrived in the last `minutes` minutes", sliding by the
 * minute. PutMetricAlarm allows at most one day of evaluation for periods under an hour and seven
 * days otherwise ("Period multiplied by EvaluationPeriods can't be more than 604,800 seconds. For
 * alarms with a period of less than one hour (3,600 seconds), the total evaluation period can't be
 * longer than one day (86,400 seconds)": CloudWatch API Reference, PutMetricAlarm, Period), so
 * longer windows use hourly periods and round up to the next hour.
 */
export function freshnessEvaluation(minutes: number): {
  /** The alarm's `Period`, in seconds: 60 for windows up to a day, 3600 beyond. */
  readonly periodSeconds: number;
  /** The alarm's `EvaluationPeriods` (every one must breach): `minutes` one-minute periods, or the window in hours rounded up. */
  readonly evaluationPeriods: number;
} {
  if (minutes <= 24 * 60) return { periodSeconds: 60, evaluationPeriods: minutes };
  return { periodSeconds: 3600, evaluationPeriods: Math.ceil(minutes / 60) };
}

/**
 * "No new object for longer than the store's window": one alarm per registry store of a site.
 *
 * The signal. Every bucket of this library sends its object events to EventBridge
 * (HardenedBucket), and S3 sends an `Object Created` event (source `aws.s3`, field
 * `detail.bucket.name`) for every object created by PutObject, POST, CopyObject or
 * CompleteMultipartUpload (S3 User Guide, "Using EventBridge" and "EventBridge event message
 * structure"). Per store, an EventBridge rule matches those events of its bucket, and the alarm
 * watches the rule's `TriggeredRules` metric (namespace `AWS/Events`, dimension `RuleName`: "the
 * number of rules that have run and matched with any event"; EventBridge User Guide, "Monitoring
 * Amazon EventBridge"). The metric has no datapoint in a minute nothing matched, so missing data is
 * `breaching`: silence is exactly what the alarm is for, and a store that never received anything
 * (or whose events stopped, say because someone switched its EventBridge notifications off) alarms
 * too. The rule's target is a CloudWatch Logs group of arrivals (object key, size, version, who),
 * so a rule always runs when it matches, and whoever answers the alarm can see when the last
 * object came.
 *
 * Request metrics (`PutRequests` of aws_s3_bucket_metric) were not used: they count requests made
 * to a bucket, which a replica written by S3 replication is not documented to be.
 * What AWS does not document either: that S3 emits `Object Created` at a destination for objects
 * written by replication (the S3 guides list the API names above, and replication is not one; it
 * is widely observed to emit `s3:ObjectCreated:Put`). If it does not, a replica store's alarm is in
 * ALARM from the first window on, loudly, and never silently OK: the failure mode of this
 * assumption is a false alarm on the first day, which the runbook names, not a missed one.
 */
export class FreshnessAlarms extends Construct {
  /** The log group that records one entry per object created in a watched store. */
  public readonly logGroup: CloudwatchLogGroup;
  private readonly props: FreshnessAlarmsProps;
  private readonly watched = new Map<string, CloudwatchMetricAlarm>();

  constructor(scope: Construct, id: string, props: FreshnessAlarmsProps) {
    super(scope, id);
    this.props = props;
    // EventBridge writes into a log group only if a resource policy lets it; the documented policy
    // names events.amazonaws.com and delivery.logs.amazonaws.com (EventBridge User Guide, "Using
    // resource-based policies for Amazon EventBridge", CloudWatch Logs permissions), here for this
    // one group. CloudWatch Logs keeps at most 10 such policies per account and region.
    this.logGroup = new CloudwatchLogGroup(this, "Arrivals", {
      name: `/aws/events/${props.namePrefix}/arrivals`,
      retentionInDays: props.arrivalLogRetentionDays ?? 400,
    });
    new CloudwatchLogResourcePolicy(this, "ArrivalsPolicy", {
      policyName: physicalName([props.namePrefix, "events-to-arrivals"], 255),
      policyDocument: renderPolicy([
        {
          Sid: "EventBridgeWritesArrivals",
          Effect: "Allow",
          Principal: { Service: ["events.amazonaws.com", "delivery.logs.amazonaws.com"] },
          Action: [...EVENTS_TO_LOGS_ACTIONS],
          Resource: `${this.logGroup.arn}:*`,
        },
      ]),
    });
  }

  /**
   * Watches `store`: an alarm when no object has arrived in it for `windowMinutes` (at most seven
   * days). The construct id is the registry id, so adding or removing another store renames nothing.
   */
  public watch(store: IEncryptedStore, windowMinutes: number): CloudwatchMetricAlarm {
    if (!Token.isUnresolved(windowMinutes) && (!Number.isInteger(windowMinutes) || windowMinutes < 1 || windowMinutes > MAX_FRESHNESS_MINUTES)) {
      throw new Error(
        `windowMinutes must be a whole number of minutes from 1 to ${MAX_FRESHNESS_MINUTES} (seven days, CloudWatch's longest evaluation), got ${windowMinutes} for registry '${store.registryId}'`,
      );
    }
    if (this.watched.has(store.registryId)) throw new Error(`registry '${store.registryId}' is already watched at this site`);
    const scope = new Construct(this, store.registryId);
    const ruleName = physicalName([this.props.namePrefix, store.registryId, "arrivals"], 64);
    const rule = new CloudwatchEventRule(scope, "Rule", {
      name: ruleName,
      description: `New objects in the store of registry '${store.registryId}' (${store.stableName})`,
      eventPattern: JSON.stringify({ source: ["aws.s3"], "detail-type": ["Object Created"], detail: { bucket: { name: [store.stableName] } } }),
    });
    new CloudwatchEventTarget(scope, "Target", { rule: rule.name, targetId: "arrivals-log", arn: this.logGroup.arn });
    const { periodSeconds, evaluationPeriods } = freshnessEvaluation(windowMinutes);
    const alarm = new CloudwatchMetricAlarm(scope, "Alarm", {
      alarmName: physicalName([this.props.namePrefix, store.registryId, "freshness"], 255),
      alarmDescription: `No new object in the store of registry '${store.registryId}' (${store.stableName}) for ${windowMinutes} minutes: the newest copy there is older than promised`,
      namespace: "AWS/Events",
      metricName: "TriggeredRules",
      dimensions: { RuleName: ruleName },
      statistic: "Sum",
      period: periodSeconds,
      evaluationPeriods,
      datapointsToAlarm: evaluationPeriods,
      comparisonOperator: "LessThanThreshold",
      threshold: 1,
      treatMissingData: "breaching",
      alarmActions: [this.props.topic.topicArn],
      okActions: [this.props.topic.topicArn],
      dependsOn: [rule],
    });
    this.watched.set(store.registryId, alarm);
    return alarm;
  }
}
