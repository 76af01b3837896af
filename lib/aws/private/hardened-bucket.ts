import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketNotification } from "@cdktf/provider-aws/lib/s3-bucket-notification";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { Lazy, Token } from "cdktf";
import { Construct } from "constructs";
import type { AwsCustody } from "../custody";
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
 * ACLs disabled, object events to EventBridge, a policy that denies non-TLS requests and principals outside custody, and
 * `prevent_destroy` on each of them. Internal: used by EncryptedStore and LogBucket.
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
