import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { S3BucketReplicationConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-replication-configuration";
import { checkRule, linkedStores, policy } from "../helpers";

const RULE = "EMB-R02";

describe("EMB-R02 ReplicationExcludesDeletes", () => {
  test("a ReplicationLink never replicates delete markers, and no policy allows s3:ReplicateDelete", () => {
    const result = checkRule(RULE, (s) => linkedStores(s));
    expect(result.findings).toEqual([]);
    // the configuration, the role's inline policy and trust holder, and the three bucket policies
    expect(result.summary.checked).toBeGreaterThanOrEqual(5);
  });

  test("fails on a rule that replicates delete markers, or leaves the choice to S3", () => {
    const result = checkRule(RULE, (s) =>
      new S3BucketReplicationConfigurationA(s, "Replication", {
        bucket: "source",
        role: "arn:aws:iam::111111111111:role/r",
        rule: [
          { id: "a", status: "Enabled", filter: { prefix: "" }, deleteMarkerReplication: { status: "Enabled" }, destination: { bucket: "arn:aws:s3:::t" } },
          { id: "b", status: "Enabled", destination: { bucket: "arn:aws:s3:::u" } },
        ],
      }),
    );
    expect(result.findings[0].message).toMatch(
      /^\[EMB-R02\] site\/Replication \(aws_s3_bucket_replication_configuration\): rule 'a' has delete_marker_replication status 'Enabled', not 'Disabled'; rule 'b' has delete_marker_replication status absent, not 'Disabled'\. Fix: /,
    );
  });

  test("fails on a policy allowing s3:ReplicateDelete, also through a wildcard", () => {
    const result = checkRule(RULE, (s) =>
      new IamRolePolicy(s, "Policy", { role: "r", policy: policy({ Sid: "Replicate", Effect: "Allow", Action: "s3:Replicate*", Resource: "arn:aws:s3:::t/*" }) }),
    );
    expect(result.problems).toEqual(["statement 'Replicate' allows s3:ReplicateDelete"]);
  });
});
