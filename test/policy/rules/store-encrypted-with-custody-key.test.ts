import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { KeyVaultKey } from "@cdktf/provider-azurerm/lib/key-vault-key";
import { StorageAccount } from "@cdktf/provider-azurerm/lib/storage-account";
import type { Construct } from "constructs";
import { awsSite, checkRule } from "../helpers";

const RULE = "EMB-S01";

function bucketWith(scope: Construct, rule: { sseAlgorithm: string; kmsMasterKeyId?: string }) {
  const bucket = new S3Bucket(scope, "Bucket", { bucket: "raw-bucket" });
  new S3BucketServerSideEncryptionConfigurationA(scope, "Encryption", { bucket: bucket.bucket, rule: [{ applyServerSideEncryptionByDefault: rule }] });
}

function account(scope: Construct, extra: Partial<ConstructorParameters<typeof StorageAccount>[2]> = {}) {
  return new StorageAccount(scope, "Account", { name: "acct", resourceGroupName: "rg", location: "westeurope", accountTier: "Standard", accountReplicationType: "ZRS", ...extra });
}

describe("EMB-S01 StoreEncryptedWithCustodyKey", () => {
  test("an EncryptedStore is compliant; its SSE-S3 log bucket is not a store (not applicable)", () => {
    const result = checkRule(RULE, (s) => awsSite(s));
    expect(result.findings).toEqual([]);
    expect(result.summary).toMatchObject({ checked: 1, compliant: 1 });
  });

  test("SSE-KMS with a key ARN in the custody account is compliant", () => {
    const result = checkRule(RULE, (s) => bucketWith(s, { sseAlgorithm: "aws:kms", kmsMasterKeyId: "arn:aws:kms:eu-south-2:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab" }));
    expect(result.summary).toMatchObject({ checked: 1, compliant: 1 });
  });

  test("an Azure account with a customer-managed Key Vault key is compliant", () => {
    const result = checkRule(RULE, (s) => {
      const key = new KeyVaultKey(s, "Key", { name: "k", keyVaultId: "/subscriptions/x/vault", keyType: "RSA-HSM", keySize: 3072, keyOpts: ["wrapKey", "unwrapKey"] });
      account(s, { customerManagedKey: { keyVaultKeyId: key.id, userAssignedIdentityId: "${azurerm_user_assigned_identity.id.id}" } });
    });
    expect(result.summary).toMatchObject({ checked: 1, compliant: 1 });
  });

  test("fails when a bucket has no default encryption configuration", () => {
    const result = checkRule(RULE, (s) => new S3Bucket(s, "Bucket", { bucket: "raw-bucket" }));
    expect(result.findings[0].message).toMatch(
      /^\[EMB-S01\] site\/Bucket \(aws_s3_bucket\): has no aws_s3_bucket_server_side_encryption_configuration, so S3 encrypts with an AWS-owned key\. Fix: encrypt with a customer-managed key/,
    );
  });

  test("fails on SSE-S3, on the AWS-managed aws/s3 key and on a key of another account", () => {
    expect(checkRule(RULE, (s) => bucketWith(s, { sseAlgorithm: "AES256" })).problems).toEqual([
      "default encryption is 'AES256', not SSE-KMS with a customer-managed key (SSE-S3 keys are held by AWS)",
    ]);
    expect(checkRule(RULE, (s) => bucketWith(s, { sseAlgorithm: "aws:kms" })).problems).toEqual([
      "SSE-KMS has no kms_master_key_id, so S3 uses the AWS-managed key aws/s3",
    ]);
    expect(checkRule(RULE, (s) => bucketWith(s, { sseAlgorithm: "aws:kms", kmsMasterKeyId: "alias/aws/s3" })).problems).toEqual([
      "kms_master_key_id 'alias/aws/s3' is an AWS-managed key, not a custody key",
    ]);
    expect(
      checkRule(RULE, (s) => bucketWith(s, { sseAlgorithm: "aws:kms", kmsMasterKeyId: "arn:aws:kms:eu-south-2:999999999999:key/x" })).problems,
    ).toEqual(["kms_master_key_id 'arn:aws:kms:eu-south-2:999999999999:key/x' belongs to account 999999999999, not the custody account 111111111111"]);
  });

  test("a reference to a key of this stack is compliant; one to something else is not", () => {
    const ok = checkRule(RULE, (s) => bucketWith(s, { sseAlgorithm: "aws:kms", kmsMasterKeyId: new KmsKey(s, "Key", {}).arn }));
    expect(ok.findings).toEqual([]);
    const bad = checkRule(RULE, (s) => bucketWith(s, { sseAlgorithm: "aws:kms", kmsMasterKeyId: "${var.key_arn}" }));
    expect(bad.problems).toEqual(["kms_master_key_id '${var.key_arn}' does not reference an aws_kms_key of this app"]);
  });

  test("fails when an Azure account has no customer-managed key", () => {
    const result = checkRule(RULE, (s) => account(s));
    expect(result.findings[0].message).toMatch(
      /^\[EMB-S01\] site\/Account \(azurerm_storage_account\): has no customer_managed_key \(nor an azurerm_storage_account_customer_managed_key\), so Azure encrypts with a Microsoft-managed key\./,
    );
  });
});
