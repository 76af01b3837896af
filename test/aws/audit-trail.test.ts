import { AuditTrail } from "../../lib/aws/audit-trail";
import { EncryptedStore } from "../../lib/aws/encrypted-store";
import { LogBucket } from "../../lib/aws/log-bucket";
import { CUSTODY, policyOf, resources, synthScope } from "../fixtures";

const TRAIL_ARN = "arn:aws:cloudtrail:ap-northeast-1:111111111111:trail/jp-tokyo-audit";

function synthTrail(options: { retentionDays?: number; multiRegion?: boolean; stores?: number; trailName?: string } = {}) {
  return synthScope((scope) => {
    const logBucket = new LogBucket(scope, "Logs", { custody: CUSTODY, bucketName: "jp-tokyo-logs" });
    const stores = ["koseki", "land"].slice(0, options.stores ?? 2).map(
      (r) => new EncryptedStore(scope, `Store-${r}`, { custody: CUSTODY, registryId: r, bucketName: `jp-tokyo-${r}`, region: "ap-northeast-1", retentionDays: 365, logBucket }),
    );
    new AuditTrail(scope, "Audit", {
      custody: CUSTODY,
      region: "ap-northeast-1",
      trailName: options.trailName ?? "jp-tokyo-audit",
      bucketName: "jp-tokyo-trail",
      stores,
      logBucket,
      ...(options.retentionDays ? { retentionDays: options.retentionDays } : {}),
      ...(options.multiRegion !== undefined ? { multiRegion: options.multiRegion } : {}),
    });
  });
}

describe("AuditTrail (aws)", () => {
  const synth = synthTrail();
  const [trail] = resources(synth, "aws_cloudtrail");
  const trailBucket = resources(synth, "aws_s3_bucket").find((b) => b.bucket === "jp-tokyo-trail");
  const ref = (type: string, match: (r: any) => boolean) => {
    const [id] = Object.entries(synth.resource[type]).find(([, r]) => match(r))!;
    return id;
  };
  const bucketId = ref("aws_s3_bucket", (b) => b.bucket === "jp-tokyo-trail");
  const keyId = ref("aws_kms_key", (k) => k.description.includes("audit trail"));

  test("a single-region trail by default, validating its log files, encrypted with its own key, into its own bucket, retained", () => {
    expect(trail).toMatchObject({
      name: "jp-tokyo-audit",
      s3_bucket_name: `\${aws_s3_bucket.${bucketId}.bucket}`,
      kms_key_id: `\${aws_kms_key.${keyId}.arn}`,
      enable_log_file_validation: true,
      enable_logging: true,
      is_multi_region_trail: false,
      include_global_service_events: false,
      lifecycle: { prevent_destroy: true },
    });
    expect(trail.depends_on).toEqual([expect.stringMatching(/^aws_s3_bucket_policy\.Audit_Bucket_Policy_/)]);
  });

  test("management events and the object reads and writes of every registry store (advanced event selectors)", () => {
    expect(trail.advanced_event_selector).toEqual([
      { name: "Management events", field_selector: [{ field: "eventCategory", equals: ["Management"] }] },
      {
        name: "Registry store object reads and writes",
        field_selector: [
          { field: "eventCategory", equals: ["Data"] },
          { field: "resources.type", equals: ["AWS::S3::Object"] },
          { field: "resources.ARN", starts_with: [expect.stringMatching(/^\$\{aws_s3_bucket\.Store-koseki_\w+\.arn\}\/$/), expect.stringMatching(/^\$\{aws_s3_bucket\.Store-land_\w+\.arn\}\/$/)] },
        ],
      },
    ]);
    const none = resources(synthTrail({ stores: 0 }), "aws_cloudtrail")[0];
    expect(none.advanced_event_selector.map((s: any) => s.name)).toEqual(["Management events"]);
  });

  test("a multi-region trail records global service events", () => {
    expect(resources(synthTrail({ multiRegion: true }), "aws_cloudtrail")[0]).toMatchObject({ is_multi_region_trail: true, include_global_service_events: true });
  });

  test("the bucket: Object Lock COMPLIANCE for a year by default, versioned, public access blocked, access-logged, retained, tagged as the audit trail", () => {
    expect(trailBucket).toMatchObject({ object_lock_enabled: true, force_destroy: false, lifecycle: { prevent_destroy: true }, tags: { "embassy:purpose": "audit-trail" } });
    const locks = resources(synth, "aws_s3_bucket_object_lock_configuration").filter((l) => l.bucket === `\${aws_s3_bucket.${bucketId}.bucket}`);
    expect(locks.map((l) => l.rule.default_retention)).toEqual([{ mode: "COMPLIANCE", days: 365 }]);
    const onBucket = (type: string) => resources(synth, type).filter((r) => r.bucket === `\${aws_s3_bucket.${bucketId}.bucket}`);
    expect(onBucket("aws_s3_bucket_versioning")[0].versioning_configuration.status).toBe("Enabled");
    expect(onBucket("aws_s3_bucket_public_access_block")[0]).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
    expect(onBucket("aws_s3_bucket_logging")[0]).toMatchObject({ target_prefix: "access/audit-trail/", lifecycle: { prevent_destroy: true } });
    expect(onBucket("aws_s3_bucket_lifecycle_configuration")[0].rule[0]).toMatchObject({ expiration: [{ days: 400 }], noncurrent_version_expiration: [{ noncurrent_days: 1 }] });
    const longer = resources(synthTrail({ retentionDays: 3650 }), "aws_s3_bucket_object_lock_configuration").map((l) => l.rule.default_retention.days);
    expect(longer).toContain(3650);
  });

  test("the bucket policy admits CloudTrail for this trail only, as documented, on top of the hardened denies", () => {
    const policy = resources(synth, "aws_s3_bucket_policy").find((p) => p.bucket === `\${aws_s3_bucket.${bucketId}.bucket}`);
    const statements = policyOf(policy.policy).Statement;
    const arn = `\${aws_s3_bucket.${bucketId}.arn}`;
    expect(statements.filter((s) => s.Principal?.Service === "cloudtrail.amazonaws.com")).toEqual([
      { Sid: "AWSCloudTrailAclCheck", Effect: "Allow", Principal: { Service: "cloudtrail.amazonaws.com" }, Action: "s3:GetBucketAcl", Resource: arn, Condition: { StringEquals: { "aws:SourceArn": TRAIL_ARN } } },
      {
        Sid: "AWSCloudTrailWrite",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: "s3:PutObject",
        Resource: `${arn}/AWSLogs/111111111111/*`,
        Condition: { StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": TRAIL_ARN } },
      },
    ]);
    expect(statements.map((s) => s.Sid)).toEqual(expect.arrayContaining(["DenyInsecureTransport", "DenyOutsideCustody", "DenyDeletingObjects", "DenyChangingObjectLocks", "DenyConfigurationOutsideCustodians"]));
  });

  test("the key lets CloudTrail generate data keys for this trail only, and describe the key", () => {
    const key = synth.resource.aws_kms_key[keyId];
    expect(policyOf(key.policy).Statement.filter((s) => s.Principal?.Service)).toEqual([
      { Sid: "AllowCloudTrailToEncryptLogs", Effect: "Allow", Principal: { Service: "cloudtrail.amazonaws.com" }, Action: ["kms:GenerateDataKey*"], Resource: "*", Condition: { StringEquals: { "aws:SourceArn": TRAIL_ARN } } },
      { Sid: "AllowCloudTrailToDescribeKey", Effect: "Allow", Principal: { Service: "cloudtrail.amazonaws.com" }, Action: ["kms:DescribeKey"], Resource: "*" },
    ]);
    expect(key.lifecycle).toEqual({ prevent_destroy: true });
  });

  test("fails when the retention is under a year or the trail name is not one CloudTrail accepts", () => {
    expect(() => synthTrail({ retentionDays: 90 })).toThrow(/retentionDays must be a whole number of days, at least 365, got 90 for audit trail 'jp-tokyo-audit'/);
    expect(() => synthTrail({ trailName: "a--b" })).toThrow(/trailName must be 3-128 characters of \[A-Za-z0-9._-\].*got 'a--b'/);
  });
});
