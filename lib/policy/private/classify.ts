import { parsePolicy } from "./iam";
import { asString, blocks, field, isObject, type JsonObject } from "./json";
import type { ResourceView, StackView } from "./resource-view";

/** AWS services that deliver logs into a bucket, as they appear in its bucket policy. */
const LOG_DELIVERY_SERVICES = ["logging.s3.amazonaws.com", "delivery.logs.amazonaws.com", "cloudtrail.amazonaws.com"];

/** Whether the bucket's policy lets a log delivery service write into it. */
function admitsLogDelivery(bucket: ResourceView, stack: StackView): boolean {
  return stack.attachedTo("aws_s3_bucket_policy", "bucket", bucket, "bucket").some((p) => {
    const parsed = parsePolicy(p.attributes.policy, stack);
    return parsed.ok && parsed.statements.some((s) => s.effect === "Allow" && (s.principal?.service ?? []).some((x) => LOG_DELIVERY_SERVICES.includes(x)));
  });
}

/**
 * Whether an S3 bucket receives logs (server access logs, flow logs, CloudTrail) rather than
 * registry data: some resource sends logs to it, or its policy admits a log delivery service. Log buckets get the rules every bucket gets (versioning, no public access,
 * TLS, retention), but not the data-store rules: S3 cannot deliver server access logs to a
 * bucket encrypted with SSE-KMS or with Object Lock default retention, and a log bucket does
 * not log itself.
 */
export function isLogBucket(bucket: ResourceView, stack: StackView): boolean {
  return (
    stack.attachedTo("aws_s3_bucket_logging", "target_bucket", bucket, "bucket").length > 0 ||
    stack.ofType("aws_s3_bucket").some((b) => blocks(b.attributes.logging).some((l) => stack.names(l.target_bucket, bucket, "bucket"))) ||
    stack.ofType("aws_flow_log").some((f) => stack.references(f.attributes.log_destination, bucket)) ||
    stack.attachedTo("aws_cloudtrail", "s3_bucket_name", bucket, "bucket").length > 0 ||
    admitsLogDelivery(bucket, stack)
  );
}

/** Whether an Azure storage account receives flow logs or diagnostic logs rather than registry data. */
export function isLogAccount(account: ResourceView, stack: StackView): boolean {
  return (
    stack.ofType("azurerm_network_watcher_flow_log").some((f) => stack.references(f.attributes.storage_account_id, account)) ||
    stack.ofType("azurerm_monitor_diagnostic_setting").some((d) => stack.references(d.attributes.storage_account_id, account))
  );
}

/** The `<type>` resources configuring `bucket` through their `bucket` argument. */
export function bucketParts(stack: StackView, type: string, bucket: ResourceView): readonly ResourceView[] {
  return stack.attachedTo(type, "bucket", bucket, "bucket");
}

/** Whether a resource's `lifecycle.prevent_destroy` is literally true. */
export function preventsDestroy(resource: ResourceView): boolean {
  const value = field(resource.attributes.lifecycle, "prevent_destroy");
  return value === true || value === "true";
}

/**
 * The azapi type of a Key Vault key in a vault, any API version: `Microsoft.KeyVault/vaults/keys@2024-11-01`.
 * Matched case-insensitively, as azapi itself treats a type whose case differs as the same type
 * (Azure/terraform-provider-azapi CHANGELOG.md v1.15.0, bug fix for "inconsistent results when the
 * case of the `resource_id` and `type` fields are different"): `microsoft.keyvault/vaults/keys@...`
 * is still a key. (A managed HSM's keys, `Microsoft.KeyVault/managedHSMs/keys`, are another type.)
 */
const AZAPI_VAULT_KEY_TYPE = /^Microsoft\.KeyVault\/vaults\/keys@/i;

/**
 * Whether a resource is a Key Vault key created through Azure Resource Manager: an
 * `azapi_resource` whose literal `type` is `Microsoft.KeyVault/vaults/keys@<api version>`
 * (lib/azure/custody-key.ts builds custody keys so). Any other azapi resource, or one whose type
 * is only known at apply, is not.
 */
export function isAzapiVaultKey(resource: ResourceView): boolean {
  return resource.type === "azapi_resource" && AZAPI_VAULT_KEY_TYPE.test(asString(resource.attributes.type) ?? "");
}

/**
 * An azapi resource's ARM request body as an object: `body` itself (azapi 2.x takes an HCL
 * object: Azure/terraform-provider-azapi docs/guides/2.0-upgrade-guide.md, "Dynamic Properties
 * Support"), or the JSON text azapi 1.x took (`jsonencode(...)` written out as a literal string);
 * undefined when the body is absent or only known at apply (an expression).
 */
export function azapiBody(resource: ResourceView): JsonObject | undefined {
  const body = resource.attributes.body;
  if (isObject(body)) return body;
  if (typeof body !== "string" || body.includes("${")) return undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    return isObject(parsed as JsonObject) ? (parsed as JsonObject) : undefined;
  } catch {
    return undefined;
  }
}
