import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { KeyVaultKey, type KeyVaultKeyConfig } from "@cdktf/provider-azurerm/lib/key-vault-key";
import type { Construct } from "constructs";
import { awsSite, checkRule } from "../helpers";

const RULE = "EMB-K01";

function vaultKey(scope: Construct, extra: Partial<KeyVaultKeyConfig> = {}) {
  new KeyVaultKey(scope, "VaultKey", { name: "k", keyVaultId: "/x", keyType: "RSA-HSM", keySize: 3072, keyOpts: ["wrapKey", "unwrapKey"], ...extra });
}

describe("EMB-K01 KeyRotationEnabled", () => {
  test("a CustodyKey rotates", () => {
    expect(checkRule(RULE, (s) => awsSite(s)).summary).toMatchObject({ checked: 1, compliant: 1 });
  });

  test("a Key Vault key with an automatic rotation policy is compliant; an asymmetric KMS key is not applicable", () => {
    const result = checkRule(RULE, (s) => {
      vaultKey(s, { rotationPolicy: { expireAfter: "P400D", automatic: { timeAfterCreation: "P365D" } } });
      new KmsKey(s, "Signing", { customerMasterKeySpec: "ECC_NIST_P256", keyUsage: "SIGN_VERIFY" });
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
});
