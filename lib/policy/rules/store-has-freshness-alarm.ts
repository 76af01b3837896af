import { isLogAccount, isLogBucket } from "../private/classify";
import { asNumber, asString, blocks, field, flag, isObject, type Json, type JsonObject, show, strings } from "../private/json";
import type { ResourceView, StackView } from "../private/resource-view";
import { NOT_APPLICABLE, outcomeOf, type ResourceRule, type RuleContext, type RuleOutcome } from "../rule";
import { REGISTRY_TAG } from "./store-has-worm-retention";

/**
 * What an EventBridge rule must match for its `TriggeredRules` metric to count new objects in a
 * bucket: S3's `Object Created` events (source `aws.s3`, bucket name in `detail.bucket.name`; S3
 * User Guide, "EventBridge event message structure"), sent to the default bus.
 */
const S3_SOURCE = "aws.s3";
const OBJECT_CREATED = "Object Created";

/**
 * The EventBridge metric that has a datapoint in every period a rule matched an event (namespace
 * `AWS/Events`, dimension `RuleName`: EventBridge User Guide, "Monitoring Amazon EventBridge").
 */
const EVENTS_NAMESPACE = "AWS/Events";
const TRIGGERED_RULES = "TriggeredRules";

/** The strings an EventBridge pattern lists for `key` (a pattern's values are arrays of matchers). */
function patternValues(pattern: JsonObject, ...path: readonly string[]): readonly string[] {
  let current: Json | undefined = pattern;
  for (const key of path) current = isObject(current) ? current[key] : undefined;
  return strings(current);
}

/** The event pattern as an object, or undefined when it is absent or not literal JSON. */
function parsePattern(value: Json | undefined): JsonObject | undefined {
  if (isObject(value)) return value;
  if (typeof value !== "string") return undefined;
  try {
    const parsed = JSON.parse(value) as Json;
    return isObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** The event rules of the stack that match `bucket`'s `Object Created` events. */
function arrivalRules(bucket: ResourceView, stack: StackView): readonly ResourceView[] {
  return stack.ofType("aws_cloudwatch_event_rule").filter((rule) => {
    const pattern = parsePattern(rule.attributes.event_pattern);
    if (!pattern) return false;
    return (
      patternValues(pattern, "source").includes(S3_SOURCE) &&
      patternValues(pattern, "detail-type").includes(OBJECT_CREATED) &&
      patternValues(pattern, "detail", "bucket", "name").some((name) => stack.names(name, bucket, "bucket"))
    );
  });
}

/** Whether an alarm with `operator` and `threshold` fires when the count is 0 (nothing arrived). */
function firesOnZero(operator: string | undefined, threshold: number | undefined): boolean {
  if (threshold === undefined) return false;
  if (operator === "LessThanThreshold") return threshold > 0;
  if (operator === "LessThanOrEqualToThreshold") return threshold >= 0;
  return false;
}

/** Whether a list of actions holds at least one non-empty entry. */
function hasActions(value: Json | undefined): boolean {
  return strings(value).some((a) => a.length > 0);
}

/**
 * What keeps a `TriggeredRules` alarm from saying "nothing arrived": empty when it is sound.
 * Arguments and defaults: terraform-provider-aws website/docs/r/cloudwatch_metric_alarm.html.markdown
 * (`treat_missing_data` one of missing, ignore, breaching, notBreaching, default `missing`;
 * `actions_enabled` default true; `alarm_actions` ARNs run on entering ALARM).
 */
function alarmProblems(alarm: ResourceView): string[] {
  const a = alarm.attributes;
  const out: string[] = [];
  const missing = asString(a.treat_missing_data);
  if (missing !== "breaching") out.push(`treat_missing_data ${show(a.treat_missing_data)}, not 'breaching' (a period without arrivals has no datapoint)`);
  const operator = asString(a.comparison_operator);
  const threshold = asNumber(a.threshold);
  if (!firesOnZero(operator, threshold)) out.push(`comparison_operator ${show(a.comparison_operator)} with threshold ${show(a.threshold)}, which does not fire when nothing arrives`);
  if (!hasActions(a.alarm_actions)) out.push("no alarm_actions, so it notifies nobody");
  if (flag(a.actions_enabled, true) !== true) out.push(`actions_enabled ${show(a.actions_enabled)}, not true`);
  return out;
}

/** The alarms of the stack on `rule`'s `TriggeredRules` metric. */
function alarmsOn(rule: ResourceView, stack: StackView): readonly ResourceView[] {
  return stack.ofType("aws_cloudwatch_metric_alarm").filter((alarm) => {
    const a = alarm.attributes;
    return asString(a.namespace) === EVENTS_NAMESPACE && asString(a.metric_name) === TRIGGERED_RULES && stack.names(field(a.dimensions, "RuleName"), rule, "name");
  });
}

function checkBucket(bucket: ResourceView, context: RuleContext): RuleOutcome {
  const { stack } = context;
  if (asString(field(bucket.attributes.tags, REGISTRY_TAG)) === undefined || isLogBucket(bucket, stack)) return NOT_APPLICABLE;
  const rules = arrivalRules(bucket, stack);
  if (rules.length === 0) {
    return outcomeOf([
      `no aws_cloudwatch_event_rule matches its '${OBJECT_CREATED}' events (event_pattern with source '${S3_SOURCE}', detail-type '${OBJECT_CREATED}' and detail.bucket.name naming the bucket), so nothing counts its new objects`,
    ]);
  }
  const alarms = rules.flatMap((rule) => alarmsOn(rule, stack));
  if (alarms.length === 0) {
    const names = rules.map((r) => r.address).join(", ");
    return outcomeOf([`no aws_cloudwatch_metric_alarm watches ${TRIGGERED_RULES} (namespace ${EVENTS_NAMESPACE}) with dimension RuleName naming ${names}, so a store that stops receiving objects raises nothing`]);
  }
  const judged = alarms.map((alarm) => ({ alarm, problems: alarmProblems(alarm) }));
  if (judged.some((j) => j.problems.length === 0)) return outcomeOf([]);
  return outcomeOf(judged.map((j) => `freshness alarm ${j.alarm.address} has ${j.problems.join(", ")}`));
}

/**
 * Whether a log search alert names `account`: its query references the account (or holds its
 * literal name as a whole word), or the rule is scoped to the account itself.
 */
function namesAccount(rule: ResourceView, account: ResourceView, stack: StackView): boolean {
  if (stack.references(rule.attributes.scopes, account)) return true;
  const literal = asString(account.attributes.name);
  return blocks(rule.attributes.criteria).some((c) => {
    if (stack.references(c.query, account)) return true;
    const query = asString(c.query);
    return literal !== undefined && !literal.includes("${") && query !== undefined && new RegExp(`(?<![a-z0-9])${literal.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![a-z0-9])`).test(query);
  });
}

/**
 * What keeps a log search alert from notifying: empty when it is sound. Arguments and defaults:
 * terraform-provider-azurerm website/docs/r/monitor_scheduled_query_rules_alert_v2.html.markdown
 * (`enabled` default true; `action.action_groups` the action group ids to run).
 */
function queryRuleProblems(rule: ResourceView): string[] {
  const out: string[] = [];
  if (!hasActions(field(rule.attributes.action, "action_groups"))) out.push("no action.action_groups, so it notifies nobody");
  if (flag(rule.attributes.enabled, true) !== true) out.push(`enabled ${show(rule.attributes.enabled)}, not true`);
  return out;
}

function checkAccount(account: ResourceView, context: RuleContext): RuleOutcome {
  const { stack } = context;
  if (asString(field(account.attributes.tags, REGISTRY_TAG)) === undefined || isLogAccount(account, stack)) return NOT_APPLICABLE;
  const rules = stack.ofType("azurerm_monitor_scheduled_query_rules_alert_v2").filter((r) => namesAccount(r, account, stack));
  if (rules.length === 0) {
    return outcomeOf(["no azurerm_monitor_scheduled_query_rules_alert_v2 names the account in its query or scopes, so a store that stops receiving versions raises nothing"]);
  }
  const judged = rules.map((rule) => ({ rule, problems: queryRuleProblems(rule) }));
  if (judged.some((j) => j.problems.length === 0)) return outcomeOf([]);
  return outcomeOf(judged.map((j) => `freshness alert ${j.rule.address} has ${j.problems.join(", ")}`));
}

/**
 * EMB-W01. Every registry store (a bucket or storage account tagged `embassy:registry`, not a log
 * store) has a freshness alarm in its stack, so a copy that stops being refreshed wakes someone:
 * - AWS: an EventBridge rule matching the bucket's `Object Created` events, and a CloudWatch alarm
 *   on that rule's `TriggeredRules` (dimension RuleName naming the rule) that fires on a count of 0,
 *   treats missing data as breaching (no arrival means no datapoint) and has alarm actions
 *   (lib/aws/freshness-alarms.ts builds exactly this);
 * - Azure: a log search alert whose query names the account (or that is scoped to it), enabled,
 *   with an action group (lib/azure/freshness-alerts.ts).
 * Whether the rule's window fits the registry's RPO is the construct's job, not checked here.
 */
export const StoreHasFreshnessAlarm: ResourceRule = {
  kind: "resource",
  name: "StoreHasFreshnessAlarm",
  description: "Every registry store has a freshness alarm that fires, and notifies, when no new version arrives.",
  resourceTypes: ["aws_s3_bucket", "azurerm_storage_account"],
  evaluate: (resource, context) => (resource.type === "aws_s3_bucket" ? checkBucket(resource, context) : checkAccount(resource, context)),
};
