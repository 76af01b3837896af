import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketObjectLockConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-object-lock-configuration";
import { StorageAccount } from "@cdktf/provider-azurerm/lib/storage-account";
import { StorageContainer } from "@cdktf/provider-azurerm/lib/storage-container";
import { StorageContainerImmutabilityPolicy } from "@cdktf/provider-azurerm/lib/storage-container-immutability-policy";
import type { TerraformResource } from "cdktf";
import type { Construct } from "constructs";
import { topologyOf } from "../../fixtures";
import { awsSite, checkRule } from "../helpers";

const RULE = "EMB-S02";

function lockedBucket(scope: Construct, retention: { mode: string; days?: number; years?: number }, tags?: Record<string, string>) {
  const bucket = new S3Bucket(scope, "Bucket", { bucket: "raw-bucket", objectLockEnabled: true, tags });
  new S3BucketObjectLockConfigurationA(scope, "Lock", { bucket: bucket.bucket, rule: { defaultRetention: retention } });
}

function account(scope: Construct, immutabilityPolicy?: { state: string; periodSinceCreationInDays: number }) {
  return new StorageAccount(scope, "Account", {
    name: "acct",
    resourceGroupName: "rg",
    location: "westeurope",
    accountTier: "Standard",
    accountReplicationType: "ZRS",
    ...(immutabilityPolicy ? { immutabilityPolicy: { ...immutabilityPolicy, allowProtectedAppendWrites: false } } : {}),
  });
}

describe("EMB-S02 StoreHasWormRetention", () => {
  test("an EncryptedStore (COMPLIANCE, 365 days) is compliant; its log bucket is not applicable", () => {
    const result = checkRule(RULE, (s) => awsSite(s));
    expect(result.findings).toEqual([]);
    expect(result.summary).toMatchObject({ checked: 1, compliant: 1 });
  });

  test("retention in years counts as 365 days a year", () => {
    expect(checkRule(RULE, (s) => lockedBucket(s, { mode: "COMPLIANCE", years: 1 })).summary).toMatchObject({ checked: 1, compliant: 1 });
  });

  test("fails when an EncryptedStore's lock is weakened to GOVERNANCE through an override", () => {
    const result = checkRule(RULE, (s) => {
      const { store } = awsSite(s);
      (store.node.findChild("ObjectLock") as TerraformResource).addOverride("rule.default_retention.mode", "GOVERNANCE");
    });
    expect(result.findings.map((f) => f.path)).toEqual(["site/Store/Resource/Resource"]);
    expect(result.problems).toEqual([
      "object lock mode is 'GOVERNANCE', not 'COMPLIANCE' (in GOVERNANCE mode a privileged user can shorten or remove retention)",
    ]);
  });

  test("fails below the pack's floor, naming where the floor comes from", () => {
    expect(checkRule(RULE, (s) => awsSite(s), { minRetentionDays: 400 }).problems).toEqual([
      "object lock retention is 365 days, less than 400 (rules.minRetentionDays)",
    ]);
  });

  test("fails below a tagged registry's retentionDays when the pack knows the topology", () => {
    const topology = topologyOf();
    const result = checkRule(RULE, (s) => lockedBucket(s, { mode: "COMPLIANCE", days: 100 }, { "embassy:registry": "brp" }), { topology });
    expect(result.problems).toEqual(["object lock retention is 100 days, less than 365 (retentionDays of registry 'brp')"]);
  });

  test("fails when a bucket has neither Object Lock nor a lock configuration", () => {
    const result = checkRule(RULE, (s) => new S3Bucket(s, "Bucket", { bucket: "raw-bucket" }));
    expect(result.problems).toEqual(["object_lock_enabled is absent, not true; has no aws_s3_bucket_object_lock_configuration with a default retention"]);
  });

  test("an Azure account with a Locked immutability policy of at least the floor is compliant", () => {
    expect(checkRule(RULE, (s) => account(s, { state: "Locked", periodSinceCreationInDays: 30 })).summary).toMatchObject({ checked: 1, compliant: 1 });
  });

  test("an Azure account whose every container has a locked policy is compliant", () => {
    const result = checkRule(RULE, (s) => {
      const a = account(s);
      const c = new StorageContainer(s, "Container", { name: "brp", storageAccountId: a.id });
      new StorageContainerImmutabilityPolicy(s, "Policy", { storageContainerResourceManagerId: c.resourceManagerId, immutabilityPeriodInDays: 365, locked: true });
    });
    expect(result.summary).toMatchObject({ checked: 1, compliant: 1 });
  });

  test("fails on an Unlocked or too short Azure policy", () => {
    expect(checkRule(RULE, (s) => account(s, { state: "Unlocked", periodSinceCreationInDays: 365 })).problems).toEqual([
      "immutability_policy.state is 'Unlocked', not 'Locked' (an unlocked policy can be shortened or removed)",
    ]);
    expect(checkRule(RULE, (s) => account(s, { state: "Locked", periodSinceCreationInDays: 7 })).findings[0].message).toMatch(
      /^\[EMB-S02\] site\/Account \(azurerm_storage_account\): immutability_policy\.period_since_creation_in_days is 7, less than 30 \(rules\.minRetentionDays\)\. Fix: /,
    );
  });
});
