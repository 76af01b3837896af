import { StorageObjectReplication } from "@cdktf/provider-azurerm/lib/storage-object-replication";
import { Construct } from "constructs";
import { findRegion } from "../regions/catalogue";
import {
  AZURE_OBJECT_REPLICATION,
  AZURE_OBJECT_REPLICATION_MAX_TARGETS,
  AZURE_PRIORITY_REPLICATION,
  priorityReplicationBlocker,
} from "../topology/mechanisms";
import type { IEncryptedStore } from "./encrypted-store";
import { PriorityReplicationPolicy } from "./priority-replication-policy";

/** Azure allows a source account to replicate to at most two destination accounts (lib/topology/mechanisms). */
export const MAX_OBJECT_REPLICATION_TARGETS = AZURE_OBJECT_REPLICATION_MAX_TARGETS;

/** How one target of a ReplicationLink is replicated to (see ReplicationLink.replicateTo). */
export interface ReplicateToOptions {
  /**
   * Whether the policy to this target has priority replication (15 minutes for 99% of objects;
   * replication metrics on), created through azapi (PriorityReplicationPolicy). Azure allows it on
   * one policy per source account and only between accounts on one continent; both are checked.
   * @default false - plain object replication (`azurerm_storage_object_replication`), no time SLA,
   * planned at 24 hours
   */
  readonly priority?: boolean;
}

/** One target of a ReplicationLink, with what its policy promises. */
export interface ObjectReplicationTarget {
  /** The store that receives the replicas in its `registry` container (the destination account of the policy). */
  readonly target: IEncryptedStore;
  /** Whether the policy has priority replication. */
  readonly priority: boolean;
  /** The RPO, in minutes, the policy's mechanism achieves (lib/topology/mechanisms): 15 with priority, 1440 without. */
  readonly rpoMinutes: number;
  /**
   * The ARM id of the policy on the source account, whose replication metrics a lag alert watches.
   * Present with priority only (azurerm 4.55 cannot turn the metrics on for a plain policy).
   */
  readonly sourcePolicyId?: string;
}

/** How a ReplicationLink is built: one source store and the targets known so far. */
export interface ReplicationLinkProps {
  /** The store whose blob versions are replicated (at the primary). */
  readonly source: IEncryptedStore;
  /**
   * Stores that receive the replicas, possibly in other stacks. More can be added with
   * {@link ReplicationLink.replicateTo}.
   * @default - none yet
   */
  readonly targets?: readonly IEncryptedStore[];
}

/**
 * Azure object replication from one store's registry container to the same container of its
 * targets (one replication policy per destination account, as Azure requires), copying every
 * existing and new blob version. Both ends are EncryptedStores, so versioning is on at both,
 * change feed is on at the source, and each replica is encrypted by the target account with the
 * target's own custody key. Azure blocks every other write to a destination container (409) for
 * as long as the policy exists.
 *
 * Immutability: the target keeps its locked version-level WORM. Microsoft documents that with a
 * version-level policy in effect at the destination, new versions replicate and only deletes or
 * overwrites of protected versions fail to replicate ("Object replication for block blobs",
 * section "Immutable blobs", learn.microsoft.com/azure/storage/blobs/object-replication-overview).
 * That is exactly the guarantee wanted: a delete at the primary never reaches the copies. A
 * container-level (legacy) WORM policy at the destination would also make every overwrite at
 * the source fail to replicate, so a registry that rewrites a blob name would silently stop
 * being fresh; version-level WORM turns each overwrite into a new version instead.
 *
 * Freshness: plain object replication has no time guarantee (AZURE_OBJECT_REPLICATION in
 * lib/topology/mechanisms, planned at 24 hours). A target added with `{ priority: true }` gets
 * priority replication instead (AZURE_PRIORITY_REPLICATION: 15 minutes for 99% of objects within
 * one continent), through a PriorityReplicationPolicy (`To-<location>`, azapi), with replication
 * metrics on; a plain target keeps its `azurerm_storage_object_replication` (`To-<location>` too:
 * a target's construct id does not change with its mechanism, the resource type does).
 */
export class ReplicationLink extends Construct {
  /** The store whose blob versions are replicated, as given in `source` (its account is every policy's source account). */
  public readonly source: IEncryptedStore;
  private readonly targets: ObjectReplicationTarget[] = [];
  private readonly policies: StorageObjectReplication[] = [];
  private readonly withPriority: PriorityReplicationPolicy[] = [];

  constructor(scope: Construct, id: string, props: ReplicationLinkProps) {
    super(scope, id);
    this.source = props.source;
    (props.targets ?? []).forEach((t) => this.replicateTo(t));
  }

  /** The plain (azurerm) replication policies, in the order their targets were added. */
  public get resources(): readonly StorageObjectReplication[] {
    return [...this.policies];
  }

  /** The priority replication policies (azapi), in the order their targets were added. */
  public get priorityPolicies(): readonly PriorityReplicationPolicy[] {
    return [...this.withPriority];
  }

  /** Every target with what its policy promises, in the order targets were added. */
  public get replications(): readonly ObjectReplicationTarget[] {
    return [...this.targets];
  }

  /** The ARM id of the source storage account (where the replication metrics are emitted, per policy). */
  public get sourceAccountId(): string {
    return this.source.accountId;
  }

  /**
   * The RPO, in minutes, this link promises for its registry at every target: the slowest of its
   * policies (15 when every target has priority replication, 1440 when any has not). Undefined
   * before a target is added.
   */
  public get rpoMinutes(): number | undefined {
    return this.targets.length === 0 ? undefined : Math.max(...this.targets.map((t) => t.rpoMinutes));
  }

  /**
   * Adds a target store: a replication policy from the source's container to the target's, with
   * priority replication when `options.priority` (see {@link ReplicateToOptions}).
   */
  public replicateTo(target: IEncryptedStore, options: ReplicateToOptions = {}): void {
    const priority = options.priority ?? false;
    const known = this.targets.find((t) => t.target === target);
    if (known) {
      if (known.priority !== priority) {
        throw new Error(
          `registry '${target.registryId}' already replicates to '${target.location}' ${known.priority ? "with" : "without"} priority replication; got a second call ${priority ? "with" : "without"} it`,
        );
      }
      return;
    }
    if (target.registryId !== this.source.registryId) {
      throw new Error(
        `target must hold the same registry as the source: source holds '${this.source.registryId}', got a target holding '${target.registryId}'`,
      );
    }
    if (target.location === this.source.location) {
      throw new Error(`target must be in another region than the source, got both in '${target.location}' for registry '${target.registryId}'`);
    }
    if (this.targets.some((t) => t.target.location === target.location)) {
      throw new Error(`registry '${target.registryId}' already replicates to a store in '${target.location}'; one target per region`);
    }
    if (this.targets.length >= MAX_OBJECT_REPLICATION_TARGETS) {
      throw new Error(
        `object replication allows at most ${MAX_OBJECT_REPLICATION_TARGETS} destination accounts per source account, got a third target in '${target.location}' for registry '${target.registryId}'`,
      );
    }
    if (priority) {
      const holder = this.targets.find((t) => t.priority);
      if (holder) {
        throw new Error(
          `priority replication can be enabled on one policy per source account, and registry '${target.registryId}' already has it to '${holder.target.location}'; got priority: true for '${target.location}'`,
        );
      }
      const from = findRegion("azure", this.source.location);
      const to = findRegion("azure", target.location);
      const blocker = from && to ? priorityReplicationBlocker(from, to) : `'${from ? target.location : this.source.location}' is not an Azure region of the catalogue`;
      if (blocker !== undefined) throw new Error(`priority: true is not possible for registry '${target.registryId}' to '${target.location}': ${blocker}`);
      const policy = new PriorityReplicationPolicy(this, `To-${target.location}`, { source: this.source, target });
      this.withPriority.push(policy);
      this.targets.push({ target, priority: true, rpoMinutes: AZURE_PRIORITY_REPLICATION.achievableRpoMinutes, sourcePolicyId: policy.sourcePolicyId });
      return;
    }
    this.targets.push({ target, priority: false, rpoMinutes: AZURE_OBJECT_REPLICATION.achievableRpoMinutes });
    this.policies.push(
      new StorageObjectReplication(this, `To-${target.location}`, {
        sourceStorageAccountId: this.source.accountId,
        destinationStorageAccountId: target.accountId,
        rules: [
          {
            sourceContainerName: this.source.containerName,
            destinationContainerName: target.containerName,
            copyBlobsCreatedAfter: "Everything",
          },
        ],
      }),
    );
  }
}
