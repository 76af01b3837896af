import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { StorageAccount, type StorageAccountConfig } from "@cdktf/provider-azurerm/lib/storage-account";
import type { Construct } from "constructs";
import { awsSite, checkRule, policy } from "../helpers";

const RULE = "EMB-S05";

function bucketWithPolicy(scope: Construct, ...statements: object[]) {
  const b = new S3Bucket(scope, "Bucket", { bucket: "raw" });
  new S3BucketPolicy(scope, "Policy", { bucket: b.bucket, policy: policy(...statements) });
}

function account(scope: Construct, extra: Partial<StorageAccountConfig> = {}) {
  new StorageAccount(scope, "Account", { name: "acct", resourceGroupName: "rg", location: "westeurope", accountTier: "Standard", accountReplicationType: "ZRS", ...extra });
}

const DENY_HTTP = { Sid: "Tls", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "*", Condition: { Bool: { "aws:SecureTransport": false } } };

describe("EMB-S05 StoreRequiresTls", () => {
  test("the store and its log bucket deny requests without TLS", () => {
    expect(checkRule(RULE, (s) => awsSite(s)).summary).toMatchObject({ checked: 2, compliant: 2 });
  });

  test("a raw bucket policy with the deny (boolean false) is compliant; Azure defaults are TLS 1.2 and HTTPS only", () => {
    expect(checkRule(RULE, (s) => bucketWithPolicy(s, DENY_HTTP)).summary).toMatchObject({ checked: 1, compliant: 1 });
    expect(checkRule(RULE, (s) => account(s)).summary).toMatchObject({ checked: 1, compliant: 1 });
  });

  test("fails when a bucket has no policy", () => {
    expect(checkRule(RULE, (s) => new S3Bucket(s, "Bucket", { bucket: "raw" })).findings[0].message).toMatch(
      /^\[EMB-S05\] site\/Bucket \(aws_s3_bucket\): has no aws_s3_bucket_policy, so requests without TLS are not denied\. Fix: deny requests with aws:SecureTransport false/,
    );
  });

  test("fails when the deny covers only some actions or some principals", () => {
    const partial = checkRule(RULE, (s) => bucketWithPolicy(s, { ...DENY_HTTP, Action: "s3:GetObject" }, { ...DENY_HTTP, Principal: { AWS: "arn:aws:iam::111111111111:root" } }));
    expect(partial.problems).toEqual(["no bucket policy statement denies every principal every s3 action when aws:SecureTransport is false"]);
  });

  test("fails on an Azure account with an old TLS version or plain HTTP", () => {
    expect(checkRule(RULE, (s) => account(s, { minTlsVersion: "TLS1_0", httpsTrafficOnlyEnabled: false })).problems).toEqual([
      "min_tls_version is 'TLS1_0', not 'TLS1_2'; https_traffic_only_enabled is false, not true",
    ]);
  });
});
