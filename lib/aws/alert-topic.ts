import { createHash } from "node:crypto";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { type AwsCustody, partitionOf } from "./custody";
import { CustodyKey, type ICustodyKey } from "./custody-key";
import { TOPIC_PUBLISH_ACTIONS, TOPIC_PUBLISH_KEY_ACTIONS } from "./perms";
import { renderPolicy } from "./policy-document";

/** Where a site's alarms and tamper rules send what they see. */
export interface IAlertTopic {
  /** The ARN of the SNS topic that alarms and event rules publish to. */
  readonly topicArn: string;
  /** The region the topic is in: alarms and rules can only act on a topic of their own region. */
  readonly region: string;
}

/** How an AlertTopic is built. */
export interface AlertTopicProps {
  /** The owning state's account: the topic's key and policy grant nothing outside it. */
  readonly custody: AwsCustody;
  /** The topic's region (the site's). */
  readonly region: string;
  /** The topic's name; also the alias of its key. */
  readonly topicName: string;
  /**
   * Email addresses subscribed to the topic (topology `alerts.emails`).
   * @default - none: the topic exists, and whoever watches it subscribes later
   */
  readonly emails?: readonly string[];
}

/** The service principals that publish to a site's topic: CloudWatch alarms and EventBridge rules. */
export const ALARM_SERVICE = "cloudwatch.amazonaws.com";
/** The EventBridge service principal, allowed to publish event rules' matches to the topic. */
export const EVENTS_SERVICE = "events.amazonaws.com";

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/**
 * One SNS topic per site for everything that should wake a person: freshness and replication
 * alarms, tamper rules. Encrypted with a custody key of its own (SSE-KMS), so only principals the
 * key allows can read a message at rest, and admitting as publishers only CloudWatch alarms and
 * EventBridge rules of the custody account, in this region.
 *
 * Email subscriptions are created for every address given, but SNS does not deliver to an address
 * until its owner clicks the confirmation link SNS mails to it: until then the subscription is
 * `pending_confirmation` (terraform-provider-aws website/docs/r/sns_topic_subscription, "Partially
 * supported values for protocol": email), and an unconfirmed subscription cannot be deleted by
 * Terraform. Whoever deploys a site must make sure each recipient confirms.
 *
 * The key. An AWS service can publish to an encrypted topic only through a customer-managed key
 * whose policy names that service principal with `kms:GenerateDataKey*` and `kms:Decrypt` (SNS
 * Developer Guide, "Key management", Enable compatibility between event sources from AWS services
 * and encrypted topics); the AWS managed key `alias/aws/sns` cannot be changed to allow it.
 * CloudWatch's grant is pinned to the custody account (`aws:SourceAccount`). EventBridge's is not:
 * the SNS guide states that "Adding the aws:SourceAccount and aws:SourceArn to a AWS KMS policy is
 * not supported for EventBridge-to-encrypted topics" (quoted in awslabs/landing-zone-accelerator-on-aws
 * issue #407, where such a condition silently dropped every event); what stops another account's
 * rule from publishing here is the topic policy, which EventBridge is evaluated against with its
 * rule's account and ARN (EventBridge User Guide, "Using IAM policy conditions": aws:SourceAccount,
 * aws:SourceArn).
 */
export class AlertTopic extends Construct implements IAlertTopic {
  public readonly topicArn: string;
  public readonly region: string;
  /** The custody key the topic's messages are encrypted with. */
  public readonly key: ICustodyKey;
  /** The SNS topic. */
  public readonly resource: SnsTopic;

  constructor(scope: Construct, id: string, props: AlertTopicProps) {
    super(scope, id);
    const emails = props.emails ?? [];
    const invalid = emails.filter((e) => !Token.isUnresolved(e) && !EMAIL.test(e));
    const duplicates = emails.filter((e, i) => emails.indexOf(e) !== i);
    const problems = [
      ...invalid.map((e) => `emails must be email addresses, got '${e}' for alert topic '${props.topicName}'`),
      ...[...new Set(duplicates)].map((e) => `emails must not repeat an address, got '${e}' twice for alert topic '${props.topicName}'`),
    ];
    if (problems.length > 0) throw new Error(problems.join("\n"));
    this.region = props.region;
    const account = props.custody.accountId;
    const partition = partitionOf(props.custody);

    const key = new CustodyKey(this, "Key", {
      custody: props.custody,
      region: props.region,
      description: `Encrypts alert topic ${props.topicName}`,
      alias: props.topicName,
    });
    key.grantToService({
      sid: "AllowCloudWatchAlarmsToPublish",
      service: ALARM_SERVICE,
      actions: TOPIC_PUBLISH_KEY_ACTIONS,
      conditions: { StringEquals: { "aws:SourceAccount": account } },
    });
    // No source condition: not supported for EventBridge-to-encrypted-topic (see the class doc).
    key.grantToService({ sid: "AllowEventBridgeToPublish", service: EVENTS_SERVICE, actions: TOPIC_PUBLISH_KEY_ACTIONS });
    this.key = key;

    this.resource = new SnsTopic(this, "Resource", { name: props.topicName, kmsMasterKeyId: key.keyArn });
    this.topicArn = this.resource.arn;
    const fromThisAccount = (service: string, sourceArn: string) => ({
      Effect: "Allow" as const,
      Principal: { Service: service },
      Action: [...TOPIC_PUBLISH_ACTIONS],
      Resource: this.topicArn,
      Condition: { StringEquals: { "aws:SourceAccount": account }, ArnLike: { "aws:SourceArn": sourceArn } },
    });
    new SnsTopicPolicy(this, "Policy", {
      arn: this.topicArn,
      policy: renderPolicy([
        // SNS Developer Guide, "Example cases for Amazon SNS access control": a CloudWatch alarm
        // publishes as cloudwatch.amazonaws.com with the alarm's ARN as aws:SourceArn.
        { Sid: "AllowCloudWatchAlarms", ...fromThisAccount(ALARM_SERVICE, `arn:${partition}:cloudwatch:${props.region}:${account}:alarm:*`) },
        { Sid: "AllowEventBridgeRules", ...fromThisAccount(EVENTS_SERVICE, `arn:${partition}:events:${props.region}:${account}:rule/*`) },
        {
          Sid: "DenyOutsideCustody",
          Effect: "Deny",
          Principal: "*",
          Action: "sns:*",
          Resource: this.topicArn,
          Condition: { StringNotEquals: { "aws:PrincipalAccount": account }, BoolIfExists: { "aws:PrincipalIsAWSService": "false" } },
        },
      ]),
    });
    // Ids from the address itself (hashed: construct ids keep no '@'), never from list order.
    for (const email of emails) {
      const id = Token.isUnresolved(email) ? `Email-${emails.indexOf(email)}` : `Email-${createHash("sha256").update(email.toLowerCase()).digest("hex").slice(0, 12)}`;
      new SnsTopicSubscription(this, id, { topicArn: this.topicArn, protocol: "email", endpoint: email });
    }
  }
}
