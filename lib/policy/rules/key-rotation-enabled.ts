import { asString, blocks, flag, show } from "../private/json";
import { NOT_APPLICABLE, outcomeOf, type ResourceRule } from "../rule";

/**
 * EMB-K01. Custody keys rotate: `enable_key_rotation` on every symmetric `aws_kms_key` (AWS
 * cannot rotate asymmetric or HMAC keys: not applicable), an automatic `rotation_policy` on
 * every `azurerm_key_vault_key`.
 */
export const KeyRotationEnabled: ResourceRule = {
  kind: "resource",
  name: "KeyRotationEnabled",
  description: "Every custody key rotates automatically.",
  resourceTypes: ["aws_kms_key", "azurerm_key_vault_key"],
  evaluate: (resource) => {
    const a = resource.attributes;
    if (resource.type === "aws_kms_key") {
      const spec = asString(a.customer_master_key_spec ?? a.key_spec) ?? "SYMMETRIC_DEFAULT";
      if (spec !== "SYMMETRIC_DEFAULT") return NOT_APPLICABLE;
      return outcomeOf(flag(a.enable_key_rotation, false) === true ? [] : [`enable_key_rotation is ${show(a.enable_key_rotation)}, not true`]);
    }
    const policy = blocks(a.rotation_policy)[0];
    if (!policy) return outcomeOf(["has no rotation_policy"]);
    const automatic = blocks(policy.automatic)[0];
    return outcomeOf(
      automatic && (automatic.time_after_creation !== undefined || automatic.time_before_expiry !== undefined)
        ? []
        : ["rotation_policy has no automatic block with time_after_creation or time_before_expiry"],
    );
  },
};
