import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, Testing } from "cdktf";
import { parseTopology } from "../../lib/topology/load";
import type { Topology } from "../../lib/topology/model";
import { AzureSiteStack } from "../../stacks/azure-site-stack";
import { ADMIN_A, ADMIN_B, ADMIN_C, CUSTODY, type Resource, type Synth, only, resources, resourcesById } from "./fixtures";

function topology(extra: { rpoMinutes?: number } = {}): Topology {
  return parseTopology(
    {
      version: 1,
      name: "nl-embassy",
      home: "NL",
      custody: { azure: { ...CUSTODY, administrators: [...CUSTODY.administrators] } },
      sites: [
        { id: "nl-primary", role: "domestic", primary: true, cloud: "azure", region: "westeurope", cidr: "10.10.0.0/16" },
        { id: "se-embassy", role: "foreign", cloud: "azure", region: "swedencentral", cidr: "10.30.0.0/16" },
        { id: "no-embassy", role: "foreign", cloud: "azure", region: "norwayeast", cidr: "10.40.0.0/16" },
      ],
      registries: [
        { id: "brp", title: "Population register", rpoMinutes: extra.rpoMinutes ?? 1440, retentionDays: 365 },
        { id: "land", title: "Land register", rpoMinutes: 2880, retentionDays: 90 },
      ],
      links: [
        { from: "nl-primary", to: "se-embassy", registries: ["brp"] },
        { from: "nl-primary", to: "no-embassy", registries: ["land"] },
      ],
    },
    "test",
  );
}

/** Both site stacks of the example, wired like buildEmbassy wires AWS sites; synthesized into a temporary folder. */
function embassy(): { primary: Synth; embassy: Synth } {
  const t = topology();
  const outdir = mkdtempSync(join(tmpdir(), "azure-site-"));
  try {
    const app = new App({ outdir });
    const primary = new AzureSiteStack(app, "nl-embassy-nl-primary", { topology: t, site: t.sites[0], backend: { kind: "local" }, dataPrincipals: { readers: [ADMIN_C], writers: [ADMIN_B] } });
    const stacks = new Map(
      t.sites
        .filter((s) => !s.primary)
        .map((s) => [s.id, new AzureSiteStack(app, `nl-embassy-${s.id}`, { topology: t, site: s, backend: { kind: "local" }, dataPrincipals: { readers: [ADMIN_C], writers: [ADMIN_B] } })]),
    );
    for (const link of t.links) {
      const target = stacks.get(link.to.id);
      if (!target) throw new Error(`no stack for ${link.to.id}`);
      for (const r of link.registries) primary.replicateTo(r.id, target);
    }
    app.synth();
    const read = (name: string) => JSON.parse(readFileSync(join(outdir, "stacks", name, "cdk.tf.json"), "utf8")) as Synth;
    return { primary: read("nl-embassy-nl-primary"), embassy: read("nl-embassy-se-embassy") };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

describe("AzureSiteStack", () => {
  const { primary, embassy: target } = embassy();

  test("the provider is pinned to the custody tenant and subscription and never purges or force-deletes", () => {
    expect(primary.provider?.azurerm).toEqual([
      {
        subscription_id: CUSTODY.subscriptionId,
        tenant_id: CUSTODY.tenantId,
        storage_use_azuread: true,
        features: [
          {
            key_vault: [{ purge_soft_delete_on_destroy: false, recover_soft_deleted_key_vaults: true, purge_soft_deleted_keys_on_destroy: false, recover_soft_deleted_keys: true }],
            resource_group: [{ prevent_deletion_if_contains_resources: true }],
            log_analytics_workspace: [{ permanently_delete_on_destroy: false }],
            storage: [{ data_plane_available: false }],
          },
        ],
      },
    ]);
  });

  test("one retained resource group in the site's region", () => {
    expect(only(primary, "azurerm_resource_group")).toMatchObject({ name: "nl-embassy-nl-primary-rg", location: "westeurope", lifecycle: { prevent_destroy: true } });
  });

  test("the primary holds every registry, the embassy only the carried one", () => {
    expect(resources(primary, "azurerm_storage_container")).toHaveLength(2);
    expect(resources(target, "azurerm_storage_container")).toHaveLength(1);
    expect(Object.keys(primary.output ?? {}).sort()).toEqual(["key-vault", "signing-key-id", "signing-key-vault-endpoint-ip", "store-brp", "store-land"]);
    // Only the primary signs (an Azure primary: its writers); the embassy verifies replicated manifests with the primary's key.
    expect(Object.keys(target.output ?? {}).filter((o) => !o.startsWith("cross-stack-output-")).sort()).toEqual(["key-vault", "store-brp"]);
  });

  test("every storage account and key vault has a valid, globally unique name", () => {
    const names = [...resources(primary, "azurerm_storage_account"), ...resources(target, "azurerm_storage_account")].map((a) => String(a.name));
    expect(names).toHaveLength(5);
    names.forEach((n) => expect(n).toMatch(/^[a-z0-9]{3,24}$/));
    expect(new Set(names).size).toBe(names.length);
    expect(String(only(primary, "azurerm_key_vault").name)).toMatch(/^[a-z][a-z0-9]{2,23}$/);
  });

  test("every storage account, key vault, key and role assignment of both stacks keeps the guarantees", () => {
    for (const synth of [primary, target]) {
      for (const a of resources(synth, "azurerm_storage_account")) {
        expect(a).toMatchObject({
          account_kind: "StorageV2",
          min_tls_version: "TLS1_2",
          https_traffic_only_enabled: true,
          shared_access_key_enabled: false,
          allow_nested_items_to_be_public: false,
          cross_tenant_replication_enabled: false,
          infrastructure_encryption_enabled: true,
          network_rules: { default_action: "Deny", ip_rules: [], virtual_network_subnet_ids: [] },
          blob_properties: { delete_retention_policy: { permanent_delete_enabled: false } },
          lifecycle: { prevent_destroy: true },
        });
      }
      const stores = resources(synth, "azurerm_storage_account").filter((a) => a.customer_managed_key !== undefined);
      expect(stores.length).toBe(resources(synth, "azurerm_storage_container").length);
      stores.forEach((a) =>
        expect(a).toMatchObject({ public_network_access_enabled: false, immutability_policy: { state: "Unlocked" }, blob_properties: { versioning_enabled: true, change_feed_enabled: true } }),
      );
      for (const kv of resources(synth, "azurerm_key_vault")) {
        expect(kv).toMatchObject({ sku_name: "premium", rbac_authorization_enabled: true, purge_protection_enabled: true, soft_delete_retention_days: 90, public_network_access_enabled: false, network_acls: { default_action: "Deny" }, lifecycle: { prevent_destroy: true } });
      }
      const allKeys = resources(synth, "azapi_resource").filter((r) => String(r.type).startsWith("Microsoft.KeyVault/vaults/keys@"));
      // The manifest-signing key (primary only) is checked in test/azure/signing-key.test.ts.
      const keys = allKeys.filter((k) => k.name !== "manifest-signing");
      expect(allKeys.length - keys.length).toBe(synth === primary ? 1 : 0);
      expect(keys).toHaveLength(stores.length);
      for (const key of keys) {
        expect(key).toMatchObject({
          body: {
            properties: {
              kty: "RSA-HSM",
              rotationPolicy: { attributes: { expiryTime: "P730D" }, lifetimeActions: [{ trigger: { timeAfterCreate: "P365D" }, action: { type: "rotate" } }, expect.anything()] },
            },
          },
          lifecycle: { prevent_destroy: true },
        });
      }
      for (const ra of resources(synth, "azurerm_role_assignment")) {
        expect(String(ra.scope)).not.toMatch(/^\/subscriptions\/[^/]+$/);
        expect(String(ra.scope)).not.toContain("azurerm_resource_group");
      }
    }
  });

  test("nothing is created or read through a data plane: no azurerm_key_vault_key, no data source lookups", () => {
    for (const synth of [primary, target]) {
      expect(synth.resource.azurerm_key_vault_key).toBeUndefined();
      expect(Object.keys(synth.data ?? {}).filter((t) => t !== "terraform_remote_state")).toEqual([]);
    }
  });

  test("azapi and time providers are required, and azapi is pinned to the custody tenant and subscription", () => {
    const terraform = (primary as unknown as { terraform: { required_providers: Record<string, { source: string; version: string }> } }).terraform;
    expect(terraform.required_providers.azapi).toEqual({ source: "Azure/azapi", version: "~> 2.5" });
    expect(terraform.required_providers.time).toMatchObject({ source: "hashicorp/time" });
    expect(primary.provider?.azapi).toEqual([{ subscription_id: CUSTODY.subscriptionId, tenant_id: CUSTODY.tenantId }]);
    expect(primary.provider?.time).toEqual([{}]);
  });

  test("each store's key is an ARM key under the site vault; the account uses it by URI after its identity's grant has propagated", () => {
    const [vaultId] = Object.keys(resourcesById(primary, "azurerm_key_vault"));
    const keys = resourcesById(primary, "azapi_resource");
    const accounts = resources(primary, "azurerm_storage_account").filter((a) => a.customer_managed_key !== undefined);
    expect(accounts).toHaveLength(2);
    for (const account of accounts) {
      const keyRef = /^\$\{azapi_resource\.([\w-]+)\.output\.properties\.keyUri\}$/.exec(String((account.customer_managed_key as Resource).key_vault_key_id));
      const keyId = keyRef?.[1] ?? "";
      expect(keys[keyId]).toMatchObject({ type: "Microsoft.KeyVault/vaults/keys@2024-11-01", parent_id: `\${azurerm_key_vault.${vaultId}.id}`, response_export_values: ["properties.keyUri"] });
      // account -> time_sleep -> role assignment on that key -> (key)
      const [sleepRef] = account.depends_on as string[];
      expect(sleepRef).toMatch(/^time_sleep\./);
      const sleep = resourcesById(primary, "time_sleep")[sleepRef.slice("time_sleep.".length)];
      expect(sleep).toMatchObject({ create_duration: "300s" });
      const [grantRef] = sleep.depends_on as string[];
      const grant = resourcesById(primary, "azurerm_role_assignment")[grantRef.slice("azurerm_role_assignment.".length)];
      expect(grant).toMatchObject({
        scope: `\${azapi_resource.${keyId}.id}`,
        role_definition_name: "Key Vault Crypto Service Encryption User",
        principal_id: String((account.identity as Resource).identity_ids).replace(/\.id\}$/, ".principal_id}"),
      });
    }
  });

  test("the site manages its region's Network Watcher, and the VNet waits for it", () => {
    const [watcherId, watcher] = Object.entries(resourcesById(primary, "azurerm_network_watcher"))[0] ?? [];
    expect(Object.keys(resourcesById(primary, "azurerm_network_watcher"))).toHaveLength(1);
    expect(watcher).toMatchObject({ name: "NetworkWatcher_westeurope", location: "westeurope", resource_group_name: expect.stringMatching(/^\$\{azurerm_resource_group\.ResourceGroup\.name\}$/) });
    expect(only(primary, "azurerm_virtual_network").depends_on).toEqual([`azurerm_network_watcher.${watcherId}`]);
    expect(only(primary, "azurerm_network_watcher_flow_log")).toMatchObject({ network_watcher_name: `\${azurerm_network_watcher.${watcherId}.name}` });
    expect(only(target, "azurerm_network_watcher")).toMatchObject({ name: "NetworkWatcher_swedencentral" });
  });

  test("flow logs are deleted after a year by the flow-log account's lifecycle policy alone; the account keeps no versions and no WORM", () => {
    for (const synth of [primary, target]) {
      const log = only(synth, "azurerm_network_watcher_flow_log");
      expect(log.retention_policy).toEqual({ enabled: false, days: 0 });
      const [logId] = Object.keys(resourcesById(synth, "azurerm_network_watcher_flow_log"));
      const policy = only(synth, "azurerm_storage_management_policy");
      expect(policy).toMatchObject({
        storage_account_id: log.storage_account_id,
        rule: [
          {
            enabled: true,
            actions: {
              base_blob: { delete_after_days_since_modification_greater_than: 365 },
              snapshot: { delete_after_days_since_creation_greater_than: 365 },
              version: { delete_after_days_since_creation: 365 },
            },
          },
        ],
        depends_on: [`azurerm_network_watcher_flow_log.${logId}`],
      });
      const accountId = /^\$\{azurerm_storage_account\.([\w-]+)\.id\}$/.exec(String(log.storage_account_id))?.[1] ?? "";
      const account = resourcesById(synth, "azurerm_storage_account")[accountId];
      expect(account).toMatchObject({ blob_properties: { versioning_enabled: false, delete_retention_policy: { days: 30 } } });
      expect(account.immutability_policy).toBeUndefined();
    }
  });

  test("nobody holds key retirement: the role that deletes and updates keys is defined and unassigned, and key administrators can do neither", () => {
    const roles = resourcesById(primary, "azurerm_role_definition");
    const [retirementId, retirement] = Object.entries(roles).find(([, r]) => r.name === "nl-embassy-nl-primary-retire-keys") ?? [];
    expect(retirementId).toBeDefined();
    expect((retirement?.permissions as { data_actions: string[] }[])[0].data_actions).toEqual(
      expect.arrayContaining(["Microsoft.KeyVault/vaults/keys/delete", "Microsoft.KeyVault/vaults/keys/update/action"]),
    );
    expect(resources(primary, "azurerm_role_assignment").filter((a) => String(a.role_definition_id).includes(`.${retirementId}.`))).toEqual([]);
    const admin = Object.values(roles).find((r) => r.name === "nl-embassy-nl-primary-administer-keys");
    expect((admin?.permissions as { data_actions: string[] }[])[0].data_actions.filter((a) => /\/(delete|purge|update)/.test(a))).toEqual([]);
  });

  test("each store's WORM retention is its registry's retentionDays, locked", () => {
    const worm = resources(primary, "azurerm_storage_container_immutability_policy").map((w) => [w.immutability_period_in_days, w.locked]);
    expect(worm.sort()).toEqual([[365, true], [90, true]].sort());
  });

  test("the primary replicates each registry to its target's account through a cross-stack reference; the embassy replicates nothing", () => {
    // Same-continent links, each the first from its source account: priority replication through azapi.
    expect(resources(primary, "azurerm_storage_object_replication")).toEqual([]);
    const puts = resources(primary, "azapi_resource_action").filter((a) => a.method === "PUT");
    expect(puts).toHaveLength(2);
    puts.forEach((p) => expect(p.resource_id).toMatch(/^\$\{data\.terraform_remote_state\.[\w-]+\.outputs\.[\w-]+\}\/objectReplicationPolicies\/default$/));
    expect(resources(primary, "azapi_resource").filter((r) => String(r.type).startsWith("Microsoft.Storage/storageAccounts/objectReplicationPolicies@"))).toHaveLength(2);
    expect(resources(target, "azapi_resource_action")).toEqual([]);
    expect(resources(target, "azurerm_storage_object_replication")).toEqual([]);
  });

  test("writers write at the primary only; readers read everywhere; neither administers keys", () => {
    const mine = resources(primary, "azurerm_role_assignment").filter((a) => a.principal_id === ADMIN_B);
    const writes = mine.filter((a) => String(a.scope).startsWith("${azurerm_storage_container."));
    expect(writes).toHaveLength(2);
    // Besides writing, the writer signs manifests and (as everyone in custody) verifies them, on the signing key only.
    expect(mine.filter((a) => !writes.includes(a)).map((a) => [String(a.role_definition_id).match(/Signing_(\w+Role)_/)?.[1], String(a.scope).match(/^\$\{azapi_resource\.(Signing)_\w+\.id\}$/)?.[1]]).sort()).toEqual([
      ["SignerRole", "Signing"],
      ["VerifierRole", "Signing"],
    ]);
    expect(resources(target, "azurerm_role_assignment").filter((a) => a.principal_id === ADMIN_B).length).toBeGreaterThan(0);
    expect(resources(target, "azurerm_role_definition").map((r) => r.name)).not.toContain("nl-embassy-se-embassy-write");
    const keyAdmins = resources(primary, "azurerm_role_assignment").filter((a) => String(a.role_definition_id).includes("KeyVault_KeyAdministratorRole"));
    expect(keyAdmins.map((a) => a.principal_id)).toEqual([ADMIN_A]);
  });

  test("fails when the topology has no Azure custody", () => {
    const t = topology();
    expect(() => new AzureSiteStack(Testing.app(), "x", { topology: { ...t, custody: {} }, site: t.sites[0], backend: { kind: "local" } })).toThrow(
      /^site 'nl-primary' is on azure, but the topology has no custody.azure$/,
    );
  });

  test("fails when a registry is replicated to a site that does not hold it", () => {
    const t = topology();
    const app = Testing.app();
    const a = new AzureSiteStack(app, "a", { topology: t, site: t.sites[0], backend: { kind: "local" } });
    const b = new AzureSiteStack(app, "b", { topology: t, site: t.sites[1], backend: { kind: "local" } });
    expect(() => a.replicateTo("land", b)).toThrow(/^cannot replicate registry 'land' from 'nl-primary' to 'se-embassy': a store is missing$/);
  });
});
