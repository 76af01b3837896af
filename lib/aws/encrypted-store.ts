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
import type { PolicyStatement } from "./policy-document";
import type { IRole, IRoleRef } from "./role";

/** A VPC endpoint as a bucket policy names it (`aws:SourceVpce`). */
export interface IVpcEndpointRef {
  /** The endpoint's id, `vpce-...`. */
  readonly endpointId: string;
}

/** An encrypted registry store as other constructs see it. */
export interface IEncryptedStore {
  /** The id of the registry whose copies the store holds (the topology's registry id). */
  readonly registryId: string;
  /**
   * A name for the store that is a plain string at synth and never changes: the bucket name as
   * configured (unlike `bucketName`, which is a reference to the bucket). For identifiers that
   * must not depend on order or on another stack, such as replication rule ids.
   */
  readonly stableName: string;
  /** The name of the S3 bucket. */
  readonly bucketName: string;
  /** The ARN of the S3 bucket. */
  readonly bucketArn: string;
  /** The AWS region the bucket is in. */
  readonly region: string;
  /** The custody key every object is encrypted with (SSE-KMS). */
  readonly key: ICustodyKey;
  /** Lets `role` read every version of every object (and decrypt it through S3). */
  grantRead(role: IRole): void;
  /** Lets `role` write new object versions (and encrypt them through S3). */
  grantWrite(role: IRole): void;
  /** Lets a replication role (by ARN, possibly from another stack) write replicas here. */
  grantReplicaWrite(role: IRoleRef): void;
  /**
   * Denies `role` every request on this store that does not come through `endpoint`, so its
   * credentials are useless anywhere else. A role is restricted to one endpoint per store.
   */
  restrictToEndpoint(role: IRoleRef, endpoint: IVpcEndpointRef): void;
}

/** How an EncryptedStore is built. */
export interface EncryptedStoreProps {
  /** The owning state's account and administrators: the only principals the bucket and key policies admit. */
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
 * SSE-KMS with a custody key and bucket keys as the bucket default, all public access blocked,
 * access logging, and a bucket policy that denies non-TLS requests, principals outside the
 * custody account, and uploads that ask for any other encryption than this store's key; that
 * denies everyone deleting an object or version (a delete marker hides a locked version) and
 * changing a version's retention or legal hold; and that denies everyone but the custodians
 * changing the bucket's policy or configuration (see HardenedBucket). Bucket, key, Object Lock,
 * encryption and access logging are `prevent_destroy`.
 *
 * The abort-incomplete-uploads lifecycle rule is not stopped by the delete denies: S3 Lifecycle
 * acts through S3's internal endpoints, not as requests a bucket policy decides (S3 User Guide,
 * "How S3 Lifecycle interacts with other bucket configurations", Lifecycle and logging), and the
 * parts of an abandoned upload are not objects (s3:AbortMultipartUpload, which the writer holds,
 * is not denied either).
 *
 * How a writer uploads. The simplest upload sends no encryption header at all: S3 applies the
 * bucket default (SSE-KMS with this store's key), and no deny fires, because each encryption deny
 * needs its header to be present (a `Null: false` condition in the same statement; the
 * `...IfExists` operators would instead match an absent header and refuse every default upload,
 * and every UploadPart of a multipart upload, which never carries these headers). A writer that
 * does send headers must send `aws:kms` and this store's key ARN exactly (a site stack outputs it
 * as `store-<registry>-key-arn`): the S3 User Guide ("Using server-side encryption with AWS KMS
 * keys", Requiring SSE-KMS) has the policy name the key by its ARN
 * (`arn:aws:kms:region:acct-id:key/key-id`), and IAM compares the condition key as a string, so
 * the ARN is the one form documented to pass; a bare key id or an alias may be refused (and an
 * alias is unwanted anyway: it can be re-pointed, and resolves in the requester's account).
 * Every PUT to an Object Lock bucket needs Content-MD5 or an x-amz-checksum header (S3 API
 * reference, PutObject; S3 User Guide, "Object Lock considerations", Uploading objects to an
 * Object Lock enabled bucket); AWS SDKs and AWS CLI v2 releases since the end of 2024 send a CRC
 * checksum by default (AWS SDKs and Tools Reference Guide, "Data Integrity Protections for Amazon
 * S3"), older ones, presigned URLs and raw HTTP clients need `--checksum-algorithm` (or
 * Content-MD5). The site stack's outputs say so too.
 */
export class EncryptedStore extends Construct implements IEncryptedStore {
  public readonly registryId: string;
  public readonly stableName: string;
  public readonly bucketName: string;
  public readonly bucketArn: string;
  public readonly region: string;
  public readonly key: ICustodyKey;
  private readonly bucket: HardenedBucket;
  /** The endpoint each restricted role must come through, by role ARN. */
  private readonly endpointOf = new Map<string, string>();

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
    this.stableName = Token.isUnresolved(props.bucketName) ? `${props.registryId}-${props.region}` : props.bucketName;
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
      // Logging starts only once the log bucket's policy admits the S3 logging service, so no
      // request at creation goes unlogged.
      dependsOn: props.logBucket.deliveryDependency ? [props.logBucket.deliveryDependency] : [],
      // The evidence trail is a guarantee: switching it off (destroying this) needs a deliberate
      // step (lifting prevent_destroy, or `terraform state rm`), which is intended.
      lifecycle: { preventDestroy: true },
    });
    const SSE = "s3:x-amz-server-side-encryption";
    const SSE_KEY = "s3:x-amz-server-side-encryption-aws-kms-key-id";
    const SSE_C = "s3:x-amz-server-side-encryption-customer-algorithm";
    const denyUpload = (sid: string, condition: PolicyStatement["Condition"]) =>
      this.bucket.addToPolicy({ Sid: sid, Effect: "Deny", Principal: "*", Action: "s3:PutObject", Resource: `${this.bucketArn}/*`, Condition: condition });
    // Another algorithm asked for (AES256, aws:kms:dsse): fires only when the header is present.
    denyUpload("DenyUploadsNotSseKms", { StringNotEquals: { [SSE]: "aws:kms" }, Null: { [SSE]: "false" } });
    // Another key asked for (anything but this key's ARN): only when the header is present.
    denyUpload("DenyUploadsWithOtherKey", { StringNotEquals: { [SSE_KEY]: this.key.keyArn }, Null: { [SSE_KEY]: "false" } });
    // "aws:kms" without a key id: S3 then encrypts with the AWS managed key aws/s3, not the bucket
    // default (S3 User Guide, "Using server-side encryption with AWS KMS keys": "If your PutObject
    // request specifies aws:kms in the x-amz-server-side-encryption header, but does not specify the
    // x-amz-server-side-encryption-aws-kms-key-id header, then Amazon S3 assumes that you want to use
    // the AWS managed key"; S3 API reference, PutObject, SSEKMSKeyId, likewise).
    denyUpload("DenyUploadsWithoutKeyId", { StringEquals: { [SSE]: "aws:kms" }, Null: { [SSE_KEY]: "true" } });
    // A customer-provided key (SSE-C) would bypass the bucket default and the custody key entirely,
    // and such objects are never replicated (S3 User Guide, "Replicating encrypted objects").
    denyUpload("DenyUploadsWithCustomerKey", { Null: { [SSE_C]: "false" } });
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
   * A Deny for `role`'s requests whose `aws:SourceVpce` is not the endpoint's id. A request that
   * comes through no VPC endpoint carries no `aws:SourceVpce`, and a negated operator matches an
   * absent key (IAM User Guide, "IAM JSON policy elements: Condition operators": "If the policy
   * condition requires that the key is not matched, such as StringNotLike or ArnNotLike, and the
   * right key is not present, the condition is true"), so it is denied too. Keys on the role's
   * ARN (`aws:PrincipalArn`), which holds for every session of the role. The Sid names the role,
   * so it never shifts with order.
   */
  public restrictToEndpoint(role: IRoleRef, endpoint: IVpcEndpointRef): void {
    const existing = this.endpointOf.get(role.roleArn);
    if (existing !== undefined) {
      if (existing === endpoint.endpointId) return;
      throw new Error(`role '${role.roleArn}' is already restricted to another endpoint on store '${this.registryId}': a second one would deny it everywhere`);
    }
    this.endpointOf.set(role.roleArn, endpoint.endpointId);
    const name = Token.isUnresolved(role.roleArn) ? String(this.endpointOf.size) : role.roleArn.slice(role.roleArn.lastIndexOf("/") + 1);
    const pascal = name.split(/[^A-Za-z0-9]+/).map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join("");
    this.bucket.addToPolicy({
      Sid: `Deny${pascal}OutsideEndpoint`,
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: [this.bucketArn, `${this.bucketArn}/*`],
      Condition: { ArnEquals: { "aws:PrincipalArn": role.roleArn }, StringNotEquals: { "aws:SourceVpce": endpoint.endpointId } },
    });
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
