import { limitProblems, limitsByType } from "../private/provider-limits";
import { outcomeOf, type ResourceRule } from "../rule";

const LIMITS = limitsByType("aws");

/**
 * EMB-P01. Every argument our AWS resources set, where terraform-provider-aws or the AWS API
 * limits it (names, descriptions, enums, ranges), holds a value they accept: a security group
 * description with an apostrophe, a bucket name with an underscore or an IAM role description
 * with an em dash fails synth with the argument and the value, not `terraform plan` or, worse,
 * `terraform apply` half-way. Each limit and its source is a row of `PROVIDER_LIMITS`.
 * Values that are `${...}` references are known only at apply and are skipped; values mixing
 * text and references are checked on their text (characters, an upper length bound).
 */
export const ArgumentsPassAwsProviderValidation: ResourceRule = {
  kind: "resource",
  name: "ArgumentsPassAwsProviderValidation",
  description: "Every AWS argument with a provider or API limit (names, descriptions, enums, ranges) holds a value terraform-provider-aws and AWS accept.",
  resourceTypes: [...LIMITS.keys()],
  evaluate: (resource) => outcomeOf(limitProblems(resource.attributes, LIMITS.get(resource.type) ?? [])),
};
