import { EncryptedStore } from "../../lib/aws/encrypted-store";
import { LogBucket } from "../../lib/aws/log-bucket";
import { ReplicationAlarms } from "../../lib/aws/replication-alarms";
import { CUSTODY, resources, synthScope } from "../fixtures";

const TOPIC = { topicArn: "arn:aws:sns:eu-south-2:111111111111:alerts", region: "eu-south-2" };

function synthAlarms(latencyThresholdMinutes?: number) {
  return synthScope((scope) => {
    const logBucket = new LogBucket(scope, "Logs", { custody: CUSTODY, bucketName: "site-logs" });
    const make = (id: string, bucketName: string, region: string) => new EncryptedStore(scope, id, { custody: CUSTODY, registryId: "brp", bucketName, region, retentionDays: 365, logBucket });
    const source = make("Source", "es-primary-brp", "eu-south-2");
    const target = make("Target", "se-embassy-brp", "eu-north-1");
    new ReplicationAlarms(scope, "Alarms", { source, target, topic: TOPIC, namePrefix: "es-primary", ...(latencyThresholdMinutes ? { latencyThresholdMinutes } : {}) });
  });
}

describe("ReplicationAlarms (aws)", () => {
  const synth = synthAlarms();
  const alarms = resources(synth, "aws_cloudwatch_metric_alarm");
  const byMetric = (m: string) => alarms.find((a) => a.metric_name === m);

  test("two alarms per rule, on the rule's S3 replication metrics, named by source bucket, destination bucket and rule id", () => {
    expect(alarms).toHaveLength(2);
    for (const a of alarms) {
      expect(a.namespace).toBe("AWS/S3");
      // The rule id is the one ReplicationLink gives the rule for this target.
      expect(a.dimensions).toEqual({ SourceBucket: "es-primary-brp", DestinationBucket: "se-embassy-brp", RuleId: "to-se-embassy-brp" });
      expect(a.alarm_actions).toEqual([TOPIC.topicArn]);
      expect(a.ok_actions).toEqual([TOPIC.topicArn]);
      expect(a.treat_missing_data).toBe("ignore");
    }
  });

  test("latency: the maximum above the link's RPO, 15 minutes = 900 s by default (Replication Time Control)", () => {
    expect(byMetric("ReplicationLatency")).toMatchObject({ statistic: "Maximum", comparison_operator: "GreaterThanThreshold", threshold: 900, period: 300, evaluation_periods: 1 });
  });

  test("failures: any failed operation", () => {
    expect(byMetric("OperationsFailedReplication")).toMatchObject({ statistic: "Sum", comparison_operator: "GreaterThanThreshold", threshold: 0 });
  });

  test("the latency threshold follows the link's RPO", () => {
    const latency = resources(synthAlarms(60), "aws_cloudwatch_metric_alarm").find((a) => a.metric_name === "ReplicationLatency");
    expect(latency.threshold).toBe(3600);
  });

  test("fails when the threshold is not a whole number of minutes", () => {
    expect(() => synthAlarms(0.5)).toThrow(/latencyThresholdMinutes must be a whole number of minutes, at least 1, got 0.5 for replication of registry 'brp'/);
  });
});
