import { CustodyKeyVault } from "../../lib/azure/key-vault";
import { LogStore } from "../../lib/azure/log-store";
import { Network } from "../../lib/azure/network";
import { KEY_ADMIN_PERMISSIONS, KEY_RETIREMENT_PERMISSIONS } from "../../lib/azure/perms";
import { ADMIN_A, ADMIN_B, ADMIN_C, CUSTODY, OUTSIDER, type Synth, only, resources, resourcesById, siteParts, synthScope } from "./fixtures";

function vault(keyAdministrators?: readonly string[]): Synth {
  return synthScope((scope) => {
    siteParts(scope, keyAdministrators);
  });
}

/** A vault whose key-retirement role is named through the given props. */
function namedVault(names: { keyRetirementRoleName?: string }): Synth {
  return synthScope((scope) => {
    const common = { resourceGroupName: "rg-test", location: "westeurope" };
    const logStore = new LogStore(scope, "Logs", { ...common, workspaceName: "test-logs", flowLogAccountName: "testlogs" });
    const network = new Network(scope, "Network", { ...common, namePrefix: "test", cidr: "10.10.0.0/16", logStore });
    new CustodyKeyVault(scope, "KeyVault", {
      ...common,
      custody: CUSTODY,
      resourceGroupId: "/subscriptions/22222222-2222-4222-8222-222222222222/resourceGroups/rg-test",
      vaultName: "test-kv",
      keyAdminRoleName: "test-administer-keys",
      network,
      logStore,
      ...names,
    });
  });
}

const KEYS = "Microsoft.KeyVault/vaults/keys";

describe("CustodyKeyVault (azure)", () => {
  const synth = vault();
  const kv = only(synth, "azurerm_key_vault");

  test("Premium (HSM), RBAC authorization, purge protection and 90 days of soft delete, retained", () => {
    expect(kv).toMatchObject({
      sku_name: "premium",
      rbac_authorization_enabled: true,
      purge_protection_enabled: true,
      soft_delete_retention_days: 90,
      tenant_id: "11111111-1111-4111-8111-111111111111",
      lifecycle: { prevent_destroy: true },
    });
    expect(kv).not.toHaveProperty("access_policy");
    expect(kv).not.toHaveProperty("enable_rbac_authorization");
  });

  test("no public network access; the network ACL denies by default and lists no IP or subnet", () => {
    expect(kv).toMatchObject({
      public_network_access_enabled: false,
      network_acls: { default_action: "Deny", bypass: "AzureServices", ip_rules: [], virtual_network_subnet_ids: [] },
      enabled_for_deployment: false,
      enabled_for_disk_encryption: false,
      enabled_for_template_deployment: false,
    });
  });

  test("a private endpoint for the vault in the endpoint subnet, registered in the vault DNS zone", () => {
    const pe = resources(synth, "azurerm_private_endpoint").find((p) => String(p.name) === "test-kv-pe");
    expect(pe).toMatchObject({
      subnet_id: expect.stringMatching(/^\$\{azurerm_subnet\.Network_EndpointSubnet_\w+\.id\}$/),
      private_service_connection: { subresource_names: ["vault"], is_manual_connection: false, private_connection_resource_id: expect.stringContaining("azurerm_key_vault.") },
      private_dns_zone_group: { private_dns_zone_ids: [expect.stringMatching(/^\$\{azurerm_private_dns_zone\.Network_VaultDnsZone_\w+\.id\}$/)] },
    });
  });

  test("a CanNotDelete lock and audit logs to the workspace", () => {
    const lock = resources(synth, "azurerm_management_lock").find((l) => String(l.scope).includes("azurerm_key_vault."));
    expect(lock).toMatchObject({ lock_level: "CanNotDelete" });
    const diag = resources(synth, "azurerm_monitor_diagnostic_setting").find((d) => String(d.target_resource_id).includes("azurerm_key_vault."));
    expect(diag).toMatchObject({ enabled_log: [{ category_group: "allLogs" }] });
  });

  test("the key-administrator role manages keys without any cryptographic use, export, deletion or purge, and is assignable only in the resource group", () => {
    const role = resources(synth, "azurerm_role_definition").find((r) => r.name === "test-administer-keys");
    expect(role).toMatchObject({
      scope: "/subscriptions/22222222-2222-4222-8222-222222222222/resourceGroups/rg-test",
      assignable_scopes: ["/subscriptions/22222222-2222-4222-8222-222222222222/resourceGroups/rg-test"],
      permissions: [{ actions: [...KEY_ADMIN_PERMISSIONS.actions], data_actions: [...KEY_ADMIN_PERMISSIONS.dataActions] }],
    });
    const granted = (role?.permissions as { data_actions: string[] }[])[0].data_actions;
    for (const forbidden of ["create", "encrypt", "decrypt", "wrap", "unwrap", "sign", "backup", "restore", "import", "release", "purge", "update"]) {
      expect(granted.join(" ")).not.toMatch(new RegExp(`/${forbidden}/action`));
    }
    expect(granted.filter((a) => a.endsWith("/delete") || a.includes("*"))).toEqual([]);
    expect(granted).toEqual(expect.arrayContaining(["Microsoft.KeyVault/vaults/keys/rotate/action", "Microsoft.KeyVault/vaults/keys/recover/action"]));
  });

  test("key administrators rotate, set rotation policies and recover, but cannot update a key's attributes nor add a version of their choice (either could disable it)", () => {
    const role = resources(synth, "azurerm_role_definition").find((r) => r.name === "test-administer-keys");
    // No create/import: Create Key on an existing name adds a new current version with the caller's
    // attributes (enabled: false, a past exp, no wrapKey), and the stores use the versionless key URI.
    expect((role?.permissions as { data_actions: string[] }[])[0].data_actions).toEqual([
      `${KEYS}/read`,
      `${KEYS}/rotate/action`,
      `${KEYS}/recover/action`,
      "Microsoft.KeyVault/vaults/keyrotationpolicies/read",
      "Microsoft.KeyVault/vaults/keyrotationpolicies/write",
    ]);
    expect(role?.description).toMatch(/no attribute update/);
  });

  test("retiring a key (delete, update attributes) is a separate role, assigned to nobody, that can neither purge nor use keys", () => {
    const [id, role] = Object.entries(resourcesById(synth, "azurerm_role_definition")).find(([, r]) => r.name === "test-administer-keys-retire") ?? [];
    expect(id).toMatch(/^KeyVault_KeyDeletionRole_\w+$/);
    expect(role).toMatchObject({
      assignable_scopes: ["/subscriptions/22222222-2222-4222-8222-222222222222/resourceGroups/rg-test"],
      permissions: [{ actions: ["Microsoft.KeyVault/vaults/read"], data_actions: [`${KEYS}/read`, `${KEYS}/delete`, `${KEYS}/update/action`] }],
    });
    expect(KEY_RETIREMENT_PERMISSIONS.dataActions.some((a) => a.includes("purge") || a.includes("*"))).toBe(false);
    expect(resources(synth, "azurerm_role_assignment").filter((a) => String(a.role_definition_id).includes(`azurerm_role_definition.${id}.`))).toEqual([]);
  });

  test("the retirement role takes its name from keyRetirementRoleName", () => {
    const names = (s: Synth) => resources(s, "azurerm_role_definition").map((r) => r.name).sort();
    expect(names(namedVault({ keyRetirementRoleName: "kv-retire-keys" }))).toEqual(["kv-retire-keys", "test-administer-keys"]);
  });

  test("every custody administrator is a key administrator on this vault only", () => {
    const grants = resources(synth, "azurerm_role_assignment");
    expect(grants.map((g) => g.principal_id).sort()).toEqual([ADMIN_A, ADMIN_B, ADMIN_C]);
    grants.forEach((g) => expect(g).toMatchObject({ scope: expect.stringMatching(/^\$\{azurerm_key_vault\.KeyVault_\w+\.id\}$/), role_definition_id: expect.stringContaining("role_definition_resource_id") }));
  });

  test("named key administrators only", () => {
    const grants = resources(vault([ADMIN_B]), "azurerm_role_assignment");
    expect(grants.map((g) => g.principal_id)).toEqual([ADMIN_B]);
  });

  test("fails when a key administrator is outside custody", () => {
    expect(() => vault([ADMIN_A, OUTSIDER])).toThrow(/^principals for 'administer-keys' must be listed in custody.azure.administrators, got 'dddddddd-0000-4000-8000-000000000004'$/);
  });

  test("fails when there is no key administrator", () => {
    expect(() => vault([])).toThrow(/^keyAdministrators must list at least one principal for vault 'test-kv', got none$/);
  });
});
