import { bucketParts, isLogAccount, isLogBucket } from "../private/classify";
import { asString, blocks, field, isExpression, type JsonObject, show } from "../private/json";
import type { ResourceView } from "../private/resource-view";
import { NOT_APPLICABLE, outcomeOf, type ResourceRule, type RuleContext } from "../rule";

const KMS_ALGORITHMS = ["aws:kms", "aws:kms:dsse"];

/** Why an S3 default-encryption rule does not use a custody key, or undefined when it does. */
function s3KeyProblem(rule: JsonObject, context: RuleContext): string | undefined {
  const byDefault = field(rule, "apply_server_side_encryption_by_default");
  const algorithm = asString(field(byDefault, "sse_algorithm"));
  if (!algorithm || !KMS_ALGORITHMS.includes(algorithm)) {
    return `default encryption is ${show(algorithm)}, not SSE-KMS with a customer-managed key (SSE-S3 keys are held by AWS)`;
  }
  const key = asString(field(byDefault, "kms_master_key_id"));
  if (!key) return "SSE-KMS has no kms_master_key_id, so S3 uses the AWS-managed key aws/s3";
  if (isExpression(key)) {
    const ours = context.stack.referencedBy(key).some((r) => r.type === "aws_kms_key" || r.type === "aws_kms_alias");
    // A key of another stack of this app arrives as a cross-stack output named after its source.
    const crossStack = /\.outputs\.cross-stack-output-aws_kms_(key|alias)/.test(key);
    return ours || crossStack ? undefined : `kms_master_key_id ${show(key)} does not reference an aws_kms_key of this app`;
  }
  if (/(^|:)alias\/aws\//.test(key)) return `kms_master_key_id ${show(key)} is an AWS-managed key, not a custody key`;
  const account = /^arn:[^:]+:kms:[^:]*:(\d{12}):/.exec(key)?.[1];
  if (!account) return `kms_master_key_id ${show(key)} is not a key ARN, so its owner cannot be verified`;
  if (context.options.awsAccountId && account !== context.options.awsAccountId) {
    return `kms_master_key_id ${show(key)} belongs to account ${account}, not the custody account ${context.options.awsAccountId}`;
  }
  return context.options.awsAccountId ? undefined : `kms_master_key_id ${show(key)} cannot be checked: the pack has no custody.awsAccountId`;
}

function checkBucket(bucket: ResourceView, context: RuleContext) {
  const { stack } = context;
  if (isLogBucket(bucket, stack)) return NOT_APPLICABLE;
  const configs = bucketParts(stack, "aws_s3_bucket_server_side_encryption_configuration", bucket);
  const rules = [...configs.flatMap((c) => blocks(c.attributes.rule)), ...blocks(field(bucket.attributes.server_side_encryption_configuration, "rule"))];
  if (rules.length === 0) {
    return outcomeOf(["has no aws_s3_bucket_server_side_encryption_configuration, so S3 encrypts with an AWS-owned key"]);
  }
  return outcomeOf(rules.map((r) => s3KeyProblem(r, context)).filter((p): p is string => p !== undefined));
}

function checkAccount(account: ResourceView, context: RuleContext) {
  const { stack } = context;
  if (isLogAccount(account, stack)) return NOT_APPLICABLE;
  const inline = blocks(account.attributes.customer_managed_key).some((k) => k.key_vault_key_id !== undefined || k.managed_hsm_key_id !== undefined);
  const separate = stack
    .ofType("azurerm_storage_account_customer_managed_key")
    .some((k) => stack.references(k.attributes.storage_account_id, account) && (k.attributes.key_name !== undefined || k.attributes.managed_hsm_key_id !== undefined));
  return outcomeOf(
    inline || separate ? [] : ["has no customer_managed_key (nor an azurerm_storage_account_customer_managed_key), so Azure encrypts with a Microsoft-managed key"],
  );
}

/**
 * EMB-S01. A registry store is encrypted with a customer-managed key the owning state holds:
 * S3 default encryption SSE-KMS with an `aws_kms_key` of this app (not `aws/s3`, not SSE-S3), or
 * an Azure storage account with a customer-managed Key Vault key. Log buckets and log accounts
 * are not stores (S3 cannot deliver access logs to an SSE-KMS bucket).
 */
export const StoreEncryptedWithCustodyKey: ResourceRule = {
  kind: "resource",
  name: "StoreEncryptedWithCustodyKey",
  description: "A registry store is encrypted with a customer-managed key held by the owning state.",
  resourceTypes: ["aws_s3_bucket", "azurerm_storage_account"],
  evaluate: (resource, context) => (resource.type === "aws_s3_bucket" ? checkBucket(resource, context) : checkAccount(resource, context)),
};
