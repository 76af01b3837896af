import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MonitorScheduledQueryRulesAlertV2 } from "@cdktf/provider-azurerm/lib/monitor-scheduled-query-rules-alert-v2";
import { StorageAccount } from "@cdktf/provider-azurerm/lib/storage-account";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { App, type TerraformResource, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { AlertTopic } from "../../../lib/aws/alert-topic";
import { FreshnessAlarms } from "../../../lib/aws/freshness-alarms";
import { EncryptedStore } from "../../../lib/azure/encrypted-store";
import { FreshnessAlerts } from "../../../lib/azure/freshness-alerts";
import { Notifications } from "../../../lib/azure/notifications";
import { policyReport } from "../../../lib/policy/report";
import { loadTopologyFile } from "../../../lib/topology/load";
import type { Topology } from "../../../lib/topology/model";
import { buildEmbassy } from "../../../stacks/embassy";
import { siteParts } from "../../azure/fixtures";
import { azureOnlyDoc, CUSTODY, PROJECT_ROOT, topologyOf } from "../../fixtures";
import { awsSite, checkRule, pack } from "../helpers";

const RULE = "EMB-W01";
const BUCKET = "site/Store/Resource/Resource (aws_s3_bucket)";

/** awsSite plus its alert topic and a 15-minute freshness alarm on the store, as AwsSiteStack builds them. */
function watchedAwsSite(scope: Construct): TerraformResource {
  const { store } = awsSite(scope);
  const topic = new AlertTopic(scope, "Alerts", { custody: CUSTODY, region: "eu-south-2", topicName: "site-alerts" });
  return new FreshnessAlarms(scope, "Freshness", { topic, namePrefix: "site" }).watch(store, 15);
}

/** One Azure registry store, the site's action group and a freshness alert on the store, as AzureSiteStack builds them. */
function watchedAzureSite(scope: Construct, withAlert = true): TerraformResource | undefined {
  const parts = siteParts(scope);
  const store = new EncryptedStore(scope, "Store", {
    registryId: "brp",
    accountName: "teststorebrp",
    resourceGroupName: parts.resourceGroupName,
    location: parts.location,
    retentionDays: 365,
    network: parts.network,
    logStore: parts.logStore,
    keyVault: parts.keyVault,
  });
  if (!withAlert) return undefined;
  const alerts = new Notifications(scope, "Alerts", { resourceGroupName: parts.resourceGroupName, name: "test-alerts", shortName: "test" });
  const freshness = new FreshnessAlerts(scope, "Freshness", { alerts, workspaceId: parts.logStore.workspaceId, resourceGroupName: parts.resourceGroupName, location: parts.location, namePrefix: "test" });
  return freshness.watch(store, { withinMinutes: 15, writtenBy: "clients" });
}

/** A registry account with a literal name, and a log search alert with `query` and an action group. */
function accountWithQuery(scope: Construct, query: string): void {
  new StorageAccount(scope, "Account", {
    name: "acct",
    resourceGroupName: "rg",
    location: "westeurope",
    accountTier: "Standard",
    accountReplicationType: "ZRS",
    tags: { "embassy:registry": "brp" },
  });
  new MonitorScheduledQueryRulesAlertV2(scope, "Fresh", {
    name: "fresh",
    resourceGroupName: "rg",
    location: "westeurope",
    scopes: ["/subscriptions/s/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/ws"],
    severity: 1,
    windowDuration: "PT30M",
    evaluationFrequency: "PT5M",
    criteria: [{ query, timeAggregationMethod: "Maximum", metricMeasureColumn: "MinutesSinceNewestVersion", operator: "GreaterThan", threshold: 25 }],
    action: { actionGroups: ["/subscriptions/s/resourceGroups/rg/providers/Microsoft.Insights/actionGroups/ag"] },
  });
}

/** The W01 findings and counts of every stack of `topology`, each stack checked by the pack. */
function checkExample(topology: Topology) {
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), "embassy-w01-")) });
  const p = pack({ topology });
  const stacks = [...buildEmbassy(app, topology).values()];
  const findings = stacks.flatMap((stack: TerraformStack) => p.check(stack)).filter((f) => f.ruleId === RULE);
  return { findings, summary: policyReport(app).rules.find((r) => r.id === RULE) };
}

describe("EMB-W01 StoreHasFreshnessAlarm", () => {
  test("a store watched by FreshnessAlarms is compliant; the log bucket is not applicable", () => {
    expect(checkRule(RULE, (s) => watchedAwsSite(s)).summary).toMatchObject({ checked: 1, compliant: 1, level: "error" });
  });

  test("an Azure store watched by FreshnessAlerts is compliant; the log store's accounts are not applicable", () => {
    expect(checkRule(RULE, (s) => watchedAzureSite(s)).summary).toMatchObject({ checked: 1, compliant: 1 });
  });

  test.each([
    ["jp-embassy", () => loadTopologyFile(join(PROJECT_ROOT, "stacks", "jp-embassy.yaml"))],
    ["nl-embassy", () => loadTopologyFile(join(PROJECT_ROOT, "stacks", "nl-embassy.yaml"))],
    ["ee-embassy", () => loadTopologyFile(join(PROJECT_ROOT, "stacks", "ee-embassy.yaml"))],
    ["the Azure-only topology", () => topologyOf(azureOnlyDoc())],
  ])("every registry store of %s has its freshness alarm", (_name, load) => {
    const topology = load();
    const { findings, summary } = checkExample(topology);
    expect(findings).toEqual([]);
    // every cloud site holds one store per registry it receives
    expect(summary?.checked).toBeGreaterThanOrEqual(topology.registries.length);
    expect(summary?.compliant).toBe(summary?.checked);
  });

  test("a log search alert naming the account's literal name in its query is compliant", () => {
    expect(checkRule(RULE, (s) => accountWithQuery(s, 'StorageBlobLogs | where AccountName == "acct"')).summary).toMatchObject({ checked: 1, compliant: 1 });
  });

  test("fails when a log search alert's query names only another account whose name starts the same", () => {
    expect(checkRule(RULE, (s) => accountWithQuery(s, 'StorageBlobLogs | where AccountName == "acct2"')).problems).toEqual([
      "no azurerm_monitor_scheduled_query_rules_alert_v2 names the account in its query or scopes, so a store that stops receiving versions raises nothing",
    ]);
  });

  test("fails when a registry store has no freshness alarm, naming the store and the fix", () => {
    const result = checkRule(RULE, (s) => awsSite(s));
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0].message).toMatch(
      new RegExp(
        `^\\[EMB-W01\\] ${BUCKET.replace(/[()]/g, "\\$&")}: no aws_cloudwatch_event_rule matches its 'Object Created' events \\(event_pattern with source 'aws\\.s3', detail-type 'Object Created' and detail\\.bucket\\.name naming the bucket\\), so nothing counts its new objects\\. Fix: watch every registry store: FreshnessAlarms\\.watch`,
      ),
    );
    expect(checkRule(RULE, (s) => watchedAzureSite(s, false)).problems).toEqual([
      "no azurerm_monitor_scheduled_query_rules_alert_v2 names the account in its query or scopes, so a store that stops receiving versions raises nothing",
    ]);
  });

  test("fails when the event rule matches another bucket", () => {
    const result = checkRule(RULE, (s) => {
      const alarm = watchedAwsSite(s);
      const rule = alarm.node.scope?.node.findChild("Rule") as TerraformResource;
      rule.addOverride("event_pattern", JSON.stringify({ source: ["aws.s3"], "detail-type": ["Object Created"], detail: { bucket: { name: ["someone-else"] } } }));
    });
    expect(result.problems).toEqual([
      "no aws_cloudwatch_event_rule matches its 'Object Created' events (event_pattern with source 'aws.s3', detail-type 'Object Created' and detail.bucket.name naming the bucket), so nothing counts its new objects",
    ]);
  });

  test("fails when the alarm watches another rule's metric", () => {
    const result = checkRule(RULE, (s) => watchedAwsSite(s).addOverride("dimensions.RuleName", "other-arrivals"));
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatch(
      /^no aws_cloudwatch_metric_alarm watches TriggeredRules \(namespace AWS\/Events\) with dimension RuleName naming aws_cloudwatch_event_rule\.Freshness_brp_Rule_[0-9A-F]{8}, so a store that stops receiving objects raises nothing$/,
    );
  });

  test.each([
    ["treat_missing_data", "notBreaching", "treat_missing_data 'notBreaching', not 'breaching' (a period without arrivals has no datapoint)"],
    ["threshold", 0, "comparison_operator 'LessThanThreshold' with threshold 0, which does not fire when nothing arrives"],
    ["comparison_operator", "GreaterThanThreshold", "comparison_operator 'GreaterThanThreshold' with threshold 1, which does not fire when nothing arrives"],
    ["alarm_actions", undefined, "no alarm_actions, so it notifies nobody"],
    ["actions_enabled", false, "actions_enabled false, not true"],
  ])("fails when the alarm is weakened with %s = %j", (attribute, value, problem) => {
    const result = checkRule(RULE, (s) => watchedAwsSite(s).addOverride(attribute, value));
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatch(/^freshness alarm aws_cloudwatch_metric_alarm\.Freshness_brp_Alarm_[0-9A-F]{8} has /);
    expect(result.problems[0].replace(/^freshness alarm \S+ has /, "")).toBe(problem);
  });

  test.each([
    ["action.action_groups", undefined, "no action.action_groups, so it notifies nobody"],
    ["enabled", false, "enabled false, not true"],
  ])("fails when the Azure alert is weakened with %s = %j", (attribute, value, problem) => {
    const result = checkRule(RULE, (s) => watchedAzureSite(s)?.addOverride(attribute, value));
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatch(/^freshness alert azurerm_monitor_scheduled_query_rules_alert_v2\.Freshness_Store-brp_[0-9A-F]{8} has /);
    expect(result.problems[0].replace(/^freshness alert \S+ has /, "")).toBe(problem);
  });

  test("buckets and accounts without the registry tag are not applicable", () => {
    const result = checkRule(RULE, (s) => {
      new S3Bucket(s, "Raw", { bucket: "raw" });
      new StorageAccount(s, "Account", { name: "acct", resourceGroupName: "rg", location: "westeurope", accountTier: "Standard", accountReplicationType: "ZRS" });
    });
    expect(result.summary).toMatchObject({ checked: 0, applicable: false });
  });
});
