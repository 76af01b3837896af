import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketNotification } from "@cdktf/provider-aws/lib/s3-bucket-notification";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { Lazy, Token } from "cdktf";
import { Construct } from "constructs";
import { type AwsCustody, custodiansOf } from "../custody";
import { BUCKET_CONFIGURATION_ACTIONS, OBJECT_DELETE_ACTIONS, OBJECT_LOCK_CHANGE_ACTIONS } from "../perms";
import type { PolicyStatement } from "../policy-document";
import { renderPolicy } from "../policy-document";

export interface HardenedBucketProps {
  readonly custody: AwsCustody;
  readonly bucketName: string;
  readonly objectLockEnabled: boolean;
  /** Service principals (e.g. `logging.s3.amazonaws.com`) exempt from the outside-custody deny. */
  readonly allowServicePrincipals: boolean;
  /** Tags on the bucket (e.g. `embassy:registry`, which policy rules read). */
  readonly tags?: Readonly<Record<string, string>>;
}

const PROTECT = { preventDestroy: true } as const;

/**
 * The parts every bucket of this library shares: versioning, all public access blocked,
 * ACLs disabled, object events to EventBridge, and `prevent_destroy` on each of them; and a bucket
 * policy that denies
 * - requests without TLS, and principals outside the custody account (`DenyInsecureTransport`,
 *   `DenyOutsideCustody`);
 * - deleting any object or version to everyone (`DenyDeletingObjects`), and on Object Lock buckets
 *   changing any version's retention or legal hold (`DenyChangingObjectLocks`);
 * - changing the bucket's configuration (policy, Object Lock default, replication, logging,
 *   lifecycle, encryption, versioning, public access block, ownership, notifications) or deleting
 *   the bucket to every principal that is not a custodian (`DenyConfigurationOutsideCustodians`).
 *
 * Why the last two. `DenyOutsideCustody` checks the account only, so without them any principal of
 * the custody account with S3 rights (an AdministratorAccess role, a reader or writer who is also
 * an administrator) could weaken a store: hide every object behind delete markers, lower the
 * default retention, replicate copies elsewhere, rewrite the policy or turn off logging.
 * The custodians (custody administrators who are neither readers nor writers; `custodiansOf`) are
 * who deploys the stacks, so Terraform, run as a custodian, still applies and refreshes everything;
 * reads (`Get*`, `List*`) are never denied. Services are unaffected: S3 replicates with
 * s3:ReplicateObject and never changes a destination's configuration, log delivery only puts
 * objects, and S3 Lifecycle acts through S3's internal endpoints rather than as requests a bucket
 * policy decides (S3 User Guide, "How S3 Lifecycle interacts with other bucket configurations").
 * This cannot brick a bucket: the account's root user can always call GetBucketPolicy,
 * PutBucketPolicy and DeleteBucketPolicy, "even if their bucket policy explicitly denies the root
 * principal's access" (S3 API Reference, PutBucketPolicy and DeleteBucketPolicy, Permissions),
 * so the root user can repair a policy that names the wrong custodians. That exception also means
 * a bucket policy cannot protect the bucket from the root user; a service control policy can.
 * Internal: used by EncryptedStore and LogBucket.
 */
export class HardenedBucket extends Construct {
  public readonly resource: S3Bucket;
  public readonly bucketArn: string;
  public readonly bucketName: string;
  /** The bucket policy: services that deliver into the bucket depend on it. */
  public readonly policy: S3BucketPolicy;
  private readonly extraStatements: PolicyStatement[] = [];

  constructor(scope: Construct, id: string, props: HardenedBucketProps) {
    super(scope, id);
    if (!Token.isUnresolved(props.bucketName) && !/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(props.bucketName)) {
      throw new Error(`bucketName must be 3-63 characters of [a-z0-9-], starting and ending with a letter or digit, got '${props.bucketName}'`);
    }
    const custodians = custodiansOf(props.custody);
    if (custodians.length === 0) {
      throw new Error(
        `custody.administrators must name at least one custodian (an administrator who is neither reader nor writer), who alone may change bucket '${props.bucketName}': got none among ${props.custody.administrators.map((a) => `'${a}'`).join(", ") || "no administrators"}`,
      );
    }
    this.resource = new S3Bucket(this, "Resource", {
      bucket: props.bucketName,
      objectLockEnabled: props.objectLockEnabled,
      forceDestroy: false,
      ...(props.tags ? { tags: { ...props.tags } } : {}),
      lifecycle: PROTECT,
    });
    this.bucketArn = this.resource.arn;
    this.bucketName = this.resource.bucket;
    new S3BucketVersioningA(this, "Versioning", {
      bucket: this.resource.bucket,
      versioningConfiguration: { status: "Enabled" },
      lifecycle: PROTECT,
    });
    new S3BucketPublicAccessBlock(this, "PublicAccessBlock", {
      bucket: this.resource.bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
      lifecycle: PROTECT,
    });
    new S3BucketOwnershipControls(this, "Ownership", {
      bucket: this.resource.bucket,
      rule: { objectOwnership: "BucketOwnerEnforced" },
      // Destroying it calls DeleteBucketOwnershipControls (terraform-provider-aws
      // internal/service/s3/bucket_ownership_controls.go, resourceBucketOwnershipControlsDelete),
      // dropping the setting that keeps ACLs disabled. Removing it now needs a deliberate step
      // (lifting prevent_destroy, or `terraform state rm`): that is intended.
      lifecycle: PROTECT,
    });
    // Every object event goes to EventBridge, where a SIEM or an alarm can subscribe.
    new S3BucketNotification(this, "Events", { bucket: this.resource.bucket, eventbridge: true });
    const bucketAndObjects = [this.bucketArn, `${this.bucketArn}/*`];
    const base: PolicyStatement[] = [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: bucketAndObjects,
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
      {
        Sid: "DenyOutsideCustody",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: bucketAndObjects,
        Condition: {
          StringNotEquals: { "aws:PrincipalAccount": props.custody.accountId },
          ...(props.allowServicePrincipals ? { BoolIfExists: { "aws:PrincipalIsAWSService": "false" } } : {}),
        },
      },
      {
        // Nobody, not even a custodian: a copy or a log is never deleted by a request (see perms.ts).
        Sid: "DenyDeletingObjects",
        Effect: "Deny",
        Principal: "*",
        Action: [...OBJECT_DELETE_ACTIONS],
        Resource: `${this.bucketArn}/*`,
      },
      ...(props.objectLockEnabled
        ? [
            {
              Sid: "DenyChangingObjectLocks",
              Effect: "Deny" as const,
              Principal: "*" as const,
              Action: [...OBJECT_LOCK_CHANGE_ACTIONS],
              Resource: `${this.bucketArn}/*`,
            },
          ]
        : []),
      {
        // A negated ARN operator also matches a request without aws:PrincipalArn (a service
        // principal): "If the policy condition requires that the key is not matched, such as
        // StringNotLike or ArnNotLike, and the right key is not present, the condition is true"
        // (IAM User Guide, "IAM JSON policy elements: Condition operators"). That is what is
        // wanted: no service changes these either. aws:PrincipalArn of a role's session is the
        // role's ARN, path included (IAM User Guide, "AWS global condition context keys"), so a
        // custodian must be named in custody by that full ARN.
        Sid: "DenyConfigurationOutsideCustodians",
        Effect: "Deny",
        Principal: "*",
        Action: [...BUCKET_CONFIGURATION_ACTIONS],
        Resource: this.bucketArn,
        Condition: { ArnNotEquals: { "aws:PrincipalArn": custodians } },
      },
    ];
    this.policy = new S3BucketPolicy(this, "Policy", {
      bucket: this.resource.bucket,
      policy: Lazy.stringValue({ produce: () => renderPolicy([...base, ...this.extraStatements]) }),
      lifecycle: PROTECT,
    });
  }

  /** Adds a statement to the bucket policy. */
  public addToPolicy(statement: PolicyStatement): void {
    this.extraStatements.push(statement);
  }
}
