/**
 * Every IAM / KMS action list this library grants, in one place, so a reviewer can read
 * exactly what each purpose may do. Nothing here is `*`.
 */

/** Read and restore registry copies: every version, with its retention facts. */
export const BUCKET_READ_ACTIONS = [
  "s3:GetObject",
  "s3:GetObjectVersion",
  "s3:GetObjectRetention",
  "s3:GetObjectLegalHold",
  "s3:GetObjectTagging",
  "s3:GetObjectVersionTagging",
  "s3:ListBucket",
  "s3:ListBucketVersions",
] as const;

/** Write new versions at the primary (versions are never overwritten or deleted: WORM). */
export const BUCKET_WRITE_ACTIONS = ["s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"] as const;

/**
 * List a store's object keys, sizes and ETags (ListObjectsV2), never their content: what a copy job
 * (a writer, a datacenter's ingest) needs to skip the content-addressed objects
 * (`objects/sha256/<hex>`) a target already holds, so that an interrupted push resumes and a second
 * push of the same files sends nothing. s3:ListBucket is the permission of ListObjectsV2 and is
 * granted on the bucket ARN (S3 API Reference, ListObjectsV2, Permissions; Service Authorization
 * Reference, Amazon S3: ListBucket, resource type `bucket`); it does not cover HeadObject or
 * GetObject, which need s3:GetObject (S3 API Reference, HeadObject, Permissions), so the key names
 * and sizes are all it shows. Not s3:ListBucketVersions: earlier versions are the readers' business.
 */
export const BUCKET_LIST_ACTIONS = ["s3:ListBucket"] as const;

/** Key use needed to read objects encrypted under the store's key (through S3 only). */
export const KEY_DECRYPT_ACTIONS = ["kms:Decrypt", "kms:DescribeKey"] as const;

/**
 * Key use needed to write objects under the store's key (through S3 only). kms:Decrypt is
 * included because S3 must read the encrypted parts to complete a multipart upload (S3 User
 * Guide, "Multipart upload API and permissions"); the writer still has no s3:GetObject.
 */
export const KEY_ENCRYPT_ACTIONS = ["kms:Encrypt", "kms:GenerateDataKey", "kms:Decrypt", "kms:DescribeKey"] as const;

/**
 * Key use a replication role needs on a target key. kms:Decrypt is required because replicas
 * keep S3 Bucket Key encryption and S3 verifies the bucket key with the caller's rights (S3 User
 * Guide, "Replicating objects created with server-side encryption", Bucket Keys).
 */
export const KEY_REPLICA_ACTIONS = ["kms:Encrypt", "kms:GenerateDataKey", "kms:Decrypt", "kms:DescribeKey"] as const;

/** Key metadata an auditor may read: no use, no change. */
export const KEY_AUDIT_ACTIONS = ["kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags"] as const;

/** The union of crypto actions; only data roles ever get these, never key administrators. */
export const KEY_CRYPTO_ACTIONS = [
  "kms:Decrypt",
  "kms:Encrypt",
  "kms:GenerateDataKey",
  "kms:GenerateDataKeyWithoutPlaintext",
  "kms:ReEncryptFrom",
  "kms:ReEncryptTo",
] as const;

/**
 * Administer a key's life cycle and policy, without any cryptographic use of it and without
 * the two actions that make every copy under the key unreadable (see KEY_RETIRE_ACTIONS).
 * Deliberately absent: kms:CreateGrant (a grant could hand out decryption), kms:DisableKeyRotation
 * (rotation is a guarantee), kms:ScheduleKeyDeletion and kms:DisableKey (a separate purpose) and
 * every crypto action. The recovery actions kms:CancelKeyDeletion and kms:EnableKey stay here on
 * purpose: destroying must be hard, undoing a destruction easy, so any key administrator can
 * cancel a scheduled deletion or re-enable a disabled key.
 * kms:PutKeyPolicy remains, as someone must be able to change the policy (every new replication
 * target changes it); what that power still allows, and what guards it, is explained on CustodyKey.
 */
export const KEY_ADMIN_ACTIONS = [
  "kms:CreateAlias",
  "kms:DeleteAlias",
  "kms:UpdateAlias",
  "kms:DescribeKey",
  "kms:EnableKey",
  "kms:EnableKeyRotation",
  "kms:RotateKeyOnDemand",
  "kms:GetKeyPolicy",
  "kms:PutKeyPolicy",
  "kms:GetKeyRotationStatus",
  "kms:ListGrants",
  "kms:ListKeyPolicies",
  "kms:ListKeyRotations",
  "kms:ListResourceTags",
  "kms:RevokeGrant",
  "kms:RetireGrant",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:UpdateKeyDescription",
  "kms:CancelKeyDeletion",
] as const;

/**
 * The alias side of KEY_ADMIN_ACTIONS' alias actions. Creating, re-pointing or deleting an alias
 * needs the action on the alias as well as on the key (Service Authorization Reference, "Actions,
 * resources, and condition keys for AWS Key Management Service": resource types `alias*` and
 * `key*`; KMS Developer Guide, "Controlling access to aliases"), and the alias side can only be
 * granted in an IAM policy, so a key administrator's IAM policy names the aliases too.
 */
export const KEY_ALIAS_ACTIONS = ["kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias"] as const;

/**
 * Key listings that belong to no key: kms:ListAliases has no resource type (Service Authorization
 * Reference, AWS KMS: no resource for ListAliases; KMS Developer Guide, "Controlling access to
 * aliases": "the value of the resource element in the policy must be '*'"), so it is granted on
 * `*` in a statement of its own, never in a key policy or next to key ARNs, where it has no effect.
 */
export const KEY_LIST_ACTIONS = ["kms:ListAliases"] as const;

/**
 * Sign with a manifest-signing key (an asymmetric `SIGN_VERIFY` key, SigningKey): kms:Sign, called
 * directly on KMS by the copy job or the writer (no AWS service signs for them), plus the public
 * key and metadata it records in the signature. KMS API Reference, Sign: "Required permissions:
 * kms:Sign (key policy)"; GetPublicKey: kms:GetPublicKey; DescribeKey: kms:DescribeKey.
 */
export const KEY_SIGN_ACTIONS = ["kms:Sign", "kms:GetPublicKey", "kms:DescribeKey"] as const;

/**
 * Check a manifest's signature with a manifest-signing key: kms:Verify, or the public key to
 * verify offline (KMS API Reference, Verify: "Required permissions: kms:Verify (key policy)";
 * GetPublicKey: "Required permissions: kms:GetPublicKey (key policy)"). Neither reveals anything
 * secret nor signs.
 */
export const KEY_VERIFY_ACTIONS = ["kms:Verify", "kms:GetPublicKey", "kms:DescribeKey"] as const;

/**
 * KEY_ADMIN_ACTIONS for an asymmetric signing key: the same, minus the rotation actions, which KMS
 * refuses for asymmetric keys ("Automatic key rotation is supported only on symmetric encryption
 * KMS keys. You cannot enable automatic rotation of asymmetric KMS keys, HMAC KMS keys, ...", KMS
 * API Reference, EnableKeyRotation; RotateKeyOnDemand likewise), so granting them would only
 * mislead a reader of the policy.
 */
export const SIGNING_KEY_ADMIN_ACTIONS = KEY_ADMIN_ACTIONS.filter(
  (a) => a !== "kms:EnableKeyRotation" && a !== "kms:RotateKeyOnDemand" && a !== "kms:ListKeyRotations",
);

/**
 * Retire a key: schedule its deletion (never with less than the 30-day window: every key policy
 * denies shorter windows to everyone) or disable it. Either makes every copy encrypted under the
 * key unreadable, so these are a purpose of their own, granted only to principals named for it
 * (custody `keyRetirers`), never to the everyday key administrators.
 */
export const KEY_RETIRE_ACTIONS = ["kms:ScheduleKeyDeletion", "kms:DisableKey"] as const;

/**
 * The source side of S3 replication, as the S3 User Guide lists it for the replication role
 * ("Setting up permissions for live replication": s3:GetReplicationConfiguration and
 * s3:ListBucket on the source bucket; s3:GetObjectVersionForReplication, s3:GetObjectVersionAcl
 * and s3:GetObjectVersionTagging on its objects), plus s3:GetObjectRetention and
 * s3:GetObjectLegalHold, which replication of Object Lock buckets needs ("Using Object Lock with
 * S3 Replication").
 */
export const REPLICATION_SOURCE_BUCKET_ACTIONS = ["s3:GetReplicationConfiguration", "s3:ListBucket"] as const;
/**
 * The object half of the replication role's source permissions (on `<source bucket ARN>/*`): read
 * each version with its ACL, tags, retention and legal hold, so the copy keeps its Object Lock
 * facts (same sources as REPLICATION_SOURCE_BUCKET_ACTIONS).
 */
export const REPLICATION_SOURCE_OBJECT_ACTIONS = [
  "s3:GetObjectVersionForReplication",
  "s3:GetObjectVersionAcl",
  "s3:GetObjectVersionTagging",
  "s3:GetObjectRetention",
  "s3:GetObjectLegalHold",
] as const;
/**
 * The target side of S3 replication (same page): s3:ReplicateObject and s3:ReplicateTags, and
 * deliberately not s3:ReplicateDelete, so a delete marker at the primary never reaches a copy.
 */
export const REPLICATION_TARGET_OBJECT_ACTIONS = ["s3:ReplicateObject", "s3:ReplicateTags"] as const;

/** Operate a site: see and tune configuration and health, never read data or use keys. */
export const OPERATE_ACTIONS = [
  "s3:GetBucketLocation",
  "s3:GetBucketVersioning",
  "s3:GetBucketLogging",
  "s3:GetBucketTagging",
  "s3:GetBucketObjectLockConfiguration",
  "s3:GetReplicationConfiguration",
  "s3:GetEncryptionConfiguration",
  "s3:GetMetricsConfiguration",
  "s3:PutBucketTagging",
  "s3:PutMetricsConfiguration",
] as const;

/** Audit of buckets: read every configuration and policy that makes the guarantees, nothing else. */
export const BUCKET_AUDIT_ACTIONS = [
  "s3:GetBucketPolicy",
  "s3:GetBucketPolicyStatus",
  "s3:GetBucketPublicAccessBlock",
  "s3:GetBucketOwnershipControls",
  "s3:GetBucketVersioning",
  "s3:GetBucketLogging",
  "s3:GetBucketObjectLockConfiguration",
  "s3:GetReplicationConfiguration",
  "s3:GetEncryptionConfiguration",
] as const;

/** Data-plane actions that a key administrator or operator is explicitly denied (separation of duties). */
export const DATA_READ_DENY_ACTIONS = ["s3:GetObject", "s3:GetObjectVersion", "kms:Decrypt", "kms:ReEncryptFrom"] as const;

/**
 * What nobody may do to an object in any bucket of this library (stores and log buckets), whoever
 * asks: the bucket policy denies it to Principal "*". s3:DeleteObject matters even under Object
 * Lock: it places a delete marker, and "Delete markers are not WORM-protected, regardless of any
 * retention period or legal hold" (S3 User Guide, "Object Lock considerations", Managing delete
 * markers); a plain GET then answers 404 (S3 User Guide, "Working with delete markers").
 * Expiring old log objects is left to S3 Lifecycle, which S3 performs itself through internal
 * endpoints, not as a request a bucket policy decides (S3 User Guide, "How S3 Lifecycle interacts
 * with other bucket configurations", Lifecycle and logging; S3 API Reference, PutBucketLifecycle:
 * to stop deletions, deny s3:DeleteObject, s3:DeleteObjectVersion *and* s3:PutLifecycleConfiguration).
 */
export const OBJECT_DELETE_ACTIONS = ["s3:DeleteObject", "s3:DeleteObjectVersion"] as const;

/**
 * What nobody may do to an object version's lock in a store (Object Lock buckets): every version
 * keeps exactly the bucket's default COMPLIANCE retention. Nobody is granted these, so this only
 * binds principals with broad IAM rights (AdministratorAccess in the custody account), who could
 * otherwise upload versions with a shorter retention of their own, lock versions for a century
 * (COMPLIANCE can never be shortened) or place legal holds. Replicas are unaffected: S3 writes a
 * replica's retention under s3:ReplicateObject (S3 User Guide, "Managing Object Lock", Setting
 * retention limits: a destination bucket's policy must name s3:ReplicateObject to limit replicas).
 */
export const OBJECT_LOCK_CHANGE_ACTIONS = ["s3:PutObjectRetention", "s3:PutObjectLegalHold", "s3:BypassGovernanceRetention"] as const;

/**
 * Bucket configuration that carries a guarantee (policy, Object Lock default, replication, access
 * logging, lifecycle, default encryption, versioning, public access block, ownership, event
 * notifications) and deleting the bucket: only the custodians may do these (they deploy the
 * stacks); every bucket policy denies them to everyone else in the custody account. Each also
 * covers the matching Delete API (DeleteBucketReplication, DeleteBucketLifecycle,
 * DeleteBucketEncryption, DeletePublicAccessBlock, DeleteBucketOwnershipControls use the Put
 * permission; S3 API Reference, each operation's Permissions).
 */
export const BUCKET_CONFIGURATION_ACTIONS = [
  "s3:PutBucketPolicy",
  "s3:DeleteBucketPolicy",
  "s3:PutBucketObjectLockConfiguration",
  "s3:PutReplicationConfiguration",
  "s3:PutBucketLogging",
  "s3:PutLifecycleConfiguration",
  "s3:PutEncryptionConfiguration",
  "s3:PutBucketVersioning",
  "s3:PutBucketPublicAccessBlock",
  "s3:PutBucketOwnershipControls",
  "s3:PutBucketNotification",
  "s3:DeleteBucket",
] as const;

/**
 * What a datacenter's ingest role is explicitly denied, whatever else it may come to hold: deleting
 * any object or version, touching retention or legal holds (S3 Object Lock, "Managing Object Lock":
 * s3:PutObjectRetention, s3:PutObjectLegalHold, s3:BypassGovernanceRetention), changing a bucket's
 * policy, Object Lock, versioning or lifecycle, and reading data back. Its only grant is
 * BUCKET_WRITE_ACTIONS (through the stores' grantWrite); this deny keeps a later, broader grant
 * from turning the copy job's credentials into a way to destroy or read copies.
 */
export const INGEST_DENIED_ACTIONS = [
  "s3:DeleteObject",
  "s3:DeleteObjectVersion",
  "s3:DeleteObjectTagging",
  "s3:DeleteObjectVersionTagging",
  "s3:PutObjectRetention",
  "s3:PutObjectLegalHold",
  "s3:BypassGovernanceRetention",
  "s3:PutBucketPolicy",
  "s3:DeleteBucketPolicy",
  "s3:PutBucketObjectLockConfiguration",
  "s3:PutBucketVersioning",
  "s3:PutLifecycleConfiguration",
  "s3:DeleteBucket",
  "s3:GetObject",
  "s3:GetObjectVersion",
  "kms:ReEncryptFrom",
] as const;

/**
 * What an AWS service that publishes to an encrypted SNS topic needs on the topic's key: SNS
 * encrypts each message with a data key it asks for on the publisher's behalf (SNS Developer
 * Guide, "Key management", Enable compatibility between event sources from AWS services and
 * encrypted topics: `kms:GenerateDataKey*` and `kms:Decrypt` for the service principal).
 */
export const TOPIC_PUBLISH_KEY_ACTIONS = ["kms:GenerateDataKey*", "kms:Decrypt"] as const;

/**
 * What CloudTrail needs on a trail's key: `kms:GenerateDataKey*` to encrypt log and digest files,
 * granted for the one trail, and `kms:DescribeKey` to check the key (CloudTrail User Guide,
 * "Configure AWS KMS key policies for CloudTrail": Granting encrypt permissions for trails; Enable
 * CloudTrail to describe KMS key properties).
 */
export const TRAIL_ENCRYPT_KEY_ACTIONS = ["kms:GenerateDataKey*"] as const;
/** The other half: `kms:DescribeKey`, which CloudTrail calls to check the trail's key properties (same source). */
export const TRAIL_DESCRIBE_KEY_ACTIONS = ["kms:DescribeKey"] as const;

/** What CloudWatch alarms and EventBridge rules may do on a site's alert topic: publish, nothing else. */
export const TOPIC_PUBLISH_ACTIONS = ["sns:Publish"] as const;

/**
 * What EventBridge (and the log delivery service) may do on the arrival log group: create streams
 * and put events (EventBridge User Guide, "Using resource-based policies for Amazon EventBridge",
 * CloudWatch Logs permissions).
 */
export const EVENTS_TO_LOGS_ACTIONS = ["logs:CreateLogStream", "logs:PutLogEvents"] as const;

/**
 * Reading audit evidence (CloudTrail log and digest files, S3 server access logs, flow logs):
 * every version, and listing. Granted to the audit role on the evidence buckets only, never on a
 * registry store.
 */
export const EVIDENCE_READ_ACTIONS = ["s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket", "s3:ListBucketVersions"] as const;

/** Decrypting audit evidence encrypted under the trail's custody key, through S3 only. */
export const EVIDENCE_DECRYPT_ACTIONS = ["kms:Decrypt"] as const;

/**
 * What EventBridge needs to forward an event to an event bus in another Region (EventBridge User
 * Guide, "Sending and receiving events between AWS Regions": the rule's target is the other bus,
 * with a role that may call events:PutEvents on it).
 */
export const EVENT_FORWARD_ACTIONS = ["events:PutEvents"] as const;
