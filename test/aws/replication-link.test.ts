import { EncryptedStore } from "../../lib/aws/encrypted-store";
import { LogBucket } from "../../lib/aws/log-bucket";
import { REPLICATION_TARGET_OBJECT_ACTIONS } from "../../lib/aws/perms";
import { ReplicationLink } from "../../lib/aws/replication-link";
import { CUSTODY, policyOf, resources, synthScope } from "../fixtures";

function synthLink(targetCount: number) {
  return synthScope((scope) => {
    const logBucket = new LogBucket(scope, "Logs", { custody: CUSTODY, bucketName: "site-logs" });
    const make = (id: string, region: string) =>
      new EncryptedStore(scope, id, { custody: CUSTODY, registryId: "brp", bucketName: `b-${id.toLowerCase()}`, region, retentionDays: 365, logBucket });
    const source = make("Source", "eu-south-2");
    const targets = [make("TargetA", "eu-north-1"), make("TargetB", "eu-west-1")].slice(0, targetCount);
    const link = new ReplicationLink(scope, "Link", { custody: CUSTODY, source, roleName: "es-brp-replication", targets: targets.slice(0, 1) });
    targets.slice(1).forEach((t) => link.replicateTo(t));
  });
}

describe("ReplicationLink (aws)", () => {
  const synth = synthLink(2);
  const [config] = resources(synth, "aws_s3_bucket_replication_configuration");

  test("one configuration on the source, one rule per target", () => {
    expect(resources(synth, "aws_s3_bucket_replication_configuration")).toHaveLength(1);
    expect(config.bucket).toMatch(/aws_s3_bucket\.Source_\w+\.bucket/);
    expect(config.rule.map((r: any) => [r.id, r.priority])).toEqual([["to-eu-north-1-1", 1], ["to-eu-west-1-2", 2]]);
  });

  test("each rule has RTC (15 minutes) with metrics, re-encrypts with the target key and never replicates deletes", () => {
    for (const [i, rule] of config.rule.entries()) {
      const target = i === 0 ? "TargetA" : "TargetB";
      expect(rule).toMatchObject({
        status: "Enabled",
        filter: { prefix: "" },
        delete_marker_replication: { status: "Disabled" },
        source_selection_criteria: { sse_kms_encrypted_objects: { status: "Enabled" } },
        destination: {
          bucket: expect.stringMatching(new RegExp(`aws_s3_bucket\\.${target}_\\w+\\.arn`)),
          encryption_configuration: { replica_kms_key_id: expect.stringMatching(new RegExp(`aws_kms_key\\.${target}_Key_\\w+\\.arn`)) },
          replication_time: { status: "Enabled", time: { minutes: 15 } },
          metrics: { status: "Enabled", event_threshold: { minutes: 15 } },
        },
      });
    }
  });

  test("the role is assumable only by S3 for this account and has exactly the actions it needs", () => {
    const role = resources(synth, "aws_iam_role").find((r) => r.name === "es-brp-replication");
    expect(policyOf(role.assume_role_policy).Statement[0]).toMatchObject({
      Principal: { Service: "s3.amazonaws.com" },
      Condition: { StringEquals: { "aws:SourceAccount": "111111111111" }, ArnLike: { "aws:SourceArn": expect.stringMatching(/aws_s3_bucket\.Source_\w+\.arn/) } },
    });
    const statements = policyOf(resources(synth, "aws_iam_role_policy")[0].policy).Statement;
    expect(statements.map((s) => s.Sid)).toEqual([
      "ReadSourceConfiguration",
      "ReadSourceVersions",
      "DecryptSource",
      "WriteReplicas1",
      "EncryptReplicas1",
      "WriteReplicas2",
      "EncryptReplicas2",
    ]);
    expect(statements.find((s) => s.Sid === "WriteReplicas1").Action).toEqual([...REPLICATION_TARGET_OBJECT_ACTIONS]);
    const actions = statements.flatMap((s) => s.Action);
    expect(actions).not.toContain("s3:ReplicateDelete");
    expect(actions.some((a: string) => a.endsWith("*"))).toBe(false);
    statements.forEach((s) => expect(s.Resource).not.toBe("*"));
  });

  test("each key lets the replication role in, by ARN, through S3 only", () => {
    const keys = resources(synth, "aws_kms_key").map((k) => policyOf(k.policy).Statement);
    const grantsFor = (statements: any[]) =>
      statements.filter((s) => s.Condition?.ArnEquals?.["aws:PrincipalArn"] === "arn:aws:iam::111111111111:role/es-brp-replication");
    const [source, a, b] = keys.map(grantsFor);
    expect(source.map((s) => s.Action)).toEqual([["kms:Decrypt", "kms:DescribeKey"]]);
    expect(source[0].Condition.StringEquals["kms:ViaService"]).toBe("s3.eu-south-2.amazonaws.com");
    // kms:Decrypt too: replicas keep S3 Bucket Key encryption, which S3 verifies with the caller's rights.
    expect(a.map((s) => s.Action)).toEqual([["kms:Encrypt", "kms:GenerateDataKey", "kms:Decrypt", "kms:DescribeKey"]]);
    expect(b[0].Condition.StringEquals["kms:ViaService"]).toBe("s3.eu-west-1.amazonaws.com");
  });
});
