import { azapiBody, isAzapiVaultKey } from "../private/classify";
import { asString, blocks, field, flag, show } from "../private/json";
import type { ResourceView } from "../private/resource-view";
import { NOT_APPLICABLE, outcomeOf, type ResourceRule, type RuleOutcome } from "../rule";

/** The lifetime-action triggers that make Key Vault rotate by itself. */
const ROTATION_TRIGGERS = ["timeAfterCreate", "timeBeforeExpiry"] as const;

/**
 * Only symmetric encryption keys rotate: "Automatic key rotation is supported only on symmetric
 * encryption KMS keys. You cannot enable automatic rotation of asymmetric KMS keys, HMAC KMS keys,
 * KMS keys with imported key material, or KMS keys in a custom key store" (AWS KMS API Reference,
 * EnableKeyRotation). Any other `customer_master_key_spec` (terraform-provider-aws
 * internal/service/kms/key.go, default SYMMETRIC_DEFAULT), such as the manifest-signing keys'
 * ECC_NIST_P256 SIGN_VERIFY (lib/aws/signing-key.ts), is therefore not applicable, never a failure:
 * such a key is replaced, not rotated.
 */
function checkKmsKey(key: ResourceView): RuleOutcome {
  const a = key.attributes;
  const spec = asString(a.customer_master_key_spec ?? a.key_spec) ?? "SYMMETRIC_DEFAULT";
  if (spec !== "SYMMETRIC_DEFAULT") return NOT_APPLICABLE;
  return outcomeOf(flag(a.enable_key_rotation, false) === true ? [] : [`enable_key_rotation is ${show(a.enable_key_rotation)}, not true`]);
}

function checkAzurermKey(key: ResourceView): RuleOutcome {
  const policy = blocks(key.attributes.rotation_policy)[0];
  if (!policy) return outcomeOf(["has no rotation_policy"]);
  const automatic = blocks(policy.automatic)[0];
  return outcomeOf(
    automatic && (automatic.time_after_creation !== undefined || automatic.time_before_expiry !== undefined)
      ? []
      : ["rotation_policy has no automatic block with time_after_creation or time_before_expiry"],
  );
}

/**
 * A Key Vault key created through ARM (`azapi_resource`, `Microsoft.KeyVault/vaults/keys@...`):
 * its `body.properties.rotationPolicy.lifetimeActions` must hold an action of type `rotate` with a
 * `timeAfterCreate` or `timeBeforeExpiry` trigger. The shape is ARM's (Azure/azure-rest-api-specs
 * specification/keyvault/resource-manager/Microsoft.KeyVault/stable/2024-11-01/keys.json:
 * RotationPolicy.lifetimeActions -> LifetimeAction { trigger: Trigger { timeAfterCreate,
 * timeBeforeExpiry }, action: Action { type: enum "rotate" | "notify" } }); Key Vault may echo the
 * enum in another case (`Rotate`), so the type is compared case-insensitively. A `notify` action
 * alone only warns: nothing rotates.
 */
function checkAzapiKey(key: ResourceView): RuleOutcome {
  const name = show(key.attributes.name);
  const body = azapiBody(key);
  if (!body) return outcomeOf([`key ${name} has a body that is not known at synth (${show(key.attributes.body)}), so its rotation policy cannot be verified`]);
  const policy = field(body, "properties", "rotationPolicy");
  if (policy === undefined || policy === null) return outcomeOf([`key ${name} has no body.properties.rotationPolicy`]);
  const rotates = blocks(field(policy, "lifetimeActions")).some((action) => {
    const type = asString(field(action, "action", "type"));
    const trigger = field(action, "trigger");
    return type?.toLowerCase() === "rotate" && ROTATION_TRIGGERS.some((t) => (asString(field(trigger, t)) ?? "") !== "");
  });
  return outcomeOf(
    rotates ? [] : [`key ${name} has no body.properties.rotationPolicy.lifetimeActions entry with action type 'rotate' and a trigger timeAfterCreate or timeBeforeExpiry`],
  );
}

/**
 * EMB-K01. Custody keys rotate: `enable_key_rotation` on every symmetric `aws_kms_key` (AWS
 * cannot rotate asymmetric or HMAC keys: not applicable), an automatic `rotation_policy` on
 * every `azurerm_key_vault_key`, a `rotate` lifetime action on every Key Vault key created
 * through ARM as an `azapi_resource` (other azapi resources: not applicable).
 */
export const KeyRotationEnabled: ResourceRule = {
  kind: "resource",
  name: "KeyRotationEnabled",
  description: "Every custody key rotates automatically.",
  resourceTypes: ["aws_kms_key", "azurerm_key_vault_key", "azapi_resource"],
  evaluate: (resource) => {
    if (resource.type === "aws_kms_key") return checkKmsKey(resource);
    if (resource.type === "azurerm_key_vault_key") return checkAzurermKey(resource);
    return isAzapiVaultKey(resource) ? checkAzapiKey(resource) : NOT_APPLICABLE;
  },
};
