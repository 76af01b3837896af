import { runSimulation } from "@cloud-copilot/iam-simulate";
import { EncryptedStore } from "../../lib/aws/encrypted-store";
import { LogBucket } from "../../lib/aws/log-bucket";
import { Role } from "../../lib/aws/role";
import { CUSTODY, policyOf, resources, synthScope } from "../fixtures";

function store(extra: { retentionDays?: number; minRetentionDays?: number } = {}) {
  return synthScope((scope) => {
    const logBucket = new LogBucket(scope, "Logs", { custody: CUSTODY, bucketName: "site-logs" });
    const s = new EncryptedStore(scope, "Store", {
      custody: CUSTODY,
      registryId: "brp",
      bucketName: "site-brp",
      region: "eu-south-2",
      retentionDays: extra.retentionDays ?? 365,
      minRetentionDays: extra.minRetentionDays,
      logBucket,
    });
    const reader = new Role(scope, "Reader", { custody: CUSTODY, roleName: "reader", description: "test" });
    s.grantRead(reader);
  });
}

describe("EncryptedStore (aws)", () => {
  const synth = store();
  const bucket = resources(synth, "aws_s3_bucket").find((b) => b.bucket === "site-brp");

  test("the bucket has Object Lock, is retained and never force-destroyed", () => {
    expect(bucket).toMatchObject({ object_lock_enabled: true, force_destroy: false, lifecycle: { prevent_destroy: true }, tags: { "embassy:registry": "brp" } });
  });

  test("Object Lock default retention is COMPLIANCE for the registry's retentionDays", () => {
    const [lock] = resources(synth, "aws_s3_bucket_object_lock_configuration");
    expect(lock.rule).toEqual({ default_retention: { mode: "COMPLIANCE", days: 365 } });
    expect(lock.lifecycle).toEqual({ prevent_destroy: true });
  });

  test("versioning is enabled on the store and on its log bucket", () => {
    const versioning = resources(synth, "aws_s3_bucket_versioning");
    expect(versioning).toHaveLength(2);
    versioning.forEach((v) => expect(v.versioning_configuration).toEqual({ status: "Enabled" }));
  });

  test("SSE-KMS with the store's own customer-managed key and bucket keys", () => {
    const enc = resources(synth, "aws_s3_bucket_server_side_encryption_configuration").find((e) =>
      e.rule[0].apply_server_side_encryption_by_default.sse_algorithm === "aws:kms",
    );
    expect(enc.rule[0]).toEqual({
      apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: expect.stringMatching(/^\$\{aws_kms_key\.Store_Key_\w+\.arn\}$/) },
      bucket_key_enabled: true,
    });
  });

  test("the key rotates, has a 30-day deletion window and is retained", () => {
    const [key] = resources(synth, "aws_kms_key");
    expect(key).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30, multi_region: false, lifecycle: { prevent_destroy: true } });
  });

  test("all public access is blocked and ACLs are disabled", () => {
    const pab = resources(synth, "aws_s3_bucket_public_access_block");
    expect(pab).toHaveLength(2);
    pab.forEach((p) =>
      expect(p).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true }),
    );
    resources(synth, "aws_s3_bucket_ownership_controls").forEach((o) => expect(o.rule).toEqual({ object_ownership: "BucketOwnerEnforced" }));
  });

  test("access logs go to the separate log bucket", () => {
    const [logging] = resources(synth, "aws_s3_bucket_logging");
    expect(logging).toMatchObject({ target_bucket: expect.stringContaining("aws_s3_bucket.Logs_Bucket"), target_prefix: "access/brp/" });
  });

  test("the bucket policy denies non-TLS, wrong encryption, other keys and principals outside custody", () => {
    const policy = resources(synth, "aws_s3_bucket_policy").find((p) => p.bucket.includes("aws_s3_bucket.Store_"));
    const statements = policyOf(policy.policy).Statement;
    const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));
    expect(bySid.DenyInsecureTransport).toMatchObject({ Effect: "Deny", Principal: "*", Action: "s3:*", Condition: { Bool: { "aws:SecureTransport": "false" } } });
    expect(bySid.DenyOutsideCustody).toMatchObject({ Effect: "Deny", Condition: { StringNotEquals: { "aws:PrincipalAccount": "111111111111" } } });
    expect(bySid.DenyOutsideCustody.Condition.BoolIfExists).toBeUndefined();
    // Each encryption deny fires only when its header is present (Null: false in the same
    // statement): an upload that relies on the bucket default sends none of them.
    expect(bySid.DenyUploadsNotSseKms.Condition).toEqual({
      StringNotEquals: { "s3:x-amz-server-side-encryption": "aws:kms" },
      Null: { "s3:x-amz-server-side-encryption": "false" },
    });
    expect(bySid.DenyUploadsWithOtherKey.Condition).toEqual({
      StringNotEquals: { "s3:x-amz-server-side-encryption-aws-kms-key-id": expect.stringMatching(/^\$\{aws_kms_key\.Store_Key_\w+\.arn\}$/) },
      Null: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "false" },
    });
    expect(bySid.DenyUploadsWithoutKeyId.Condition).toEqual({
      StringEquals: { "s3:x-amz-server-side-encryption": "aws:kms" },
      Null: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "true" },
    });
    expect(bySid.DenyUploadsWithCustomerKey.Condition).toEqual({ Null: { "s3:x-amz-server-side-encryption-customer-algorithm": "false" } });
    // No operator that matches an absent header may appear in an upload deny.
    const uploadDenies = statements.filter((s) => s.Effect === "Deny" && s.Action === "s3:PutObject");
    expect(uploadDenies.map((s) => s.Sid)).toEqual(["DenyUploadsNotSseKms", "DenyUploadsWithOtherKey", "DenyUploadsWithoutKeyId", "DenyUploadsWithCustomerKey"]);
    uploadDenies.forEach((s) => expect(Object.keys(s.Condition).filter((op) => op.endsWith("IfExists"))).toEqual([]));
    expect(statements.filter((s) => s.Effect === "Allow")).toEqual([]);
  });

  test("the bucket policy denies everyone deleting an object or version, and changing a version's retention or legal hold", () => {
    const policy = resources(synth, "aws_s3_bucket_policy").find((p) => p.bucket.includes("aws_s3_bucket.Store_"));
    const bySid = Object.fromEntries(policyOf(policy.policy).Statement.map((s) => [s.Sid, s]));
    const objects = expect.stringMatching(/^\$\{aws_s3_bucket\.Store_\w+\.arn\}\/\*$/);
    // No condition at all: not a custodian, not the writer, not the replication role.
    expect(bySid.DenyDeletingObjects).toEqual({ Sid: "DenyDeletingObjects", Effect: "Deny", Principal: "*", Action: ["s3:DeleteObject", "s3:DeleteObjectVersion"], Resource: objects });
    expect(bySid.DenyChangingObjectLocks).toEqual({
      Sid: "DenyChangingObjectLocks",
      Effect: "Deny",
      Principal: "*",
      Action: ["s3:PutObjectRetention", "s3:PutObjectLegalHold", "s3:BypassGovernanceRetention"],
      Resource: objects,
    });
  });

  test("the bucket policy denies every principal but the custodians changing the bucket's policy or configuration", () => {
    const policy = resources(synth, "aws_s3_bucket_policy").find((p) => p.bucket.includes("aws_s3_bucket.Store_"));
    const deny = policyOf(policy.policy).Statement.find((s) => s.Sid === "DenyConfigurationOutsideCustodians");
    expect(deny).toEqual({
      Sid: "DenyConfigurationOutsideCustodians",
      Effect: "Deny",
      Principal: "*",
      Action: [
        "s3:PutBucketPolicy",
        "s3:DeleteBucketPolicy",
        "s3:PutBucketObjectLockConfiguration",
        "s3:PutReplicationConfiguration",
        "s3:PutBucketLogging",
        "s3:PutLifecycleConfiguration",
        "s3:PutEncryptionConfiguration",
        "s3:PutBucketVersioning",
        "s3:PutBucketPublicAccessBlock",
        "s3:PutBucketOwnershipControls",
        "s3:PutBucketNotification",
        "s3:DeleteBucket",
      ],
      Resource: expect.stringMatching(/^\$\{aws_s3_bucket\.Store_\w+\.arn\}$/),
      Condition: { ArnNotEquals: { "aws:PrincipalArn": ["arn:aws:iam::111111111111:role/embassy-admin"] } },
    });
  });

  test("the custodians are the administrators who are neither readers nor writers", () => {
    const custody = {
      accountId: "111111111111",
      administrators: ["arn:aws:iam::111111111111:role/platform", "arn:aws:iam::111111111111:user/break-glass", "arn:aws:iam::111111111111:role/restore", "arn:aws:iam::111111111111:role/ingest"],
      readers: ["arn:aws:iam::111111111111:role/restore"],
      writers: ["arn:aws:iam::111111111111:role/ingest"],
    };
    const separated = synthScope((scope) => {
      const logBucket = new LogBucket(scope, "Logs", { custody, bucketName: "site-logs" });
      new EncryptedStore(scope, "Store", { custody, registryId: "brp", bucketName: "site-brp", region: "eu-south-2", retentionDays: 365, logBucket });
    });
    for (const policy of resources(separated, "aws_s3_bucket_policy")) {
      const deny = policyOf(policy.policy).Statement.find((s) => s.Sid === "DenyConfigurationOutsideCustodians");
      expect(deny.Condition).toEqual({ ArnNotEquals: { "aws:PrincipalArn": ["arn:aws:iam::111111111111:role/platform", "arn:aws:iam::111111111111:user/break-glass"] } });
    }
  });

  test("access logging waits for the log bucket's policy (no request goes unlogged) and is retained", () => {
    const [logging] = resources(synth, "aws_s3_bucket_logging");
    expect(logging.depends_on).toEqual([expect.stringMatching(/^aws_s3_bucket_policy\.Logs_Bucket_Policy_\w+$/)]);
    expect(logging.lifecycle).toEqual({ prevent_destroy: true });
  });

  test("ownership controls (ACLs disabled) are retained on the store and on its log bucket", () => {
    const ownership = resources(synth, "aws_s3_bucket_ownership_controls");
    expect(ownership).toHaveLength(2);
    ownership.forEach((o) => expect(o.lifecycle).toEqual({ prevent_destroy: true }));
  });

  test("grantRead gives the role read actions on the bucket and decrypt through S3 on the key", () => {
    const [policy] = resources(synth, "aws_iam_role_policy");
    const statements = policyOf(policy.policy).Statement;
    expect(statements.map((s) => s.Sid)).toEqual(["ReadStores", "ReadStoreKeys"]);
    expect(statements[0].Action).toContain("s3:GetObjectVersion");
    expect(statements[0].Action).not.toContain("s3:PutObject");
    expect(statements[1]).toMatchObject({ Action: ["kms:Decrypt", "kms:DescribeKey"] });
    const [key] = resources(synth, "aws_kms_key");
    const use = policyOf(key.policy).Statement.find((s) => s.Sid === "UseReader");
    expect(use.Condition).toEqual({
      ArnEquals: { "aws:PrincipalArn": "arn:aws:iam::111111111111:role/reader" },
      StringEquals: { "kms:ViaService": "s3.eu-south-2.amazonaws.com" },
    });
  });

  test("lifecycle only aborts abandoned uploads: no rule ever expires a version", () => {
    const lifecycle = resources(synth, "aws_s3_bucket_lifecycle_configuration").find((l) => l.bucket.includes("aws_s3_bucket.Store_"));
    expect(lifecycle.rule).toEqual([
      { id: "abort-incomplete-uploads", status: "Enabled", filter: [{ prefix: "" }], abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }] },
    ]);
  });

  test("object events go to EventBridge", () => {
    expect(resources(synth, "aws_s3_bucket_notification").map((n) => n.eventbridge)).toEqual([true, true]);
  });

  test("a longer retention is kept as given", () => {
    const [lock] = resources(store({ retentionDays: 3650 }), "aws_s3_bucket_object_lock_configuration");
    expect(lock.rule.default_retention.days).toBe(3650);
  });

  test("fails when retentionDays is below the floor, naming registry and value", () => {
    expect(() => store({ retentionDays: 7 })).toThrow(
      "retentionDays must be at least 30 (rules.minRetentionDays), got 7 for registry 'brp'",
    );
    expect(() => store({ retentionDays: 60, minRetentionDays: 90 })).toThrow(/at least 90 \(rules\.minRetentionDays\), got 60/);
  });

  test("fails when no administrator is a custodian: nobody could change the buckets", () => {
    const custody = { accountId: "111111111111", administrators: ["arn:aws:iam::111111111111:role/restore"], readers: ["arn:aws:iam::111111111111:role/restore"] };
    expect(() => synthScope((scope) => new LogBucket(scope, "Logs", { custody, bucketName: "site-logs" }))).toThrow(
      "custody.administrators must name at least one custodian (an administrator who is neither reader nor writer), who alone may change bucket 'site-logs': got none among 'arn:aws:iam::111111111111:role/restore'",
    );
  });

  test("fails on an invalid bucket name", () => {
    expect(() =>
      synthScope((scope) => new LogBucket(scope, "Logs", { custody: CUSTODY, bucketName: "Bad_Name" })),
    ).toThrow("bucketName must be 3-63 characters of [a-z0-9-], starting and ending with a letter or digit, got 'Bad_Name'");
  });
});

describe("EncryptedStore (aws): uploads, as IAM evaluates the synthesized policies", () => {
  // The writer's identity policy and the bucket policy, with the references a real deploy would
  // resolve replaced by concrete ARNs, evaluated by an IAM simulator.
  const KEY_ARN = "arn:aws:kms:eu-south-2:111111111111:key/0e7f2a5c-1d3b-4c6e-9f80-2a4b6c8d0e1f";
  const WRITER = "arn:aws:iam::111111111111:role/writer";
  const synth = synthScope((scope) => {
    const logBucket = new LogBucket(scope, "Logs", { custody: CUSTODY, bucketName: "site-logs" });
    const s = new EncryptedStore(scope, "Store", { custody: CUSTODY, registryId: "brp", bucketName: "site-brp", region: "eu-south-2", retentionDays: 365, logBucket });
    s.grantWrite(new Role(scope, "Writer", { custody: CUSTODY, roleName: "writer", description: "test" }));
  });
  const concrete = (json: string) =>
    JSON.parse(json.replace(/\$\{aws_s3_bucket\.Store_[^}]+\.arn\}/g, "arn:aws:s3:::site-brp").replace(/\$\{aws_kms_key\.Store_Key_[^}]+\.arn\}/g, KEY_ARN));
  const bucketPolicy = concrete(resources(synth, "aws_s3_bucket_policy").find((p) => p.bucket.includes("aws_s3_bucket.Store_")).policy);
  const writerPolicy = concrete(resources(synth, "aws_iam_role_policy")[0].policy);

  async function upload(headers: Record<string, string>): Promise<string> {
    const response = await runSimulation(
      {
        identityPolicies: [{ name: "writer", policy: writerPolicy }],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        resourcePolicy: bucketPolicy,
        request: {
          action: "s3:PutObject",
          principal: WRITER,
          resource: { resource: "arn:aws:s3:::site-brp/snapshots/2026-01-01.tar", accountId: "111111111111" },
          contextVariables: { "aws:SecureTransport": "true", "aws:PrincipalAccount": "111111111111", "aws:PrincipalArn": WRITER, ...headers },
        },
      },
      {},
    );
    if (response.resultType === "error") throw new Error(JSON.stringify(response.errors));
    return response.overallResult;
  }

  test("an upload without encryption headers (the bucket default applies) is allowed", async () => {
    expect(await upload({})).toBe("Allowed");
  });

  test("an upload naming this store's key by its ARN is allowed", async () => {
    expect(await upload({ "s3:x-amz-server-side-encryption": "aws:kms", "s3:x-amz-server-side-encryption-aws-kms-key-id": KEY_ARN })).toBe("Allowed");
  });

  test("an upload asking for another algorithm, another key, aws:kms alone, or a customer key is denied", async () => {
    const other = "arn:aws:kms:eu-south-2:111111111111:key/11111111-2222-3333-4444-555555555555";
    const kms = { "s3:x-amz-server-side-encryption": "aws:kms" };
    expect(await upload({ "s3:x-amz-server-side-encryption": "AES256" })).toBe("ExplicitlyDenied");
    expect(await upload({ ...kms, "s3:x-amz-server-side-encryption-aws-kms-key-id": other })).toBe("ExplicitlyDenied");
    expect(await upload(kms)).toBe("ExplicitlyDenied");
    expect(await upload({ "s3:x-amz-server-side-encryption-customer-algorithm": "AES256" })).toBe("ExplicitlyDenied");
  });
});

describe("EncryptedStore (aws): principals of the custody account, as IAM evaluates the synthesized bucket policy", () => {
  // Each caller holds AdministratorAccess: what it still cannot do is what the bucket policy refuses.
  const CUSTODIAN = "arn:aws:iam::111111111111:role/embassy-admin";
  const ACCOUNT_ADMIN = "arn:aws:iam::111111111111:role/account-admin";
  const synth = synthScope((scope) => {
    const logBucket = new LogBucket(scope, "Logs", { custody: CUSTODY, bucketName: "site-logs" });
    new EncryptedStore(scope, "Store", { custody: CUSTODY, registryId: "brp", bucketName: "site-brp", region: "eu-south-2", retentionDays: 365, logBucket });
  });
  const bucketPolicy = JSON.parse(
    resources(synth, "aws_s3_bucket_policy")
      .find((p) => p.bucket.includes("aws_s3_bucket.Store_"))
      .policy.replace(/\$\{aws_s3_bucket\.Store_[^}]+\.arn\}/g, "arn:aws:s3:::site-brp")
      .replace(/\$\{aws_kms_key\.Store_Key_[^}]+\.arn\}/g, "arn:aws:kms:eu-south-2:111111111111:key/0e7f2a5c-1d3b-4c6e-9f80-2a4b6c8d0e1f"),
  );
  const administratorAccess = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };

  async function decide(principal: string, action: string, resource: string): Promise<string> {
    const response = await runSimulation(
      {
        identityPolicies: [{ name: "AdministratorAccess", policy: administratorAccess }],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        resourcePolicy: bucketPolicy,
        request: {
          action,
          principal,
          resource: { resource, accountId: "111111111111" },
          contextVariables: { "aws:SecureTransport": "true", "aws:PrincipalAccount": "111111111111", "aws:PrincipalArn": principal },
        },
      },
      {},
    );
    if (response.resultType === "error") throw new Error(JSON.stringify(response.errors));
    return response.overallResult;
  }
  const OBJECT = "arn:aws:s3:::site-brp/snapshots/2026-01-01.tar";
  const BUCKET = "arn:aws:s3:::site-brp";

  test("an in-account administrator who is not a custodian cannot delete, re-lock, or change the bucket's policy or configuration, and may still read it", async () => {
    const refused: string[] = [];
    for (const action of ["s3:DeleteObject", "s3:DeleteObjectVersion", "s3:PutObjectRetention", "s3:PutObjectLegalHold", "s3:BypassGovernanceRetention"]) {
      refused.push(`${action}: ${await decide(ACCOUNT_ADMIN, action, OBJECT)}`);
    }
    for (const action of ["s3:PutBucketPolicy", "s3:DeleteBucketPolicy", "s3:PutReplicationConfiguration", "s3:PutBucketObjectLockConfiguration", "s3:PutBucketLogging", "s3:PutLifecycleConfiguration", "s3:PutBucketVersioning"]) {
      refused.push(`${action}: ${await decide(ACCOUNT_ADMIN, action, BUCKET)}`);
    }
    expect(refused.filter((r) => !r.endsWith(": ExplicitlyDenied"))).toEqual([]);
    expect(refused).toHaveLength(12);
    expect(await decide(ACCOUNT_ADMIN, "s3:GetBucketPolicy", BUCKET)).toBe("Allowed");
    expect(await decide(ACCOUNT_ADMIN, "s3:GetReplicationConfiguration", BUCKET)).toBe("Allowed");
  });

  test("a custodian can change the bucket's policy and configuration (Terraform runs as one), but cannot delete an object or version either", async () => {
    for (const action of ["s3:PutBucketPolicy", "s3:PutReplicationConfiguration", "s3:PutBucketLogging", "s3:PutLifecycleConfiguration", "s3:PutBucketObjectLockConfiguration"]) {
      expect([action, await decide(CUSTODIAN, action, BUCKET)]).toEqual([action, "Allowed"]);
    }
    for (const action of ["s3:DeleteObject", "s3:DeleteObjectVersion", "s3:PutObjectRetention"]) {
      expect([action, await decide(CUSTODIAN, action, OBJECT)]).toEqual([action, "ExplicitlyDenied"]);
    }
  });
});
