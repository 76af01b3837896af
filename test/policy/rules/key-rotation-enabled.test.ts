import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { KeyVaultKey, type KeyVaultKeyConfig } from "@cdktf/provider-azurerm/lib/key-vault-key";
import type { Construct } from "constructs";
import { AzapiResource, type AzapiObject } from "../../../lib/azure/azapi/resource";
import { CustodyKey } from "../../../lib/azure/custody-key";
import type { ICustodyKeyVault } from "../../../lib/azure/key-vault";
import { SigningKey as AwsSigningKey } from "../../../lib/aws/signing-key";
import { SigningKey as AzureSigningKey } from "../../../lib/azure/signing-key";
import { CUSTODY } from "../../fixtures";
import { AZURE_ADMIN, awsSite, checkRule } from "../helpers";

const RULE = "EMB-K01";

function vaultKey(scope: Construct, extra: Partial<KeyVaultKeyConfig> = {}) {
  new KeyVaultKey(scope, "VaultKey", { name: "k", keyVaultId: "/x", keyType: "RSA-HSM", keySize: 3072, keyOpts: ["wrapKey", "unwrapKey"], ...extra });
}

/** A custody vault as CustodyKey sees it (the key needs only its ARM id). */
const VAULT: ICustodyKeyVault = {
  vaultId: "/subscriptions/22222222-2222-4222-8222-222222222222/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/v",
  vaultUri: "https://v.vault.azure.net/",
  keyAdministrators: [AZURE_ADMIN],
  keyAdministration: [],
};

/** A Key Vault key created through ARM with the given rotation policy (absent when undefined). */
function azapiKey(scope: Construct, rotationPolicy?: AzapiObject, type = "Microsoft.KeyVault/vaults/keys@2024-11-01"): AzapiResource {
  const properties: AzapiObject = { kty: "RSA-HSM", keySize: 3072, keyOps: ["wrapKey", "unwrapKey"], ...(rotationPolicy ? { rotationPolicy } : {}) };
  return new AzapiResource(scope, "Key", { type, name: "k", parentId: VAULT.vaultId, body: { properties }, lifecycle: { preventDestroy: true } });
}

const ROTATE_YEARLY = { trigger: { timeAfterCreate: "P365D" }, action: { type: "rotate" } };
const NOTIFY = { trigger: { timeBeforeExpiry: "P30D" }, action: { type: "notify" } };

describe("EMB-K01 KeyRotationEnabled", () => {
  test("a CustodyKey rotates", () => {
    expect(checkRule(RULE, (s) => awsSite(s)).summary).toMatchObject({ checked: 1, compliant: 1 });
  });

  test("an Azure CustodyKey (an azapi Key Vault key) rotates", () => {
    expect(checkRule(RULE, (s) => new CustodyKey(s, "Key", { vault: VAULT, keyName: "brp" })).summary).toMatchObject({ checked: 1, compliant: 1 });
  });

  test("a Key Vault key with an automatic rotation policy is compliant; an asymmetric KMS key is not applicable", () => {
    const result = checkRule(RULE, (s) => {
      vaultKey(s, { rotationPolicy: { expireAfter: "P400D", automatic: { timeAfterCreation: "P365D" } } });
      new KmsKey(s, "Signing", { customerMasterKeySpec: "ECC_NIST_P256", keyUsage: "SIGN_VERIFY" });
    });
    expect(result.summary).toMatchObject({ checked: 1, compliant: 1 });
  });

  test("the manifest-signing keys: the AWS one (ECC_NIST_P256, SIGN_VERIFY, rotation off because KMS refuses it) is not applicable, the Azure one (EC-HSM) rotates", () => {
    const aws = checkRule(RULE, (s) => new AwsSigningKey(s, "Signing", { custody: CUSTODY, region: "eu-west-1", description: "manifests" }));
    expect(aws.summary).toMatchObject({ checked: 0, compliant: 0 });
    expect(aws.findings).toEqual([]);
    const azure = checkRule(RULE, (s) => new AzureSigningKey(s, "Signing", { vault: VAULT, keyName: "manifest-signing", resourceGroupId: "/subscriptions/22222222-2222-4222-8222-222222222222/resourceGroups/rg", namePrefix: "t" }));
    expect(azure.summary).toMatchObject({ checked: 1, compliant: 1 });
  });

  test("an azapi key type and action type in any case, rotating before expiry, is compliant; other azapi resources are not applicable", () => {
    const result = checkRule(RULE, (s) => {
      azapiKey(s, { attributes: { expiryTime: "P730D" }, lifetimeActions: [NOTIFY, { trigger: { timeBeforeExpiry: "P60D" }, action: { type: "Rotate" } }] }, "microsoft.keyvault/Vaults/keys@2023-07-01");
      new AzapiResource(s, "Group", { type: "Microsoft.Resources/resourceGroups@2024-03-01", name: "rg", parentId: "/subscriptions/x", location: "westeurope" });
    });
    expect(result.summary).toMatchObject({ checked: 1, compliant: 1 });
  });

  test("fails on a KMS key without rotation", () => {
    expect(checkRule(RULE, (s) => new KmsKey(s, "Key", {})).findings[0].message).toMatch(
      /^\[EMB-K01\] site\/Key \(aws_kms_key\): enable_key_rotation is absent, not true\. Fix: turn on automatic rotation/,
    );
  });

  test("fails on a Key Vault key without a rotation policy, or with one that never rotates", () => {
    expect(checkRule(RULE, (s) => vaultKey(s)).problems).toEqual(["has no rotation_policy"]);
    expect(checkRule(RULE, (s) => vaultKey(s, { rotationPolicy: { expireAfter: "P400D" } })).problems).toEqual([
      "rotation_policy has no automatic block with time_after_creation or time_before_expiry",
    ]);
  });

  test("fails when an azapi Key Vault key has no rotation policy", () => {
    expect(checkRule(RULE, (s) => azapiKey(s)).findings.map((f) => f.message)).toEqual([
      "[EMB-K01] site/Key (azapi_resource): key 'k' has no body.properties.rotationPolicy. Fix: turn on automatic rotation: enable_key_rotation = true on KMS keys; a rotation_policy with an automatic block on azurerm_key_vault_key; on azapi Key Vault keys, a body.properties.rotationPolicy.lifetimeActions entry { trigger: { timeAfterCreate: 'P365D' }, action: { type: 'rotate' } }",
    ]);
  });

  test("fails when an azapi Key Vault key's rotation policy only notifies, or has a rotate action without a trigger", () => {
    const missing = "key 'k' has no body.properties.rotationPolicy.lifetimeActions entry with action type 'rotate' and a trigger timeAfterCreate or timeBeforeExpiry";
    expect(checkRule(RULE, (s) => azapiKey(s, { attributes: { expiryTime: "P730D" }, lifetimeActions: [NOTIFY] })).problems).toEqual([missing]);
    expect(checkRule(RULE, (s) => azapiKey(s, { lifetimeActions: [{ trigger: {}, action: { type: "rotate" } }] })).problems).toEqual([missing]);
    expect(checkRule(RULE, (s) => azapiKey(s, { lifetimeActions: [] })).problems).toEqual([missing]);
  });

  test("fails when the library's CustodyKey's rotate action becomes a notification through an override", () => {
    const result = checkRule(RULE, (s) => new CustodyKey(s, "Key", { vault: VAULT, keyName: "brp" }).resource.addOverride("body.properties.rotationPolicy.lifetimeActions.0.action.type", "notify"));
    expect(result.problems).toEqual(["key 'brp' has no body.properties.rotationPolicy.lifetimeActions entry with action type 'rotate' and a trigger timeAfterCreate or timeBeforeExpiry"]);
  });

  test("fails when an azapi Key Vault key's body is only known at apply", () => {
    const result = checkRule(RULE, (s) => azapiKey(s, { lifetimeActions: [ROTATE_YEARLY] }).addOverride("body", "${var.key_body}"));
    expect(result.problems).toEqual(["key 'k' has a body that is not known at synth ('${var.key_body}'), so its rotation policy cannot be verified"]);
  });
});
