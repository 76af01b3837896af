import type { RoleAssignment } from "@cdktf/provider-azurerm/lib/role-assignment";
import { PrivateEndpoint } from "@cdktf/provider-azurerm/lib/private-endpoint";
import { StorageContainer } from "@cdktf/provider-azurerm/lib/storage-container";
import { StorageContainerImmutabilityPolicy } from "@cdktf/provider-azurerm/lib/storage-container-immutability-policy";
import { UserAssignedIdentity } from "@cdktf/provider-azurerm/lib/user-assigned-identity";
import { Sleep } from "@cdktf/provider-time/lib/sleep";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { CustodyKey, type ICustodyKey } from "./custody-key";
import type { ICustodyKeyVault } from "./key-vault";
import type { ILogStore } from "./log-store";
import type { INetwork } from "./network";
import { type IRoleDefinition, STORE_READER_ROLE } from "./perms";
import { HardenedAccount, type StoreRedundancy } from "./private/hardened-account";
import { assignRole, type RoleRef } from "./private/roles";

/** The one container of every store; replication rules pair containers by this name. */
export const REGISTRY_CONTAINER = "registry";

/** Azure's longest immutability period, in days. */
export const MAX_RETENTION_DAYS = 146_000;

/** Days deleted blobs, versions and containers stay recoverable (the most Azure allows). */
export const SOFT_DELETE_DAYS = 365;

/**
 * Seconds the store waits after granting its identity the key before Azure checks the
 * customer-managed key: five minutes. Role assignments take effect after a delay, and for Key
 * Vault in particular Microsoft states the bound: "Role assignments latency: at current expected
 * performance, it will take up to 10 minutes (600 seconds) after role assignments is changed for
 * role to be applied" (learn.microsoft.com/azure/key-vault/general/rbac-guide, "Known limits and
 * performance"; MicrosoftDocs/azure-docs articles/key-vault/general/rbac-guide.md; likewise
 * learn.microsoft.com/azure/role-based-access-control/troubleshooting). Azure Verified Modules
 * wait less (30 s by default, Azure/terraform-azurerm-avm-res-keyvault-vault main.keys.tf,
 * `time_sleep.wait_for_rbac_before_key_operations`; 60-70 s in their customer-managed-key
 * examples), and a first apply that fails on a grant not yet applied is retried by hand. Five
 * minutes is half of Microsoft's bound: the identity is new and the grant names its principal
 * type (no Entra ID replication wait), and the wait runs only when the grant is created or
 * replaced. Set `keyGrantPropagationSeconds` up to 900 where a tenant is slower, or lower where a
 * pipeline has shown it faster.
 */
export const KEY_GRANT_PROPAGATION_SECONDS = 300;

/** An encrypted registry store as other constructs see it. */
export interface IEncryptedStore {
  /** The id of the registry whose copies the store holds (the topology's registry id). */
  readonly registryId: string;
  /** The ARM resource id of the storage account. */
  readonly accountId: string;
  /** The storage account's globally unique name (3-24 lower-case letters and digits). */
  readonly accountName: string;
  /** The Azure region the account is in, as ARM names it (`westeurope`). */
  readonly location: string;
  /** The registry container's name and ARM id. */
  readonly containerName: string;
  /** The ARM resource id of the registry container (the scope of read and write grants). */
  readonly containerId: string;
  /** The customer-managed HSM key in the site's custody vault that encrypts the account. */
  readonly key: ICustodyKey;
  /** Lets `principalId` read every blob version ("Storage Blob Data Reader" on the container). */
  grantRead(principalId: string): RoleAssignment;
  /** Lets `principalId` add blob versions with `writerRole` (a custom role without delete) on the container. */
  grantWrite(principalId: string, writerRole: IRoleDefinition): RoleAssignment;
  /** Lets `principalId` hold `role` on the storage account (configuration purposes, no data). */
  grantOnAccount(purpose: string, principalId: string, role: string | IRoleDefinition): RoleAssignment;
}

/** How an EncryptedStore is built. */
export interface EncryptedStoreProps {
  /** The registry this store holds a copy of. */
  readonly registryId: string;
  /** The storage account's globally unique name (3-24 lower-case letters and digits). */
  readonly accountName: string;
  /** The resource group the account, its identity, container and private endpoint go into. */
  readonly resourceGroupName: string;
  /** The Azure region of the site, as ARM names it (`westeurope`); the private endpoint is placed here too, so it must be the region of `network`. */
  readonly location: string;
  /** WORM retention of every blob version, in days (version-level immutability, locked). */
  readonly retentionDays: number;
  /**
   * The floor `retentionDays` may not go below.
   * @default 30 - the topology's default rules.minRetentionDays
   */
  readonly minRetentionDays?: number;
  /** Where the store's private endpoint goes. */
  readonly network: INetwork;
  /** Where the blob service's diagnostic logs go. */
  readonly logStore: ILogStore;
  /** The site's custody vault, which holds the store's key. */
  readonly keyVault: ICustodyKeyVault;
  /**
   * The key that encrypts the store.
   * @default - a new HSM-backed key is created in `keyVault` for this store
   */
  readonly encryptionKey?: ICustodyKey;
  /**
   * Within-region redundancy. Geo-redundant options are not offered: they would copy the data to
   * the Azure paired region, outside the topology's sites and jurisdictions.
   * @default "ZRS"
   */
  readonly redundancy?: StoreRedundancy;
  /**
   * Seconds to wait between granting the store's identity its key and creating the account with
   * the customer-managed key (1-900), so the first apply does not fail on a grant that has not
   * propagated yet.
   * @default 300 - five minutes, see KEY_GRANT_PROPAGATION_SECONDS
   */
  readonly keyGrantPropagationSeconds?: number;
  /**
   * Tags for every resource this construct creates.
   * @default - no tags
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * One registry copy at one site: a StorageV2 account (see HardenedAccount: TLS 1.2, HTTPS only,
 * no public network access, no shared keys, no public containers, no cross-tenant replication,
 * infrastructure encryption, versioning, change feed, blob and container soft delete, a
 * CanNotDelete lock, `prevent_destroy`) encrypted with a customer-managed HSM key through its own
 * user-assigned identity (which may use that key only), a private endpoint for blob, and WORM:
 *
 * - version-level immutability is enabled on the account (the only way azurerm 4.x offers to
 *   enable it), with an account default policy of `retentionDays` in the Unlocked state, because
 *   Azure creates account policies unlocked and azurerm replaces the account (forbidden here by
 *   `prevent_destroy`) to change that block;
 * - the registry container gets its own default version-level policy of `retentionDays`, which
 *   azurerm creates and then LOCKS in the same apply. Every blob version written to the container
 *   (by a writer or by object replication) inherits the locked policy: nobody, including
 *   subscription owners, can delete it or shorten its retention until it expires, and the account
 *   cannot be deleted while such versions exist. Overwrites create new versions instead of
 *   failing, which object replication needs (see ReplicationLink).
 *
 * First apply: Azure checks at account creation that the identity may use the key. The account
 * therefore waits for the identity's key grant and then for a `time_sleep` of
 * `keyGrantPropagationSeconds` (needs a TimeProvider in the stack). The account references the
 * key by its versionless data-plane URI in `customer_managed_key.key_vault_key_id`, which azurerm
 * only parses and resolves through Azure Resource Manager (the vault id from its URI, then the
 * vault, to check soft delete and purge protection): no data-plane call from the runner
 * (hashicorp/terraform-provider-azurerm internal/services/storage/storage_account_resource.go,
 * `expandAccountCustomerManagedKey`; the read path, `flattenAccountCustomerManagedKey`, only
 * rebuilds the URI from the account's properties).
 */
export class EncryptedStore extends Construct implements IEncryptedStore {
  /** The id of the registry whose copies the store holds (the topology's registry id). */
  public readonly registryId: string;
  /** The ARM resource id of the storage account. */
  public readonly accountId: string;
  /** The storage account's name, as given in `accountName`. */
  public readonly accountName: string;
  /** The Azure region the account is in. */
  public readonly location: string;
  public readonly containerName: string;
  /** The ARM resource id of the `registry` container (the scope of read and write grants and of the locked WORM policy). */
  public readonly containerId: string;
  /** The private IP address of the store's blob endpoint (for DNS records where no resolver forwards `privatelink` names). */
  public readonly privateEndpointIp: string;
  /** The account's customer-managed key: `encryptionKey` when given, otherwise the HSM key this construct created. */
  public readonly key: ICustodyKey;
  /** The hardened StorageV2 account (construct id `Resource`); `account.resource` is the `azurerm_storage_account`. */
  public readonly account: HardenedAccount;

  constructor(scope: Construct, id: string, props: EncryptedStoreProps) {
    super(scope, id);
    const floor = props.minRetentionDays ?? 30;
    const propagation = props.keyGrantPropagationSeconds ?? KEY_GRANT_PROPAGATION_SECONDS;
    const problems: string[] = [];
    if (!Token.isUnresolved(propagation) && (!Number.isInteger(propagation) || propagation < 1 || propagation > 900)) {
      problems.push(`keyGrantPropagationSeconds must be a whole number from 1 to 900, got ${propagation} for registry '${props.registryId}'`);
    }
    if (!Token.isUnresolved(props.retentionDays)) {
      if (props.retentionDays < floor) {
        problems.push(`retentionDays must be at least ${floor} (rules.minRetentionDays), got ${props.retentionDays} for registry '${props.registryId}'`);
      }
      if (props.retentionDays > MAX_RETENTION_DAYS || !Number.isInteger(props.retentionDays)) {
        problems.push(`retentionDays must be a whole number of days up to ${MAX_RETENTION_DAYS}, got ${props.retentionDays} for registry '${props.registryId}'`);
      }
    }
    if (problems.length > 0) throw new Error(problems.join("\n"));
    this.registryId = props.registryId;
    this.location = props.location;
    const tags = { ...(props.tags ?? {}), "embassy:registry": props.registryId };

    const identity = new UserAssignedIdentity(this, "Identity", {
      name: `${props.accountName}-cmk`,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      tags,
      lifecycle: { preventDestroy: true },
    });
    this.key =
      props.encryptionKey ??
      new CustodyKey(this, "Key", { vault: props.keyVault, keyName: `${props.accountName}-cmk`, tags });
    const keyGrant = this.key.grantEncryptionUse(props.registryId, identity.principalId);
    // The wait runs again whenever the grant is replaced (a new assignment id).
    const grantPropagated = new Sleep(this, "KeyGrantPropagation", {
      createDuration: `${propagation}s`,
      triggers: { role_assignment_id: keyGrant.id },
      dependsOn: [keyGrant],
    });

    this.account = new HardenedAccount(this, "Resource", {
      accountName: props.accountName,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      redundancy: props.redundancy ?? "ZRS",
      softDeleteDays: SOFT_DELETE_DAYS,
      logAnalyticsWorkspaceId: props.logStore.workspaceId,
      changeFeed: true,
      versioned: true,
      reach: "private-endpoint-only",
      extra: {
        identity: { type: "UserAssigned", identityIds: [identity.id] },
        customerManagedKey: { keyVaultKeyId: this.key.versionlessKeyId, userAssignedIdentityId: identity.id },
        immutabilityPolicy: { state: "Unlocked", periodSinceCreationInDays: props.retentionDays, allowProtectedAppendWrites: false },
        dependsOn: [grantPropagated],
      },
      tags,
    });
    this.accountId = this.account.resource.id;
    this.accountName = this.account.resource.name;

    // By storage_account_id (not the deprecated storage_account_name), azurerm creates and reads the
    // container through Azure Resource Manager, not the blob endpoint the private endpoint guards
    // (hashicorp/terraform-provider-azurerm internal/services/storage/storage_container_resource.go).
    const container = new StorageContainer(this, "Container", {
      name: REGISTRY_CONTAINER,
      storageAccountId: this.accountId,
      containerAccessType: "private",
      lifecycle: { preventDestroy: true },
    });
    this.containerName = container.name;
    this.containerId = container.id;
    new StorageContainerImmutabilityPolicy(this, "Worm", {
      storageContainerResourceManagerId: container.id,
      immutabilityPeriodInDays: props.retentionDays,
      locked: true,
      protectedAppendWritesEnabled: false,
      protectedAppendWritesAllEnabled: false,
      lifecycle: { preventDestroy: true },
    });

    const endpoint = new PrivateEndpoint(this, "Endpoint", {
      name: `${props.accountName}-blob-pe`,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      subnetId: props.network.endpointSubnetId,
      privateServiceConnection: {
        name: `${props.accountName}-blob`,
        privateConnectionResourceId: this.accountId,
        subresourceNames: ["blob"],
        isManualConnection: false,
      },
      privateDnsZoneGroup: { name: "blob", privateDnsZoneIds: [props.network.blobDnsZoneId] },
      tags,
    });
    this.privateEndpointIp = endpoint.privateServiceConnection.privateIpAddress;
  }

  public grantRead(principalId: string): RoleAssignment {
    return this.grant("read", principalId, this.containerId, STORE_READER_ROLE);
  }

  public grantWrite(principalId: string, writerRole: IRoleDefinition): RoleAssignment {
    return this.grant("write", principalId, this.containerId, writerRole);
  }

  public grantOnAccount(purpose: string, principalId: string, role: string | IRoleDefinition): RoleAssignment {
    return this.grant(purpose, principalId, this.accountId, role);
  }

  /** The one place a store grant is made: one assignment per purpose and principal, on this store only. */
  private grant(purpose: string, principalId: string, scope: string, role: RoleRef): RoleAssignment {
    const grants = (this.node.tryFindChild("Grants") as Construct | undefined) ?? new Construct(this, "Grants");
    return assignRole(grants, `${purpose}-${principalId}`, {
      scope,
      principalId,
      role,
      description: `${purpose}: registry '${this.registryId}'`,
    });
  }
}
