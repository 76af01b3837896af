import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";
import { TimeProvider } from "@cdktf/provider-time/lib/provider";
import { TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { AccessPolicy } from "../lib/azure/access-policy";
import { ActivityLogExport, MAX_DIAGNOSTIC_SETTINGS_PER_RESOURCE } from "../lib/azure/activity-log";
import { AzapiProvider } from "../lib/azure/azapi/provider";
import { type AzureCustody, type DataPrincipals, splitDuties } from "../lib/azure/custody";
import { EncryptedStore, REGISTRY_CONTAINER } from "../lib/azure/encrypted-store";
import { expectedArrival, FreshnessAlerts } from "../lib/azure/freshness-alerts";
import { CustodyKeyVault } from "../lib/azure/key-vault";
import { LogStore } from "../lib/azure/log-store";
import { Network, type NetworkWatcherRef } from "../lib/azure/network";
import { type ISiteAlerts, Notifications } from "../lib/azure/notifications";
import { OnPremIngest, TOKEN_EXCHANGE_AUDIENCE } from "../lib/azure/onprem-ingest";
import { INGEST_PERMISSIONS } from "../lib/azure/perms";
import { globalAlphanumericName } from "../lib/azure/private/naming";
import { CustomRole } from "../lib/azure/private/roles";
import { ReplicationLagAlert } from "../lib/azure/replication-lag-alert";
import { ReplicationLink } from "../lib/azure/replication-link";
import { MANIFEST_SIGNING_ALGORITHM, SigningKey } from "../lib/azure/signing-key";
import { SiteVpn, VPN_IPSEC_POLICY } from "../lib/azure/site-vpn";
import { TamperAlerts } from "../lib/azure/tamper-alerts";
import type { OnPremSite, Site, Topology } from "../lib/topology/model";
import { registriesAt } from "../lib/topology/holdings";
import { AZURE_PRIORITY_REPLICATION } from "../lib/topology/mechanisms";
import { applyBackend, type BackendConfig } from "./backend";
import { type AzurePushTarget, type IngestingStack, SIGNING_KEY_OUTPUT, signingKeySiteIds } from "./push-plan";

/** The name of a site's manifest-signing key in its custody vault. */
const SIGNING_KEY_NAME = "manifest-signing";
/** The output holding the private address of the vault's endpoint, where the datacenter reaches the signing key. */
const SIGNING_VAULT_IP_OUTPUT = "signing-key-vault-endpoint-ip";

/**
 * How an {@link AzureSiteStack} is built: the validated topology, the Azure site it builds, where
 * Terraform keeps its state, and the optional data principals and Network Watcher.
 */
export interface AzureSiteStackProps {
  /**
   * The validated topology the site belongs to: its name prefixes every resource name, its custody
   * and rules apply, and its links and registries decide what the site holds.
   */
  readonly topology: Topology;
  /** The Azure site this stack builds; a site on another cloud is refused. */
  readonly site: Site;
  /** Where Terraform keeps this stack's state (see `backendFromEnv`). */
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
 * holds, per-purpose role assignments, and the site's watch: its action group ({@link AzureSiteStack.alerts}),
 * a freshness alert per store (FreshnessAlerts, window from the topology: see `expectedArrival`),
 * tamper alerts (TamperAlerts) and the subscription's activity log in the site's workspace
 * (ActivityLogExport). The primary also gets the replication links, added by
 * {@link AzureSiteStack.replicateTo} once every target stack exists.
 * A site the state's datacenters send to also gets, per datacenter, the copy job's identity and
 * a tunnel through the site's VPN gateway, added by {@link AzureSiteStack.ingestFrom}.
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
export class AzureSiteStack extends TerraformStack implements IngestingStack {
  /** The Azure site this stack builds. */
  public readonly site: Site;
  /**
   * The site's encrypted store (storage account with its custody key) for each registry it holds,
   * by registry id: every registry at the primary, the carried ones at a target.
   */
  public readonly stores: ReadonlyMap<string, EncryptedStore>;
  /**
   * The site's custody key vault, reached through a private endpoint, holding the stores'
   * customer-managed keys and, where the site has one, the manifest-signing key.
   */
  public readonly keyVault: CustodyKeyVault;
  /**
   * The site's private virtual network: an endpoint and a workload subnet whose NSGs deny
   * internet traffic, private DNS zones for blob and vault endpoints, a VNet flow log, and the
   * region's Network Watcher.
   */
  public readonly network: Network;
  /**
   * The per-purpose role assignments (read, write at the primary, operate, administer keys, audit)
   * on the site's stores, vault and logs.
   * @default - none when the site holds no registry (no store to grant on)
   */
  public readonly access?: AccessPolicy;
  /**
   * The key that signs snapshot manifests written here (see `signingKeySiteIds` (stacks/push-plan.ts)), or
   * undefined where this site has none.
   */
  public readonly signing?: SigningKey;
  /**
   * Where the site's alerts go (its action group, emailing the topology's `alerts.emails`). Every
   * alert rule of the site acts through it; replication-lag alerts attach to it too.
   */
  public readonly alerts: ISiteAlerts;
  private readonly links = new Map<string, ReplicationLink>();
  private readonly custody: AzureCustody;
  private readonly topology: Topology;
  private readonly namePrefix: string;
  private readonly region: string;
  private readonly resourceGroup: ResourceGroup;
  private readonly tags: Readonly<Record<string, string>>;
  private readonly ingestByDatacenter = new Map<string, OnPremIngest>();
  private readonly ingestSchedule = new Map<string, number>();
  /** The literal (synth-time) names of each registry's storage account, and of the key vault. */
  private readonly accountNames = new Map<string, string>();
  private readonly vaultName: string;
  private onPrem?: Construct;
  private ingestRole?: CustomRole;
  private siteVpn?: SiteVpn;

  constructor(scope: Construct, id: string, props: AzureSiteStackProps) {
    super(scope, id);
    const { topology, site } = props;
    const custody: AzureCustody | undefined = topology.custody.azure;
    if (!custody) throw new Error(`site '${site.id}' is on azure, but the topology has no custody.azure`);
    if (site.cloud !== "azure") throw new Error(`site '${site.id}' is on ${site.cloud}; AzureSiteStack builds azure sites only`);
    // Every Azure site exports the custody subscription's activity log with its own diagnostic setting (ActivityLogExport).
    const azureSites = topology.sites.filter((s) => s.cloud === "azure").length;
    if (azureSites > MAX_DIAGNOSTIC_SETTINGS_PER_RESOURCE) {
      throw new Error(
        `the topology has ${azureSites} Azure sites in subscription ${custody.subscriptionId}; each exports the subscription's activity log with its own diagnostic setting, and Azure allows at most ${MAX_DIAGNOSTIC_SETTINGS_PER_RESOURCE} per subscription`,
      );
    }
    this.site = site;
    this.custody = custody;
    this.topology = topology;
    const namePrefix = `${topology.name}-${site.id}`;
    this.namePrefix = namePrefix;
    this.region = site.region;
    const sub = custody.subscriptionId;
    const tags = { "embassy:topology": topology.name, "embassy:site": site.id, "embassy:role": site.role, "managed-by": "data-embassy" };
    this.tags = tags;
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
    this.resourceGroup = rg;
    const common = { resourceGroupName: rg.name, location: site.region, tags };
    this.alerts = new Notifications(this, "Alerts", {
      resourceGroupName: rg.name,
      name: `${namePrefix}-alerts`,
      shortName: site.id.slice(0, 12),
      emails: topology.alerts.emails,
      tags,
    });

    const logStore = new LogStore(this, "Logs", {
      ...common,
      workspaceName: `${namePrefix}-logs`,
      flowLogAccountName: globalAlphanumericName([topology.name, site.id, "logs"], sub),
    });
    this.network = new Network(this, "Network", { ...common, namePrefix, cidr: site.cidr, logStore, networkWatcher: props.networkWatcher });

    // Writers write at the primary only; elsewhere the same principals are ordinary custodians.
    const data: DataPrincipals = site.primary ? (props.dataPrincipals ?? {}) : { readers: props.dataPrincipals?.readers ?? [] };
    const duties = splitDuties(custody, data, `site '${site.id}'`);
    this.vaultName = globalAlphanumericName([topology.name, site.id, "kv"], sub);
    this.keyVault = new CustodyKeyVault(this, "KeyVault", {
      ...common,
      custody,
      resourceGroupId: rg.id,
      vaultName: this.vaultName,
      keyAdminRoleName: `${namePrefix}-administer-keys`,
      keyRetirementRoleName: `${namePrefix}-retire-keys`,
      network: this.network,
      logStore,
      keyAdministrators: duties.custodians,
    });

    const stores = new Map<string, EncryptedStore>();
    for (const registry of registriesAt(topology, site)) {
      this.accountNames.set(registry.id, globalAlphanumericName([topology.name, site.id, registry.id], sub));
      stores.set(
        registry.id,
        new EncryptedStore(this, `Store-${registry.id}`, {
          ...common,
          registryId: registry.id,
          accountName: this.accountNames.get(registry.id) as string,
          retentionDays: registry.retentionDays,
          minRetentionDays: topology.rules.minRetentionDays,
          network: this.network,
          logStore,
          keyVault: this.keyVault,
        }),
      );
    }
    this.stores = stores;
    if (stores.size > 0 && signingKeySiteIds(topology).includes(site.id)) {
      this.signing = new SigningKey(this, "Signing", {
        vault: this.keyVault,
        keyName: SIGNING_KEY_NAME,
        resourceGroupId: rg.id,
        namePrefix,
        tags,
      });
      // Anyone in custody checks signatures; the writers at the primary sign (a datacenter's ingest
      // identity is granted in ingestFrom). Key administrators administer it through the vault role.
      for (const p of custody.administrators) this.signing.grantVerify(p, p);
      if (site.primary) for (const p of duties.writers) this.signing.grantSign(p, p);
      new TerraformOutput(this, SIGNING_KEY_OUTPUT.azure, {
        value: this.signing.versionlessKeyId,
        description: `Versionless id of the Key Vault key (EC-HSM, P-256) that signs snapshot manifests at ${site.id}, algorithm ${MANIFEST_SIGNING_ALGORITHM}: pass it as --signing-key`,
      });
      new TerraformOutput(this, SIGNING_VAULT_IP_OUTPUT, {
        value: this.keyVault.endpoint.privateServiceConnection.privateIpAddress,
        description: `Private IP of the custody vault's endpoint: where ${this.vaultName}.vault.azure.net must resolve for a copy job that signs at ${site.id}`,
      });
    }
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
    // Watching: every store's freshness, tampering with the site, and the subscription's activity log in the site's workspace.
    const freshness = new FreshnessAlerts(this, "Freshness", { ...common, alerts: this.alerts, workspaceId: logStore.workspaceId, namePrefix });
    for (const [registryId, store] of stores) {
      const watch = expectedArrival(topology, site, registryId);
      if (watch) freshness.watch(store, watch);
    }
    new TamperAlerts(this, "Tamper", {
      ...common,
      alerts: this.alerts,
      subscriptionId: sub,
      resourceGroupId: rg.id,
      namePrefix,
      keyVault: this.keyVault,
      workspaceId: logStore.workspaceId,
    });
    new ActivityLogExport(this, "ActivityLog", { subscriptionId: sub, name: `${namePrefix}-activity-log`, workspaceId: logStore.workspaceId });

    new TerraformOutput(this, "key-vault", { value: this.keyVault.vaultUri, description: `Custody key vault of ${site.id}` });
    for (const [registryId, store] of stores) {
      new TerraformOutput(this, `store-${registryId}`, { value: store.accountName, description: `Storage account holding registry '${registryId}' at ${site.id}` });
    }
  }

  /**
   * What this site gets from datacenter `site`, which sends it `registryIds` every `everyMinutes`
   * minutes (its copy job, `data-embassy push`), all under the `OnPrem` namespace:
   * - `OnPrem/<datacenter>/Ingest`: an OnPremIngest, the user-assigned identity the copy job signs
   *   in as through a federated credential for the datacenter's `identity.azure` issuer and
   *   subject, granted the site's ingest role (`OnPrem/IngestRole`, `<prefix>-ingest`: blob write
   *   and add only) on exactly the carried registries' containers, and its own list role
   *   (`OnPrem/<datacenter>/Ingest/ListRole`, `<prefix>-ingest-list-<datacenter>`: `blobs/read` under a
   *   condition that allows List Blobs only) on the same containers;
   * - `OnPrem/Vpn`: the site's SiteVpn (created with the first datacenter: GatewaySubnet, public
   *   IP, VPN gateway), and in it `Datacenter-<datacenter>`: the local network gateway, the IPsec
   *   connection with its `vpn_shared_key_<datacenter>` variable, and the datacenter's admission to
   *   the private endpoints on 443;
   * - outputs `onprem-<datacenter>-client-id`, `-tenant-id`, `-vpn-gateway-ip`, and per carried
   *   registry `onprem-<datacenter>-<registry>-account` and `-container` (the push plan's values).
   * The stores accept nothing but their private endpoints, so a datacenter without `vpn` cannot
   * send here and is refused (the topology validator refuses it first). Calling again for the same
   * datacenter (with the same schedule) carries the new registries with the same identity and tunnel.
   */
  public ingestFrom(site: OnPremSite, registryIds: readonly string[], everyMinutes: number): OnPremIngest {
    const problems: string[] = [];
    const where = `datacenter '${site.id}' -> '${this.site.id}'`;
    const identity = site.identity.azure;
    if (!identity) problems.push(`${where}: the datacenter has no identity.azure { issuer, subject } for its copy job to sign in with`);
    if (!site.vpn) {
      problems.push(`${where}: the datacenter has no vpn; Azure stores accept only their private endpoints, so a copy job reaches them only through a site-to-site VPN`);
    }
    if (registryIds.length === 0) problems.push(`${where}: registryIds must name at least one registry, got none`);
    const missing = registryIds.filter((r) => !this.stores.has(r));
    if (missing.length > 0) problems.push(`${where}: no store here for registr${missing.length > 1 ? "ies" : "y"} ${missing.map((r) => `'${r}'`).join(", ")}`);
    if (!Number.isInteger(everyMinutes) || everyMinutes < 1) problems.push(`${where}: everyMinutes must be a whole number of minutes, at least 1, got ${everyMinutes}`);
    const known = this.ingestByDatacenter.get(site.id);
    if (known && this.ingestSchedule.get(site.id) !== everyMinutes) {
      problems.push(`${where}: everyMinutes ${everyMinutes} differs from the ${this.ingestSchedule.get(site.id)} already given for this datacenter`);
    }
    if (problems.length > 0 || !identity || !site.vpn) throw new Error(problems.join("\n"));

    const stores = [...new Set(registryIds)].map((r) => this.stores.get(r) as EncryptedStore);
    const common = { resourceGroupName: this.resourceGroup.name, location: this.region, tags: this.tags };
    const prefix = `onprem-${site.id}`;
    let ingest = known;
    if (!ingest) {
      const onPrem = (this.onPrem ??= new Construct(this, "OnPrem"));
      this.ingestRole ??= new CustomRole(onPrem, "IngestRole", {
        roleName: `${this.namePrefix}-ingest`,
        description: "Lets the state's datacenters add registry versions; no read, no delete, no immutability change",
        resourceGroupId: this.resourceGroup.id,
        permissions: INGEST_PERMISSIONS,
        readsData: false,
      });
      this.siteVpn ??= new SiteVpn(onPrem, "Vpn", { ...common, namePrefix: this.namePrefix, network: this.network });
      this.siteVpn.connect({ id: site.id, cidr: site.cidr, publicIp: site.vpn.publicIp });
      ingest = new OnPremIngest(new Construct(onPrem, site.id), "Ingest", {
        ...common,
        namePrefix: this.namePrefix,
        datacenterId: site.id,
        issuer: identity.issuer,
        subject: identity.subject,
        stores,
        ingestRole: this.ingestRole,
        // Where its list role (blobs/read, assigned only under a List-Blobs-only condition) is defined.
        resourceGroupId: this.resourceGroup.id,
        everyMinutes,
      });
      this.ingestByDatacenter.set(site.id, ingest);
      this.ingestSchedule.set(site.id, everyMinutes);
      this.signing?.grantSign(`ingest-${site.id}`, ingest.principalId, "ServicePrincipal");
      new TerraformOutput(this, `${prefix}-client-id`, { value: ingest.clientId, description: `Client id of the identity datacenter ${site.id}'s copy job signs in as at ${this.site.id}` });
      new TerraformOutput(this, `${prefix}-tenant-id`, { value: this.custody.tenantId, description: "Entra ID tenant of that identity" });
      new TerraformOutput(this, `${prefix}-vpn-gateway-ip`, {
        value: this.siteVpn.gatewayAddress,
        description: `Public IP of ${this.site.id}'s VPN gateway: the peer address for datacenter ${site.id}'s VPN device`,
      });
    } else {
      for (const store of stores) ingest.carry(store);
    }
    for (const store of stores) {
      if (this.node.tryFindChild(`${prefix}-${store.registryId}-account`)) continue;
      new TerraformOutput(this, `${prefix}-${store.registryId}-account`, { value: store.accountName, description: `Storage account datacenter ${site.id} writes registry '${store.registryId}' to` });
      new TerraformOutput(this, `${prefix}-${store.registryId}-container`, { value: store.containerName, description: `Container of registry '${store.registryId}' in that account` });
      new TerraformOutput(this, `${prefix}-${store.registryId}-endpoint-ip`, {
        value: store.privateEndpointIp,
        description: `Private IP of that account's blob endpoint: where ${store.accountName}.privatelink.blob.core.windows.net must resolve for datacenter ${site.id}`,
      });
    }
    return ingest;
  }

  /** The ingest of every datacenter that sends here, by datacenter id. */
  public get ingests(): ReadonlyMap<string, OnPremIngest> {
    return new Map(this.ingestByDatacenter);
  }

  /** Where datacenter `datacenter`'s copy job sends, for its push plan (after {@link ingestFrom}). */
  public pushTarget(datacenter: OnPremSite, everyMinutes: number): AzurePushTarget {
    const ingest = this.ingestByDatacenter.get(datacenter.id);
    const identity = datacenter.identity.azure;
    if (!ingest || !identity) throw new Error(`site '${this.site.id}' takes no copies from datacenter '${datacenter.id}': call ingestFrom first`);
    const stack = this.node.id;
    const prefix = `onprem-${datacenter.id}`;
    const deployed = (output: string) => ({ stack, output: `${prefix}-${output}` });
    return {
      site: this.site.id,
      role: this.site.role,
      cloud: "azure",
      region: this.region,
      stack,
      everyMinutes,
      credentials: {
        kind: "federated-credential",
        tenantId: this.custody.tenantId,
        clientId: deployed("client-id"),
        issuer: identity.issuer,
        subject: identity.subject,
        audience: TOKEN_EXCHANGE_AUDIENCE,
      },
      network: {
        kind: "vpn",
        gatewayPublicIp: deployed("vpn-gateway-ip"),
        siteCidr: this.site.cidr,
        routing: "static: route siteCidr into the tunnel (the gateway routes the datacenter's cidr back)",
        // The device must match or contain the connection's custom IPsec/IKE policy (Microsoft, ipsec-ike-policy-howto).
        ipsecPolicy: { ...VPN_IPSEC_POLICY, ikeSaLifetimeSeconds: 28_800, ikeVersion: "IKEv2" },
        // Signing goes to the vault's data plane, which (public network access off) answers only on its private
        // endpoint: the copy job resolves the vault's name like the accounts' (CustodyKeyVault's endpoint registers
        // in the privatelink.vaultcore.azure.net zone, lib/azure/network.ts VAULT_PRIVATE_DNS_ZONE).
        dns:
          "the accounts and the custody vault take only their private endpoints, and no DNS resolver is built here: in the datacenter's DNS, " +
          "make <account>.blob.core.windows.net resolve to each registry's endpointIp (A records for <account>.privatelink.blob.core.windows.net), " +
          `and ${this.vaultName}.vault.azure.net resolve to signing.endpointIp (an A record for ${this.vaultName}.privatelink.vaultcore.azure.net; ` +
          "without it the manifest cannot be signed), or add a conditional forwarder for both privatelink zones to an Azure DNS Private Resolver you add in the site VNet",
      },
      upload: {
        operations: "Put Blob or Put Block + Put Block List only; the identity cannot read, list or delete",
        ifNoneMatch: "send If-None-Match: * so an existing blob is answered 409 instead of being overwritten (a resumable push detects what is already there this way)",
        egress: "the copy job also needs HTTPS to login.microsoftonline.com (token exchange)",
      },
      signing: this.signingRef(),
      registries: ingest.registryIds.map((id) => {
        const account = this.accountNames.get(id) as string;
        // EncryptedStore names the store's key `<account>-cmk` in the site's custody vault.
        return {
          id,
          url: `https://${account}.blob.core.windows.net/${REGISTRY_CONTAINER}/`,
          account,
          container: REGISTRY_CONTAINER,
          endpointIp: deployed(`${id}-endpoint-ip`),
          keyVault: this.vaultName,
          keyName: `${account}-cmk`,
        };
      }),
    };
  }

  /** The push plan's `signing` entry: this site's key (after deploy, by its output). */
  private signingRef(): AzurePushTarget["signing"] {
    if (!this.signing) throw new Error(`site '${this.site.id}' has no manifest-signing key, but a push target needs one`);
    const stack = this.node.id;
    return {
      kind: "azure-key-vault",
      keyId: { stack, output: SIGNING_KEY_OUTPUT.azure },
      keyVault: this.vaultName,
      keyName: SIGNING_KEY_NAME,
      algorithm: MANIFEST_SIGNING_ALGORITHM,
      endpointIp: { stack, output: SIGNING_VAULT_IP_OUTPUT },
    };
  }

  /**
   * Replicates registry `registryId` from this (primary) site to `target`'s store of it, with the
   * mechanism the topology chose for the link between the two sites (lib/topology/mechanisms): with
   * priority replication (`Replication-<registry>/To-<region>`, azapi) plus a lag alert on its
   * pending operations (`Replication-<registry>/LagAlert-<region>`, `<prefix>-<registry>-lag-<site>`)
   * when the link is AZURE_PRIORITY_REPLICATION, plain object replication otherwise.
   */
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
    const chosen = this.topology.links.find((l) => l.from.id === this.site.id && l.to.id === target.site.id)?.mechanism;
    const priority = chosen === AZURE_PRIORITY_REPLICATION;
    link.replicateTo(destination, { priority });
    const replication = link.replications.find((r) => r.target === destination);
    if (priority && replication?.sourcePolicyId !== undefined && !link.node.tryFindChild(`LagAlert-${destination.location}`)) {
      new ReplicationLagAlert(link, `LagAlert-${destination.location}`, {
        resourceGroupName: this.resourceGroup.name,
        name: `${this.namePrefix}-${registryId}-lag-${target.site.id}`,
        replication: { sourcePolicyId: replication.sourcePolicyId },
        rpoMinutes: this.topology.registries.find((r) => r.id === registryId)?.rpoMinutes ?? replication.rpoMinutes,
        subject: `registry '${registryId}' from '${this.site.id}' to '${target.site.id}'`,
        alerts: this.alerts,
        tags: this.tags,
      });
    }
  }

  /** The replication link of each registry this (primary) site replicates, by registry id (after {@link replicateTo}). */
  public get replications(): ReadonlyMap<string, ReplicationLink> {
    return new Map(this.links);
  }
}
