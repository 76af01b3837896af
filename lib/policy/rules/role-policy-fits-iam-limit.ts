import { asString } from "../private/json";
import { outcomeOf, type ResourceRule } from "../rule";

/** IAM's limit on all inline policies of one role together, in characters without whitespace. */
export const IAM_ROLE_INLINE_POLICY_LIMIT = 10_240;

/**
 * How long a reference resolves at apply time, at most as far as this rule assumes: a KMS key
 * ARN (`arn:aws:kms:ap-southeast-2:111111111111:key/<uuid>`) is 75 characters, a bucket ARN at
 * most 76. References are unknown at synth, so each counts as this many characters.
 */
const REFERENCE_LENGTH = 90;

/** The size IAM will count for a policy document, with every `${...}` reference at its worst case. */
export function estimatedPolicySize(policy: string): number {
  return policy.replace(/\$\{[^}]*\}/g, "x".repeat(REFERENCE_LENGTH)).replace(/\s+/g, "").length;
}

/**
 * EMB-I04. A role's inline policy fits IAM's size limit, so `terraform apply` does not fail
 * half-way with "LimitExceeded: Maximum policy size of 10240 bytes exceeded". Roles that grant
 * on many stores grow with the number of registries; this catches the limit at synth.
 */
export const RolePolicyFitsIamLimit: ResourceRule = {
  kind: "resource",
  name: "RolePolicyFitsIamLimit",
  description: "Every IAM role's inline policy fits IAM's 10,240-character limit.",
  resourceTypes: ["aws_iam_role_policy"],
  evaluate: (resource) => {
    const policy = asString(resource.attributes.policy) ?? "";
    const size = estimatedPolicySize(policy);
    return outcomeOf(
      size > IAM_ROLE_INLINE_POLICY_LIMIT
        ? [`inline policy is about ${size} characters (references counted as ${REFERENCE_LENGTH}), over IAM's limit of ${IAM_ROLE_INLINE_POLICY_LIMIT}`]
        : [],
    );
  },
};
