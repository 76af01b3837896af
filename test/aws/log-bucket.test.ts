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

  test("fails when retention is shorter than an audit year", () => {
    expect(() => synthScope((scope) => new LogBucket(scope, "L", { custody: CUSTODY, bucketName: "l-logs", retentionDays: 30 }))).toThrow(
      "retentionDays must be at least 365, got 30 for log bucket 'l-logs'",
    );
  });
});
