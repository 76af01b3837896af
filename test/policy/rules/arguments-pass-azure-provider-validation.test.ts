import { KeyVault } from "@cdktf/provider-azurerm/lib/key-vault";
import { KeyVaultKey } from "@cdktf/provider-azurerm/lib/key-vault-key";
import { LogAnalyticsWorkspace } from "@cdktf/provider-azurerm/lib/log-analytics-workspace";
import { ManagementLock } from "@cdktf/provider-azurerm/lib/management-lock";
import { NetworkSecurityRule } from "@cdktf/provider-azurerm/lib/network-security-rule";
import { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";
import { RoleAssignment } from "@cdktf/provider-azurerm/lib/role-assignment";
import { StorageAccount } from "@cdktf/provider-azurerm/lib/storage-account";
import { StorageContainer } from "@cdktf/provider-azurerm/lib/storage-container";
import { TerraformResource } from "cdktf";
import type { Construct } from "constructs";
import { EncryptedStore } from "../../../lib/azure/encrypted-store";
import { ADMIN_A, siteParts } from "../../azure/fixtures";
import { AZURE_ADMIN, checkRule } from "../helpers";

const RULE = "EMB-P02";
const AZURERM = "hashicorp/terraform-provider-azurerm";
const NAMES = "https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules";
const ARM_KEYS = "(https://learn.microsoft.com/azure/templates/microsoft.keyvault/vaults/keys)";
const KEY_SIZES = "(https://learn.microsoft.com/azure/key-vault/keys/about-keys-details)";
const COMMON = { resourceGroupName: "rg", location: "westeurope" };

/** An azapi_resource (the azapi provider has no prebuilt cdktf bindings) with the given arguments. */
function azapi(scope: Construct, id: string, args: Record<string, unknown>): TerraformResource {
  const resource = new TerraformResource(scope, id, { terraformResourceType: "azapi_resource" });
  for (const [key, value] of Object.entries(args)) resource.addOverride(key, value);
  return resource;
}

/** A Key Vault key as the Key Vault key conversion writes it with azapi. */
const KEY_TYPE = "Microsoft.KeyVault/vaults/keys@2023-07-01";
function azapiKey(scope: Construct, id: string, name: string, properties: Record<string, unknown>): TerraformResource {
  return azapi(scope, id, { type: KEY_TYPE, name, parent_id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/v", body: { properties } });
}

describe("EMB-P02 ArgumentsPassAzureProviderValidation", () => {
  test("a site the library builds (log store, network, key vault, encrypted store) passes every Azure limit", () => {
    const result = checkRule(RULE, (s) => {
      const parts = siteParts(s);
      const store = new EncryptedStore(s, "Store", {
        registryId: "brp",
        accountName: "teststorebrp",
        resourceGroupName: parts.resourceGroupName,
        location: parts.location,
        retentionDays: 365,
        network: parts.network,
        logStore: parts.logStore,
        keyVault: parts.keyVault,
      });
      store.grantRead(ADMIN_A);
    });
    expect(result.findings).toEqual([]);
    expect(result.summary.checked).toBeGreaterThan(20);
    expect(result.summary.compliant).toBe(result.summary.checked);
  });

  test("a Key Vault key written with azapi passes with a valid name, type and properties", () => {
    const result = checkRule(RULE, (s) =>
      azapiKey(s, "Key", "nlembassynlprimaryhr5881-cmk", {
        kty: "RSA-HSM",
        keySize: 3072,
        keyOps: ["wrapKey", "unwrapKey"],
        rotationPolicy: { attributes: { expiryTime: "P730D" }, lifetimeActions: [{ trigger: { timeAfterCreate: "P365D" }, action: { type: "rotate" } }] },
      }),
    );
    expect(result.summary).toMatchObject({ checked: 1, compliant: 1 });
  });

  test("fails on storage account and container names outside Azure's rules", () => {
    const result = checkRule(RULE, (s) => {
      const account = new StorageAccount(s, "Account", { ...COMMON, name: "site-store-brp", accountTier: "Standard", accountReplicationType: "ZRS" });
      new StorageAccount(s, "Short", { ...COMMON, name: "ab", accountTier: "Standard", accountReplicationType: "ZRS", minTlsVersion: "TLS1_0" });
      new StorageContainer(s, "Container", { name: "registry--copy", storageAccountId: account.id });
    });
    expect(result.problems).toEqual([
      `name 'site-store-brp' has "-"; allowed: lowercase letters and digits (${AZURERM} internal/services/storage/validate/storage_account_name.go)`,
      `name 'registry--copy' must not contain consecutive hyphens (${AZURERM} internal/services/storage/validate/storage_container.go; ${NAMES}#microsoftstorage)`,
      `name 'ab' is 2 characters, shorter than 3 (${AZURERM} internal/services/storage/validate/storage_account_name.go); min_tls_version is 'TLS1_0', not one of TLS1_2 (${AZURERM} internal/services/storage/storage_account_resource.go)`,
    ]);
  });

  test("fails on Key Vault names and on Key Vault key names, types, sizes, operations and rotation periods", () => {
    const result = checkRule(RULE, (s) => {
      const vault = new KeyVault(s, "Vault", { ...COMMON, name: "1vault--embassy-", tenantId: "t", skuName: "premium", purgeProtectionEnabled: true });
      new KeyVaultKey(s, "Key", {
        name: "cmk_brp",
        keyVaultId: vault.id,
        keyType: "RSA-HSM",
        keySize: 1024,
        keyOpts: ["wrapKey", "unwrap"],
        rotationPolicy: { expireAfter: "P7D", notifyBeforeExpiry: "P30D", automatic: { timeAfterCreation: "365 days" } },
      });
    });
    const key = `(${AZURERM} internal/services/keyvault/key_vault_key_resource.go)`;
    expect(result.problems).toEqual([
      [
        `name 'cmk_brp' has "_"; allowed: letters, digits and - (${AZURERM} internal/services/keyvault/validate/nested_item_name.go; https://learn.microsoft.com/azure/templates/microsoft.keyvault/vaults/keys)`,
        `key_opts[1] is 'unwrap', not one of decrypt, encrypt, sign, unwrapKey, verify, wrapKey ${key}`,
        `key_size is 1024, not one of 2048, 3072, 4096 ${KEY_SIZES}`,
        `rotation_policy.expire_after 'P7D' is 7 days, shorter than 28 ${key}`,
        `rotation_policy.automatic.time_after_creation '365 days' is not an ISO 8601 duration such as 'P30D' ${key}`,
      ].join("; "),
      `name '1vault--embassy-' must start with a letter; name '1vault--embassy-' must end with a letter or digit; name '1vault--embassy-' must not contain consecutive hyphens (${AZURERM} internal/services/keyvault/validate/vault_name.go)`,
    ]);
  });

  test("fails on a Key Vault key written with azapi: name, kty, keyOps, keySize, and a type without an api-version", () => {
    const result = checkRule(RULE, (s) => {
      azapiKey(s, "Key", "cmk_brp", { kty: "oct", keyOps: ["wrapKey", "wrap"], rotationPolicy: { attributes: { expiryTime: "2 years" }, lifetimeActions: [{ trigger: { timeAfterCreate: "P365D" } }] } });
      azapiKey(s, "Rsa", "cmk-rsa", { kty: "RSA", keySize: 1024 });
      azapi(s, "Unversioned", { type: "Microsoft.KeyVault/vaults/keys", name: "cmk-x" });
      // the Key Vault key name rule applies to keys only
      azapi(s, "Account", { type: "Microsoft.Storage/storageAccounts@2023-05-01", name: "Any_Name" });
    });
    expect(result.summary).toMatchObject({ checked: 4, nonCompliant: 3 });
    expect(result.problems).toEqual([
      [
        `name 'cmk_brp' has "_"; allowed: letters, digits and - ${ARM_KEYS}`,
        `body.properties.kty is 'oct', not one of EC, EC-HSM, RSA, RSA-HSM ${ARM_KEYS}`,
        `body.properties.keyOps[1] is 'wrap', not one of decrypt, encrypt, import, release, sign, unwrapKey, verify, wrapKey ${ARM_KEYS}`,
        `body.properties.rotationPolicy.attributes.expiryTime '2 years' is not an ISO 8601 duration such as 'P30D' ${ARM_KEYS}`,
      ].join("; "),
      `body.properties.keySize is 1024, not one of 2048, 3072, 4096 ${KEY_SIZES}`,
      `type 'Microsoft.KeyVault/vaults/keys' must be '<ResourceProvider>/<resourceType>@<api-version>', e.g. 'Microsoft.KeyVault/vaults/keys@2023-07-01' (Azure/terraform-provider-azapi utils/helper.go; internal/services/myvalidator/resource_type.go)`,
    ]);
  });

  test("fails on NSG rule names, descriptions, priorities and protocols outside the provider's limits", () => {
    const result = checkRule(RULE, (s) =>
      new NetworkSecurityRule(s, "Rule", {
        ...COMMON,
        networkSecurityGroupName: "nsg",
        name: "allow https",
        description: "d".repeat(141),
        priority: 50,
        direction: "Inbound",
        access: "Allow",
        protocol: "TCP",
        sourcePortRange: "*",
        destinationPortRange: "443",
        sourceAddressPrefix: "10.0.0.0/8",
        destinationAddressPrefix: "10.0.0.0/8",
      }),
    );
    const rule = `(${AZURERM} internal/services/network/network_security_rule_resource.go)`;
    expect(result.problems).toEqual([
      [
        `name 'allow https' has " "; allowed: letters, digits and _ . - (${NAMES}#microsoftnetwork)`,
        `description '${"d".repeat(141)}' is 141 characters, longer than 140 ${rule}`,
        `priority is 50, not a whole number from 100 to 4096 ${rule}`,
        `protocol is 'TCP', not one of *, Tcp, Udp, Icmp, Ah, Esp ${rule}`,
      ].join("; "),
    ]);
  });

  test("fails on resource group and lock names, lock notes, role assignments and workspaces outside the limits", () => {
    const result = checkRule(RULE, (s) => {
      const group = new ResourceGroup(s, "Group", { name: "embassy-rg.", location: "westeurope" });
      new ManagementLock(s, "Lock", { name: "keep/this", scope: group.id, lockLevel: "CanNotDelete", notes: "n".repeat(513) });
      new RoleAssignment(s, "Assignment", { scope: group.id, principalId: AZURE_ADMIN, roleDefinitionName: "Reader", principalType: "ManagedIdentity", description: "" });
      new LogAnalyticsWorkspace(s, "Workspace", { ...COMMON, name: "log", retentionInDays: 14 });
    });
    expect(result.problems).toEqual([
      [
        `principal_type is 'ManagedIdentity', not one of User, Group, ServicePrincipal (${AZURERM} internal/services/authorization/role_assignment_resource.go)`,
        `description '' is 0 characters, shorter than 1 (${AZURERM} internal/services/authorization/role_assignment_resource.go)`,
      ].join("; "),
      `name 'embassy-rg.' must not end with a period (${NAMES}#microsoftresources)`,
      [
        `name 'keep/this' has "/"; allowed: letters, digits and . _ ( ) - (${AZURERM} internal/services/resource/management_lock_resource.go; ${NAMES}#microsoftauthorization)`,
        `notes '${"n".repeat(513)}' is 513 characters, longer than 512 (${AZURERM} internal/services/resource/management_lock_resource.go; ${NAMES}#microsoftauthorization)`,
      ].join("; "),
      [
        `name 'log' is 3 characters, shorter than 4 (${AZURERM} internal/services/loganalytics/validate/log_analytics_workspace_name.go)`,
        `retention_in_days is 14, not a whole number from 30 to 730 (or 7) (${AZURERM} internal/services/loganalytics/log_analytics_workspace_resource.go)`,
      ].join("; "),
    ]);
  });
});
