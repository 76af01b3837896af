import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { type TerraformResource, TerraformStack, Testing } from "cdktf";
import { actionMatches, allowedActions, parsePolicy } from "../../lib/policy/private/iam";
import { field, flag, asNumber, blocks } from "../../lib/policy/private/json";
import { expressionsIn, StackView } from "../../lib/policy/private/resource-view";
import { awsSite, policy } from "./helpers";

function site() {
  const stack = new TerraformStack(Testing.app(), "site");
  const { store } = awsSite(stack);
  return { stack, store, view: StackView.of(stack) };
}

describe("StackView (a rule's view of resolved resources)", () => {
  test("gives each resource its type, address, construct path and attributes as plain JSON, tokens resolved", () => {
    const { view } = site();
    const bucket = view.ofType("aws_s3_bucket").find((b) => b.attributes.bucket === "site-brp");
    expect(bucket).toMatchObject({
      kind: "resource",
      type: "aws_s3_bucket",
      address: expect.stringMatching(/^aws_s3_bucket\.Store_\w+$/),
      path: "site/Store/Resource/Resource",
      attributes: { bucket: "site-brp", object_lock_enabled: true, force_destroy: false, lifecycle: { prevent_destroy: true } },
    });
    expect(bucket?.attributes["//"]).toBeUndefined();
    const [encryption] = view.ofType("aws_s3_bucket_server_side_encryption_configuration").filter((e) => e.path === "site/Store/Encryption");
    expect(field(encryption.attributes.rule, "apply_server_side_encryption_by_default", "kms_master_key_id")).toMatch(
      /^\$\{aws_kms_key\.Store_Key_\w+\.arn\}$/,
    );
  });

  test("resolves lazily rendered policies to their JSON text", () => {
    const { view } = site();
    const [key] = view.ofType("aws_kms_key");
    const parsed = parsePolicy(key.attributes.policy, view);
    expect(parsed.ok && parsed.statements.map((s) => s.sid)).toEqual(["KeyAdministrationWithoutUse", "DenyShortDeletionWindow", "DenyOutsideCustody"]);
  });

  test("sees escape-hatch overrides, exactly as cdk.tf.json will", () => {
    const { stack, store } = site();
    (store.node.findChild("ObjectLock") as TerraformResource).addOverride("rule.default_retention.mode", "GOVERNANCE");
    const lock = StackView.of(stack).ofType("aws_s3_bucket_object_lock_configuration")[0];
    expect(field(lock.attributes.rule, "default_retention")).toEqual({ mode: "GOVERNANCE", days: 365 });
  });

  test("finds the parts attached to a bucket by reference or by its literal name", () => {
    const stack = new TerraformStack(Testing.app(), "site");
    const bucket = new S3Bucket(stack, "Bucket", { bucket: "plain-name" });
    new S3BucketVersioningA(stack, "ByReference", { bucket: bucket.bucket, versioningConfiguration: { status: "Enabled" } });
    new S3BucketVersioningA(stack, "ByName", { bucket: "plain-name", versioningConfiguration: { status: "Enabled" } });
    new S3BucketVersioningA(stack, "Other", { bucket: "other-name", versioningConfiguration: { status: "Enabled" } });
    const view = StackView.of(stack);
    const [b] = view.ofType("aws_s3_bucket");
    expect(view.attachedTo("aws_s3_bucket_versioning", "bucket", b, "bucket").map((v) => v.path)).toEqual(["site/ByReference", "site/ByName"]);
  });

  test("resolves references to aws_iam_policy_document data sources and lists what a value references", () => {
    const stack = new TerraformStack(Testing.app(), "site");
    const bucket = new S3Bucket(stack, "Bucket", { bucket: "b" });
    const doc = new DataAwsIamPolicyDocument(stack, "Doc", {
      statement: [{ effect: "Allow", actions: ["s3:GetObject"], resources: [`${bucket.arn}/*`], principals: [{ type: "AWS", identifiers: ["arn:aws:iam::222222222222:root"] }] }],
    });
    const view = StackView.of(stack);
    expect(view.at(`data.aws_iam_policy_document.${doc.friendlyUniqueId}`)?.kind).toBe("data");
    const parsed = parsePolicy(`\${data.aws_iam_policy_document.${doc.friendlyUniqueId}.json}`, view);
    expect(parsed).toMatchObject({ ok: true, statements: [{ effect: "Allow", actions: ["s3:GetObject"], principal: { aws: ["arn:aws:iam::222222222222:root"] } }] });
    expect(view.referencedBy(view.dataSources[0].attributes).map((r) => r.type)).toEqual(["aws_s3_bucket"]);
  });

  test("a policy it cannot read at synth is reported as such, never as empty", () => {
    const { view } = site();
    expect(parsePolicy("${var.policy}", view)).toEqual({ ok: false, reason: "the policy ${var.policy} is not a JSON document known at synth" });
  });
});

describe("JSON and policy readers", () => {
  test("expressionsIn finds every ${...} body, nested braces included", () => {
    expect(expressionsIn({ a: ["x ${aws_s3_bucket.b.arn}/*", "${jsonencode({a = 1})}"], b: 3 })).toEqual(["aws_s3_bucket.b.arn", "jsonencode({a = 1})"]);
  });

  test("field steps into one-element block lists; blocks normalises objects and lists", () => {
    expect(field({ rule: [{ days: 3 }] }, "rule", "days")).toBe(3);
    expect(field({ rule: [{ days: 3 }, { days: 4 }] }, "rule", "days")).toBeUndefined();
    expect(blocks({ a: 1 })).toEqual([{ a: 1 }]);
    expect(blocks("x")).toEqual([]);
  });

  test("flag uses the provider default when absent and refuses expressions", () => {
    expect(flag(undefined, true)).toBe(true);
    expect(flag("false", true)).toBe(false);
    expect(flag("${var.x}", true)).toBe("unknown");
    expect(asNumber("30")).toBe(30);
    expect(asNumber("${var.days}")).toBeUndefined();
  });

  test("actions match IAM wildcards case-insensitively; an unconditional Deny removes an action", () => {
    expect(actionMatches("s3:Replicate*", "s3:ReplicateDelete")).toBe(true);
    expect(actionMatches("S3:*", "s3:GetObject")).toBe(true);
    expect(actionMatches("s3:Get?bject", "s3:GetObject")).toBe(true);
    expect(actionMatches("s3:Get", "s3:GetObject")).toBe(false);
    const parsed = parsePolicy(policy({ Effect: "Allow", Action: "s3:*", Resource: "*" }, { Effect: "Deny", Action: "s3:GetObject", Resource: "*" }), site().view);
    expect(parsed.ok && allowedActions(parsed.statements, ["s3:GetObject", "s3:PutObject"])).toEqual(["s3:PutObject"]);
  });
});
