import { conditionValuesOf, parsePolicy, type Statement, statementCovers } from "../private/iam";
import { asNumber, flag, show } from "../private/json";
import type { ResourceView } from "../private/resource-view";
import { outcomeOf, type ResourceRule, type RuleContext, type RuleOutcome } from "../rule";

/** The shortest AWS KMS deletion window we accept, in days (AWS allows 7 to 30). */
export const MIN_KEY_DELETION_WINDOW_DAYS = 30;
/** The Key Vault soft-delete retention we require, in days (the longest Azure allows). */
export const KEY_VAULT_SOFT_DELETE_DAYS = 90;

/** The KMS condition key holding a ScheduleKeyDeletion request's PendingWindowInDays. */
const WINDOW_KEY = "kms:ScheduleKeyDeletionPendingWindowInDays";
/** The condition operators that deny a window below their value (the key is always in the request, so IfExists changes nothing). */
const LESS_THAN = ["NumericLessThan", "NumericLessThanIfExists"];

/**
 * A key-policy statement that binds every caller to a window of at least 30 days: Deny, for
 * Principal `"*"` (or `{ AWS: "*" }`, not through NotPrincipal), on kms:ScheduleKeyDeletion (named,
 * or covered by `kms:*` or another wildcard), with NumericLessThan
 * kms:ScheduleKeyDeletionPendingWindowInDays of at least 30 and no other condition (another
 * condition would narrow the deny to some callers or requests). Several values of one key are
 * ORed, so the largest one counts.
 *
 * The condition key: AWS KMS Developer Guide, "AWS KMS condition keys",
 * kms:ScheduleKeyDeletionPendingWindowInDays
 * (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html): a Numeric key
 * holding the PendingWindowInDays of a ScheduleKeyDeletion request; the same page ("Conditions for
 * an API operation request") says such a condition works also when the parameter is left out and
 * its default applies (ScheduleKeyDeletion, AWS KMS API Reference: 7 to 30 days, default 30).
 */
function deniesShortWindow(s: Statement): boolean {
  const everyone = s.principal?.anyone === true && !s.notPrincipal;
  const operators = Object.entries(s.conditions);
  const onlyWindow =
    operators.length === 1 && LESS_THAN.includes(operators[0][0]) && Object.keys(operators[0][1]).every((k) => k.toLowerCase() === WINDOW_KEY.toLowerCase());
  const floor = Math.max(...conditionValuesOf(s, LESS_THAN, WINDOW_KEY).map((v) => asNumber(v) ?? Number.NEGATIVE_INFINITY));
  return s.effect === "Deny" && everyone && statementCovers(s, "kms:ScheduleKeyDeletion") && onlyWindow && floor >= MIN_KEY_DELETION_WINDOW_DAYS;
}

/**
 * The key's policies: its own `policy`, and the `policy` of every `aws_kms_key_policy` whose
 * `key_id` references it (a key without either gets AWS's default key policy, which has no deny).
 */
function keyPolicyProblems(key: ResourceView, context: RuleContext): string[] {
  const sources = [
    ...(key.attributes.policy === undefined ? [] : [{ label: "policy", value: key.attributes.policy }]),
    ...context.stack.attachedTo("aws_kms_key_policy", "key_id", key, "key_id").map((p) => ({ label: `key policy ${p.path}`, value: p.attributes.policy })),
  ];
  const unreadable: string[] = [];
  for (const source of sources) {
    const parsed = parsePolicy(source.value, context.stack);
    if (!parsed.ok) unreadable.push(`${source.label}: ${parsed.reason}`);
    else if (parsed.statements.some(deniesShortWindow)) return [];
  }
  const missing = `no key policy statement denies every principal ('*') kms:ScheduleKeyDeletion when ${WINDOW_KEY} is NumericLessThan ${MIN_KEY_DELETION_WINDOW_DAYS}`;
  return [...unreadable, sources.length === 0 ? `${missing} (the key has no policy and no aws_kms_key_policy: AWS's default key policy applies)` : missing];
}

function checkKmsKey(key: ResourceView, context: RuleContext): RuleOutcome {
  const a = key.attributes;
  const days = a.deletion_window_in_days === undefined ? 30 : asNumber(a.deletion_window_in_days);
  return outcomeOf([
    ...(days !== undefined && days >= MIN_KEY_DELETION_WINDOW_DAYS
      ? []
      : [`deletion_window_in_days is ${show(a.deletion_window_in_days)}, less than ${MIN_KEY_DELETION_WINDOW_DAYS}`]),
    ...keyPolicyProblems(key, context),
  ]);
}

function checkVault(vault: ResourceView): RuleOutcome {
  const a = vault.attributes;
  const problems: string[] = [];
  if (flag(a.purge_protection_enabled, false) !== true) problems.push(`purge_protection_enabled is ${show(a.purge_protection_enabled)}, not true`);
  const softDelete = a.soft_delete_retention_days === undefined ? KEY_VAULT_SOFT_DELETE_DAYS : asNumber(a.soft_delete_retention_days);
  if (softDelete !== KEY_VAULT_SOFT_DELETE_DAYS) {
    problems.push(`soft_delete_retention_days is ${show(a.soft_delete_retention_days)}, not ${KEY_VAULT_SOFT_DELETE_DAYS}`);
  }
  return outcomeOf(problems);
}

/**
 * EMB-K02. A deleted custody key can be recovered: every `aws_kms_key` has a deletion window
 * of at least 30 days (Terraform's default, 30, counts) and a key policy that denies every
 * principal a shorter one (the window argument binds only Terraform; the deny binds every caller
 * of ScheduleKeyDeletion, see {@link deniesShortWindow}); every `azurerm_key_vault` has purge
 * protection and 90 days of soft delete (Azure's default, 90, counts). A key policy that is not
 * known at synth cannot be verified and is a finding, as in the other policy rules.
 */
export const KeyDeletionProtected: ResourceRule = {
  kind: "resource",
  name: "KeyDeletionProtected",
  description: "A deleted custody key stays recoverable long enough to notice and cancel the deletion.",
  resourceTypes: ["aws_kms_key", "azurerm_key_vault"],
  evaluate: (resource, context) => (resource.type === "aws_kms_key" ? checkKmsKey(resource, context) : checkVault(resource)),
};
