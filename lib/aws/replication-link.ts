import { S3BucketReplicationConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-replication-configuration";
import type { S3BucketReplicationConfigurationRule } from "@cdktf/provider-aws/lib/s3-bucket-replication-configuration";
import { Construct } from "constructs";
import type { AwsCustody } from "./custody";
import type { IEncryptedStore } from "./encrypted-store";
import {
  KEY_DECRYPT_ACTIONS,
  KEY_REPLICA_ACTIONS,
  REPLICATION_SOURCE_BUCKET_ACTIONS,
  REPLICATION_SOURCE_OBJECT_ACTIONS,
  REPLICATION_TARGET_OBJECT_ACTIONS,
} from "./perms";
import { Role } from "./role";

/** Replication Time Control's promise and metrics threshold, in minutes (fixed by S3). */
export const RTC_MINUTES = 15;

export interface ReplicationLinkProps {
  readonly custody: AwsCustody;
  /** The store whose new versions are replicated (at the primary). */
  readonly source: IEncryptedStore;
  /** The replication role's name; it is part of the role's ARN, which target key policies name. */
  readonly roleName: string;
  /**
   * Stores that receive the replicas, possibly in other stacks. More can be added with
   * {@link ReplicationLink.replicateTo}.
   * @default - none yet
   */
  readonly targets?: readonly IEncryptedStore[];
}

/**
 * S3 replication from one store to its targets in the same partition: Replication Time
 * Control (15 minutes) with metrics, replicas re-encrypted with each target's key, delete
 * markers never replicated, and a role with exactly the actions it needs on exactly those
 * buckets and keys.
 *
 * One construct per source store, not per site pair, because S3 allows one replication
 * configuration per bucket; each target is a rule in it.
 */
export class ReplicationLink extends Construct {
  public readonly role: Role;
  public readonly resource: S3BucketReplicationConfigurationA;
  private readonly targets: IEncryptedStore[] = [];

  constructor(scope: Construct, id: string, props: ReplicationLinkProps) {
    super(scope, id);
    this.role = new Role(this, "Role", {
      custody: props.custody,
      roleName: props.roleName,
      description: `Replicates registry '${props.source.registryId}' from ${props.source.region}`,
      assumedBy: { Service: "s3.amazonaws.com" },
      assumeConditions: {
        StringEquals: { "aws:SourceAccount": props.custody.accountId },
        ArnLike: { "aws:SourceArn": props.source.bucketArn },
      },
    });
    const src = props.source;
    this.role.addToPolicy({ Sid: "ReadSourceConfiguration", Effect: "Allow", Action: [...REPLICATION_SOURCE_BUCKET_ACTIONS], Resource: src.bucketArn });
    this.role.addToPolicy({ Sid: "ReadSourceVersions", Effect: "Allow", Action: [...REPLICATION_SOURCE_OBJECT_ACTIONS], Resource: `${src.bucketArn}/*` });
    this.role.addToPolicy({ Sid: "DecryptSource", Effect: "Allow", Action: [...KEY_DECRYPT_ACTIONS], Resource: src.key.keyArn });
    src.key.grantUse(this.role, KEY_DECRYPT_ACTIONS, "s3");

    this.resource = new S3BucketReplicationConfigurationA(this, "Resource", {
      bucket: src.bucketName,
      role: this.role.resource.arn,
      rule: [],
    });
    (props.targets ?? []).forEach((t) => this.replicateTo(t));
  }

  /** Adds a target store: a rule in the source's configuration, and the role's rights there. */
  public replicateTo(target: IEncryptedStore): void {
    if (this.targets.includes(target)) return;
    this.targets.push(target);
    const n = this.targets.length;
    this.role.addToPolicy({ Sid: `WriteReplicas${n}`, Effect: "Allow", Action: [...REPLICATION_TARGET_OBJECT_ACTIONS], Resource: `${target.bucketArn}/*` });
    this.role.addToPolicy({ Sid: `EncryptReplicas${n}`, Effect: "Allow", Action: [...KEY_REPLICA_ACTIONS], Resource: target.key.keyArn });
    target.grantReplicaWrite(this.role);
    this.resource.putRule(this.targets.map((t, i) => replicationRule(t, i)));
  }
}

function replicationRule(target: IEncryptedStore, index: number): S3BucketReplicationConfigurationRule {
  return {
    id: `to-${target.region}-${index + 1}`,
    priority: index + 1,
    status: "Enabled",
    filter: { prefix: "" },
    deleteMarkerReplication: { status: "Disabled" },
    sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
    destination: {
      bucket: target.bucketArn,
      storageClass: "STANDARD",
      encryptionConfiguration: { replicaKmsKeyId: target.key.keyArn },
      replicationTime: { status: "Enabled", time: { minutes: RTC_MINUTES } },
      metrics: { status: "Enabled", eventThreshold: { minutes: RTC_MINUTES } },
    },
  };
}
