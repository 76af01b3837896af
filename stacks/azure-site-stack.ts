import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";
import { TimeProvider } from "@cdktf/provider-time/lib/provider";
import { TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { AccessPolicy } from "../lib/azure/access-policy";
import { AzapiProvider } from "../lib/azure/azapi/provider";
import { type AzureCustody, type DataPrincipals, splitDuties } from "../lib/azure/custody";
import { EncryptedStore } from "../lib/azure/encrypted-store";
import { CustodyKeyVault } from "../lib/azure/key-vault";
import { LogStore } from "../lib/azure/log-store";
import { Network, type NetworkWatcherRef } from "../lib/azure/network";
import { globalAlphanumericName } from "../lib/azure/private/naming";
import { ReplicationLink } from "../lib/azure/replication-link";
import type { Site, Topology } from "../lib/topology/model";
import { registriesAt } from "../lib/topology/holdings";
import { applyBackend, type BackendConfig } from "./backend";

export interface AzureSiteStackProps {
  readonly topology: Topology;
  readonly site: Site;
  readonly backend: BackendConfig;
  /**
   * Who may read (and, at the primary, write) registry data at this site: custody administrators
   * named explicitly, who then do not administer keys there (separation of duties). Writers are
   * ignored away from the primary.
   * @default - nobody holds standing data access; every administrator is a custodian
   */
  readonly dataPrincipals?: DataPrincipals;
  /**
   * An existing Network Watcher of the site's region to use instead of creating one (see
   * NetworkProps.networkWatcher for when, and for how to import one instead).
   * @default - the site creates `NetworkWatcher_<region>` in its resource group
   */
  readonly networkWatcher?: NetworkWatcherRef;
}

/**
 * Everything one Azure site needs: providers pinned to the custody tenant and subscription
 * (azurerm, with Key Vault and resource groups never purged or force-deleted on destroy; azapi,
 * which creates the custody keys through Azure Resource Manager; time, for the wait that lets a
 * role assignment propagate), a resource group, the protected log store, the private network with
 * the region's Network Watcher, a custody key vault, one encrypted store per registry the site
 * holds, and per-purpose role assignments. The primary also gets the replication links, added by
 * {@link AzureSiteStack.replicateTo} once every target stack exists.
 *
 * Deploying: every resource is created, read and refreshed through Azure Resource Manager (no
 * step needs a vault's or a storage account's data plane; see CustodyKey, EncryptedStore and
 * CustodyKeyVault for the provider code this relies on), so the stack is applied from a runner
 * outside the site networks, on a fresh subscription, in one apply. The applying identity needs
 * Owner (or Contributor plus User Access Administrator) on the subscription: it creates resource
 * groups, role definitions and assignments, and keys (`Microsoft.KeyVault/vaults/keys/write`).
 *
 * Network Watcher: Azure allows one per subscription and region. The topology validator keeps
 * one site per region, so each site creates its region's watcher in its resource group, unless
 * `networkWatcher` names an existing one (another embassy in the same subscription and region, or
 * a subscription that already has Azure's automatic one).
 */
export class AzureSiteStack extends TerraformStack {
  public readonly site: Site;
  public readonly stores: ReadonlyMap<string, EncryptedStore>;
  public readonly keyVault: CustodyKeyVault;
  public readonly network: Network;
  public readonly access?: AccessPolicy;
  private readonly links = new Map<string, ReplicationLink>();

  constructor(scope: Construct, id: string, props: AzureSiteStackProps) {
    super(scope, id);
    const { topology, site } = props;
    const custody: AzureCustody | undefined = topology.custody.azure;
    if (!custody) throw new Error(`site '${site.id}' is on azure, but the topology has no custody.azure`);
    if (site.cloud !== "azure") throw new Error(`site '${site.id}' is on ${site.cloud}; AzureSiteStack builds azure sites only`);
    this.site = site;
    const namePrefix = `${topology.name}-${site.id}`;
    const sub = custody.subscriptionId;
    const tags = { "embassy:topology": topology.name, "embassy:site": site.id, "embassy:role": site.role, "managed-by": "data-embassy" };
    applyBackend(this, id, props.backend);

    new AzurermProvider(this, "azurerm", {
      subscriptionId: custody.subscriptionId,
      tenantId: custody.tenantId,
      // Shared keys are off on every account: data-plane calls, if any, must use Entra ID.
      storageUseAzuread: true,
      features: [
        {
          keyVault: [
            {
              purgeSoftDeleteOnDestroy: false,
              recoverSoftDeletedKeyVaults: true,
              purgeSoftDeletedKeysOnDestroy: false,
              recoverSoftDeletedKeys: true,
            },
          ],
          resourceGroup: [{ preventDeletionIfContainsResources: true }],
          logAnalyticsWorkspace: [{ permanentlyDeleteOnDestroy: false }],
          // Stores have no public endpoint: manage them through Azure Resource Manager only.
          storage: [{ dataPlaneAvailable: false }],
        },
      ],
    });
    new AzapiProvider(this, "azapi", { subscriptionId: custody.subscriptionId, tenantId: custody.tenantId });
    new TimeProvider(this, "time");

    const rg = new ResourceGroup(this, "ResourceGroup", {
      name: `${namePrefix}-rg`,
      location: site.region,
      tags,
      lifecycle: { preventDestroy: true },
    });
    const common = { resourceGroupName: rg.name, location: site.region, tags };

    const logStore = new LogStore(this, "Logs", {
      ...common,
      workspaceName: `${namePrefix}-logs`,
      flowLogAccountName: globalAlphanumericName([topology.name, site.id, "logs"], sub),
    });
    this.network = new Network(this, "Network", { ...common, namePrefix, cidr: site.cidr, logStore, networkWatcher: props.networkWatcher });

    // Writers write at the primary only; elsewhere the same principals are ordinary custodians.
    const data: DataPrincipals = site.primary ? (props.dataPrincipals ?? {}) : { readers: props.dataPrincipals?.readers ?? [] };
    const duties = splitDuties(custody, data, `site '${site.id}'`);
    this.keyVault = new CustodyKeyVault(this, "KeyVault", {
      ...common,
      custody,
      resourceGroupId: rg.id,
      vaultName: globalAlphanumericName([topology.name, site.id, "kv"], sub),
      keyAdminRoleName: `${namePrefix}-administer-keys`,
      keyDeletionRoleName: `${namePrefix}-delete-keys`,
      network: this.network,
      logStore,
      keyAdministrators: duties.custodians,
    });

    const stores = new Map<string, EncryptedStore>();
    for (const registry of registriesAt(topology, site)) {
      stores.set(
        registry.id,
        new EncryptedStore(this, `Store-${registry.id}`, {
          ...common,
          registryId: registry.id,
          accountName: globalAlphanumericName([topology.name, site.id, registry.id], sub),
          retentionDays: registry.retentionDays,
          minRetentionDays: topology.rules.minRetentionDays,
          network: this.network,
          logStore,
          keyVault: this.keyVault,
        }),
      );
    }
    this.stores = stores;
    if (stores.size > 0) {
      this.access = new AccessPolicy(this, "Access", {
        custody,
        namePrefix,
        resourceGroupId: rg.id,
        stores: [...stores.values()],
        keyVault: this.keyVault,
        logStore,
        duties,
        writable: site.primary,
      });
    }
    new TerraformOutput(this, "key-vault", { value: this.keyVault.vaultUri, description: `Custody key vault of ${site.id}` });
    for (const [registryId, store] of stores) {
      new TerraformOutput(this, `store-${registryId}`, { value: store.accountName, description: `Storage account holding registry '${registryId}' at ${site.id}` });
    }
  }

  /** Replicates registry `registryId` from this (primary) site to `target`'s store of it. */
  public replicateTo(registryId: string, target: AzureSiteStack): void {
    const source = this.stores.get(registryId);
    const destination = target.stores.get(registryId);
    if (!source || !destination) {
      throw new Error(`cannot replicate registry '${registryId}' from '${this.site.id}' to '${target.site.id}': a store is missing`);
    }
    let link = this.links.get(registryId);
    if (!link) {
      link = new ReplicationLink(this, `Replication-${registryId}`, { source });
      this.links.set(registryId, link);
    }
    link.replicateTo(destination);
  }
}
