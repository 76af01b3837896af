import { bucketParts } from "../private/classify";
import { asString, blocks, field, flag, show } from "../private/json";
import type { ResourceView } from "../private/resource-view";
import { outcomeOf, type ResourceRule, type RuleContext } from "../rule";

function checkBucket(bucket: ResourceView, context: RuleContext) {
  const separate = bucketParts(context.stack, "aws_s3_bucket_versioning", bucket).map((v) =>
    asString(field(v.attributes.versioning_configuration, "status")),
  );
  const inline = blocks(bucket.attributes.versioning).map((v) => v.enabled);
  if (separate.length === 0 && inline.length === 0) {
    return outcomeOf(["has no aws_s3_bucket_versioning, so an overwrite replaces the only copy"]);
  }
  return outcomeOf([
    ...separate.filter((s) => s !== "Enabled").map((s) => `aws_s3_bucket_versioning status is ${show(s)}, not 'Enabled'`),
    ...inline.filter((e) => flag(e, false) !== true).map((e) => `versioning.enabled is ${show(e)}, not true`),
  ]);
}

function checkAccount(account: ResourceView) {
  const versioning = flag(field(account.attributes.blob_properties, "versioning_enabled"), false);
  return outcomeOf(versioning === true ? [] : [`blob_properties.versioning_enabled is ${show(field(account.attributes.blob_properties, "versioning_enabled"))}, not true`]);
}

/**
 * EMB-S03. Every bucket and storage account keeps every version: `aws_s3_bucket_versioning`
 * `Enabled` for each `aws_s3_bucket`, `blob_properties.versioning_enabled` for each
 * `azurerm_storage_account`. Log stores too: evidence must not be overwritten either.
 */
export const StoreIsVersioned: ResourceRule = {
  kind: "resource",
  name: "StoreIsVersioned",
  description: "Every bucket and storage account keeps every object version.",
  resourceTypes: ["aws_s3_bucket", "azurerm_storage_account"],
  evaluate: (resource, context) => (resource.type === "aws_s3_bucket" ? checkBucket(resource, context) : checkAccount(resource)),
};
