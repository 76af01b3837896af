import { bucketParts, isLogAccount, isLogBucket } from "../private/classify";
import { blocks } from "../private/json";
import type { ResourceView } from "../private/resource-view";
import { NOT_APPLICABLE, outcomeOf, type ResourceRule, type RuleContext, type RuleOutcome } from "../rule";

function checkBucket(bucket: ResourceView, context: RuleContext): RuleOutcome {
  if (isLogBucket(bucket, context.stack)) return NOT_APPLICABLE;
  const logged = bucketParts(context.stack, "aws_s3_bucket_logging", bucket).length > 0 || blocks(bucket.attributes.logging).length > 0;
  return outcomeOf(logged ? [] : ["has no aws_s3_bucket_logging, so reads and writes leave no access record"]);
}

function checkAccount(account: ResourceView, context: RuleContext): RuleOutcome {
  const { stack } = context;
  if (isLogAccount(account, stack)) return NOT_APPLICABLE;
  // The blob service's diagnostic setting targets `${account.id}/blobServices/default`.
  const logged = stack.ofType("azurerm_monitor_diagnostic_setting").some((d) => stack.references(d.attributes.target_resource_id, account));
  return outcomeOf(logged ? [] : ["has no azurerm_monitor_diagnostic_setting on the account or its blob service, so reads and writes leave no access record"]);
}

/**
 * EMB-S06. Every access to a registry store leaves a record: S3 server access logging on each
 * data bucket, a diagnostic setting on each data storage account (or its blob service). Log
 * stores themselves are not applicable (a log bucket does not log into itself).
 */
export const StoreHasAccessLogging: ResourceRule = {
  kind: "resource",
  name: "StoreHasAccessLogging",
  description: "Every registry store records each access in a separate log store.",
  resourceTypes: ["aws_s3_bucket", "azurerm_storage_account"],
  evaluate: (resource, context) => (resource.type === "aws_s3_bucket" ? checkBucket(resource, context) : checkAccount(resource, context)),
};
