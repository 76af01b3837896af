import { identityPolicyDocuments, parsePolicy, type Statement } from "../private/iam";
import { asString, blocks, strings } from "../private/json";
import type { ResourceView } from "../private/resource-view";
import { NOT_APPLICABLE, outcomeOf, type ResourceRule, type RuleContext, type RuleOutcome } from "../rule";

/** AWS managed policies that amount to administering the account. */
const ADMIN_MANAGED_POLICIES = /:policy\/(AdministratorAccess|PowerUserAccess|IAMFullAccess)$/;

/** An Allow of every action (`*`, `*:*`) or of a whole service (`kms:*`), or a NotAction Allow, on every resource. */
function wildcardProblem(s: Statement): string | undefined {
  if (s.effect !== "Allow" || !s.resources.includes("*")) return undefined;
  if (s.notActions.length > 0) return `statement '${s.sid}' allows every action except ${s.notActions.join(", ")} (NotAction) on Resource '*'`;
  const wild = s.actions.filter((a) => a === "*" || /^[\w-]*\*?:\*$/.test(a));
  return wild.length > 0 ? `statement '${s.sid}' allows Action ${wild.map((a) => `'${a}'`).join(", ")} on Resource '*'` : undefined;
}

function checkIam(resource: ResourceView, context: RuleContext): RuleOutcome {
  if (resource.type.endsWith("_policy_attachment")) {
    const arn = asString(resource.attributes.policy_arn) ?? "";
    return outcomeOf(ADMIN_MANAGED_POLICIES.test(arn) ? [`attaches the managed policy '${arn}'`] : []);
  }
  const documents = identityPolicyDocuments(resource.type, resource.attributes);
  if (documents.length === 0) return NOT_APPLICABLE;
  const problems: string[] = [];
  for (const document of documents) {
    const parsed = parsePolicy(document, context.stack);
    if (!parsed.ok) problems.push(parsed.reason);
    else problems.push(...parsed.statements.map(wildcardProblem).filter((p): p is string => p !== undefined));
  }
  return outcomeOf(problems);
}

function checkRoleDefinition(resource: ResourceView): RuleOutcome {
  return outcomeOf(
    blocks(resource.attributes.permissions).flatMap((p) => [
      ...strings(p.actions).filter((a) => a === "*").map((a) => `permissions.actions holds '${a}'`),
      ...strings(p.data_actions).filter((a) => a === "*").map((a) => `permissions.data_actions holds '${a}'`),
    ]),
  );
}

/**
 * EMB-I01. Least privilege: no identity policy allows every action, or every action of a
 * service, on every resource (nor everything but a few, through NotAction), no principal gets
 * an administrator managed policy, and no custom Azure role holds `*`.
 */
export const PolicyGrantsNoWildcardAdmin: ResourceRule = {
  kind: "resource",
  name: "PolicyGrantsNoWildcardAdmin",
  description: "No policy or role grants every action (or every action of a service) on every resource.",
  resourceTypes: [
    "aws_iam_role_policy",
    "aws_iam_policy",
    "aws_iam_user_policy",
    "aws_iam_group_policy",
    "aws_iam_role",
    "aws_iam_role_policy_attachment",
    "aws_iam_user_policy_attachment",
    "aws_iam_group_policy_attachment",
    "aws_iam_policy_attachment",
    "azurerm_role_definition",
  ],
  evaluate: (resource, context) => (resource.type === "azurerm_role_definition" ? checkRoleDefinition(resource) : checkIam(resource, context)),
};
