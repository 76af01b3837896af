import { EncryptedStore } from "../../lib/aws/encrypted-store";
import { LogBucket } from "../../lib/aws/log-bucket";
import { REPLICATION_TARGET_OBJECT_ACTIONS } from "../../lib/aws/perms";
import { ReplicationLink } from "../../lib/aws/replication-link";
import { CUSTODY, policyOf, resources, synthScope } from "../fixtures";

const REGIONS: Record<string, string> = { TargetA: "eu-north-1", TargetB: "eu-west-1", TargetC: "eu-north-1" };

/** A source store replicating to the named targets, the first through props, the rest through replicateTo. */
function synthLink(targets: readonly string[] = ["TargetA", "TargetB"]) {
  return synthScope((scope) => {
    const logBucket = new LogBucket(scope, "Logs", { custody: CUSTODY, bucketName: "site-logs" });
    const make = (id: string, region: string) =>
      new EncryptedStore(scope, id, { custody: CUSTODY, registryId: "brp", bucketName: `b-${id.toLowerCase()}`, region, retentionDays: 365, logBucket });
    const source = make("Source", "eu-south-2");
    const stores = targets.map((t) => make(t, REGIONS[t]));
    const link = new ReplicationLink(scope, "Link", { custody: CUSTODY, source, roleName: "es-brp-replication", targets: stores.slice(0, 1) });
    stores.slice(1).forEach((t) => link.replicateTo(t));
  });
}

const configOf = (synth: ReturnType<typeof synthLink>) => resources(synth, "aws_s3_bucket_replication_configuration")[0];
const roleStatementsOf = (synth: ReturnType<typeof synthLink>) => policyOf(resources(synth, "aws_iam_role_policy")[0].policy).Statement;

describe("ReplicationLink (aws)", () => {
  const synth = synthLink();
  const config = configOf(synth);

  test("one configuration on the source, one rule per target, named for the target's bucket", () => {
    expect(resources(synth, "aws_s3_bucket_replication_configuration")).toHaveLength(1);
    expect(config.bucket).toMatch(/aws_s3_bucket\.Source_\w+\.bucket/);
    expect(config.rule.map((r: any) => [r.id, r.priority])).toEqual([["to-b-targeta", 1], ["to-b-targetb", 2]]);
  });

  test("the replication configuration is retained: removing a link needs a deliberate step, not a dropped construct", () => {
    expect(config.lifecycle).toEqual({ prevent_destroy: true });
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

  test("removing a target leaves the other rule's id (and every Sid) as it was", () => {
    const one = synthLink(["TargetB"]);
    const ruleB = configOf(one).rule;
    expect(ruleB.map((r: any) => r.id)).toEqual(["to-b-targetb"]);
    expect(config.rule.find((r: any) => r.destination.bucket.includes("aws_s3_bucket.TargetB_")).id).toBe(ruleB[0].id);
    // The role's statements and the target key's grant keep their Sids too.
    const sids = (s: ReturnType<typeof synthLink>) => roleStatementsOf(s).map((st: any) => st.Sid);
    expect(sids(synth)).toEqual(expect.arrayContaining(sids(one)));
    const grantSid = (s: ReturnType<typeof synthLink>) =>
      resources(s, "aws_kms_key")
        .map((k) => policyOf(k.policy).Statement)
        .flat()
        .filter((st: any) => st.Condition?.ArnEquals?.["aws:PrincipalArn"] === "arn:aws:iam::111111111111:role/es-brp-replication")
        .map((st: any) => st.Sid);
    expect(new Set(grantSid(one))).toEqual(new Set(["UseEsBrpReplication"]));
    expect(new Set(grantSid(synth))).toEqual(new Set(["UseEsBrpReplication"]));
  });

  test("the order targets are added in does not change the rules", () => {
    expect(configOf(synthLink(["TargetB", "TargetA"])).rule).toEqual(config.rule);
  });

  test("the role trusts S3 exactly as the S3 User Guide documents it, with no condition", () => {
    const role = resources(synth, "aws_iam_role").find((r) => r.name === "es-brp-replication");
    expect(policyOf(role.assume_role_policy).Statement).toEqual([
      { Sid: "AssumeRole", Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sts:AssumeRole" },
    ]);
  });

  test("the role has exactly the actions replication needs, keys only through S3 of each key's region", () => {
    const statements = roleStatementsOf(synth);
    const bySid = Object.fromEntries(statements.map((s: any) => [s.Sid, s]));
    expect(Object.keys(bySid)).toEqual(["ReadSourceConfiguration", "ReadSourceVersions", "DecryptSource", "WriteReplicas", "EncryptReplicasInEuNorth1", "EncryptReplicasInEuWest1"]);
    expect(bySid.ReadSourceConfiguration.Action).toEqual(["s3:GetReplicationConfiguration", "s3:ListBucket"]);
    expect(bySid.ReadSourceVersions.Action).toEqual([
      "s3:GetObjectVersionForReplication",
      "s3:GetObjectVersionAcl",
      "s3:GetObjectVersionTagging",
      "s3:GetObjectRetention",
      "s3:GetObjectLegalHold",
    ]);
    expect(bySid.DecryptSource).toMatchObject({
      Action: ["kms:Decrypt", "kms:DescribeKey"],
      Resource: expect.stringMatching(/aws_kms_key\.Source_Key_\w+\.arn/),
      Condition: { StringEquals: { "kms:ViaService": "s3.eu-south-2.amazonaws.com" } },
    });
    expect(bySid.WriteReplicas.Action).toEqual([...REPLICATION_TARGET_OBJECT_ACTIONS]);
    expect(bySid.WriteReplicas.Resource).toEqual([
      expect.stringMatching(/aws_s3_bucket\.TargetA_\w+\.arn\}\/\*$/),
      expect.stringMatching(/aws_s3_bucket\.TargetB_\w+\.arn\}\/\*$/),
    ]);
    expect(bySid.EncryptReplicasInEuNorth1).toMatchObject({
      Action: ["kms:Encrypt", "kms:GenerateDataKey", "kms:Decrypt", "kms:DescribeKey"],
      Resource: [expect.stringMatching(/aws_kms_key\.TargetA_Key_\w+\.arn/)],
      Condition: { StringEquals: { "kms:ViaService": "s3.eu-north-1.amazonaws.com" } },
    });
    expect(bySid.EncryptReplicasInEuWest1.Condition.StringEquals["kms:ViaService"]).toBe("s3.eu-west-1.amazonaws.com");
    const actions = statements.flatMap((s: any) => s.Action);
    expect(actions).not.toContain("s3:ReplicateDelete");
    expect(actions.some((a: string) => a.endsWith("*"))).toBe(false);
    statements.forEach((s: any) => expect(s.Resource).not.toBe("*"));
  });

  test("targets in one region share the region's encrypt statement", () => {
    const statements = roleStatementsOf(synthLink(["TargetA", "TargetC"]));
    const north = statements.filter((s: any) => s.Sid.startsWith("EncryptReplicasIn"));
    expect(north.map((s: any) => s.Sid)).toEqual(["EncryptReplicasInEuNorth1"]);
    expect(north[0].Resource).toHaveLength(2);
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

  test("fails when two targets share a stable name", () => {
    expect(() =>
      synthScope((scope) => {
        const logBucket = new LogBucket(scope, "Logs", { custody: CUSTODY, bucketName: "site-logs" });
        const make = (id: string, bucketName: string) =>
          new EncryptedStore(scope, id, { custody: CUSTODY, registryId: "brp", bucketName, region: "eu-north-1", retentionDays: 365, logBucket });
        new ReplicationLink(scope, "Link", { custody: CUSTODY, source: make("S", "b-source"), roleName: "r", targets: [make("T1", "b-same"), make("T2", "b-same")] });
      }),
    ).toThrow("replication targets must have distinct stable names, got 'b-same' twice for registry 'brp'");
  });
});
