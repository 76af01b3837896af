import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { StorageAccount } from "@cdktf/provider-azurerm/lib/storage-account";
import type { Construct } from "constructs";
import { awsSite, checkRule } from "../helpers";

const RULE = "EMB-S03";

function account(scope: Construct, versioningEnabled?: boolean) {
  new StorageAccount(scope, "Account", {
    name: "acct",
    resourceGroupName: "rg",
    location: "westeurope",
    accountTier: "Standard",
    accountReplicationType: "ZRS",
    ...(versioningEnabled === undefined ? {} : { blobProperties: { versioningEnabled } }),
  });
}

describe("EMB-S03 StoreIsVersioned", () => {
  test("the store and its log bucket are both versioned", () => {
    expect(checkRule(RULE, (s) => awsSite(s)).summary).toMatchObject({ checked: 2, compliant: 2, nonCompliant: 0 });
  });

  test("an Azure account with blob versioning is compliant", () => {
    expect(checkRule(RULE, (s) => account(s, true)).summary).toMatchObject({ checked: 1, compliant: 1 });
  });

  test("fails when a bucket has no versioning resource, or a suspended one", () => {
    const missing = checkRule(RULE, (s) => new S3Bucket(s, "Bucket", { bucket: "raw" }));
    expect(missing.findings[0].message).toMatch(
      /^\[EMB-S03\] site\/Bucket \(aws_s3_bucket\): has no aws_s3_bucket_versioning, so an overwrite replaces the only copy\. Fix: enable versioning/,
    );
    const suspended = checkRule(RULE, (s) => {
      const b = new S3Bucket(s, "Bucket", { bucket: "raw" });
      new S3BucketVersioningA(s, "Versioning", { bucket: b.bucket, versioningConfiguration: { status: "Suspended" } });
    });
    expect(suspended.problems).toEqual(["aws_s3_bucket_versioning status is 'Suspended', not 'Enabled'"]);
  });

  test("fails when an Azure account does not version blobs", () => {
    expect(checkRule(RULE, (s) => account(s)).problems).toEqual(["blob_properties.versioning_enabled is absent, not true"]);
    expect(checkRule(RULE, (s) => account(s, false)).problems).toEqual(["blob_properties.versioning_enabled is false, not true"]);
  });
});
