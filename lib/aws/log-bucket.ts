import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { type ITerraformDependable, Token } from "cdktf";
import { Construct } from "constructs";
import type { AwsCustody } from "./custody";
import { HardenedBucket } from "./private/hardened-bucket";

/** Where a site's access logs and flow logs go. */
export interface ILogBucket {
  /** The name of the bucket that receives access logs and flow logs. */
  readonly bucketName: string;
  /** The ARN of the log bucket. */
  readonly bucketArn: string;
  /** What a log delivery must wait for (the bucket policy that admits it), if anything. */
  readonly deliveryDependency?: ITerraformDependable;
}

/** How a LogBucket is built. */
export interface LogBucketProps {
  /** The owning state's account: the bucket accepts log deliveries for it only. */
  readonly custody: AwsCustody;
  /** The name of the bucket to create. */
  readonly bucketName: string;
  /**
   * Days a log object is kept before it expires.
   * @default 400 - a year of evidence plus a margin for an annual audit
   */
  readonly retentionDays?: number;
}

/** Smallest allowed log retention: an audit year. */
export const MIN_LOG_RETENTION_DAYS = 365;

/**
 * A protected bucket for S3 server access logs and VPC flow logs: versioned, TLS only, no
 * public access, `prevent_destroy`, writable only by the two AWS log delivery services for
 * this account. Like every bucket of this library (HardenedBucket), its policy denies everyone
 * deleting a log object or version, and everyone but the custodians changing its policy,
 * lifecycle, logging, encryption, versioning or public access block; log delivery only puts
 * objects (and the flow-log service reads the bucket ACL and lists), so it is unaffected, and old
 * logs still expire through the lifecycle rule, which S3 applies itself.
 * Encrypted with SSE-S3, because S3 server access logging cannot deliver to a
 * bucket whose default encryption is SSE-KMS, and without Object Lock default retention,
 * which server access logging does not support either (both AWS documented limits).
 */
export class LogBucket extends Construct implements ILogBucket {
  public readonly bucketName: string;
  public readonly bucketArn: string;
  public readonly deliveryDependency: ITerraformDependable;

  constructor(scope: Construct, id: string, props: LogBucketProps) {
    super(scope, id);
    const retentionDays = props.retentionDays ?? 400;
    if (!Token.isUnresolved(retentionDays) && retentionDays < MIN_LOG_RETENTION_DAYS) {
      throw new Error(`retentionDays must be at least ${MIN_LOG_RETENTION_DAYS}, got ${retentionDays} for log bucket '${props.bucketName}'`);
    }
    const bucket = new HardenedBucket(this, "Bucket", {
      custody: props.custody,
      bucketName: props.bucketName,
      objectLockEnabled: false,
      allowServicePrincipals: true,
    });
    this.bucketName = bucket.bucketName;
    this.bucketArn = bucket.bucketArn;
    this.deliveryDependency = bucket.policy;
    new S3BucketServerSideEncryptionConfigurationA(this, "Encryption", {
      bucket: bucket.bucketName,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
      lifecycle: { preventDestroy: true },
    });
    new S3BucketLifecycleConfiguration(this, "Lifecycle", {
      bucket: bucket.bucketName,
      rule: [
        {
          id: "expire-old-logs",
          status: "Enabled",
          filter: [{ prefix: "" }],
          expiration: [{ days: retentionDays }],
          noncurrentVersionExpiration: [{ noncurrentDays: retentionDays }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
      ],
    });
    const account = { "aws:SourceAccount": props.custody.accountId };
    bucket.addToPolicy({
      Sid: "AllowServerAccessLogDelivery",
      Effect: "Allow",
      Principal: { Service: "logging.s3.amazonaws.com" },
      Action: "s3:PutObject",
      Resource: `${this.bucketArn}/access/*`,
      Condition: { StringEquals: account },
    });
    bucket.addToPolicy({
      Sid: "AllowFlowLogDelivery",
      Effect: "Allow",
      Principal: { Service: "delivery.logs.amazonaws.com" },
      Action: "s3:PutObject",
      Resource: `${this.bucketArn}/flow/*`,
      Condition: { StringEquals: { ...account, "s3:x-amz-acl": "bucket-owner-full-control" } },
    });
    bucket.addToPolicy({
      Sid: "AllowFlowLogAclCheck",
      Effect: "Allow",
      Principal: { Service: "delivery.logs.amazonaws.com" },
      Action: ["s3:GetBucketAcl", "s3:ListBucket"],
      Resource: this.bucketArn,
      Condition: { StringEquals: account },
    });
  }
}
