import { azapiBody } from "../private/classify";
import { asNumber, asString, blocks, field, flag, type Json, show, strings } from "../private/json";
import type { ResourceView, StackView } from "../private/resource-view";
import { NOT_APPLICABLE, outcomeOf, type ResourceRule, type RuleContext, type RuleOutcome } from "../rule";
import { RTC_MINUTES } from "./replication-has-time-guarantee";

/**
 * S3 replication metrics in CloudWatch: namespace `AWS/S3`, metrics `ReplicationLatency` (seconds)
 * and `OperationsFailedReplication`, dimensions `SourceBucket`, `DestinationBucket` and `RuleId`
 * (S3 User Guide, "Metrics and dimensions", Amazon S3 replication metrics in CloudWatch).
 */
const S3_NAMESPACE = "AWS/S3";
const LATENCY = "ReplicationLatency";
const FAILURES = "OperationsFailedReplication";

/**
 * The ARM type of object replication policies, any API version, matched case-insensitively as
 * azapi does (Azure/terraform-provider-azapi CHANGELOG.md v1.15.0; see classify.ts).
 */
const OBJECT_REPLICATION_POLICY_TYPE = /^Microsoft\.Storage\/storageAccounts\/objectReplicationPolicies@/i;

/**
 * Where Azure Monitor keeps object replication's pending operations: on the policy, namespace
 * Microsoft.Storage/storageAccounts/objectReplicationPolicies, metric
 * `PendingOperationsForReplication` (learn.microsoft.com/azure/azure-monitor/reference/
 * supported-metrics/microsoft-storage-storageaccounts-objectreplicationpolicies-metrics).
 */
const POLICY_METRICS_NAMESPACE = "microsoft.storage/storageaccounts/objectreplicationpolicies";
const PENDING_OPERATIONS = "PendingOperationsForReplication";

/** Whether a list of actions holds at least one non-empty entry. */
function hasActions(value: Json | undefined): boolean {
  return strings(value).some((a) => a.length > 0);
}

/**
 * Whether an alarm comparing with `operator` against `threshold` fires once the value exceeds
 * `limit` (a latency above the promise, one failed or pending operation).
 */
function firesAbove(operator: string | undefined, threshold: number | undefined, limit: number): boolean {
  if (threshold === undefined) return false;
  if (operator === "GreaterThanThreshold" || operator === "GreaterThan") return threshold <= limit;
  if (operator === "GreaterThanOrEqualToThreshold" || operator === "GreaterThanOrEqual") return threshold <= limit + 1;
  return false;
}

/**
 * What keeps a replication alarm from firing or notifying: empty when it is sound. Arguments and
 * defaults: terraform-provider-aws website/docs/r/cloudwatch_metric_alarm.html.markdown
 * (`actions_enabled` default true; `alarm_actions` run on entering ALARM).
 */
function alarmProblems(alarm: ResourceView, limit: number): string[] {
  const a = alarm.attributes;
  const out: string[] = [];
  if (!firesAbove(asString(a.comparison_operator), asNumber(a.threshold), limit)) {
    out.push(`comparison_operator ${show(a.comparison_operator)} with threshold ${show(a.threshold)}, which does not fire above ${limit}`);
  }
  if (!hasActions(a.alarm_actions)) out.push("no alarm_actions, so it notifies nobody");
  if (flag(a.actions_enabled, true) !== true) out.push(`actions_enabled ${show(a.actions_enabled)}, not true`);
  return out;
}

/** Whether `value` names the configuration's source bucket (the bucket resource, or its literal name). */
function namesSource(value: Json | undefined, configured: Json | undefined, stack: StackView): boolean {
  const bucket = stack.ofType("aws_s3_bucket").find((b) => stack.names(configured, b, "bucket"));
  if (bucket) return stack.names(value, bucket, "bucket");
  return typeof configured === "string" && !configured.includes("${") && value === configured;
}

function checkS3Replication(configuration: ResourceView, stack: StackView): RuleOutcome {
  const source = configuration.attributes.bucket;
  const alarms = stack.ofType("aws_cloudwatch_metric_alarm").filter((alarm) => asString(alarm.attributes.namespace) === S3_NAMESPACE);
  const rules = blocks(configuration.attributes.rule).filter((r) => asString(r.status) !== "Disabled");
  if (rules.length === 0) return NOT_APPLICABLE;
  const problems = rules.flatMap((rule, i) => {
    const id = asString(rule.id);
    if (id === undefined || id.includes("${")) return [`rule #${i + 1} has id ${show(rule.id)}, so no alarm can name it in a RuleId dimension`];
    const onRule = alarms.filter((alarm) => {
      const dimensions = alarm.attributes.dimensions;
      return asString(field(dimensions, "RuleId")) === id && namesSource(field(dimensions, "SourceBucket"), source, stack);
    });
    const latencyLimit = (asNumber(field(rule, "destination", "replication_time", "time", "minutes")) ?? RTC_MINUTES) * 60;
    const check = (metric: string, limit: number): string[] => {
      const candidates = onRule.filter((alarm) => asString(alarm.attributes.metric_name) === metric);
      if (candidates.length === 0) {
        return [`rule '${id}' has no ${metric} alarm (aws_cloudwatch_metric_alarm in namespace ${S3_NAMESPACE} with dimensions RuleId '${id}' and SourceBucket naming the source bucket)`];
      }
      const judged = candidates.map((alarm) => ({ alarm, problems: alarmProblems(alarm, limit) }));
      if (judged.some((j) => j.problems.length === 0)) return [];
      return judged.map((j) => `rule '${id}': ${metric} alarm ${j.alarm.address} has ${j.problems.join(", ")}`);
    };
    return [...check(LATENCY, latencyLimit), ...check(FAILURES, 0)];
  });
  return outcomeOf(problems);
}

/**
 * What keeps a metric alert from notifying on pending operations: empty when it is sound.
 * Arguments and defaults: terraform-provider-azurerm website/docs/r/monitor_metric_alert.html.markdown
 * (`enabled` default true; `action.action_group_id`; `criteria.operator` Equals, GreaterThan,
 * GreaterThanOrEqual, LessThan, LessThanOrEqual).
 */
function alertProblems(alert: ResourceView, criteria: readonly { readonly operator?: string; readonly threshold?: number }[]): string[] {
  const out: string[] = [];
  if (!criteria.some((c) => firesAbove(c.operator, c.threshold, 0))) {
    out.push(`criteria on ${PENDING_OPERATIONS} ${criteria.map((c) => `${show(c.operator)} ${show(c.threshold)}`).join(", ")}, which do not fire on a pending operation`);
  }
  if (!blocks(alert.attributes.action).some((a) => hasActions(a.action_group_id))) out.push("no action with an action_group_id, so it notifies nobody");
  if (flag(alert.attributes.enabled, true) !== true) out.push(`enabled ${show(alert.attributes.enabled)}, not true`);
  return out;
}

function checkPriorityPolicy(policy: ResourceView, stack: StackView): RuleOutcome {
  if (!OBJECT_REPLICATION_POLICY_TYPE.test(asString(policy.attributes.type) ?? "")) return NOT_APPLICABLE;
  // Only a priority policy promises a time (15 minutes for 99% of objects); a plain one's freshness
  // is watched at the target by EMB-W01.
  if (flag(field(azapiBody(policy), "properties", "priorityReplication", "enabled"), false) !== true) return NOT_APPLICABLE;
  const alerts = stack.ofType("azurerm_monitor_metric_alert").flatMap((alert) => {
    if (!stack.references(alert.attributes.scopes, policy)) return [];
    const criteria = blocks(alert.attributes.criteria)
      .filter((c) => asString(c.metric_name) === PENDING_OPERATIONS && (asString(c.metric_namespace) ?? "").toLowerCase() === POLICY_METRICS_NAMESPACE)
      .map((c) => ({ operator: asString(c.operator), threshold: asNumber(c.threshold) }));
    return criteria.length > 0 ? [{ alert, criteria }] : [];
  });
  if (alerts.length === 0) {
    return outcomeOf([`no azurerm_monitor_metric_alert scoped to it watches ${PENDING_OPERATIONS}, so replication that falls behind the priority promise raises nothing`]);
  }
  const judged = alerts.map(({ alert, criteria }) => ({ alert, problems: alertProblems(alert, criteria) }));
  if (judged.some((j) => j.problems.length === 0)) return outcomeOf([]);
  return outcomeOf(judged.map((j) => `lag alert ${j.alert.address} has ${j.problems.join(", ")}`));
}

/**
 * EMB-W02. Replication that promises a time is watched against it:
 * - every enabled rule of an `aws_s3_bucket_replication_configuration` has a `ReplicationLatency`
 *   alarm firing above the rule's Replication Time Control minutes and an
 *   `OperationsFailedReplication` alarm firing on one failure, each with dimensions RuleId (the
 *   rule's id) and SourceBucket (the configuration's bucket), and alarm actions
 *   (lib/aws/replication-alarms.ts);
 * - every Azure object replication policy with priority replication (`azapi_resource` of type
 *   Microsoft.Storage/storageAccounts/objectReplicationPolicies) has a metric alert scoped to it on
 *   `PendingOperationsForReplication` that fires on a pending operation, with an action group
 *   (lib/azure/replication-lag-alert.ts).
 * Plain `azurerm_storage_object_replication` promises no time: not applicable (EMB-W01 watches
 * the target's freshness).
 */
export const ReplicationHasLagAlarm: ResourceRule = {
  kind: "resource",
  name: "ReplicationHasLagAlarm",
  description: "Every replication that promises a time has alarms on its lag (and, on AWS, its failures) that notify someone.",
  resourceTypes: ["aws_s3_bucket_replication_configuration", "azapi_resource", "azurerm_storage_object_replication"],
  evaluate: (resource: ResourceView, context: RuleContext) => {
    if (resource.type === "aws_s3_bucket_replication_configuration") return checkS3Replication(resource, context.stack);
    if (resource.type === "azapi_resource") return checkPriorityPolicy(resource, context.stack);
    return NOT_APPLICABLE;
  },
};
