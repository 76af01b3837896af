import { S3BucketReplicationConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-replication-configuration";
import type { TerraformResource } from "cdktf";
import type { Construct } from "constructs";
import { checkRule, linkedStores } from "../helpers";

const RULE = "EMB-R01";

function rawReplication(scope: Construct, destination: object) {
  new S3BucketReplicationConfigurationA(scope, "Replication", {
    bucket: "source",
    role: "arn:aws:iam::111111111111:role/r",
    rule: [{ id: "to-target", status: "Enabled", filter: { prefix: "" }, deleteMarkerReplication: { status: "Disabled" }, destination: { bucket: "arn:aws:s3:::target", ...destination } }],
  });
}

describe("EMB-R01 ReplicationHasTimeGuarantee", () => {
  test("a ReplicationLink has RTC and metrics on every rule", () => {
    expect(checkRule(RULE, (s) => linkedStores(s)).summary).toMatchObject({ checked: 1, compliant: 1 });
  });

  test("fails on a rule without Replication Time Control or metrics", () => {
    const result = checkRule(RULE, (s) => rawReplication(s, {}));
    expect(result.findings[0].message).toMatch(
      /^\[EMB-R01\] site\/Replication \(aws_s3_bucket_replication_configuration\): rule 'to-target' has replication_time absent, not \{ status: 'Enabled', time: \{ minutes: 15 \} \}; rule 'to-target' has metrics absent, not status 'Enabled'\. Fix: enable Replication Time Control/,
    );
  });

  test("fails when a ReplicationLink's RTC is switched off through an override", () => {
    const result = checkRule(RULE, (s) => (linkedStores(s).resource as TerraformResource).addOverride("rule.0.destination.replication_time.status", "Disabled"));
    expect(result.problems).toEqual([
      `rule 'to-b-target' has replication_time {"status":"Disabled","time":{"minutes":15}}, not { status: 'Enabled', time: { minutes: 15 } }`,
    ]);
  });
});
