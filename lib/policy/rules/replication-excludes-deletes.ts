import { allowedActions, identityPolicyDocuments, parsePolicy } from "../private/iam";
import { asString, blocks, field, show } from "../private/json";
import type { ResourceView } from "../private/resource-view";
import { NOT_APPLICABLE, outcomeOf, type ResourceRule, type RuleContext, type RuleOutcome } from "../rule";

const REPLICATE_DELETE = "s3:ReplicateDelete";

function checkConfiguration(resource: ResourceView): RuleOutcome {
  return outcomeOf(
    blocks(resource.attributes.rule).flatMap((r, i) => {
      const status = asString(field(r, "delete_marker_replication", "status"));
      return status === "Disabled"
        ? []
        : [`rule ${show(r.id ?? `#${i + 1}`)} has delete_marker_replication status ${show(status)}, not 'Disabled'`];
    }),
  );
}

function checkPolicies(resource: ResourceView, context: RuleContext): RuleOutcome {
  const documents =
    resource.type === "aws_s3_bucket_policy" ? [resource.attributes.policy] : identityPolicyDocuments(resource.type, resource.attributes);
  if (documents.length === 0) return NOT_APPLICABLE;
  const problems: string[] = [];
  for (const document of documents) {
    const parsed = parsePolicy(document, context.stack);
    if (!parsed.ok) problems.push(parsed.reason);
    else if (allowedActions(parsed.statements, [REPLICATE_DELETE]).length > 0) {
      const sids = parsed.statements.filter((s) => s.effect === "Allow" && allowedActions([s], [REPLICATE_DELETE]).length > 0).map((s) => s.sid);
      problems.push(`statement ${sids.map((s) => `'${s}'`).join(", ")} allows ${REPLICATE_DELETE}`);
    }
  }
  return outcomeOf(problems);
}

/**
 * EMB-R02. A delete at the primary never removes anything at another site: every replication
 * rule has `delete_marker_replication` `Disabled`, and no policy allows `s3:ReplicateDelete`
 * (also through a wildcard such as `s3:Replicate*`).
 */
export const ReplicationExcludesDeletes: ResourceRule = {
  kind: "resource",
  name: "ReplicationExcludesDeletes",
  description: "Deletes and delete markers are never replicated to another site.",
  resourceTypes: [
    "aws_s3_bucket_replication_configuration",
    "aws_s3_bucket_policy",
    "aws_iam_role_policy",
    "aws_iam_policy",
    "aws_iam_user_policy",
    "aws_iam_group_policy",
    "aws_iam_role",
  ],
  evaluate: (resource, context) =>
    resource.type === "aws_s3_bucket_replication_configuration" ? checkConfiguration(resource) : checkPolicies(resource, context),
};
