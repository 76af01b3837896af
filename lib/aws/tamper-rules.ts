import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { Construct } from "constructs";
import { physicalName } from "../private/names";
import type { IAlertTopic } from "./alert-topic";
import { type AwsCustody, partitionOf } from "./custody";
import { EVENT_FORWARD_ACTIONS } from "./perms";
import { Role } from "./role";

/**
 * The CloudTrail event names each tamper rule matches. These are event names (what CloudTrail
 * records), not IAM actions: several differ from their action (PutBucketLifecycle is the event of
 * s3:PutLifecycleConfiguration; S3 User Guide, "Amazon S3 CloudTrail events", bucket-level actions).
 */
export const TAMPER_EVENTS = {
  /** Custody keys: disabling or deleting makes every copy unreadable; a policy change can hand the key out (AWS KMS Developer Guide, "Logging AWS KMS API calls with AWS CloudTrail"). */
  keys: ["DisableKey", "ScheduleKeyDeletion", "CancelKeyDeletion", "PutKeyPolicy", "DisableKeyRotation", "CreateGrant", "UpdateAlias", "DeleteAlias"],
  /** The site's buckets: every configuration that carries a guarantee (S3 User Guide, "Amazon S3 CloudTrail events"). */
  buckets: [
    "PutBucketPolicy",
    "DeleteBucketPolicy",
    "PutBucketReplication",
    "DeleteBucketReplication",
    "PutObjectLockConfiguration",
    "PutBucketPublicAccessBlock",
    "DeleteBucketPublicAccessBlock",
    "PutBucketVersioning",
    "PutBucketEncryption",
    "DeleteBucketEncryption",
    "PutBucketLogging",
    "PutBucketLifecycle",
    "DeleteBucketLifecycle",
    "PutBucketNotification",
    "PutBucketOwnershipControls",
    "DeleteBucketOwnershipControls",
    "PutBucketAcl",
    "DeleteBucket",
  ],
  /** The site's roles: who may assume them and what they may do (IAM User Guide, "Logging IAM and AWS STS API calls with AWS CloudTrail"). */
  roles: [
    "CreateRole",
    "DeleteRole",
    "UpdateRole",
    "UpdateAssumeRolePolicy",
    "PutRolePolicy",
    "DeleteRolePolicy",
    "AttachRolePolicy",
    "DetachRolePolicy",
    "PutRolePermissionsBoundary",
    "DeleteRolePermissionsBoundary",
  ],
  /**
   * IAM Roles Anywhere: which CA and which profile hand out a datacenter's ingest role, which
   * certificates are revoked (a deleted or disabled CRL lets a revoked certificate back in), which
   * certificate attributes map into the session (attribute mappings feed the role's conditions),
   * and whether expiry notices about the trust anchor reach anyone (notification settings). Every
   * mutating operation of the service: the IAM Roles Anywhere API Reference, "Actions" (CreateProfile
   * ... UpdateTrustAnchor), less the reads (Get*, List*) and tagging; Roles Anywhere logs each call
   * to CloudTrail under its operation name (IAM Roles Anywhere User Guide, "Logging IAM Roles
   * Anywhere API calls using AWS CloudTrail").
   */
  rolesAnywhere: [
    "CreateTrustAnchor",
    "UpdateTrustAnchor",
    "DeleteTrustAnchor",
    "DisableTrustAnchor",
    "EnableTrustAnchor",
    "CreateProfile",
    "UpdateProfile",
    "DeleteProfile",
    "DisableProfile",
    "EnableProfile",
    "PutAttributeMapping",
    "DeleteAttributeMapping",
    "ImportCrl",
    "UpdateCrl",
    "EnableCrl",
    "DisableCrl",
    "DeleteCrl",
    "PutNotificationSettings",
    "ResetNotificationSettings",
  ],
  /** The watchers themselves: the audit trail, rules, alarms, the alert topic and the arrival log. */
  watchers: [
    "StopLogging",
    "DeleteTrail",
    "UpdateTrail",
    "PutEventSelectors",
    "DeleteRule",
    "DisableRule",
    "RemoveTargets",
    "PutRule",
    "PutTargets",
    "DeleteAlarms",
    "DisableAlarmActions",
    "PutMetricAlarm",
    "SetAlarmState",
    "DeleteTopic",
    "SetTopicAttributes",
    "RemovePermission",
    "Unsubscribe",
    "DeleteLogGroup",
    "DeleteResourcePolicy",
    "PutRetentionPolicy",
  ],
} as const;

/** The services whose calls the watchers rule matches, as `source` and `eventSource` (CloudWatch's API is `monitoring`). */
const WATCHER_SERVICES = [
  ["aws.cloudtrail", "cloudtrail.amazonaws.com"],
  ["aws.events", "events.amazonaws.com"],
  ["aws.cloudwatch", "monitoring.amazonaws.com"],
  ["aws.sns", "sns.amazonaws.com"],
  ["aws.logs", "logs.amazonaws.com"],
] as const;

/**
 * The region where a partition records IAM's (global) events: us-east-1 in `aws` (CloudTrail User
 * Guide, "CloudTrail concepts", Global service events), the only region of `aws-eusc`.
 * @throws for a partition the region catalogue does not hold
 */
export function globalEventsRegion(partition: string): string {
  const region = ({ aws: "us-east-1", "aws-eusc": "eusc-de-east-1" } as Record<string, string>)[partition];
  if (!region) throw new Error(`partition must be one of aws, aws-eusc to place the IAM tamper rule, got '${partition}'`);
  return region;
}

/** How TamperRules are built. */
export interface TamperRulesProps {
  /** The owning state's account, whose API calls the rules watch. */
  readonly custody: AwsCustody;
  /** The site's region, where the rules and the topic are. */
  readonly region: string;
  /** Where the rules send what they match. */
  readonly topic: IAlertTopic;
  /** A prefix for the rules' names, e.g. `jp-embassy-jp-tokyo`. */
  readonly namePrefix: string;
  /** The site, as a person reading the mail knows it (`jp-tokyo`). */
  readonly siteLabel: string;
  /** The ARNs of the site's custody keys. */
  readonly keyArns: readonly string[];
  /** The names of the site's buckets (stores, log bucket, audit bucket), as configured. */
  readonly bucketNames: readonly string[];
  /** The prefix every IAM role name of the site starts with, e.g. `jp-embassy-jp-tokyo-`. */
  readonly roleNamePrefix: string;
}

/** One tamper rule: its EventBridge rule and the SNS target that mails it. */
interface TamperRule {
  readonly rule: CloudwatchEventRule;
  readonly target: CloudwatchEventTarget;
}

/**
 * EventBridge rules that mail a person when someone changes, or tries to change, what the site's
 * guarantees rest on: its custody keys, its buckets' configuration, its IAM roles, the IAM Roles
 * Anywhere trust of a datacenter (once {@link TamperRules.watchRolesAnywhere} is called) and the
 * watchers themselves (trail, rules, alarms, topic). Each matches "AWS API Call via CloudTrail"
 * events (EventBridge User Guide, "AWS service events delivered via AWS CloudTrail"; failed calls
 * too, so an attempt is seen) and sends a one-line message naming the call, its caller and time
 * through an input transformer. Changes made by a deploy are mailed as well: each names who made it.
 *
 * Where the events are. CloudTrail delivers these events to the default event bus of the region
 * where the call was recorded, and only when a trail with logging enabled records them
 * (EventBridge User Guide, "Events from AWS services"; CloudTrail User Guide, "CloudTrail
 * concepts": "events sent to Amazon EventBridge are received in each Region's event bus"). The
 * site's AuditTrail records this region. IAM is global and recorded in us-east-1 only, so for a
 * site elsewhere a second rule in that region (the provider's per-resource `region`) forwards the
 * matching IAM events to this region's default bus with a role allowed only events:PutEvents on it
 * (EventBridge User Guide, "Sending and receiving events between AWS Regions"), where the roles
 * rule mails them. That needs a trail recording us-east-1: the topology's multi-region trail.
 */
export class TamperRules extends Construct {
  /** The EventBridge rules by the name of what they watch. */
  public readonly rules = new Map<string, TamperRule>();
  /** The role that forwards IAM events from the global events region, if the site is elsewhere. */
  public readonly forwarder?: Role;
  private readonly props: TamperRulesProps;

  constructor(scope: Construct, id: string, props: TamperRulesProps) {
    super(scope, id);
    this.props = props;
    const problems = [
      ...(props.keyArns.length === 0 ? [`keyArns must name at least one key of site '${props.siteLabel}', got none`] : []),
      ...(props.bucketNames.length === 0 ? [`bucketNames must name at least one bucket of site '${props.siteLabel}', got none`] : []),
      ...(/^[\w+=,.@-]{1,63}$/.test(props.roleNamePrefix) ? [] : [`roleNamePrefix must be 1-63 characters of an IAM role name, got '${props.roleNamePrefix}'`]),
    ];
    if (problems.length > 0) throw new Error(problems.join("\n"));

    const viaCloudTrail = "AWS API Call via CloudTrail";
    this.add("Keys", "keys", "Custody key disabled, scheduled for deletion, re-keyed or its policy changed", {
      source: ["aws.kms"],
      "detail-type": [viaCloudTrail],
      detail: { eventSource: ["kms.amazonaws.com"], eventName: [...TAMPER_EVENTS.keys], resources: { ARN: [...props.keyArns] } },
    });
    this.add("Buckets", "buckets", "Bucket policy, replication, Object Lock, versioning, encryption, logging, lifecycle or public access changed", {
      source: ["aws.s3"],
      "detail-type": [viaCloudTrail],
      detail: { eventSource: ["s3.amazonaws.com"], eventName: [...TAMPER_EVENTS.buckets], requestParameters: { bucketName: [...props.bucketNames] } },
    });
    const rolesPattern = {
      source: ["aws.iam"],
      "detail-type": [viaCloudTrail],
      detail: { eventSource: ["iam.amazonaws.com"], eventName: [...TAMPER_EVENTS.roles], requestParameters: { roleName: [{ prefix: props.roleNamePrefix }] } },
    };
    this.add("Roles", "roles", "IAM role of the site created, deleted, or its trust or permissions changed", rolesPattern);
    this.add("Watchers", "watchers", "Audit trail, tamper rule, alarm, alert topic or arrival log changed", {
      source: WATCHER_SERVICES.map(([source]) => source),
      "detail-type": [viaCloudTrail],
      detail: { eventSource: WATCHER_SERVICES.map(([, eventSource]) => eventSource), eventName: [...TAMPER_EVENTS.watchers] },
    });

    const partition = partitionOf(props.custody);
    const globalRegion = globalEventsRegion(partition);
    if (globalRegion !== props.region) {
      const homeBus = `arn:${partition}:events:${props.region}:${props.custody.accountId}:event-bus/default`;
      const forwarder = new Role(this, "IamEventForwarder", {
        custody: props.custody,
        roleName: physicalName([props.namePrefix, "iam-events"], 64),
        description: `Forwards IAM events of site ${props.siteLabel} from ${globalRegion} to ${props.region}`,
        assumedBy: { Service: "events.amazonaws.com" },
        assumeConditions: { StringEquals: { "aws:SourceAccount": props.custody.accountId } },
      });
      forwarder.addToPolicy({ Sid: "ForwardToSiteBus", Effect: "Allow", Action: [...EVENT_FORWARD_ACTIONS], Resource: homeBus });
      this.forwarder = forwarder;
      const scope = new Construct(this, "RolesForward");
      const rule = new CloudwatchEventRule(scope, "Rule", {
        region: globalRegion,
        name: physicalName([props.namePrefix, "tamper-roles-forward"], 64),
        description: `Forwards IAM events of site ${props.siteLabel} to ${props.region}, where they are mailed`,
        eventPattern: JSON.stringify(rolesPattern),
      });
      new CloudwatchEventTarget(scope, "Target", { region: globalRegion, rule: rule.name, targetId: "site-bus", arn: homeBus, roleArn: forwarder.roleArn, dependsOn: [forwarder.resource] });
    }
  }

  /** Adds the rule for IAM Roles Anywhere (trust anchors, profiles, CRLs) in the site's region; once. */
  public watchRolesAnywhere(): void {
    if (this.rules.has("rolesanywhere")) return;
    this.add("RolesAnywhere", "rolesanywhere", "IAM Roles Anywhere trust anchor, profile or CRL changed", {
      source: ["aws.rolesanywhere"],
      "detail-type": ["AWS API Call via CloudTrail"],
      detail: { eventSource: ["rolesanywhere.amazonaws.com"], eventName: [...TAMPER_EVENTS.rolesAnywhere] },
    });
  }

  private add(id: string, name: string, what: string, pattern: object): void {
    const scope = new Construct(this, id);
    const rule = new CloudwatchEventRule(scope, "Rule", {
      name: physicalName([this.props.namePrefix, "tamper", name], 64),
      description: what,
      eventPattern: JSON.stringify(pattern),
    });
    const message =
      `[${this.props.siteLabel}] ${what}: <event> (<service>) by <who> at <time> in <region>. ` +
      "A refused attempt is recorded too: look up the event in CloudTrail (errorCode) before acting.";
    const target = new CloudwatchEventTarget(scope, "Target", {
      rule: rule.name,
      targetId: "alert-topic",
      arn: this.props.topic.topicArn,
      // EventBridge User Guide, "Amazon EventBridge input transformation": paths into the event,
      // and a template that is a JSON string with <name> placeholders.
      inputTransformer: {
        inputPaths: { event: "$.detail.eventName", service: "$.detail.eventSource", who: "$.detail.userIdentity.arn", time: "$.time", region: "$.region" },
        inputTemplate: JSON.stringify(message),
      },
    });
    this.rules.set(name, { rule, target });
  }
}
