import { Cloudtrail } from "@cdktf/provider-aws/lib/cloudtrail";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketLoggingA } from "@cdktf/provider-aws/lib/s3-bucket-logging";
import { S3BucketObjectLockConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-object-lock-configuration";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { type AwsCustody, partitionOf } from "./custody";
import { CustodyKey, type ICustodyKey } from "./custody-key";
import type { IEncryptedStore } from "./encrypted-store";
import { type ILogBucket, MIN_LOG_RETENTION_DAYS } from "./log-bucket";
import { TRAIL_DESCRIBE_KEY_ACTIONS, TRAIL_ENCRYPT_KEY_ACTIONS } from "./perms";
import { HardenedBucket } from "./private/hardened-bucket";

/** Evidence an auditor may read: a bucket, and the key its objects are encrypted with, if any. */
export interface IAuditEvidence {
  /** The ARN of the bucket that holds the audit evidence (CloudTrail's log files). */
  readonly bucketArn: string;
  /**
   * The custody key the evidence is encrypted with (read through S3 only).
   * @default - the objects are encrypted with S3-managed keys (SSE-S3)
   */
  readonly key?: ICustodyKey;
}

/** How an AuditTrail is built. */
export interface AuditTrailProps {
  /** The owning state's account: the trail, its bucket and its key belong to it. */
  readonly custody: AwsCustody;
  /** The trail's home region (the site's). */
  readonly region: string;
  /** The trail's name; with region and account it makes the trail's ARN, which the bucket and key policies name. */
  readonly trailName: string;
  /** The audit bucket's globally unique name. */
  readonly bucketName: string;
  /** Registry stores whose object reads and writes (S3 data events) the trail records. */
  readonly stores: readonly IEncryptedStore[];
  /** Where S3 server access logs of the audit bucket go (under `access/audit-trail/`). */
  readonly logBucket: ILogBucket;
  /**
   * WORM retention of every log file, in days (S3 Object Lock, COMPLIANCE mode).
   * @default 365 - an audit year (MIN_LOG_RETENTION_DAYS), the floor too
   */
  readonly retentionDays?: number;
  /**
   * Whether the trail records management events of every region of the partition (one trail of the
   * account should; see the class doc), and with them global service events such as IAM's.
   * @default false - this region only
   */
  readonly multiRegion?: boolean;
  /**
   * Whether a single-region trail records global service events (IAM, STS, CloudFront): only
   * useful in the region where the partition records them (us-east-1 in `aws`).
   * @default - the value of `multiRegion`
   */
  readonly includeGlobalServiceEvents?: boolean;
  /**
   * Tags on the audit bucket.
   * @default - `embassy:purpose = audit-trail`
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * A site's audit trail: a CloudTrail trail recording management events and the S3 data events
 * (object reads and writes) of the site's registry stores, with log file integrity validation,
 * delivered to a bucket of its own that nobody can alter:
 * - S3 Object Lock in COMPLIANCE mode with a default retention of `retentionDays` (365: an audit
 *   year, the floor of every log of this library, MIN_LOG_RETENTION_DAYS), versioning, all public
 *   access blocked, `prevent_destroy`, and the HardenedBucket policy (no object deletes, no lock
 *   changes, configuration by custodians only);
 * - log files encrypted with a custody key of their own (SSE-KMS through the trail's `kms_key_id`),
 *   whose policy lets CloudTrail generate data keys only for this trail (`aws:SourceArn`, the
 *   recommended condition: CloudTrail User Guide, "Configure AWS KMS key policies for CloudTrail")
 *   and describe the key; anything else written without an encryption header gets SSE-S3;
 * - a bucket policy admitting CloudTrail, for this trail only, exactly as documented (CloudTrail
 *   User Guide, "Amazon S3 bucket policy for CloudTrail": `s3:GetBucketAcl` on the bucket and
 *   `s3:PutObject` under `AWSLogs/<account>/` with `bucket-owner-full-control`, each pinned with
 *   `aws:SourceArn` to the trail, "Cross-service confused deputy prevention");
 * - access logging of the audit bucket itself into the site's log bucket.
 * The trail's ARN is written out (`arn:<partition>:cloudtrail:<region>:<account>:trail/<name>`)
 * rather than referenced: the trail can only be created after the bucket policy that names it.
 *
 * Regions and global events. IAM, STS and CloudFront events are recorded in us-east-1 only since
 * 22 November 2021, so a single-region trail elsewhere never sees them (CloudTrail User Guide,
 * "CloudTrail concepts", Global service events); and a region holds at most five trails, a
 * multi-region trail counting in each ("Multiple trails per Region"). So each site's trail is
 * single-region, and one trail per topology and account (the site stack's choice) is multi-region
 * and records global service events: the account's record of IAM changes to the roles.
 *
 * Above one account. Everything here lives in the custody account, so its root user or an
 * administrator with `cloudtrail:StopLogging` can still stop a trail (a tamper rule mails it, and
 * Object Lock keeps what was delivered). A state running this across accounts should add an
 * organization trail delivered to a bucket in a separate log-archive account, with a service
 * control policy denying cloudtrail:StopLogging, DeleteTrail and UpdateTrail to everyone in the
 * custody account: then no single administrator of the embassy can blind its own audit.
 */
export class AuditTrail extends Construct implements IAuditEvidence {
  public readonly bucketArn: string;
  /** The name of the bucket that holds the trail's log files. */
  public readonly bucketName: string;
  public readonly key: ICustodyKey;
  /** The ARN of the CloudTrail trail. */
  public readonly trailArn: string;
  /** The CloudTrail trail. */
  public readonly resource: Cloudtrail;

  constructor(scope: Construct, id: string, props: AuditTrailProps) {
    super(scope, id);
    const retentionDays = props.retentionDays ?? MIN_LOG_RETENTION_DAYS;
    if (!Token.isUnresolved(retentionDays) && (!Number.isInteger(retentionDays) || retentionDays < MIN_LOG_RETENTION_DAYS)) {
      throw new Error(`retentionDays must be a whole number of days, at least ${MIN_LOG_RETENTION_DAYS}, got ${retentionDays} for audit trail '${props.trailName}'`);
    }
    if (!Token.isUnresolved(props.trailName) && !/^[A-Za-z0-9](?:[A-Za-z0-9]|[._-](?=[A-Za-z0-9])){2,127}$/.test(props.trailName)) {
      // CloudTrail API Reference, CreateTrail, Name: 3-128 of [A-Za-z0-9._-], starting and ending with a letter or digit, no adjacent punctuation.
      throw new Error(`trailName must be 3-128 characters of [A-Za-z0-9._-], starting and ending with a letter or digit, without adjacent punctuation, got '${props.trailName}'`);
    }
    const account = props.custody.accountId;
    this.trailArn = `arn:${partitionOf(props.custody)}:cloudtrail:${props.region}:${account}:trail/${props.trailName}`;

    const key = new CustodyKey(this, "Key", {
      custody: props.custody,
      region: props.region,
      description: `Encrypts the log files of audit trail ${props.trailName}`,
      alias: props.trailName,
    });
    key.grantToService({
      sid: "AllowCloudTrailToEncryptLogs",
      service: "cloudtrail.amazonaws.com",
      actions: TRAIL_ENCRYPT_KEY_ACTIONS,
      conditions: { StringEquals: { "aws:SourceArn": this.trailArn } },
    });
    key.grantToService({ sid: "AllowCloudTrailToDescribeKey", service: "cloudtrail.amazonaws.com", actions: TRAIL_DESCRIBE_KEY_ACTIONS });
    this.key = key;

    const bucket = new HardenedBucket(this, "Bucket", {
      custody: props.custody,
      bucketName: props.bucketName,
      objectLockEnabled: true,
      allowServicePrincipals: true,
      tags: { ...(props.tags ?? { "embassy:purpose": "audit-trail" }) },
    });
    this.bucketArn = bucket.bucketArn;
    this.bucketName = bucket.bucketName;
    const PROTECT = { preventDestroy: true } as const;
    new S3BucketObjectLockConfigurationA(this, "ObjectLock", {
      bucket: bucket.bucketName,
      rule: { defaultRetention: { mode: "COMPLIANCE", days: retentionDays } },
      lifecycle: PROTECT,
    });
    new S3BucketServerSideEncryptionConfigurationA(this, "Encryption", {
      bucket: bucket.bucketName,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
      lifecycle: PROTECT,
    });
    // Log files expire a month after their lock ends; S3 Lifecycle never removes a locked version
    // (S3 User Guide, "Object Lock considerations"), and acts outside the bucket policy's denies.
    new S3BucketLifecycleConfiguration(this, "Lifecycle", {
      bucket: bucket.bucketName,
      rule: [
        {
          id: "expire-old-trail-logs",
          status: "Enabled",
          filter: [{ prefix: "" }],
          expiration: [{ days: retentionDays + 35 }],
          noncurrentVersionExpiration: [{ noncurrentDays: 1 }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
      ],
    });
    new S3BucketLoggingA(this, "AccessLogging", {
      bucket: bucket.bucketName,
      targetBucket: props.logBucket.bucketName,
      targetPrefix: "access/audit-trail/",
      dependsOn: props.logBucket.deliveryDependency ? [props.logBucket.deliveryDependency] : [],
      lifecycle: PROTECT,
    });
    const fromThisTrail = { "aws:SourceArn": this.trailArn };
    bucket.addToPolicy({
      Sid: "AWSCloudTrailAclCheck",
      Effect: "Allow",
      Principal: { Service: "cloudtrail.amazonaws.com" },
      Action: "s3:GetBucketAcl",
      Resource: this.bucketArn,
      Condition: { StringEquals: fromThisTrail },
    });
    bucket.addToPolicy({
      Sid: "AWSCloudTrailWrite",
      Effect: "Allow",
      Principal: { Service: "cloudtrail.amazonaws.com" },
      Action: "s3:PutObject",
      Resource: `${this.bucketArn}/AWSLogs/${account}/*`,
      Condition: { StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", ...fromThisTrail } },
    });

    const multiRegion = props.multiRegion ?? false;
    this.resource = new Cloudtrail(this, "Resource", {
      name: props.trailName,
      s3BucketName: bucket.bucketName,
      kmsKeyId: key.keyArn,
      enableLogFileValidation: true,
      enableLogging: true,
      isMultiRegionTrail: multiRegion,
      includeGlobalServiceEvents: props.includeGlobalServiceEvents ?? multiRegion,
      // Advanced event selectors: a trail uses either these or basic ones, so management events are
      // a selector too (fields eventCategory, resources.type, resources.ARN: CloudTrail API
      // Reference, AdvancedFieldSelector; provider attributes `equals` / `starts_with`,
      // @cdktf/provider-aws lib/cloudtrail CloudtrailAdvancedEventSelectorFieldSelector).
      advancedEventSelector: [
        { name: "Management events", fieldSelector: [{ field: "eventCategory", equalTo: ["Management"] }] },
        ...(props.stores.length === 0
          ? []
          : [
              {
                name: "Registry store object reads and writes",
                fieldSelector: [
                  { field: "eventCategory", equalTo: ["Data"] },
                  { field: "resources.type", equalTo: ["AWS::S3::Object"] },
                  { field: "resources.ARN", startsWith: props.stores.map((s) => `${s.bucketArn}/`) },
                ],
              },
            ]),
      ],
      // CloudTrail checks at CreateTrail that the bucket policy admits it.
      dependsOn: [bucket.policy],
      lifecycle: PROTECT,
    });
  }
}
