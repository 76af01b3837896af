import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketObjectLockConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-object-lock-configuration";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { SecurityGroupRule } from "@cdktf/provider-aws/lib/security-group-rule";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { App, Aspects, TerraformStack } from "cdktf";
import { checkRule, fullAwsSite, pack } from "../helpers";

const RULE = "EMB-P01";
const EC2 = "(hashicorp/terraform-provider-aws internal/service/ec2/validate.go)";
const S3 = "(hashicorp/terraform-provider-aws internal/service/s3/bucket.go; https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html)";
const SG_CHARS = "allowed: letters, digits, spaces and . _ - : / ( ) # , @ [ ] + = & ; { } ! $ *";
const TRUST = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sts:AssumeRole" }] });

/** A bucket named `name`, as the rule sees it. */
function bucketProblems(name: string): readonly string[] {
  return checkRule(RULE, (s) => new S3Bucket(s, "Bucket", { bucket: name })).problems;
}

describe("EMB-P01 ArgumentsPassAwsProviderValidation", () => {
  test("a site the library builds (stores, log bucket, network, roles, keys) passes every AWS limit", () => {
    const result = checkRule(RULE, (s) => fullAwsSite(s));
    expect(result.findings).toEqual([]);
    expect(result.summary.checked).toBeGreaterThan(20);
    expect(result.summary.compliant).toBe(result.summary.checked);
  });

  test("fails synth when a security group rule description holds an apostrophe, naming the rule, the argument and the value", () => {
    // GIVEN a stack with the endpoint security group as it was written before the apostrophe was removed
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), "embassy-p01-")) });
    const stack = new TerraformStack(app, "site-a");
    new AwsProvider(stack, "aws", { region: "eu-south-2" });
    new SecurityGroup(stack, "Endpoints", {
      description: "HTTPS from inside the site to its private AWS service endpoints",
      ingress: [{ description: "HTTPS from the site's address space", protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.10.0.0/16"] }],
    });
    Aspects.of(stack).add(pack());
    // WHEN it synthesizes THEN synth fails with EMB-P01 and no other rule
    expect(() => app.synth()).toThrow(
      new RegExp(
        String.raw`data embassy policy: 1 error finding \(EMB-P01\); all findings are in .*policy-report\.json\n {2}\[EMB-P01\] site-a/Endpoints \(aws_security_group\): ` +
          String.raw`ingress\[0\]\.description 'HTTPS from the site's address space' has "'"; allowed: letters, digits, spaces and \. _ - : / \( \) # , @ \[ \] \+ = & ; \{ \} ! \$ \* ` +
          String.raw`\(hashicorp/terraform-provider-aws internal/service/ec2/validate\.go\)\. Fix: use a value terraform-provider-aws and the AWS API accept`,
      ),
    );
  });

  test("fails on security group, rule and group descriptions outside EC2's character set or over 255 characters", () => {
    const result = checkRule(RULE, (s) => {
      new SecurityGroup(s, "Group", { description: "Registry's endpoints", egress: [{ description: "to S3 — only", protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.0.0.0/8"] }] });
      new SecurityGroupRule(s, "Rule", { type: "ingress", securityGroupId: "sg-1", protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.0.0.0/8"], description: "x".repeat(256) });
    });
    expect(result.problems).toEqual([
      `description 'Registry's endpoints' has "'"; ${SG_CHARS} (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html); egress[0].description 'to S3 — only' has "—"; ${SG_CHARS} ${EC2}`,
      `description '${"x".repeat(256)}' is 256 characters, longer than 255 ${EC2}`,
    ]);
  });

  test("an S3 bucket name passes when it follows the naming rules", () => {
    expect(bucketProblems("jp-embassy-jp-tokyo-koseki-111111111111")).toEqual([]);
    expect(bucketProblems("a.b-c")).toEqual([]);
  });

  test.each([
    ["ab", "bucket 'ab' is 2 characters, shorter than 3"],
    ["x".repeat(64), `bucket '${"x".repeat(64)}' is 64 characters, longer than 63`],
    ["site_Logs", `bucket 'site_Logs' has "_", "L"; allowed: lowercase letters, digits, . and -`],
    ["-logs", "bucket '-logs' must start with a lowercase letter or digit"],
    ["logs.", "bucket 'logs.' must end with a lowercase letter or digit"],
    ["my..bucket", "bucket 'my..bucket' must not contain two adjacent periods"],
    ["192.168.5.4", "bucket '192.168.5.4' must not be formatted as an IP address"],
    ["xn--embassy", "bucket 'xn--embassy' must not start with a prefix S3 reserves (xn--, sthree-, amzn-s3-demo-)"],
    ["embassy-s3alias", "bucket 'embassy-s3alias' must not end with a suffix S3 reserves (-s3alias, --ol-s3, .mrap, --x-s3, --table-s3)"],
  ])("fails on the bucket name '%s'", (name, problem) => {
    expect(bucketProblems(name)).toEqual([`${problem} ${S3}`]);
  });

  test("checks the literal text of a name that holds a reference, and skips a name that is only a reference", () => {
    const long = "x".repeat(63);
    const result = checkRule(RULE, (s) => {
      const source = new S3Bucket(s, "Source", { bucket: "site-source" });
      new S3Bucket(s, "Whole", { bucket: source.bucket });
      // shorter than 3 without its reference, which may make it long enough: not a finding
      new S3Bucket(s, "Short", { bucket: `${source.bucket}-c` });
      new S3Bucket(s, "Underscore", { bucket: `copy_${source.bucket}` });
      new S3Bucket(s, "Long", { bucket: `${source.bucket}-${long}` });
    });
    expect(result.summary).toMatchObject({ checked: 5, nonCompliant: 2 });
    expect(result.problems).toEqual([
      `bucket '\${aws_s3_bucket.Source.bucket}-${long}' is at least 64 characters besides its references, longer than 63 ${S3}`,
      `bucket 'copy_\${aws_s3_bucket.Source.bucket}' has "_"; allowed: lowercase letters, digits, . and - ${S3}`,
    ]);
  });

  test("fails on IAM role and inline policy names, descriptions IAM refuses (an em dash), bad paths and session lengths", () => {
    const result = checkRule(RULE, (s) => {
      const role = new IamRole(s, "Role", {
        name: "registry reader",
        description: "Reads registry copies — never writes",
        path: "/embassy",
        maxSessionDuration: 60,
        assumeRolePolicy: TRUST,
      });
      new IamRolePolicy(s, "Policy", { role: role.name, name: "x".repeat(129), policy: JSON.stringify({ Version: "2012-10-17", Statement: [] }) });
    });
    const iam = "(hashicorp/terraform-provider-aws internal/service/iam/validate.go)";
    const role = "(hashicorp/terraform-provider-aws internal/service/iam/role.go; https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html)";
    expect(result.problems).toEqual([
      `name '${"x".repeat(129)}' is 129 characters, longer than 128 ${iam}`,
      [
        `name 'registry reader' has " "; allowed: letters, digits and _ + = , . @ - ${iam}`,
        `description 'Reads registry copies — never writes' has "—"; allowed: tab, newline and the printable characters of Basic Latin and Latin-1 (U+0020-U+007E, U+00A1-U+00FF) ${role}`,
        `path '/embassy' must be '/' or begin and end with '/', with no spaces or characters above U+007F ${role}`,
        `max_session_duration is 60, not a whole number from 3600 to 43200 ${role}`,
      ].join("; "),
    ]);
  });

  test("fails on KMS alias names without 'alias/' or under 'alias/aws/', and on out-of-range key settings", () => {
    const result = checkRule(RULE, (s) => {
      const key = new KmsKey(s, "Key", { deletionWindowInDays: 30, enableKeyRotation: true, rotationPeriodInDays: 30 });
      new KmsAlias(s, "Bare", { name: "registry-key", targetKeyId: key.keyId });
      new KmsAlias(s, "Reserved", { name: "alias/aws/s3", targetKeyId: key.keyId });
      new KmsAlias(s, "Spaced", { name: `alias/${key.keyId} copy`, targetKeyId: key.keyId });
    });
    const alias = "(hashicorp/terraform-provider-aws internal/service/kms/validate.go; https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html)";
    expect(result.problems).toEqual([
      `name 'registry-key' must start with 'alias/' ${alias}`,
      "rotation_period_in_days is 30, not a whole number from 90 to 2560 (hashicorp/terraform-provider-aws internal/service/kms/key.go)",
      `name 'alias/aws/s3' must not start with 'alias/aws/', which AWS reserves for its own keys ${alias}`,
      `name 'alias/\${aws_kms_key.Key.key_id} copy' has " "; allowed: letters, digits and / _ - ${alias}`,
    ]);
  });

  test("fails on values outside the enums and sets the provider accepts", () => {
    const result = checkRule(RULE, (s) => {
      const vpc = new Vpc(s, "Vpc", { cidrBlock: "10.0.0.0/16", instanceTenancy: "host" });
      new FlowLog(s, "FlowLog", { vpcId: vpc.id, trafficType: "EVERYTHING", logDestinationType: "s3", logDestination: "arn:aws:s3:::logs", maxAggregationInterval: 300 });
      new S3BucketVersioningA(s, "Versioning", { bucket: "b-store", versioningConfiguration: { status: "enabled" } });
      new S3BucketObjectLockConfigurationA(s, "Lock", { bucket: "b-store", rule: { defaultRetention: { mode: "compliance", days: 365 } } });
      new S3BucketServerSideEncryptionConfigurationA(s, "Sse", { bucket: "b-store", rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "kms" } }] });
    });
    expect(result.problems).toEqual([
      "traffic_type is 'EVERYTHING', not one of ACCEPT, ALL, REJECT (hashicorp/terraform-provider-aws internal/service/ec2/vpc_flow_log.go); max_aggregation_interval is 300, not one of 60, 600 (hashicorp/terraform-provider-aws internal/service/ec2/vpc_flow_log.go)",
      "rule.default_retention.mode is 'compliance', not one of COMPLIANCE, GOVERNANCE (https://docs.aws.amazon.com/AmazonS3/latest/API/API_DefaultRetention.html)",
      "rule[0].apply_server_side_encryption_by_default.sse_algorithm is 'kms', not one of AES256, aws:fsx, aws:kms, aws:kms:dsse (hashicorp/terraform-provider-aws internal/service/s3/bucket_server_side_encryption_configuration.go)",
      "versioning_configuration.status is 'enabled', not one of Enabled, Suspended, Disabled (hashicorp/terraform-provider-aws internal/service/s3/bucket_versioning.go; https://docs.aws.amazon.com/AmazonS3/latest/API/API_VersioningConfiguration.html)",
      "instance_tenancy is 'host', not one of default, dedicated (hashicorp/terraform-provider-aws internal/service/ec2/vpc_.go)",
    ]);
  });
});
