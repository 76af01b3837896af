import { bucketParts } from "../private/classify";
import { conditionValuesOf, parsePolicy, type Statement, statementCovers } from "../private/iam";
import { asString, flag, show } from "../private/json";
import type { ResourceView } from "../private/resource-view";
import { outcomeOf, type ResourceRule, type RuleContext, type RuleOutcome } from "../rule";

/** A Deny for everyone, on every S3 action, when the request is not over TLS. */
function deniesInsecureTransport(s: Statement): boolean {
  const anyone = s.principal?.anyone === true && !s.notPrincipal;
  const everyAction = statementCovers(s, "s3:GetObject") && statementCovers(s, "s3:PutObject") && statementCovers(s, "s3:DeleteObjectVersion");
  const insecure = conditionValuesOf(s, ["Bool", "BoolIfExists"], "aws:SecureTransport").some((v) => v.toLowerCase() === "false");
  return s.effect === "Deny" && anyone && everyAction && insecure;
}

function checkBucket(bucket: ResourceView, context: RuleContext): RuleOutcome {
  const policies = bucketParts(context.stack, "aws_s3_bucket_policy", bucket);
  const problems: string[] = [];
  for (const p of policies) {
    const parsed = parsePolicy(p.attributes.policy, context.stack);
    if (!parsed.ok) problems.push(`bucket policy ${p.path}: ${parsed.reason}`);
    else if (parsed.statements.some(deniesInsecureTransport)) return outcomeOf([]);
  }
  return outcomeOf([
    ...problems,
    policies.length === 0
      ? "has no aws_s3_bucket_policy, so requests without TLS are not denied"
      : "no bucket policy statement denies every principal every s3 action when aws:SecureTransport is false",
  ]);
}

function checkAccount(account: ResourceView): RuleOutcome {
  const a = account.attributes;
  const tls = a.min_tls_version === undefined ? "TLS1_2" : asString(a.min_tls_version);
  return outcomeOf([
    ...(tls === "TLS1_2" || tls === "TLS1_3" ? [] : [`min_tls_version is ${show(a.min_tls_version)}, not 'TLS1_2'`]),
    ...(flag(a.https_traffic_only_enabled, true) === true ? [] : [`https_traffic_only_enabled is ${show(a.https_traffic_only_enabled)}, not true`]),
  ]);
}

/**
 * EMB-S05. Stores accept TLS only: every S3 bucket's policy denies any request with
 * `aws:SecureTransport` false; every storage account keeps HTTPS only and TLS 1.2 or later (the
 * provider's defaults count; an explicit weaker value does not).
 */
export const StoreRequiresTls: ResourceRule = {
  kind: "resource",
  name: "StoreRequiresTls",
  description: "Every bucket and storage account refuses requests that are not over TLS 1.2 or later.",
  resourceTypes: ["aws_s3_bucket", "azurerm_storage_account"],
  evaluate: (resource, context) => (resource.type === "aws_s3_bucket" ? checkBucket(resource, context) : checkAccount(resource)),
};
