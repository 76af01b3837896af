import { dutiesOf } from "../private/azure-roles";
import { allowedActions, conditionValuesOf, identityPolicyDocuments, parsePolicy, type Statement } from "../private/iam";
import { asString, type Json } from "../private/json";
import type { ResourceView } from "../private/resource-view";
import { outcomeOf, type ResourceRule, type RuleContext, type RuleOutcome } from "../rule";

/** Key administration: who holds one of these can change who may use a key, or destroy it. */
export const KEY_ADMINISTRATION_ACTIONS = ["kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:DisableKeyRotation"] as const;
/** Reading registry data: the objects themselves, or decrypting them. */
export const DATA_READ_ACTIONS = ["s3:GetObject", "s3:GetObjectVersion", "kms:Decrypt", "kms:ReEncryptFrom"] as const;

/** Where the policies of an IAM principal come from: inline policies and attachments naming it. */
const PRINCIPALS: Readonly<Record<string, { readonly inline: string; readonly attachment: string; readonly attribute: string }>> = {
  aws_iam_role: { inline: "aws_iam_role_policy", attachment: "aws_iam_role_policy_attachment", attribute: "role" },
  aws_iam_user: { inline: "aws_iam_user_policy", attachment: "aws_iam_user_policy_attachment", attribute: "user" },
  aws_iam_group: { inline: "aws_iam_group_policy", attachment: "aws_iam_group_policy_attachment", attribute: "group" },
};

function both(statements: readonly Statement[]): string | undefined {
  const admin = allowedActions(statements, KEY_ADMINISTRATION_ACTIONS);
  const read = allowedActions(statements, DATA_READ_ACTIONS);
  return admin.length > 0 && read.length > 0 ? `administer keys (${admin.join(", ")}) and read data (${read.join(", ")})` : undefined;
}

function statementsOf(documents: readonly Json[], context: RuleContext, problems: string[]): Statement[] {
  return documents.flatMap((d) => {
    const parsed = parsePolicy(d, context.stack);
    if (!parsed.ok) problems.push(parsed.reason);
    return parsed.ok ? parsed.statements : [];
  });
}

function checkPrincipal(resource: ResourceView, context: RuleContext): RuleOutcome {
  const { stack } = context;
  const kind = PRINCIPALS[resource.type];
  const documents: Json[] = [...identityPolicyDocuments(resource.type, resource.attributes)];
  documents.push(...stack.attachedTo(kind.inline, kind.attribute, resource, "name").map((p) => p.attributes.policy));
  for (const attachment of stack.attachedTo(kind.attachment, kind.attribute, resource, "name")) {
    const policy = stack.referencedBy(attachment.attributes.policy_arn).find((r) => r.type === "aws_iam_policy");
    if (policy) documents.push(policy.attributes.policy);
  }
  const problems: string[] = [];
  const conflict = both(statementsOf(documents, context, problems));
  if (conflict) problems.push(`its policies together let it ${conflict}`);
  return outcomeOf(problems);
}

/** Who a key-policy statement applies to: its aws:PrincipalArn condition, else its AWS principals. */
function grantees(s: Statement): string[] {
  const byCondition = conditionValuesOf(s, ["ArnEquals", "ArnLike", "StringEquals", "StringLike"], "aws:PrincipalArn");
  if (byCondition.length > 0) return byCondition;
  if (s.principal?.anyone) return ["*"];
  return [...(s.principal?.aws ?? [])];
}

function checkKeyPolicy(resource: ResourceView, context: RuleContext): RuleOutcome {
  if (resource.attributes.policy === undefined) {
    return outcomeOf(["has no key policy, so AWS applies its default, which lets the account (any IAM policy in it) both administer the key and decrypt with it"]);
  }
  const parsed = parsePolicy(resource.attributes.policy, context.stack);
  if (!parsed.ok) return outcomeOf([parsed.reason]);
  const allows = parsed.statements.filter((s) => s.effect === "Allow");
  const admins = new Set(allows.filter((s) => allowedActions([s], KEY_ADMINISTRATION_ACTIONS).length > 0).flatMap(grantees));
  const readers = new Set(allows.filter((s) => allowedActions([s], DATA_READ_ACTIONS).length > 0).flatMap(grantees));
  const overlap = [...admins].filter((a) => readers.has(a) || readers.has("*") || a === "*");
  return outcomeOf(overlap.length > 0 ? [`the key policy lets ${overlap.map((o) => `'${o}'`).join(", ")} both administer the key and decrypt with it`] : []);
}

function checkAssignment(resource: ResourceView, context: RuleContext): RuleOutcome {
  const { stack } = context;
  const principal = asString(resource.attributes.principal_id);
  if (principal === undefined) return outcomeOf([]);
  const mine = dutiesOf(resource, stack);
  if (!mine || (!mine.administersKeys && !mine.readsData)) return outcomeOf([]);
  const others = stack
    .ofType("azurerm_role_assignment")
    .filter((a) => a !== resource && asString(a.attributes.principal_id) === principal)
    .map((a) => dutiesOf(a, stack))
    .filter((d) => d !== undefined && (mine.administersKeys ? d.readsData : d.administersKeys));
  if (mine.administersKeys && mine.readsData) {
    return outcomeOf([`principal '${principal}' gets ${mine.label}, which both administers keys and reads data`]);
  }
  return outcomeOf(
    others.length > 0
      ? [`principal '${principal}' gets ${mine.label} here and ${others.map((o) => o?.label).join(", ")} elsewhere: it could both administer keys and read data`]
      : [],
  );
}

/**
 * EMB-I03. Separation of duties: nobody who administers keys can read registry data. No IAM
 * role, user or group (all its policies together), and no single managed policy, allows both key
 * administration (kms:PutKeyPolicy, kms:ScheduleKeyDeletion, ...) and data reads (s3:GetObject,
 * kms:Decrypt, ...) unless an unconditional Deny removes one side; no key policy grants both to
 * the same principal; no Azure principal holds both a key-administration and a blob-data role.
 */
export const DutiesAreSeparated: ResourceRule = {
  kind: "resource",
  name: "DutiesAreSeparated",
  description: "No principal can both administer custody keys and read registry data.",
  resourceTypes: [...Object.keys(PRINCIPALS), "aws_iam_policy", "aws_kms_key", "aws_kms_key_policy", "azurerm_role_assignment"],
  evaluate: (resource, context) => {
    if (resource.type in PRINCIPALS) return checkPrincipal(resource, context);
    if (resource.type === "aws_iam_policy") {
      const problems: string[] = [];
      const conflict = both(statementsOf([resource.attributes.policy], context, problems));
      return outcomeOf(conflict ? [...problems, `the policy lets its holder ${conflict}`] : problems);
    }
    if (resource.type === "azurerm_role_assignment") return checkAssignment(resource, context);
    return checkKeyPolicy(resource, context);
  },
};
