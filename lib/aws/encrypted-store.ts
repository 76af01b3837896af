import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketLoggingA } from "@cdktf/provider-aws/lib/s3-bucket-logging";
import { S3BucketObjectLockConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-object-lock-configuration";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { CustodyKey, type ICustodyKey } from "./custody-key";
import type { AwsCustody } from "./custody";
import type { ILogBucket } from "./log-bucket";
import {
  BUCKET_READ_ACTIONS,
  BUCKET_WRITE_ACTIONS,
  KEY_DECRYPT_ACTIONS,
  KEY_ENCRYPT_ACTIONS,
  KEY_REPLICA_ACTIONS,
} from "./perms";
import { HardenedBucket } from "./private/hardened-bucket";
import type { IRole, IRoleRef } from "./role";

/** An encrypted registry store as other constructs see it. */
export interface IEncryptedStore {
  readonly registryId: string;
  readonly bucketName: string;
  readonly bucketArn: string;
  readonly region: string;
  readonly key: ICustodyKey;
  /** Lets `role` read every version of every object (and decrypt it through S3). */
  grantRead(role: IRole): void;
  /** Lets `role` write new object versions (and encrypt them through S3). */
  grantWrite(role: IRole): void;
  /** Lets a replication role (by ARN, possibly from another stack) write replicas here. */
  grantReplicaWrite(role: IRoleRef): void;
}

export interface EncryptedStoreProps {
  readonly custody: AwsCustody;
  /** The registry this store holds a copy of. */
  readonly registryId: string;
  /** The bucket's globally unique name. */
  readonly bucketName: string;
  /** The region the bucket and its key are in. */
  readonly region: string;
  /** WORM retention of every object version, in days (S3 Object Lock, COMPLIANCE mode). */
  readonly retentionDays: number;
  /**
   * The floor `retentionDays` may not go below.
   * @default 30 - the topology's default rules.minRetentionDays
   */
  readonly minRetentionDays?: number;
  /** Where S3 server access logs go (under `access/<registryId>/`). */
  readonly logBucket: ILogBucket;
  /**
   * The key that encrypts the store.
   * @default - a new customer-managed key is created for this store
   */
  readonly encryptionKey?: ICustodyKey;
}

/**
 * One registry copy at one site: an S3 bucket with versioning, Object Lock in COMPLIANCE mode
 * (nobody, not even the account root, can shorten retention or delete a locked version),
 * SSE-KMS with a custody key and bucket keys, all public access blocked, access logging, and a
 * bucket policy that denies non-TLS requests, uploads that are not SSE-KMS with this store's
 * key (including "aws:kms" without a key id, which S3 would encrypt with aws/s3), and any
 * principal outside the custody account. Bucket and key are `prevent_destroy`.
 */
export class EncryptedStore extends Construct implements IEncryptedStore {
  public readonly registryId: string;
  public readonly bucketName: string;
  public readonly bucketArn: string;
  public readonly region: string;
  public readonly key: ICustodyKey;
  private readonly bucket: HardenedBucket;

  constructor(scope: Construct, id: string, props: EncryptedStoreProps) {
    super(scope, id);
    const floor = props.minRetentionDays ?? 30;
    if (!Token.isUnresolved(props.retentionDays) && props.retentionDays < floor) {
      throw new Error(
        `retentionDays must be at least ${floor} (rules.minRetentionDays), got ${props.retentionDays} for registry '${props.registryId}'`,
      );
    }
    this.registryId = props.registryId;
    this.region = props.region;
    this.key =
      props.encryptionKey ??
      new CustodyKey(this, "Key", {
        custody: props.custody,
        region: props.region,
        description: `Encrypts registry '${props.registryId}' in ${props.bucketName}`,
        alias: props.bucketName,
      });
    this.bucket = new HardenedBucket(this, "Resource", {
      custody: props.custody,
      bucketName: props.bucketName,
      objectLockEnabled: true,
      allowServicePrincipals: false,
      // Names the registry, so policy rules can hold the store to its own retentionDays.
      tags: { "embassy:registry": props.registryId },
    });
    this.bucketName = this.bucket.bucketName;
    this.bucketArn = this.bucket.bucketArn;

    new S3BucketObjectLockConfigurationA(this, "ObjectLock", {
      bucket: this.bucketName,
      rule: { defaultRetention: { mode: "COMPLIANCE", days: props.retentionDays } },
      lifecycle: { preventDestroy: true },
    });
    new S3BucketServerSideEncryptionConfigurationA(this, "Encryption", {
      bucket: this.bucketName,
      rule: [
        {
          applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: this.key.keyArn },
          bucketKeyEnabled: true,
        },
      ],
      lifecycle: { preventDestroy: true },
    });
    // Housekeeping only: parts of abandoned uploads are not data. No rule ever expires a version.
    new S3BucketLifecycleConfiguration(this, "Lifecycle", {
      bucket: this.bucketName,
      rule: [{ id: "abort-incomplete-uploads", status: "Enabled", filter: [{ prefix: "" }], abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }] }],
    });
    new S3BucketLoggingA(this, "AccessLogging", {
      bucket: this.bucketName,
      targetBucket: props.logBucket.bucketName,
      targetPrefix: `access/${props.registryId}/`,
    });
    this.bucket.addToPolicy({
      Sid: "DenyUploadsNotSseKms",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:PutObject",
      Resource: `${this.bucketArn}/*`,
      Condition: { StringNotEqualsIfExists: { "s3:x-amz-server-side-encryption": "aws:kms" } },
    });
    this.bucket.addToPolicy({
      Sid: "DenyUploadsWithOtherKey",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:PutObject",
      Resource: `${this.bucketArn}/*`,
      Condition: { StringNotEqualsIfExists: { "s3:x-amz-server-side-encryption-aws-kms-key-id": this.key.keyArn } },
    });
    // "aws:kms" without a key id would encrypt with the AWS-managed aws/s3 key, not the custody key.
    this.bucket.addToPolicy({
      Sid: "DenyUploadsWithoutKeyId",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:PutObject",
      Resource: `${this.bucketArn}/*`,
      Condition: {
        StringEquals: { "s3:x-amz-server-side-encryption": "aws:kms" },
        Null: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "true" },
      },
    });
  }

  public grantRead(role: IRole): void {
    this.grant(role, "Read", BUCKET_READ_ACTIONS, KEY_DECRYPT_ACTIONS);
  }

  public grantWrite(role: IRole): void {
    this.grant(role, "Write", BUCKET_WRITE_ACTIONS, KEY_ENCRYPT_ACTIONS);
  }

  public grantReplicaWrite(role: IRoleRef): void {
    this.key.grantUse(role, KEY_REPLICA_ACTIONS, "s3");
  }

  /**
   * The one place a grant is made: the role's policy on bucket and objects, and the key. Grants
   * of one purpose share a statement (Role merges their resources), so a role's policy grows by
   * three ARNs per store, not by two statements, and stays inside IAM's inline size limit longer.
   */
  private grant(role: IRole, purpose: string, actions: readonly string[], keyActions: readonly string[]): void {
    role.addToPolicy({ Sid: `${purpose}Stores`, Effect: "Allow", Action: [...actions], Resource: [this.bucketArn, `${this.bucketArn}/*`] });
    role.addToPolicy({ Sid: `${purpose}StoreKeys`, Effect: "Allow", Action: [...keyActions], Resource: [this.key.keyArn] });
    this.key.grantUse(role, keyActions, "s3");
  }
}
