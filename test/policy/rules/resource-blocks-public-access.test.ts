import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketAcl } from "@cdktf/provider-aws/lib/s3-bucket-acl";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { KeyVault } from "@cdktf/provider-azurerm/lib/key-vault";
import { MonitorDiagnosticSetting } from "@cdktf/provider-azurerm/lib/monitor-diagnostic-setting";
import { StorageAccount, type StorageAccountConfig } from "@cdktf/provider-azurerm/lib/storage-account";
import { StorageContainer } from "@cdktf/provider-azurerm/lib/storage-container";
import type { Construct } from "constructs";
import { awsSite, checkRule } from "../helpers";

const RULE = "EMB-S04";

const PRIVATE_ACCOUNT = { publicNetworkAccessEnabled: false, allowNestedItemsToBePublic: false, sharedAccessKeyEnabled: false };

function account(scope: Construct, extra: Partial<StorageAccountConfig> = {}) {
  return new StorageAccount(scope, "Account", { name: "acct", resourceGroupName: "rg", location: "westeurope", accountTier: "Standard", accountReplicationType: "ZRS", ...extra });
}

function vault(scope: Construct, publicNetworkAccessEnabled?: boolean) {
  new KeyVault(scope, "Vault", { name: "v", resourceGroupName: "rg", location: "westeurope", tenantId: "t", skuName: "premium", ...(publicNetworkAccessEnabled === undefined ? {} : { publicNetworkAccessEnabled }) });
}

describe("EMB-S04 ResourceBlocksPublicAccess", () => {
  test("the store and its log bucket block all public access", () => {
    expect(checkRule(RULE, (s) => awsSite(s)).summary).toMatchObject({ checked: 2, compliant: 2 });
  });

  test("a private Azure account, a private container and a private vault are compliant", () => {
    const result = checkRule(RULE, (s) => {
      const a = account(s, PRIVATE_ACCOUNT);
      new StorageContainer(s, "Container", { name: "c", storageAccountId: a.id });
      vault(s, false);
    });
    expect(result.summary).toMatchObject({ checked: 3, compliant: 3 });
  });

  test("a log account may keep its public endpoint behind a deny-all firewall", () => {
    const result = checkRule(RULE, (s) => {
      const logs = account(s, { ...PRIVATE_ACCOUNT, publicNetworkAccessEnabled: true, networkRules: { defaultAction: "Deny", bypass: ["AzureServices"], ipRules: [] } });
      new MonitorDiagnosticSetting(s, "Diagnostics", { name: "d", targetResourceId: "/subscriptions/x/vault", storageAccountId: logs.id, enabledLog: [{ categoryGroup: "allLogs" }] });
    });
    expect(result.summary).toMatchObject({ checked: 1, compliant: 1 });
  });

  test("fails when a bucket has no public access block, or one with a setting off, or a public ACL", () => {
    expect(checkRule(RULE, (s) => new S3Bucket(s, "Bucket", { bucket: "raw" })).findings[0].message).toMatch(
      /^\[EMB-S04\] site\/Bucket \(aws_s3_bucket\): has no aws_s3_bucket_public_access_block\. Fix: block all public access/,
    );
    const partial = checkRule(RULE, (s) => {
      const b = new S3Bucket(s, "Bucket", { bucket: "raw" });
      new S3BucketPublicAccessBlock(s, "Block", { bucket: b.bucket, blockPublicAcls: true, blockPublicPolicy: false, ignorePublicAcls: true, restrictPublicBuckets: true });
      new S3BucketAcl(s, "Acl", { bucket: b.bucket, acl: "public-read" });
    });
    expect(partial.findings.map((f) => f.path)).toEqual(["site/Acl", "site/Bucket"]);
    expect(partial.problems).toEqual(["acl is 'public-read'", "public access block block_public_policy is false, not true"]);
  });

  test("fails on an Azure account left at the provider's public defaults", () => {
    expect(checkRule(RULE, (s) => account(s)).problems).toEqual([
      "public_network_access_enabled is absent, not false; allow_nested_items_to_be_public is absent, not false; shared_access_key_enabled is absent, not false (account keys and SAS bypass Entra ID)",
    ]);
  });

  test("fails on a public container and a vault with public network access", () => {
    const result = checkRule(RULE, (s) => {
      const a = account(s, PRIVATE_ACCOUNT);
      new StorageContainer(s, "Container", { name: "c", storageAccountId: a.id, containerAccessType: "blob" });
      vault(s);
    });
    expect(result.findings.map((f) => `${f.path}: ${f.message.split(": ")[1].split(". Fix")[0]}`)).toEqual([
      "site/Container: container_access_type is 'blob', not 'private'",
      "site/Vault: public_network_access_enabled is absent, not false",
    ]);
  });
});
