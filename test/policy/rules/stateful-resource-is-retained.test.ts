import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { KeyVault } from "@cdktf/provider-azurerm/lib/key-vault";
import { KeyVaultKey } from "@cdktf/provider-azurerm/lib/key-vault-key";
import { StorageAccount } from "@cdktf/provider-azurerm/lib/storage-account";
import { awsSite, checkRule } from "../helpers";

const RULE = "EMB-S07";

describe("EMB-S07 StatefulResourceIsRetained", () => {
  test("the store's bucket and key and the log bucket are retained", () => {
    expect(checkRule(RULE, (s) => awsSite(s)).summary).toMatchObject({ checked: 3, compliant: 3 });
  });

  test("Azure stores, vaults and keys with prevent_destroy are compliant", () => {
    const protect = { lifecycle: { preventDestroy: true } };
    const result = checkRule(RULE, (s) => {
      new StorageAccount(s, "Account", { name: "a", resourceGroupName: "rg", location: "westeurope", accountTier: "Standard", accountReplicationType: "ZRS", ...protect });
      const v = new KeyVault(s, "Vault", { name: "v", resourceGroupName: "rg", location: "westeurope", tenantId: "t", skuName: "premium", ...protect });
      new KeyVaultKey(s, "Key", { name: "k", keyVaultId: v.id, keyType: "RSA-HSM", keySize: 3072, keyOpts: ["wrapKey"], ...protect });
    });
    expect(result.summary).toMatchObject({ checked: 3, compliant: 3 });
  });

  test("fails on a bucket that can be destroyed, with everything in it", () => {
    const result = checkRule(RULE, (s) => new S3Bucket(s, "Bucket", { bucket: "raw", forceDestroy: true }));
    expect(result.findings[0].message).toMatch(
      /^\[EMB-S07\] site\/Bucket \(aws_s3_bucket\): lifecycle\.prevent_destroy is not true; force_destroy is true, not false\. Fix: set lifecycle \{ prevent_destroy = true \}/,
    );
  });

  test("fails on an unprotected key and key vault key", () => {
    const result = checkRule(RULE, (s) => {
      new KmsKey(s, "Key", { enableKeyRotation: true });
      new KeyVaultKey(s, "VaultKey", { name: "k", keyVaultId: "/x", keyType: "RSA", keySize: 3072, keyOpts: ["wrapKey"] });
    });
    expect(result.findings.map((f) => [f.path, f.resourceType])).toEqual([
      ["site/Key", "aws_kms_key"],
      ["site/VaultKey", "azurerm_key_vault_key"],
    ]);
  });
});
