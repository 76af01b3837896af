import { CustodyKey } from "../../lib/azure/custody-key";
import { EncryptedStore, type EncryptedStoreProps } from "../../lib/azure/encrypted-store";
import { ADMIN_A, type Resource, type Synth, only, resources, resourcesById, siteParts, synthScope } from "./fixtures";

/** The logical id of the one resource of `type` that `match` selects. */
function idOf(synth: Synth, type: string, match: (r: Resource) => boolean): string {
  const ids = Object.entries(resourcesById(synth, type)).filter(([, r]) => match(r)).map(([id]) => id);
  expect(ids).toHaveLength(1);
  return ids[0];
}

type Extra = Partial<Pick<EncryptedStoreProps, "retentionDays" | "minRetentionDays" | "accountName" | "redundancy" | "keyGrantPropagationSeconds">> & { sharedKey?: boolean };

function store(extra: Extra = {}): Synth {
  return synthScope((scope) => {
    const parts = siteParts(scope);
    const encryptionKey = extra.sharedKey ? new CustodyKey(scope, "SharedKey", { vault: parts.keyVault, keyName: "shared" }) : undefined;
    const s = new EncryptedStore(scope, "Store", {
      registryId: "brp",
      accountName: extra.accountName ?? "teststorebrp",
      resourceGroupName: parts.resourceGroupName,
      location: parts.location,
      retentionDays: extra.retentionDays ?? 365,
      minRetentionDays: extra.minRetentionDays,
      network: parts.network,
      logStore: parts.logStore,
      keyVault: parts.keyVault,
      encryptionKey,
      redundancy: extra.redundancy,
      keyGrantPropagationSeconds: extra.keyGrantPropagationSeconds,
    });
    s.grantRead(ADMIN_A);
  });
}

describe("EncryptedStore (azure)", () => {
  const synth = store();
  const account = resources(synth, "azurerm_storage_account").find((a) => a.name === "teststorebrp");
  const container = only(synth, "azurerm_storage_container");

  test("a hardened StorageV2 account: TLS 1.2, HTTPS only, Entra ID only, nothing public, no cross-tenant replication", () => {
    expect(account).toMatchObject({
      account_kind: "StorageV2",
      account_replication_type: "ZRS",
      min_tls_version: "TLS1_2",
      https_traffic_only_enabled: true,
      public_network_access_enabled: false,
      shared_access_key_enabled: false,
      default_to_oauth_authentication: true,
      allow_nested_items_to_be_public: false,
      cross_tenant_replication_enabled: false,
      infrastructure_encryption_enabled: true,
      is_hns_enabled: false,
      sftp_enabled: false,
      local_user_enabled: false,
      network_rules: { default_action: "Deny", bypass: ["None"], ip_rules: [], virtual_network_subnet_ids: [] },
      lifecycle: { prevent_destroy: true },
    });
  });

  test("versioning, change feed, and blob and container soft delete without permanent delete", () => {
    expect(account?.blob_properties).toEqual({
      versioning_enabled: true,
      change_feed_enabled: true,
      delete_retention_policy: { days: 365, permanent_delete_enabled: false },
      container_delete_retention_policy: { days: 365 },
    });
  });

  test("encrypted with the store's own versionless HSM key, referenced by the key's data-plane URI from the ARM response", () => {
    const keyId = idOf(synth, "azapi_resource", (r) => String(r.type).startsWith("Microsoft.KeyVault/vaults/keys@"));
    expect(keyId).toMatch(/^Store_Key_/);
    expect(account).toMatchObject({
      identity: { type: "UserAssigned", identity_ids: [expect.stringMatching(/^\$\{azurerm_user_assigned_identity\.Store_Identity_\w+\.id\}$/)] },
      customer_managed_key: {
        key_vault_key_id: `\${azapi_resource.${keyId}.output.properties.keyUri}`,
        user_assigned_identity_id: expect.stringMatching(/^\$\{azurerm_user_assigned_identity\.Store_Identity_\w+\.id\}$/),
      },
      queue_encryption_key_type: "Account",
      table_encryption_key_type: "Account",
    });
    expect(only(synth, "azurerm_user_assigned_identity")).toMatchObject({ lifecycle: { prevent_destroy: true } });
    expect(only(synth, "azapi_resource")).toMatchObject({ body: { properties: { kty: "RSA-HSM" } }, response_export_values: ["properties.keyUri"], lifecycle: { prevent_destroy: true } });
    expect(resources(synth, "azurerm_key_vault_key")).toEqual([]);
  });

  test("the identity may use only its key; the account waits for that grant and then for it to propagate", () => {
    const keyId = idOf(synth, "azapi_resource", () => true);
    const grantId = idOf(synth, "azurerm_role_assignment", (g) => g.role_definition_name === "Key Vault Crypto Service Encryption User");
    expect(synth.resource.azurerm_role_assignment[grantId]).toMatchObject({
      scope: `\${azapi_resource.${keyId}.id}`,
      principal_id: expect.stringMatching(/^\$\{azurerm_user_assigned_identity\.Store_Identity_\w+\.principal_id\}$/),
    });
    const [sleepId, sleep] = Object.entries(resourcesById(synth, "time_sleep"))[0] ?? [];
    expect(Object.keys(resourcesById(synth, "time_sleep"))).toHaveLength(1);
    expect(sleep).toEqual({
      // Five minutes by default: Key Vault role assignments take up to 10 minutes to apply (rbac-guide).
      create_duration: "300s",
      triggers: { role_assignment_id: `\${azurerm_role_assignment.${grantId}.id}` },
      depends_on: [`azurerm_role_assignment.${grantId}`],
    });
    // grant -> wait -> account with the customer-managed key
    expect(account?.depends_on).toEqual([`time_sleep.${sleepId}`]);
  });

  test("a longer propagation wait on request, up to 15 minutes", () => {
    expect(only(store({ keyGrantPropagationSeconds: 600 }), "time_sleep").create_duration).toBe("600s");
    expect(only(store({ keyGrantPropagationSeconds: 900 }), "time_sleep").create_duration).toBe("900s");
  });

  test("version-level immutability is enabled on the account with the registry's retention", () => {
    expect(account?.immutability_policy).toEqual({ state: "Unlocked", period_since_creation_in_days: 365, allow_protected_append_writes: false });
  });

  test("the registry container is private, retained, and its default version-level WORM policy is LOCKED", () => {
    expect(container).toMatchObject({ name: "registry", container_access_type: "private", lifecycle: { prevent_destroy: true } });
    expect(only(synth, "azurerm_storage_container_immutability_policy")).toEqual({
      storage_container_resource_manager_id: expect.stringMatching(/^\$\{azurerm_storage_container\.Store_Container_\w+\.id\}$/),
      immutability_period_in_days: 365,
      locked: true,
      protected_append_writes_enabled: false,
      protected_append_writes_all_enabled: false,
      lifecycle: { prevent_destroy: true },
    });
  });

  test("a private endpoint for blob in the endpoint subnet, registered in the blob DNS zone", () => {
    const pe = resources(synth, "azurerm_private_endpoint").find((p) => p.name === "teststorebrp-blob-pe");
    expect(pe).toMatchObject({
      subnet_id: expect.stringMatching(/^\$\{azurerm_subnet\.Network_EndpointSubnet_\w+\.id\}$/),
      private_service_connection: { subresource_names: ["blob"], is_manual_connection: false },
      private_dns_zone_group: { private_dns_zone_ids: [expect.stringMatching(/^\$\{azurerm_private_dns_zone\.Network_BlobDnsZone_\w+\.id\}$/)] },
    });
  });

  test("a CanNotDelete lock on the account and blob audit logs to the workspace", () => {
    const lock = resources(synth, "azurerm_management_lock").find((l) => String(l.scope).match(/azurerm_storage_account\.Store_/));
    expect(lock).toMatchObject({ lock_level: "CanNotDelete" });
    const diag = resources(synth, "azurerm_monitor_diagnostic_setting").find((d) => String(d.target_resource_id).match(/azurerm_storage_account\.Store_\w+\.id\}\/blobServices\/default$/));
    expect(diag).toMatchObject({ enabled_log: [{ category_group: "allLogs" }] });
  });

  test("grantRead assigns Storage Blob Data Reader on the registry container only", () => {
    const read = resources(synth, "azurerm_role_assignment").find((g) => g.role_definition_name === "Storage Blob Data Reader");
    expect(read).toMatchObject({ principal_id: ADMIN_A, scope: expect.stringMatching(/^\$\{azurerm_storage_container\.Store_Container_\w+\.id\}$/) });
  });

  test("a given key is used instead of a new one; LRS on request", () => {
    const s = store({ sharedKey: true, redundancy: "LRS" });
    const keyId = idOf(s, "azapi_resource", (r) => r.name === "shared");
    expect(resources(s, "azapi_resource")).toHaveLength(1);
    const a = resources(s, "azurerm_storage_account").find((x) => x.name === "teststorebrp");
    expect(a).toMatchObject({ account_replication_type: "LRS", customer_managed_key: { key_vault_key_id: `\${azapi_resource.${keyId}.output.properties.keyUri}` } });
  });

  test("fails when retentionDays is below the floor", () => {
    expect(() => store({ retentionDays: 7 })).toThrow(/^retentionDays must be at least 30 \(rules.minRetentionDays\), got 7 for registry 'brp'$/);
    expect(() => store({ retentionDays: 60, minRetentionDays: 90 })).toThrow(/^retentionDays must be at least 90 \(rules.minRetentionDays\), got 60 for registry 'brp'$/);
  });

  test("fails when retentionDays is beyond Azure's maximum", () => {
    expect(() => store({ retentionDays: 200000 })).toThrow(/^retentionDays must be a whole number of days up to 146000, got 200000 for registry 'brp'$/);
  });

  test.each([0, 901, 1.5])("fails when keyGrantPropagationSeconds is %p", (seconds) => {
    expect(() => store({ keyGrantPropagationSeconds: seconds })).toThrow(
      new RegExp(`^keyGrantPropagationSeconds must be a whole number from 1 to 900, got ${seconds} for registry 'brp'$`),
    );
  });

  test("fails when the account name is not 3-24 lower-case letters and digits", () => {
    expect(() => store({ accountName: "Bad-Name" })).toThrow(/^accountName must be 3-24 lower-case letters and digits, got 'Bad-Name'$/);
  });
});
