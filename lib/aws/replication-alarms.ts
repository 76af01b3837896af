import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { physicalName } from "../private/names";
import type { IAlertTopic } from "./alert-topic";
import type { IEncryptedStore } from "./encrypted-store";
import { RTC_MINUTES, replicationRuleId } from "./replication-link";

/** How ReplicationAlarms are built: the replication rule they watch and where they notify. */
export interface ReplicationAlarmsProps {
  /** The replicated store (at the source site; the alarms live in its region). */
  readonly source: IEncryptedStore;
  /** The store the rule replicates to. */
  readonly target: IEncryptedStore;
  /** Where the alarms notify (a topic in the source's region). */
  readonly topic: IAlertTopic;
  /**
   * The link's promised delay, in minutes: `ReplicationLatency` above it raises the alarm.
   * @default 15 - Replication Time Control's threshold (RTC_MINUTES)
   */
  readonly latencyThresholdMinutes?: number;
  /** A prefix for the alarms' names, e.g. `jp-embassy-jp-tokyo`. */
  readonly namePrefix: string;
}

/** Period of both alarms, in seconds: S3 publishes replication metrics each minute; five of them smooth a late datapoint. */
export const REPLICATION_ALARM_PERIOD_SECONDS = 300;

/**
 * Two CloudWatch alarms per replication rule, at the source (S3 publishes a rule's metrics in the
 * source's region): `ReplicationLatency` above the link's promise (15 minutes for Replication Time
 * Control: 900 s) and `OperationsFailedReplication` above 0. Both are in namespace `AWS/S3` with
 * the dimensions `SourceBucket`, `DestinationBucket` (bucket names) and `RuleId` (S3 User Guide,
 * "Metrics and dimensions", Amazon S3 replication metrics in CloudWatch; "Using S3 Replication
 * metrics"); the metrics exist because every rule of ReplicationLink enables replication metrics
 * and RTC. `ReplicationLatency` is read as its Maximum, the only valid statistic; failures as a Sum.
 *
 * Missing data is `ignore` (keep the state), as the S3 User Guide asks for replication metrics:
 * they are published only while the rule has something to replicate, so an idle registry must not
 * flip a latency alarm to OK or raise a failure alarm. What `ignore` cannot see, replication that
 * stopped altogether (a deleted configuration, a disabled rule), is what the target's freshness
 * alarm (FreshnessAlarms, missing data `breaching`) and the PutBucketReplication /
 * DeleteBucketReplication tamper rule exist for. A failure alarm stays in ALARM until a later
 * period reports no failures: a failed object is not retried by S3 and stays missing at the target
 * until someone re-replicates it (S3 Batch Replication), so a sticky alarm is the honest one.
 */
export class ReplicationAlarms extends Construct {
  /** The alarm on `ReplicationLatency` above Replication Time Control's 15 minutes. */
  public readonly latency: CloudwatchMetricAlarm;
  /** The alarm on `OperationsFailedReplication` above 0. */
  public readonly failures: CloudwatchMetricAlarm;

  constructor(scope: Construct, id: string, props: ReplicationAlarmsProps) {
    super(scope, id);
    const minutes = props.latencyThresholdMinutes ?? RTC_MINUTES;
    if (!Token.isUnresolved(minutes) && (!Number.isInteger(minutes) || minutes < 1)) {
      throw new Error(`latencyThresholdMinutes must be a whole number of minutes, at least 1, got ${minutes} for replication of registry '${props.source.registryId}'`);
    }
    const ruleId = replicationRuleId(props.target);
    const dimensions = { SourceBucket: props.source.stableName, DestinationBucket: props.target.stableName, RuleId: ruleId };
    const common = {
      namespace: "AWS/S3",
      dimensions,
      period: REPLICATION_ALARM_PERIOD_SECONDS,
      evaluationPeriods: 1,
      treatMissingData: "ignore",
      alarmActions: [props.topic.topicArn],
      okActions: [props.topic.topicArn],
    };
    const what = `registry '${props.source.registryId}' from ${props.source.stableName} to ${props.target.stableName} (rule ${ruleId})`;
    this.latency = new CloudwatchMetricAlarm(this, "Latency", {
      ...common,
      alarmName: physicalName([props.namePrefix, props.source.registryId, props.target.stableName, "replication-latency"], 255),
      alarmDescription: `Replication of ${what} is more than ${minutes} minutes behind: the link's RPO is at risk`,
      metricName: "ReplicationLatency",
      statistic: "Maximum",
      comparisonOperator: "GreaterThanThreshold",
      threshold: minutes * 60,
    });
    this.failures = new CloudwatchMetricAlarm(this, "Failures", {
      ...common,
      alarmName: physicalName([props.namePrefix, props.source.registryId, props.target.stableName, "replication-failed"], 255),
      alarmDescription: `Replication of ${what} failed for at least one object: it is missing at the target until re-replicated`,
      metricName: "OperationsFailedReplication",
      statistic: "Sum",
      comparisonOperator: "GreaterThanThreshold",
      threshold: 0,
    });
  }
}
