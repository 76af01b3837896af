import { isAzapiVaultKey, preventsDestroy } from "../private/classify";
import { flag, show } from "../private/json";
import { NOT_APPLICABLE, outcomeOf, type ResourceRule } from "../rule";

/**
 * EMB-S07. Nothing that holds registry data or keys can be destroyed by a plan:
 * `lifecycle.prevent_destroy` on every bucket, key, storage account, key vault and vault key
 * (an `azurerm_key_vault_key`, or an `azapi_resource` of type `Microsoft.KeyVault/vaults/keys@...`;
 * other azapi resources are not applicable), and `force_destroy` never true on a bucket (it would
 * delete every object with the bucket).
 *
 * Nor can a plan silently end what keeps those copies available and accountable on AWS, so the same
 * `prevent_destroy` is required on
 * - `aws_s3_bucket_replication_configuration`: destroying it stops every copy of the registry
 *   (terraform-provider-aws internal/service/s3/bucket_replication_configuration.go deletes with
 *   DeleteBucketReplication);
 * - `aws_s3_bucket_logging`: destroying it switches access logging off (PutBucketLogging with an
 *   empty BucketLoggingStatus, internal/service/s3/bucket_logging.go);
 * - `aws_s3_bucket_ownership_controls`: destroying it calls DeleteBucketOwnershipControls, which
 *   re-enables ACLs (internal/service/s3/bucket_ownership_controls.go);
 * - `aws_flow_log`: the site network's evidence trail (DeleteFlowLogs, internal/service/ec2/vpc_flow_log.go).
 * Their "prevent_destroy" also blocks a change that would replace them, which is the point: it needs
 * a deliberate step (lifting it, or `terraform state rm`).
 */
export const StatefulResourceIsRetained: ResourceRule = {
  kind: "resource",
  name: "StatefulResourceIsRetained",
  description: "Every resource that holds data or keys, and every AWS replication, access-logging, bucket-ownership and flow-log configuration, is protected from destruction by a plan.",
  resourceTypes: [
    "aws_s3_bucket",
    "aws_kms_key",
    "aws_s3_bucket_replication_configuration",
    "aws_s3_bucket_logging",
    "aws_s3_bucket_ownership_controls",
    "aws_flow_log",
    "azurerm_storage_account",
    "azurerm_key_vault",
    "azurerm_key_vault_key",
    "azapi_resource",
  ],
  evaluate: (resource) => {
    if (resource.type === "azapi_resource" && !isAzapiVaultKey(resource)) return NOT_APPLICABLE;
    const problems: string[] = [];
    if (!preventsDestroy(resource)) problems.push("lifecycle.prevent_destroy is not true");
    if (resource.type === "aws_s3_bucket" && flag(resource.attributes.force_destroy, false) !== false) {
      problems.push(`force_destroy is ${show(resource.attributes.force_destroy)}, not false`);
    }
    return outcomeOf(problems);
  },
};
