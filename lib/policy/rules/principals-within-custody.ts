import { accountOf, conditionValuesOf, parsePolicy, type Statement } from "../private/iam";
import { asString, isExpression } from "../private/json";
import type { ResourceView } from "../private/resource-view";
import { outcomeOf, type ResourceRule, type RuleContext, type RuleOutcome } from "../rule";

/** Where each resource type keeps its resource-based or trust policy. */
const POLICY_ATTRIBUTE: Readonly<Record<string, string>> = {
  aws_iam_role: "assume_role_policy",
  aws_kms_key: "policy",
  aws_kms_key_policy: "policy",
  aws_s3_bucket_policy: "policy",
};

/** A whole subscription (or anything broader) as an Azure scope. */
const BROAD_SCOPE = /^\/(subscriptions\/[^/]+\/?|providers\/Microsoft\.Management\/managementGroups\/[^/]+\/?)?$/i;

function outsideAccount(principal: string, account: string | undefined): string | undefined {
  if (isExpression(principal)) return undefined; // a reference to a principal of this app
  const owner = accountOf(principal);
  if (!account) return `principal '${principal}' cannot be checked: the pack has no custody.awsAccountId`;
  if (owner !== account) return `principal '${principal}' is outside the custody account ${account}`;
  return undefined;
}

function statementProblems(s: Statement, account: string | undefined): string[] {
  if (s.effect !== "Allow" || !s.principal) return [];
  if (s.notPrincipal) return [`statement '${s.sid}' allows everyone except some principals (NotPrincipal)`];
  const problems: string[] = [];
  if (s.principal.anyone) {
    const pinned = conditionValuesOf(s, ["StringEquals"], "aws:PrincipalAccount");
    const ok = account !== undefined && pinned.length > 0 && pinned.every((v) => v === account);
    if (!ok) problems.push(`statement '${s.sid}' allows any principal ('*') without a StringEquals aws:PrincipalAccount condition on the custody account`);
  }
  for (const p of [...s.principal.aws, ...s.principal.federated]) {
    const problem = outsideAccount(p, account);
    if (problem) problems.push(`statement '${s.sid}': ${problem}`);
  }
  return problems;
}

function checkAws(resource: ResourceView, context: RuleContext): RuleOutcome {
  const parsed = parsePolicy(resource.attributes[POLICY_ATTRIBUTE[resource.type]], context.stack);
  if (!parsed.ok) return outcomeOf([parsed.reason]);
  return outcomeOf(parsed.statements.flatMap((s) => statementProblems(s, context.options.awsAccountId)));
}

function checkAssignment(resource: ResourceView, context: RuleContext): RuleOutcome {
  const problems: string[] = [];
  const principal = asString(resource.attributes.principal_id) ?? "";
  const admins = context.options.azureAdministrators;
  const isAdmin = admins?.some((a) => a.toLowerCase() === principal.toLowerCase()) ?? false;
  if (!isExpression(principal) && !isAdmin) {
    problems.push(
      admins
        ? `principal_id '${principal}' is neither a custody administrator nor a managed identity of this app`
        : `principal_id '${principal}' cannot be checked: the pack has no custody.azureAdministrators`,
    );
  }
  const scope = asString(resource.attributes.scope) ?? "";
  if (!isExpression(scope) && BROAD_SCOPE.test(scope)) {
    problems.push(`scope '${scope}' is a whole subscription or broader; assign at the storage account, container, vault or key`);
  }
  return outcomeOf(problems);
}

/**
 * EMB-I02. Custody: nobody outside the owning state is granted anything. In trust, key and
 * bucket policies every Allow names only principals of the custody account (or of this app, by
 * reference), service principals, or `*` pinned to the custody account by an
 * `aws:PrincipalAccount` condition; no Allow uses NotPrincipal. Every Azure role assignment goes
 * to a custody administrator or a managed identity of this app, below subscription scope.
 */
export const PrincipalsWithinCustody: ResourceRule = {
  kind: "resource",
  name: "PrincipalsWithinCustody",
  description: "Only the owning state's identities (and AWS services acting for them) are granted access.",
  resourceTypes: [...Object.keys(POLICY_ATTRIBUTE), "azurerm_role_assignment"],
  evaluate: (resource, context) => (resource.type === "azurerm_role_assignment" ? checkAssignment(resource, context) : checkAws(resource, context)),
};
