import { EncryptedStore } from "../../lib/aws/encrypted-store";
import { FreshnessAlarms, freshnessEvaluation, freshnessGraceMinutes, freshnessWindowWithGrace, MAX_FRESHNESS_MINUTES } from "../../lib/aws/freshness-alarms";
import { LogBucket } from "../../lib/aws/log-bucket";
import { CUSTODY, policyOf, resources, synthScope } from "../fixtures";

const TOPIC = { topicArn: "arn:aws:sns:eu-north-1:111111111111:alerts", region: "eu-north-1" };

function synthWatch(windows: Record<string, number>) {
  return synthScope((scope) => {
    const logBucket = new LogBucket(scope, "Logs", { custody: CUSTODY, bucketName: "site-logs" });
    const freshness = new FreshnessAlarms(scope, "Freshness", { topic: TOPIC, namePrefix: "se-embassy" });
    for (const [registryId, minutes] of Object.entries(windows)) {
      const store = new EncryptedStore(scope, `Store-${registryId}`, { custody: CUSTODY, registryId, bucketName: `se-embassy-${registryId}`, region: "eu-north-1", retentionDays: 365, logBucket });
      freshness.watch(store, minutes);
    }
  });
}

describe("FreshnessAlarms (aws)", () => {
  const synth = synthWatch({ brp: 30, land: 75 });
  const rules = resources(synth, "aws_cloudwatch_event_rule");
  const alarms = resources(synth, "aws_cloudwatch_metric_alarm");

  test("one rule and one alarm per store; each rule matches only its bucket's Object Created events", () => {
    expect(rules).toHaveLength(2);
    expect(alarms).toHaveLength(2);
    expect(rules.map((r) => [r.name, JSON.parse(r.event_pattern)])).toEqual([
      ["se-embassy-brp-arrivals", { source: ["aws.s3"], "detail-type": ["Object Created"], detail: { bucket: { name: ["se-embassy-brp"] } } }],
      ["se-embassy-land-arrivals", { source: ["aws.s3"], "detail-type": ["Object Created"], detail: { bucket: { name: ["se-embassy-land"] } } }],
    ]);
  });

  test("each alarm watches its rule's TriggeredRules, and silence (missing data) is breaching", () => {
    for (const [registry, alarm] of [["brp", alarms[0]], ["land", alarms[1]]] as const) {
      expect(alarm).toMatchObject({
        namespace: "AWS/Events",
        metric_name: "TriggeredRules",
        dimensions: { RuleName: `se-embassy-${registry}-arrivals` },
        statistic: "Sum",
        comparison_operator: "LessThanThreshold",
        threshold: 1,
        treat_missing_data: "breaching",
        alarm_actions: [TOPIC.topicArn],
        ok_actions: [TOPIC.topicArn],
      });
    }
  });

  test("the window is the store's: a 30-minute window is 30 one-minute periods that must all be empty", () => {
    expect(alarms.map((a) => [a.period, a.evaluation_periods, a.datapoints_to_alarm])).toEqual([
      [60, 30, 30],
      [60, 75, 75],
    ]);
  });

  test("windows over a day use hourly periods (CloudWatch evaluates at most a day of sub-hour periods), rounded up to the hour", () => {
    expect(freshnessEvaluation(1440)).toEqual({ periodSeconds: 60, evaluationPeriods: 1440 });
    expect(freshnessEvaluation(1441)).toEqual({ periodSeconds: 3600, evaluationPeriods: 25 });
    const [alarm] = resources(synthWatch({ brp: 2 * 1440 }), "aws_cloudwatch_metric_alarm");
    expect([alarm.period, alarm.evaluation_periods]).toEqual([3600, 48]);
    for (const minutes of [1, 15, 60, 1440, 1441, 10080]) {
      const { periodSeconds, evaluationPeriods } = freshnessEvaluation(minutes);
      expect(periodSeconds % 60).toBe(0);
      expect(periodSeconds * evaluationPeriods).toBeLessThanOrEqual(periodSeconds < 3600 ? 86400 : 604800);
      expect(periodSeconds * evaluationPeriods).toBeGreaterThanOrEqual(minutes * 60);
    }
  });

  test("a scheduled write gets max(5 min, 25% of its interval) of grace; the window stays within CloudWatch's evaluation limits", () => {
    expect([1, 15, 20, 21, 60, 1440].map(freshnessGraceMinutes)).toEqual([5, 5, 5, 6, 15, 360]);
    expect([15, 60, 1152, 1440].map(freshnessWindowWithGrace)).toEqual([20, 75, 1440, 1800]);
    // A daily job: 30 hours, past a day of one-minute periods, so hourly periods (PutMetricAlarm, Period).
    expect(freshnessEvaluation(freshnessWindowWithGrace(1440))).toEqual({ periodSeconds: 3600, evaluationPeriods: 30 });
    // Near the seven-day cap the grace shrinks rather than making the window unwatchable; beyond it, the interval is left for watch() to refuse.
    expect(freshnessWindowWithGrace(MAX_FRESHNESS_MINUTES - 60)).toBe(MAX_FRESHNESS_MINUTES);
    expect(freshnessWindowWithGrace(MAX_FRESHNESS_MINUTES + 1)).toBe(MAX_FRESHNESS_MINUTES + 1);
    for (const interval of [1, 5, 7, 15, 59, 60, 61, 720, 1439, 1440, 5000, MAX_FRESHNESS_MINUTES]) {
      const window = freshnessWindowWithGrace(interval);
      expect(window).toBeGreaterThanOrEqual(interval);
      expect(window).toBeLessThanOrEqual(MAX_FRESHNESS_MINUTES);
      if (interval >= 7) expect(window).toBeLessThan(2 * interval); // a skipped run still alarms before the next is due
      const { periodSeconds, evaluationPeriods } = freshnessEvaluation(window);
      expect(periodSeconds * evaluationPeriods).toBeLessThanOrEqual(periodSeconds < 3600 ? 86400 : 604800);
    }
  });

  test("every match is logged to one arrival log group, which EventBridge may write to and nothing else", () => {
    const targets = resources(synth, "aws_cloudwatch_event_target");
    const [group] = resources(synth, "aws_cloudwatch_log_group");
    expect(group).toMatchObject({ name: "/aws/events/se-embassy/arrivals", retention_in_days: 400 });
    const groupArn = `\${aws_cloudwatch_log_group.${Object.keys(synth.resource.aws_cloudwatch_log_group)[0]}.arn}`;
    expect(targets.map((t) => t.arn)).toEqual([groupArn, groupArn]);
    const [policy] = resources(synth, "aws_cloudwatch_log_resource_policy");
    expect(policyOf(policy.policy_document).Statement).toEqual([
      {
        Sid: "EventBridgeWritesArrivals",
        Effect: "Allow",
        Principal: { Service: ["events.amazonaws.com", "delivery.logs.amazonaws.com"] },
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: `${groupArn}:*`,
      },
    ]);
  });

  test("fails when a window is not 1 minute to 7 days, or a registry is watched twice", () => {
    expect(() => synthWatch({ brp: 0 })).toThrow(/windowMinutes must be a whole number of minutes from 1 to 10080 \(seven days, CloudWatch's longest evaluation\), got 0 for registry 'brp'/);
    expect(() => synthWatch({ brp: 10081 })).toThrow(/got 10081 for registry 'brp'/);
    expect(() =>
      synthScope((scope) => {
        const logBucket = new LogBucket(scope, "Logs", { custody: CUSTODY, bucketName: "site-logs" });
        const freshness = new FreshnessAlarms(scope, "Freshness", { topic: TOPIC, namePrefix: "x" });
        const store = new EncryptedStore(scope, "S", { custody: CUSTODY, registryId: "brp", bucketName: "x-brp", region: "eu-north-1", retentionDays: 365, logBucket });
        freshness.watch(store, 15);
        freshness.watch(store, 15);
      }),
    ).toThrow(/registry 'brp' is already watched at this site/);
  });
});
