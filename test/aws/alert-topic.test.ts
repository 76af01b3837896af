import { AlertTopic } from "../../lib/aws/alert-topic";
import { CUSTODY, policyOf, resources, synthScope } from "../fixtures";

const EMAILS = ["soc@example.jp", "duty@example.jp"];

describe("AlertTopic (aws)", () => {
  const synth = synthScope((scope) => {
    new AlertTopic(scope, "Alerts", { custody: CUSTODY, region: "ap-northeast-1", topicName: "jp-embassy-jp-tokyo-alerts", emails: EMAILS });
  });
  const [topic] = resources(synth, "aws_sns_topic");
  const [key] = resources(synth, "aws_kms_key");
  const keyStatements = policyOf(key.policy).Statement;
  const topicStatements = policyOf(resources(synth, "aws_sns_topic_policy")[0].policy).Statement;

  test("one topic, encrypted with its own custody key (SSE-KMS), named as asked", () => {
    expect(resources(synth, "aws_sns_topic")).toHaveLength(1);
    expect(topic.name).toBe("jp-embassy-jp-tokyo-alerts");
    expect(topic.kms_master_key_id).toMatch(/^\$\{aws_kms_key\.Alerts_Key_\w+\.arn\}$/);
    expect(key.lifecycle).toEqual({ prevent_destroy: true });
    expect(resources(synth, "aws_kms_alias")[0].name).toBe("alias/jp-embassy-jp-tokyo-alerts");
  });

  test("the key lets CloudWatch alarms (of the custody account only) and EventBridge generate data keys and decrypt, nothing more", () => {
    const services = keyStatements.filter((s) => s.Principal?.Service);
    expect(services).toEqual([
      {
        Sid: "AllowCloudWatchAlarmsToPublish",
        Effect: "Allow",
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
        Resource: "*",
        Condition: { StringEquals: { "aws:SourceAccount": "111111111111" } },
      },
      // No source condition: the SNS guide says it is not supported for EventBridge-to-encrypted-topic.
      { Sid: "AllowEventBridgeToPublish", Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: ["kms:GenerateDataKey*", "kms:Decrypt"], Resource: "*" },
    ]);
  });

  test("the key's deny of other accounts exempts AWS service principals only (they have no account), still denying every other principal", () => {
    expect(keyStatements.at(-1)).toEqual({
      Sid: "DenyOutsideCustody",
      Effect: "Deny",
      Principal: "*",
      Action: "kms:*",
      Resource: "*",
      Condition: { StringNotEquals: { "aws:PrincipalAccount": "111111111111" }, BoolIfExists: { "aws:PrincipalIsAWSService": "false" } },
    });
  });

  test("the topic policy admits only CloudWatch alarms and EventBridge rules of the custody account in this region, and denies other accounts", () => {
    const topicArn = `\${aws_sns_topic.${Object.keys(synth.resource.aws_sns_topic)[0]}.arn}`;
    expect(topicStatements).toEqual([
      {
        Sid: "AllowCloudWatchAlarms",
        Effect: "Allow",
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: ["sns:Publish"],
        Resource: topicArn,
        Condition: { StringEquals: { "aws:SourceAccount": "111111111111" }, ArnLike: { "aws:SourceArn": "arn:aws:cloudwatch:ap-northeast-1:111111111111:alarm:*" } },
      },
      {
        Sid: "AllowEventBridgeRules",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: ["sns:Publish"],
        Resource: topicArn,
        Condition: { StringEquals: { "aws:SourceAccount": "111111111111" }, ArnLike: { "aws:SourceArn": "arn:aws:events:ap-northeast-1:111111111111:rule/*" } },
      },
      {
        Sid: "DenyOutsideCustody",
        Effect: "Deny",
        Principal: "*",
        Action: "sns:*",
        Resource: topicArn,
        Condition: { StringNotEquals: { "aws:PrincipalAccount": "111111111111" }, BoolIfExists: { "aws:PrincipalIsAWSService": "false" } },
      },
    ]);
  });

  test("one email subscription per address (each must be confirmed by its recipient), with ids from the address, not its position", () => {
    const subscriptions = resources(synth, "aws_sns_topic_subscription");
    expect(subscriptions.map((s) => [s.protocol, s.endpoint]).sort()).toEqual(EMAILS.map((e) => ["email", e]).sort());
    const reordered = synthScope((scope) => {
      new AlertTopic(scope, "Alerts", { custody: CUSTODY, region: "ap-northeast-1", topicName: "t", emails: [...EMAILS].reverse() });
    });
    const ids = (s: typeof synth) => Object.entries(s.resource.aws_sns_topic_subscription).map(([id, r]) => `${id}=${r.endpoint}`).sort();
    expect(ids(reordered)).toEqual(ids(synth));
  });

  test("without emails the topic and its policies still exist, with no subscription", () => {
    const bare = synthScope((scope) => {
      new AlertTopic(scope, "Alerts", { custody: CUSTODY, region: "eu-north-1", topicName: "t" });
    });
    expect(resources(bare, "aws_sns_topic")).toHaveLength(1);
    expect(resources(bare, "aws_sns_topic_policy")).toHaveLength(1);
    expect(resources(bare, "aws_sns_topic_subscription")).toHaveLength(0);
  });

  test("fails when an email is not an address or repeats, naming each", () => {
    expect(() =>
      synthScope((scope) => {
        new AlertTopic(scope, "Alerts", { custody: CUSTODY, region: "eu-north-1", topicName: "t", emails: ["soc", "a@b.jp", "a@b.jp"] });
      }),
    ).toThrow(/emails must be email addresses, got 'soc' for alert topic 't'\nemails must not repeat an address, got 'a@b.jp' twice/);
  });
});
