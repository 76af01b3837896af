import { globalEventsRegion, TamperRules } from "../../lib/aws/tamper-rules";
import { CUSTODY, policyOf, resources, synthScope } from "../fixtures";

const TOPIC = { topicArn: "arn:aws:sns:ap-northeast-1:111111111111:alerts", region: "ap-northeast-1" };
const KEYS = ["arn:aws:kms:ap-northeast-1:111111111111:key/a", "arn:aws:kms:ap-northeast-1:111111111111:key/b"];
const BUCKETS = ["jp-embassy-jp-tokyo-koseki-111111111111", "jp-embassy-jp-tokyo-logs-111111111111"];

function synthRules(region = "ap-northeast-1", rolesAnywhere = false) {
  return synthScope((scope) => {
    const rules = new TamperRules(scope, "Tamper", {
      custody: CUSTODY,
      region,
      topic: TOPIC,
      namePrefix: "jp-embassy-jp-tokyo",
      siteLabel: "jp-tokyo",
      keyArns: KEYS,
      bucketNames: BUCKETS,
      roleNamePrefix: "jp-embassy-jp-tokyo-",
    });
    if (rolesAnywhere) {
      rules.watchRolesAnywhere();
      rules.watchRolesAnywhere();
    }
  });
}

const patternOf = (synth: ReturnType<typeof synthRules>, name: string) => {
  const rule = resources(synth, "aws_cloudwatch_event_rule").find((r) => r.name === name);
  if (!rule) throw new Error(`no rule ${name}`);
  return JSON.parse(rule.event_pattern);
};

describe("TamperRules (aws)", () => {
  const synth = synthRules();
  const rules = resources(synth, "aws_cloudwatch_event_rule");

  test("a rule each for keys, buckets, roles and the watchers, mailing the topic through an input transformer; a forwarding rule for IAM in us-east-1", () => {
    expect(rules.map((r) => [r.name, r.region ?? "site"]).sort()).toEqual(
      [
        ["jp-embassy-jp-tokyo-tamper-buckets", "site"],
        ["jp-embassy-jp-tokyo-tamper-keys", "site"],
        ["jp-embassy-jp-tokyo-tamper-roles", "site"],
        ["jp-embassy-jp-tokyo-tamper-roles-forward", "us-east-1"],
        ["jp-embassy-jp-tokyo-tamper-watchers", "site"],
      ].sort(),
    );
    const toTopic = resources(synth, "aws_cloudwatch_event_target").filter((t) => t.arn === TOPIC.topicArn);
    expect(toTopic).toHaveLength(4);
    for (const t of toTopic) {
      expect(t.input_transformer.input_paths).toEqual({ event: "$.detail.eventName", service: "$.detail.eventSource", who: "$.detail.userIdentity.arn", time: "$.time", region: "$.region" });
      const template = JSON.parse(t.input_transformer.input_template);
      expect(template).toMatch(/^\[jp-tokyo\] .+: <event> \(<service>\) by <who> at <time> in <region>\./);
    }
  });

  test("keys: disabling, scheduling or cancelling deletion, policy and rotation changes, grants and aliases of the site's keys only", () => {
    expect(patternOf(synth, "jp-embassy-jp-tokyo-tamper-keys")).toEqual({
      source: ["aws.kms"],
      "detail-type": ["AWS API Call via CloudTrail"],
      detail: {
        eventSource: ["kms.amazonaws.com"],
        eventName: ["DisableKey", "ScheduleKeyDeletion", "CancelKeyDeletion", "PutKeyPolicy", "DisableKeyRotation", "CreateGrant", "UpdateAlias", "DeleteAlias"],
        resources: { ARN: KEYS },
      },
    });
  });

  test("buckets: every guarantee-carrying configuration call, on the site's buckets only", () => {
    const pattern = patternOf(synth, "jp-embassy-jp-tokyo-tamper-buckets");
    expect(pattern.detail.requestParameters).toEqual({ bucketName: BUCKETS });
    expect(pattern.detail.eventName).toEqual(
      expect.arrayContaining([
        "PutBucketPolicy",
        "DeleteBucketPolicy",
        "PutBucketReplication",
        "DeleteBucketReplication",
        "PutObjectLockConfiguration",
        "PutBucketPublicAccessBlock",
        "DeleteBucketPublicAccessBlock",
        "PutBucketVersioning",
        "PutBucketEncryption",
        "PutBucketLogging",
        "PutBucketLifecycle",
      ]),
    );
    // CloudTrail's event name for PutBucketLifecycleConfiguration; the API name would never match.
    expect(pattern.detail.eventName).not.toContain("PutBucketLifecycleConfiguration");
  });

  test("roles: trust and permission changes of roles named with the site's prefix, in the site's region and forwarded from us-east-1, where IAM's events are", () => {
    const roles = patternOf(synth, "jp-embassy-jp-tokyo-tamper-roles");
    expect(roles.detail.requestParameters).toEqual({ roleName: [{ prefix: "jp-embassy-jp-tokyo-" }] });
    expect(roles.detail.eventName).toEqual(expect.arrayContaining(["PutRolePolicy", "DeleteRolePolicy", "UpdateAssumeRolePolicy", "AttachRolePolicy", "DeleteRole"]));
    expect(patternOf(synth, "jp-embassy-jp-tokyo-tamper-roles-forward")).toEqual(roles);
    const forward = resources(synth, "aws_cloudwatch_event_target").find((t) => t.region === "us-east-1");
    expect(forward.arn).toBe("arn:aws:events:ap-northeast-1:111111111111:event-bus/default");
    const [role] = resources(synth, "aws_iam_role");
    expect(forward.role_arn).toBe(`arn:aws:iam::111111111111:role/${role.name}`);
    expect(JSON.parse(role.assume_role_policy).Statement).toEqual([
      { Sid: "AssumeRole", Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": "111111111111" } } },
    ]);
    expect(policyOf(resources(synth, "aws_iam_role_policy")[0].policy).Statement).toEqual([
      { Sid: "ForwardToSiteBus", Effect: "Allow", Action: ["events:PutEvents"], Resource: "arn:aws:events:ap-northeast-1:111111111111:event-bus/default" },
    ]);
  });

  test("a site in us-east-1 needs no forwarding: no second rule, no role", () => {
    const virginia = synthRules("us-east-1");
    expect(resources(virginia, "aws_cloudwatch_event_rule").map((r) => r.name)).not.toContain("jp-embassy-jp-tokyo-tamper-roles-forward");
    expect(resources(virginia, "aws_iam_role")).toHaveLength(0);
  });

  test("watchers: stopping or changing the trail, rules, alarms, the topic or the arrival log", () => {
    const watchers = patternOf(synth, "jp-embassy-jp-tokyo-tamper-watchers");
    expect(watchers.detail.eventSource).toEqual(["cloudtrail.amazonaws.com", "events.amazonaws.com", "monitoring.amazonaws.com", "sns.amazonaws.com", "logs.amazonaws.com"]);
    expect(watchers.detail.eventName).toEqual(expect.arrayContaining(["StopLogging", "DeleteTrail", "DisableRule", "DeleteAlarms", "DisableAlarmActions", "DeleteTopic", "Unsubscribe"]));
  });

  test("IAM Roles Anywhere is watched once it is asked for, once", () => {
    expect(rules.map((r) => r.name)).not.toContain("jp-embassy-jp-tokyo-tamper-rolesanywhere");
    const withIngest = synthRules("ap-northeast-1", true);
    const ra = resources(withIngest, "aws_cloudwatch_event_rule").filter((r) => r.name === "jp-embassy-jp-tokyo-tamper-rolesanywhere");
    expect(ra).toHaveLength(1);
    expect(JSON.parse(ra[0].event_pattern).detail).toEqual({
      eventSource: ["rolesanywhere.amazonaws.com"],
      eventName: expect.arrayContaining(["CreateTrustAnchor", "UpdateTrustAnchor", "DeleteTrustAnchor", "DisableTrustAnchor", "UpdateProfile", "DeleteProfile", "DisableProfile", "ImportCrl"]),
    });
  });

  test("IAM Roles Anywhere: every mutating operation of the API Reference's list is matched, and nothing that only reads", () => {
    // The IAM Roles Anywhere API Reference, "Actions" (API version 2018-05-10), less Get*, List* and tagging.
    const mutating = [
      "CreateProfile", "CreateTrustAnchor", "DeleteAttributeMapping", "DeleteCrl", "DeleteProfile", "DeleteTrustAnchor",
      "DisableCrl", "DisableProfile", "DisableTrustAnchor", "EnableCrl", "EnableProfile", "EnableTrustAnchor", "ImportCrl",
      "PutAttributeMapping", "PutNotificationSettings", "ResetNotificationSettings", "UpdateCrl", "UpdateProfile", "UpdateTrustAnchor",
    ];
    const withIngest = synthRules("ap-northeast-1", true);
    const ra = resources(withIngest, "aws_cloudwatch_event_rule").find((r) => r.name === "jp-embassy-jp-tokyo-tamper-rolesanywhere");
    const names: string[] = JSON.parse(ra!.event_pattern).detail.eventName;
    expect([...names].sort()).toEqual(mutating);
  });

  test("global events are recorded in us-east-1 in aws, in the only region of aws-eusc; other partitions are refused", () => {
    expect(globalEventsRegion("aws")).toBe("us-east-1");
    expect(globalEventsRegion("aws-eusc")).toBe("eusc-de-east-1");
    expect(() => globalEventsRegion("aws-cn")).toThrow(/partition must be one of aws, aws-eusc to place the IAM tamper rule, got 'aws-cn'/);
  });

  test("fails without keys or buckets, naming the site", () => {
    expect(() =>
      synthScope((scope) => {
        new TamperRules(scope, "T", { custody: CUSTODY, region: "eu-north-1", topic: TOPIC, namePrefix: "x", siteLabel: "se", keyArns: [], bucketNames: [], roleNamePrefix: "x-" });
      }),
    ).toThrow(/keyArns must name at least one key of site 'se', got none\nbucketNames must name at least one bucket of site 'se', got none/);
  });
});
