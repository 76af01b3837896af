import { bucketParts, isLogAccount, isLogBucket } from "../private/classify";
import { asNumber, asString, blocks, field, flag, isObject, show } from "../private/json";
import type { ResourceView } from "../private/resource-view";
import { NOT_APPLICABLE, outcomeOf, type ResourceRule, type RuleContext } from "../rule";

/** The tag naming the registry a store holds; with a topology, its retentionDays is the floor too. */
export const REGISTRY_TAG = "embassy:registry";

/** The retention a store must keep, and what that floor comes from. */
function floorOf(resource: ResourceView, context: RuleContext): { days: number; source: string } {
  const base = { days: context.options.minRetentionDays, source: "rules.minRetentionDays" };
  const tags = resource.attributes.tags;
  const registry = isObject(tags) ? asString(tags[REGISTRY_TAG]) : undefined;
  const days = registry === undefined ? undefined : context.options.registryRetentionDays.get(registry);
  return days !== undefined && days > base.days ? { days, source: `retentionDays of registry '${registry}'` } : base;
}

function checkBucket(bucket: ResourceView, context: RuleContext) {
  const { stack } = context;
  if (isLogBucket(bucket, stack)) return NOT_APPLICABLE;
  const floor = floorOf(bucket, context);
  const problems: string[] = [];
  if (flag(bucket.attributes.object_lock_enabled, false) !== true) {
    problems.push(`object_lock_enabled is ${show(bucket.attributes.object_lock_enabled)}, not true`);
  }
  const locks = bucketParts(stack, "aws_s3_bucket_object_lock_configuration", bucket);
  const retentions = locks.map((l) => field(l.attributes.rule, "default_retention"));
  if (locks.length === 0 || retentions.every((r) => r === undefined)) {
    problems.push("has no aws_s3_bucket_object_lock_configuration with a default retention");
  }
  for (const retention of retentions.filter((r) => r !== undefined)) {
    const mode = asString(field(retention, "mode"));
    if (mode !== "COMPLIANCE") {
      problems.push(`object lock mode is ${show(mode)}, not 'COMPLIANCE' (in GOVERNANCE mode a privileged user can shorten or remove retention)`);
    }
    const days = asNumber(field(retention, "days"));
    const years = asNumber(field(retention, "years"));
    const effective = days ?? (years === undefined ? undefined : years * 365);
    if (effective === undefined) {
      problems.push(`object lock retention is ${show(field(retention, "days") ?? field(retention, "years"))}, not a number of days known at synth`);
    } else if (effective < floor.days) {
      problems.push(`object lock retention is ${effective} days, less than ${floor.days} (${floor.source})`);
    }
  }
  return outcomeOf(problems);
}

function accountPolicyProblem(account: ResourceView, floor: { days: number; source: string }): string | undefined {
  const policy = blocks(account.attributes.immutability_policy)[0];
  if (!policy) return "has no immutability_policy";
  const state = asString(policy.state);
  if (state !== "Locked") return `immutability_policy.state is ${show(state)}, not 'Locked' (an unlocked policy can be shortened or removed)`;
  const days = asNumber(policy.period_since_creation_in_days);
  if (days === undefined) return `immutability_policy.period_since_creation_in_days is ${show(policy.period_since_creation_in_days)}, not a number known at synth`;
  if (days < floor.days) return `immutability_policy.period_since_creation_in_days is ${days}, less than ${floor.days} (${floor.source})`;
  return undefined;
}

function checkAccount(account: ResourceView, context: RuleContext) {
  const { stack } = context;
  if (isLogAccount(account, stack)) return NOT_APPLICABLE;
  const floor = floorOf(account, context);
  const accountProblem = accountPolicyProblem(account, floor);
  if (!accountProblem) return outcomeOf([]);
  // Without an account-wide policy, every container of the account needs a locked policy of its own.
  const containers = stack
    .ofType("azurerm_storage_container")
    .filter((c) => stack.references(c.attributes.storage_account_id, account) || stack.names(c.attributes.storage_account_name, account, "name"));
  const policies = stack.ofType("azurerm_storage_container_immutability_policy");
  const containerProblems = containers.flatMap((c) => {
    const own = policies.filter((p) => stack.references(p.attributes.storage_container_resource_manager_id, c));
    const good = own.some(
      (p) => flag(p.attributes.locked, false) === true && (asNumber(p.attributes.immutability_period_in_days) ?? 0) >= floor.days,
    );
    return good ? [] : [`container ${c.path} has no locked immutability policy of at least ${floor.days} days (${floor.source})`];
  });
  if (containers.length > 0 && containerProblems.length === 0) return outcomeOf([]);
  return outcomeOf([accountProblem, ...containerProblems]);
}

/**
 * EMB-S02. Every version in a registry store is WORM for at least the retention floor (and the
 * registry's own retentionDays when the store carries the `embassy:registry` tag and the pack
 * knows the topology): S3 Object Lock in COMPLIANCE mode, or a locked Azure immutability policy
 * on the account (or on each of its containers).
 */
export const StoreHasWormRetention: ResourceRule = {
  kind: "resource",
  name: "StoreHasWormRetention",
  description: "Every version in a registry store is write-once (compliance-mode lock) for at least the retention floor.",
  resourceTypes: ["aws_s3_bucket", "azurerm_storage_account"],
  evaluate: (resource, context) => (resource.type === "aws_s3_bucket" ? checkBucket(resource, context) : checkAccount(resource, context)),
};
