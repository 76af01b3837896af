import { LogBucket } from "../../lib/aws/log-bucket";
import { CUSTODY, policyOf, resources, synthScope } from "../fixtures";

describe("LogBucket (aws)", () => {
  const synth = synthScope((scope) => new LogBucket(scope, "Logs", { custody: CUSTODY, bucketName: "site-logs" }));

  test("is retained, versioned, SSE-S3 encrypted and keeps logs for 400 days", () => {
    expect(resources(synth, "aws_s3_bucket")[0]).toMatchObject({ bucket: "site-logs", force_destroy: false, lifecycle: { prevent_destroy: true } });
    expect(resources(synth, "aws_s3_bucket_server_side_encryption_configuration")[0].rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } },
    ]);
    expect(resources(synth, "aws_s3_bucket_lifecycle_configuration")[0].rule[0].expiration).toEqual([{ days: 400 }]);
  });

  test("only the two AWS log delivery services of this account may write", () => {
    const statements = policyOf(resources(synth, "aws_s3_bucket_policy")[0].policy).Statement;
    const allows = statements.filter((s) => s.Effect === "Allow");
    expect(allows.map((s) => s.Principal.Service)).toEqual(["logging.s3.amazonaws.com", "delivery.logs.amazonaws.com", "delivery.logs.amazonaws.com"]);
    allows.forEach((s) => expect(s.Condition.StringEquals["aws:SourceAccount"]).toBe("111111111111"));
    const outside = statements.find((s) => s.Sid === "DenyOutsideCustody");
    expect(outside.Condition).toEqual({
      StringNotEquals: { "aws:PrincipalAccount": "111111111111" },
      BoolIfExists: { "aws:PrincipalIsAWSService": "false" },
    });
  });

  test("nobody may delete a log object or version, and only the custodians may change the bucket's policy or configuration", () => {
    const statements = policyOf(resources(synth, "aws_s3_bucket_policy")[0].policy).Statement;
    const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));
    const arn = expect.stringMatching(/^\$\{aws_s3_bucket\.Logs_Bucket_\w+\.arn\}$/);
    // No condition: not even a custodian deletes evidence; old logs expire through the lifecycle rule.
    expect(bySid.DenyDeletingObjects).toEqual({
      Sid: "DenyDeletingObjects",
      Effect: "Deny",
      Principal: "*",
      Action: ["s3:DeleteObject", "s3:DeleteObjectVersion"],
      Resource: expect.stringMatching(/^\$\{aws_s3_bucket\.Logs_Bucket_\w+\.arn\}\/\*$/),
    });
    expect(bySid.DenyConfigurationOutsideCustodians).toEqual({
      Sid: "DenyConfigurationOutsideCustodians",
      Effect: "Deny",
      Principal: "*",
      Action: expect.arrayContaining(["s3:PutBucketPolicy", "s3:DeleteBucketPolicy", "s3:PutLifecycleConfiguration", "s3:PutBucketLogging", "s3:PutEncryptionConfiguration", "s3:PutBucketVersioning", "s3:PutBucketPublicAccessBlock", "s3:PutBucketOwnershipControls"]),
      Resource: arn,
      Condition: { ArnNotEquals: { "aws:PrincipalArn": ["arn:aws:iam::111111111111:role/embassy-admin"] } },
    });
    // A log bucket has no Object Lock, so there is no lock to protect.
    expect(bySid.DenyChangingObjectLocks).toBeUndefined();
    // What the log delivery services do is never denied: they only put objects (and read the ACL, list).
    const deliveryActions = statements.filter((s) => s.Effect === "Allow").flatMap((s) => [s.Action].flat());
    const denied = statements.filter((s) => s.Effect === "Deny" && s.Sid !== "DenyOutsideCustody" && s.Sid !== "DenyInsecureTransport").flatMap((s) => [s.Action].flat());
    expect(deliveryActions.filter((a) => denied.includes(a))).toEqual([]);
  });

  test("its ownership controls (ACLs disabled) are retained like the bucket", () => {
    expect(resources(synth, "aws_s3_bucket_ownership_controls").map((o) => [o.rule, o.lifecycle])).toEqual([
      [{ object_ownership: "BucketOwnerEnforced" }, { prevent_destroy: true }],
    ]);
  });

  test("fails when retention is shorter than an audit year", () => {
    expect(() => synthScope((scope) => new LogBucket(scope, "L", { custody: CUSTODY, bucketName: "l-logs", retentionDays: 30 }))).toThrow(
      "retentionDays must be at least 365, got 30 for log bucket 'l-logs'",
    );
  });
});
