import { StorageObjectReplication } from "@cdktf/provider-azurerm/lib/storage-object-replication";
import { Construct } from "constructs";
import type { IEncryptedStore } from "./encrypted-store";

/** Azure allows a source account to replicate to at most two destination accounts. */
export const MAX_OBJECT_REPLICATION_TARGETS = 2;

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
 * Freshness: plain object replication has no time guarantee (see AZURE_OBJECT_REPLICATION in
 * lib/topology/mechanisms). Priority replication (15-minute SLA within one continent) is an
 * option of the replication policy API that azurerm 4.55 (@cdktf/provider-azurerm 14.23) does not
 * expose, so it is not enabled here.
 */
export class ReplicationLink extends Construct {
  public readonly source: IEncryptedStore;
  private readonly targets: IEncryptedStore[] = [];
  private readonly policies: StorageObjectReplication[] = [];

  constructor(scope: Construct, id: string, props: ReplicationLinkProps) {
    super(scope, id);
    this.source = props.source;
    (props.targets ?? []).forEach((t) => this.replicateTo(t));
  }

  /** The replication policies, one per target, in the order targets were added. */
  public get resources(): readonly StorageObjectReplication[] {
    return [...this.policies];
  }

  /** Adds a target store: a replication policy from the source's container to the target's. */
  public replicateTo(target: IEncryptedStore): void {
    if (this.targets.includes(target)) return;
    if (target.registryId !== this.source.registryId) {
      throw new Error(
        `target must hold the same registry as the source: source holds '${this.source.registryId}', got a target holding '${target.registryId}'`,
      );
    }
    if (target.location === this.source.location) {
      throw new Error(`target must be in another region than the source, got both in '${target.location}' for registry '${target.registryId}'`);
    }
    if (this.targets.some((t) => t.location === target.location)) {
      throw new Error(`registry '${target.registryId}' already replicates to a store in '${target.location}'; one target per region`);
    }
    if (this.targets.length >= MAX_OBJECT_REPLICATION_TARGETS) {
      throw new Error(
        `object replication allows at most ${MAX_OBJECT_REPLICATION_TARGETS} destination accounts per source account, got a third target in '${target.location}' for registry '${target.registryId}'`,
      );
    }
    this.targets.push(target);
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
