import { asNumber, flag, show } from "../private/json";
import { outcomeOf, type ResourceRule } from "../rule";

/** The shortest AWS KMS deletion window we accept, in days (AWS allows 7 to 30). */
export const MIN_KEY_DELETION_WINDOW_DAYS = 30;
/** The Key Vault soft-delete retention we require, in days (the longest Azure allows). */
export const KEY_VAULT_SOFT_DELETE_DAYS = 90;

/**
 * EMB-K02. A deleted custody key can be recovered: every `aws_kms_key` has a deletion window
 * of at least 30 days (Terraform's default, 30, counts), every `azurerm_key_vault` has purge
 * protection and 90 days of soft delete (Azure's default, 90, counts).
 */
export const KeyDeletionProtected: ResourceRule = {
  kind: "resource",
  name: "KeyDeletionProtected",
  description: "A deleted custody key stays recoverable long enough to notice and cancel the deletion.",
  resourceTypes: ["aws_kms_key", "azurerm_key_vault"],
  evaluate: (resource) => {
    const a = resource.attributes;
    if (resource.type === "aws_kms_key") {
      const days = a.deletion_window_in_days === undefined ? 30 : asNumber(a.deletion_window_in_days);
      return outcomeOf(
        days !== undefined && days >= MIN_KEY_DELETION_WINDOW_DAYS
          ? []
          : [`deletion_window_in_days is ${show(a.deletion_window_in_days)}, less than ${MIN_KEY_DELETION_WINDOW_DAYS}`],
      );
    }
    const problems: string[] = [];
    if (flag(a.purge_protection_enabled, false) !== true) problems.push(`purge_protection_enabled is ${show(a.purge_protection_enabled)}, not true`);
    const softDelete = a.soft_delete_retention_days === undefined ? KEY_VAULT_SOFT_DELETE_DAYS : asNumber(a.soft_delete_retention_days);
    if (softDelete !== KEY_VAULT_SOFT_DELETE_DAYS) {
      problems.push(`soft_delete_retention_days is ${show(a.soft_delete_retention_days)}, not ${KEY_VAULT_SOFT_DELETE_DAYS}`);
    }
    return outcomeOf(problems);
  },
};
