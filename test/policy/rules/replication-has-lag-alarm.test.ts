import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { S3BucketReplicationConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-replication-configuration";
import { App, TerraformResource, type TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { AlertTopic } from "../../../lib/aws/alert-topic";
import { EncryptedStore } from "../../../lib/aws/encrypted-store";
import { LogBucket } from "../../../lib/aws/log-bucket";
import { ReplicationAlarms } from "../../../lib/aws/replication-alarms";
import { ReplicationLink } from "../../../lib/aws/replication-link";
import { EncryptedStore as AzureEncryptedStore } from "../../../lib/azure/encrypted-store";
import { Notifications } from "../../../lib/azure/notifications";
import { ReplicationLagAlert } from "../../../lib/azure/replication-lag-alert";
import { ReplicationLink as AzureReplicationLink } from "../../../lib/azure/replication-link";
import { policyReport } from "../../../lib/policy/report";
import { loadTopologyFile } from "../../../lib/topology/load";
import type { Topology } from "../../../lib/topology/model";
import { buildEmbassy } from "../../../stacks/embassy";
import { siteParts } from "../../azure/fixtures";
import { azureOnlyDoc, CUSTODY, PROJECT_ROOT, topologyOf } from "../../fixtures";
import { checkRule, pack } from "../helpers";

const RULE = "EMB-W02";
const RULE_ID = "to-b-target";

/** A source and a target store, a ReplicationLink between them, and (unless `alarms` is false) ReplicationAlarms on its rule. */
function watchedLink(scope: Construct, alarms = true): ReplicationAlarms | undefined {
  const logBucket = new LogBucket(scope, "Logs", { custody: CUSTODY, bucketName: "site-logs" });
  const make = (id: string, region: string) =>
    new EncryptedStore(scope, id, { custody: CUSTODY, registryId: "brp", bucketName: `b-${id.toLowerCase()}`, region, retentionDays: 365, logBucket });
  const source = make("Source", "eu-south-2");
  const target = make("Target", "eu-north-1");
  new ReplicationLink(scope, "Link", { custody: CUSTODY, source, roleName: "brp-replication", targets: [target] });
  if (!alarms) return undefined;
  const topic = new AlertTopic(scope, "Alerts", { custody: CUSTODY, region: "eu-south-2", topicName: "site-alerts" });
  return new ReplicationAlarms(scope, "Alarms", { source, target, topic, namePrefix: "site" });
}

/** A source and a target Azure store with priority replication; a lag alert on the policy, to an action group unless `notify` is false. */
function watchedPriorityLink(scope: Construct, options: { alert?: boolean; notify?: boolean; priority?: boolean } = {}): ReplicationLagAlert | undefined {
  const parts = siteParts(scope);
  const make = (id: string, location: string) =>
    new AzureEncryptedStore(scope, id, {
      registryId: "brp",
      accountName: `st${id.toLowerCase()}`,
      resourceGroupName: parts.resourceGroupName,
      location,
      retentionDays: 365,
      network: parts.network,
      logStore: parts.logStore,
      keyVault: parts.keyVault,
    });
  const link = new AzureReplicationLink(scope, "Replication", { source: make("Source", "westeurope") });
  link.replicateTo(make("Target", "polandcentral"), { priority: options.priority ?? true });
  const sourcePolicyId = link.replications[0].sourcePolicyId;
  if (options.alert === false || sourcePolicyId === undefined) return undefined;
  const alerts = options.notify === false ? undefined : new Notifications(scope, "Alerts", { resourceGroupName: parts.resourceGroupName, name: "test-alerts", shortName: "test" });
  return new ReplicationLagAlert(scope, "Lag", { resourceGroupName: parts.resourceGroupName, name: "test-lag", replication: { sourcePolicyId }, rpoMinutes: 15, alerts });
}

/** The W02 findings and counts of every stack of `topology`, each stack checked by the pack. */
function checkExample(topology: Topology) {
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), "embassy-w02-")) });
  const p = pack({ topology });
  const stacks = [...buildEmbassy(app, topology).values()];
  const findings = stacks.flatMap((stack: TerraformStack) => p.check(stack)).filter((f) => f.ruleId === RULE);
  return { findings, summary: policyReport(app).rules.find((r) => r.id === RULE) };
}

describe("EMB-W02 ReplicationHasLagAlarm", () => {
  test("an S3 replication rule with ReplicationAlarms is compliant", () => {
    expect(checkRule(RULE, (s) => watchedLink(s)).summary).toMatchObject({ checked: 1, compliant: 1, level: "error" });
  });

  test("a priority object replication policy with a ReplicationLagAlert is compliant; the stores' azapi keys are not applicable", () => {
    expect(checkRule(RULE, (s) => watchedPriorityLink(s)).summary).toMatchObject({ checked: 1, compliant: 1 });
  });

  test.each([
    ["jp-embassy", () => loadTopologyFile(join(PROJECT_ROOT, "stacks", "jp-embassy.yaml")), true],
    ["nl-embassy", () => loadTopologyFile(join(PROJECT_ROOT, "stacks", "nl-embassy.yaml")), false],
    ["ee-embassy", () => loadTopologyFile(join(PROJECT_ROOT, "stacks", "ee-embassy.yaml")), false],
    ["the Azure-only topology", () => topologyOf(azureOnlyDoc()), true],
  ])("%s: every replication with a time promise has its lag alarms (applicable: %s)", (_name, load, applicable) => {
    const { findings, summary } = checkExample(load());
    expect(findings).toEqual([]);
    expect(summary?.applicable).toBe(applicable);
    if (applicable) expect(summary?.checked).toBeGreaterThan(0);
    expect(summary?.compliant).toBe(summary?.checked);
  });

  test("fails when a replication rule has no alarms, naming the rule and both metrics", () => {
    const result = checkRule(RULE, (s) => watchedLink(s, false));
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0].message).toMatch(/^\[EMB-W02\] site\/Link\/Resource \(aws_s3_bucket_replication_configuration\): rule 'to-b-target' has no ReplicationLatency alarm/);
    expect(result.findings[0].message).toMatch(/\. Fix: add ReplicationAlarms per S3 replication rule/);
    expect(result.problems).toEqual([
      `rule '${RULE_ID}' has no ReplicationLatency alarm (aws_cloudwatch_metric_alarm in namespace AWS/S3 with dimensions RuleId '${RULE_ID}' and SourceBucket naming the source bucket); ` +
        `rule '${RULE_ID}' has no OperationsFailedReplication alarm (aws_cloudwatch_metric_alarm in namespace AWS/S3 with dimensions RuleId '${RULE_ID}' and SourceBucket naming the source bucket)`,
    ]);
  });

  test("fails when the alarms name another rule or another source bucket", () => {
    const otherRule = checkRule(RULE, (s) => watchedLink(s)?.latency.addOverride("dimensions.RuleId", "to-elsewhere"));
    expect(otherRule.problems).toEqual([
      `rule '${RULE_ID}' has no ReplicationLatency alarm (aws_cloudwatch_metric_alarm in namespace AWS/S3 with dimensions RuleId '${RULE_ID}' and SourceBucket naming the source bucket)`,
    ]);
    const otherBucket = checkRule(RULE, (s) => watchedLink(s)?.failures.addOverride("dimensions.SourceBucket", "b-other"));
    expect(otherBucket.problems).toEqual([
      `rule '${RULE_ID}' has no OperationsFailedReplication alarm (aws_cloudwatch_metric_alarm in namespace AWS/S3 with dimensions RuleId '${RULE_ID}' and SourceBucket naming the source bucket)`,
    ]);
  });

  test.each([
    ["latency", "threshold", 3600, "ReplicationLatency", "comparison_operator 'GreaterThanThreshold' with threshold 3600, which does not fire above 900"],
    ["latency", "alarm_actions", undefined, "ReplicationLatency", "no alarm_actions, so it notifies nobody"],
    ["failures", "threshold", 10, "OperationsFailedReplication", "comparison_operator 'GreaterThanThreshold' with threshold 10, which does not fire above 0"],
    ["failures", "comparison_operator", "LessThanThreshold", "OperationsFailedReplication", "comparison_operator 'LessThanThreshold' with threshold 0, which does not fire above 0"],
    ["failures", "actions_enabled", false, "OperationsFailedReplication", "actions_enabled false, not true"],
  ] as const)("fails when the %s alarm is weakened with %s = %j", (which, attribute, value, metric, problem) => {
    const result = checkRule(RULE, (s) => watchedLink(s)?.[which].addOverride(attribute, value));
    expect(result.problems).toHaveLength(1);
    const kind = which === "latency" ? "Latency" : "Failures";
    expect(result.problems[0]).toMatch(new RegExp(`^rule '${RULE_ID}': ${metric} alarm aws_cloudwatch_metric_alarm\\.Alarms_${kind}_[0-9A-F]{8} has `));
    expect(result.problems[0].replace(/^.* alarm aws_cloudwatch_metric_alarm\.\S+ has /, "")).toBe(problem);
  });

  test("fails when a replication rule has no id an alarm could name", () => {
    const result = checkRule(RULE, (s) => {
      new S3BucketReplicationConfigurationA(s, "Replication", {
        bucket: "source",
        role: "arn:aws:iam::111111111111:role/r",
        rule: [{ status: "Enabled", destination: { bucket: "arn:aws:s3:::target" } }],
      });
    });
    expect(result.problems).toEqual(["rule #1 has id absent, so no alarm can name it in a RuleId dimension"]);
  });

  test("fails when a priority replication policy has no lag alert", () => {
    const result = checkRule(RULE, (s) => watchedPriorityLink(s, { alert: false }));
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0].message).toMatch(/^\[EMB-W02\] site\/Replication\/To-polandcentral\/Resource \(azapi_resource\): /);
    expect(result.problems).toEqual([
      "no azurerm_monitor_metric_alert scoped to it watches PendingOperationsForReplication, so replication that falls behind the priority promise raises nothing",
    ]);
  });

  test("fails when the lag alert notifies nobody (ReplicationLagAlert without alerts)", () => {
    const result = checkRule(RULE, (s) => watchedPriorityLink(s, { notify: false }));
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatch(/^lag alert azurerm_monitor_metric_alert\.Lag_[0-9A-F]{8} has no action with an action_group_id, so it notifies nobody$/);
  });

  test.each([
    ["enabled", false, "enabled false, not true"],
    ["criteria.0.threshold", 100, "criteria on PendingOperationsForReplication 'GreaterThan' 100, which do not fire on a pending operation"],
  ])("fails when the lag alert is weakened with %s", (attribute, value, problem) => {
    const result = checkRule(RULE, (s) => watchedPriorityLink(s)?.resource.addOverride(attribute, value));
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0].replace(/^lag alert azurerm_monitor_metric_alert\.\S+ has /, "")).toBe(problem);
  });

  test("plain object replication (no time promise) and other azapi resources are not applicable", () => {
    const plain = checkRule(RULE, (s) => watchedPriorityLink(s, { priority: false }));
    expect(plain.summary).toMatchObject({ checked: 0, applicable: false });
    const other = checkRule(RULE, (s) => {
      const policy = new TerraformResource(s, "Policy", { terraformResourceType: "azapi_resource" });
      policy.addOverride("type", "Microsoft.Storage/storageAccounts/objectReplicationPolicies@2025-06-01");
      policy.addOverride("body", { properties: { priorityReplication: { enabled: false } } });
    });
    expect(other.summary).toMatchObject({ checked: 0, applicable: false });
  });
});
