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

/** How a ReplicationLink is built: a source store, its targets and the replication role. */
export interface ReplicationLinkProps {
  /** The owning state's account: the replication role lives in it. */
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
 * configuration per bucket; each target is a rule in it. A rule's id is derived from its
 * target's stable name (`to-<target bucket name>`), never from the order in which targets were
 * added: S3 names replication metrics and RTC events by rule id, so removing one target must not
 * rename the rule of another. Rules are kept sorted by id and numbered by that order for their
 * (unique) priorities; a priority only decides between rules that write to the same destination,
 * which two targets never do, so a renumbering changes nothing S3 does.
 */
export class ReplicationLink extends Construct {
  /** The role S3 assumes to replicate (read at the source, write replicas at each target). */
  public readonly role: Role;
  /** The source bucket's replication configuration (one rule per target). */
  public readonly resource: S3BucketReplicationConfigurationA;
  /** The store whose versions are replicated. */
  public readonly source: IEncryptedStore;
  private readonly targets: IEncryptedStore[] = [];

  constructor(scope: Construct, id: string, props: ReplicationLinkProps) {
    super(scope, id);
    this.source = props.source;
    // The trust policy exactly as the S3 User Guide gives it ("Setting up permissions for live
    // replication": Principal s3.amazonaws.com, sts:AssumeRole, no condition). No aws:SourceArn or
    // aws:SourceAccount condition: the guide documents none for replication, and the confused-deputy
    // risk they address does not arise here, because S3 assumes this role only for a bucket whose
    // replication configuration names it, and naming a role there needs iam:PassRole on it, which
    // only principals of the custody account can hold (a role can't be passed across accounts).
    this.role = new Role(this, "Role", {
      custody: props.custody,
      roleName: props.roleName,
      description: `Replicates registry '${props.source.registryId}' from ${props.source.region}`,
      assumedBy: { Service: "s3.amazonaws.com" },
    });
    const src = props.source;
    this.role.addToPolicy({ Sid: "ReadSourceConfiguration", Effect: "Allow", Action: [...REPLICATION_SOURCE_BUCKET_ACTIONS], Resource: src.bucketArn });
    this.role.addToPolicy({ Sid: "ReadSourceVersions", Effect: "Allow", Action: [...REPLICATION_SOURCE_OBJECT_ACTIONS], Resource: `${src.bucketArn}/*` });
    // kms:Decrypt on the source key only through S3 of the source region (S3 User Guide,
    // "Replicating encrypted objects", example policies: kms:ViaService s3.<source region>).
    this.role.addToPolicy({
      Sid: "DecryptSource",
      Effect: "Allow",
      Action: [...KEY_DECRYPT_ACTIONS],
      Resource: src.key.keyArn,
      Condition: { StringEquals: { "kms:ViaService": viaS3(src.region) } },
    });
    src.key.grantUse(this.role, KEY_DECRYPT_ACTIONS, "s3");

    this.resource = new S3BucketReplicationConfigurationA(this, "Resource", {
      bucket: src.bucketName,
      role: this.role.resource.arn,
      rule: [],
      // The link is the availability promise: destroying the configuration stops every copy of the
      // registry. Adding or removing a target changes it in place; removing the whole link needs a
      // deliberate step (lifting prevent_destroy, or `terraform state rm`), which is intended.
      lifecycle: { preventDestroy: true },
    });
    (props.targets ?? []).forEach((t) => this.replicateTo(t));
  }

  /** Adds a target store: a rule in the source's configuration, and the role's rights there. */
  public replicateTo(target: IEncryptedStore): void {
    if (this.targets.includes(target)) return;
    const id = ruleIdFor(target);
    const clash = this.targets.find((t) => ruleIdFor(t) === id);
    if (clash) {
      throw new Error(`replication targets must have distinct stable names, got '${target.stableName}' twice for registry '${target.registryId}'`);
    }
    this.targets.push(target);
    // One statement per purpose; Role merges the resources of statements with the same Sid, so
    // nothing here is numbered by order. Keys are pinned to S3 of each target's region, which is
    // why the encrypt statement is per region.
    this.role.addToPolicy({ Sid: "WriteReplicas", Effect: "Allow", Action: [...REPLICATION_TARGET_OBJECT_ACTIONS], Resource: [`${target.bucketArn}/*`] });
    this.role.addToPolicy({
      Sid: `EncryptReplicasIn${target.region.split("-").map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join("")}`,
      Effect: "Allow",
      Action: [...KEY_REPLICA_ACTIONS],
      Resource: [target.key.keyArn],
      Condition: { StringEquals: { "kms:ViaService": viaS3(target.region) } },
    });
    target.grantReplicaWrite(this.role);
    const sorted = [...this.targets].sort((a, b) => (ruleIdFor(a) < ruleIdFor(b) ? -1 : ruleIdFor(a) > ruleIdFor(b) ? 1 : 0));
    this.resource.putRule(sorted.map((t, i) => replicationRule(t, i + 1)));
  }
}

/** `s3.<region>.amazonaws.com`: the kms:ViaService value of S3 in a region. */
function viaS3(region: string): string {
  return `s3.${region}.amazonaws.com`;
}

/**
 * The id of the rule that replicates to `target`: `to-` and the target's stable name (at most 255
 * characters, S3's limit). S3 names a rule's replication metrics by it (dimension `RuleId`), so
 * alarms on them use it too.
 */
export function replicationRuleId(target: IEncryptedStore): string {
  return `to-${target.stableName}`.slice(0, 255);
}

const ruleIdFor = replicationRuleId;

function replicationRule(target: IEncryptedStore, priority: number): S3BucketReplicationConfigurationRule {
  return {
    id: ruleIdFor(target),
    priority,
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
