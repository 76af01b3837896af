import { isAzapiVaultKey, preventsDestroy } from "../private/classify";
import { flag, show } from "../private/json";
import { NOT_APPLICABLE, outcomeOf, type ResourceRule } from "../rule";

/**
 * EMB-S07. Nothing that holds registry data or keys can be destroyed by a plan:
 * `lifecycle.prevent_destroy` on every bucket, key, storage account, key vault and vault key
 * (an `azurerm_key_vault_key`, or an `azapi_resource` of type `Microsoft.KeyVault/vaults/keys@...`;
 * other azapi resources are not applicable), and `force_destroy` never true on a bucket (it would
 * delete every object with the bucket).
 */
export const StatefulResourceIsRetained: ResourceRule = {
  kind: "resource",
  name: "StatefulResourceIsRetained",
  description: "Every resource that holds data or keys is protected from destruction by a plan.",
  resourceTypes: ["aws_s3_bucket", "aws_kms_key", "azurerm_storage_account", "azurerm_key_vault", "azurerm_key_vault_key", "azapi_resource"],
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
