import { FederatedIdentityCredential } from "@cdktf/provider-azurerm/lib/federated-identity-credential";
import { KeyVault } from "@cdktf/provider-azurerm/lib/key-vault";
import { KeyVaultKey } from "@cdktf/provider-azurerm/lib/key-vault-key";
import { LogAnalyticsWorkspace } from "@cdktf/provider-azurerm/lib/log-analytics-workspace";
import { ManagementLock } from "@cdktf/provider-azurerm/lib/management-lock";
import { NetworkSecurityRule } from "@cdktf/provider-azurerm/lib/network-security-rule";
import { PublicIp } from "@cdktf/provider-azurerm/lib/public-ip";
import { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";
import { RoleAssignment } from "@cdktf/provider-azurerm/lib/role-assignment";
import { StorageAccount } from "@cdktf/provider-azurerm/lib/storage-account";
import { StorageContainer } from "@cdktf/provider-azurerm/lib/storage-container";
import { VirtualNetworkGateway } from "@cdktf/provider-azurerm/lib/virtual-network-gateway";
import { VirtualNetworkGatewayConnection } from "@cdktf/provider-azurerm/lib/virtual-network-gateway-connection";
import { Sleep } from "@cdktf/provider-time/lib/sleep";
import { TerraformResource } from "cdktf";
import type { Construct } from "constructs";
import { EncryptedStore } from "../../../lib/azure/encrypted-store";
import { OnPremIngest } from "../../../lib/azure/onprem-ingest";
import { SiteVpn } from "../../../lib/azure/site-vpn";
import { ADMIN_A, siteParts } from "../../azure/fixtures";
import { AZURE_ADMIN, checkRule } from "../helpers";

const RULE = "EMB-P02";
const AZURERM = "hashicorp/terraform-provider-azurerm";
const NAMES = "https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules";
const ARM_KEYS = "(https://learn.microsoft.com/azure/templates/microsoft.keyvault/vaults/keys)";
const KEY_SIZES = "(https://learn.microsoft.com/azure/key-vault/keys/about-keys-details)";
const COMMON = { resourceGroupName: "rg", location: "westeurope" };
const RG_ID = "/subscriptions/22222222-2222-4222-8222-222222222222/resourceGroups/rg";

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

  test("the site VPN and the datacenter ingest the library builds (gateway, public IP, connections, federated credential, waits) pass every Azure limit", () => {
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
      const vpn = new SiteVpn(s, "Vpn", { ...COMMON, namePrefix: "test", network: parts.network, sku: "VpnGw2AZ" });
      vpn.connect({ id: "odc-noord", cidr: "10.40.0.0/16", publicIp: "198.51.100.10" });
      vpn.connect({ id: "odc-zuid", cidr: "10.41.0.0/16", publicIp: "203.0.113.20" });
      new OnPremIngest(s, "Ingest", { ...COMMON, namePrefix: "test", datacenterId: "odc-noord", issuer: "https://sts.example.nl", subject: "embassy-push", stores: [store], resourceGroupId: RG_ID });
    });
    expect(result.findings).toEqual([]);
    expect(result.summary.checked).toBeGreaterThan(30);
    expect(result.summary.compliant).toBe(result.summary.checked);
  });

  test("fails on a public IP of the retired Basic SKU, a dynamic address on a Standard SKU, and a global tier on StandardV2", () => {
    const result = checkRule(RULE, (s) => {
      new PublicIp(s, "Basic", { ...COMMON, name: "gw-ip-", sku: "Basic", allocationMethod: "Dynamic", idleTimeoutInMinutes: 60 });
      new PublicIp(s, "Dynamic", { ...COMMON, name: "gw-ip", sku: "Standard", allocationMethod: "Dynamic" });
      new PublicIp(s, "Global", { ...COMMON, name: "gw-ip", sku: "StandardV2", skuTier: "Global", allocationMethod: "Static", ipVersion: "ipv4" });
    });
    const ip = `(${AZURERM} internal/services/network/public_ip_resource.go)`;
    expect(result.problems).toEqual([
      [
        `name 'gw-ip-' must end with a letter, digit or underscore (${NAMES}#microsoftnetwork)`,
        `sku is 'Basic', not one of Standard, StandardV2 ${ip}`,
        `idle_timeout_in_minutes is 60, not a whole number from 4 to 30 ${ip}`,
      ].join("; "),
      `allocation_method is 'Dynamic', not one of Static ${ip}`,
      [`sku is 'StandardV2', not one of Standard ${ip}`, `ip_version is 'ipv4', not one of IPv4, IPv6 ${ip}`].join("; "),
    ]);
  });

  test("fails on VPN gateway SKUs the gateway's type, VPN type and generation rule out, and on the retired non-AZ SKUs", () => {
    const gateway = (s: Construct, id: string, args: { sku: string; generation?: string; vpnType?: string }) =>
      new VirtualNetworkGateway(s, id, {
        ...COMMON,
        name: `gw-${id.toLowerCase()}`,
        type: "Vpn",
        ...args,
        ipConfiguration: [{ subnetId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/GatewaySubnet", publicIpAddressId: "/ip" }],
      });
    const result = checkRule(RULE, (s) => {
      gateway(s, "Gen1", { sku: "VpnGw4AZ", generation: "Generation1", vpnType: "RouteBased" });
      gateway(s, "Gen2", { sku: "VpnGw1AZ", generation: "Generation2", vpnType: "RouteBased" });
      gateway(s, "Legacy", { sku: "VpnGw2", generation: "Generation2", vpnType: "RouteBased" });
      gateway(s, "Policy", { sku: "VpnGw1AZ", vpnType: "PolicyBased" });
      gateway(s, "Valid", { sku: "VpnGw5AZ", generation: "Generation2", vpnType: "RouteBased" });
    });
    const gw = `(${AZURERM} internal/services/network/virtual_network_gateway_resource.go)`;
    expect(result.summary).toMatchObject({ checked: 5, nonCompliant: 4 });
    expect(result.problems).toEqual([
      `sku is 'VpnGw4AZ', not one of Basic, Standard, HighPerformance, VpnGw1, VpnGw2, VpnGw3, VpnGw1AZ, VpnGw2AZ, VpnGw3AZ ${gw}`,
      `sku is 'VpnGw1AZ', not one of VpnGw2, VpnGw3, VpnGw4, VpnGw5, VpnGw2AZ, VpnGw3AZ, VpnGw4AZ, VpnGw5AZ ${gw}`,
      "sku 'VpnGw2' is a non-AZ SKU, which Azure no longer creates (since January 2025); use its AZ SKU, e.g. VpnGw1AZ (https://learn.microsoft.com/azure/vpn-gateway/gateway-sku-consolidation)",
      `sku is 'VpnGw1AZ', not one of Basic ${gw}`,
    ]);
  });

  test("fails on connection DPD timeouts, routing weights and IPsec policies outside the provider's and Azure's limits", () => {
    const result = checkRule(RULE, (s) =>
      new VirtualNetworkGatewayConnection(s, "Connection", {
        ...COMMON,
        name: "site to odc",
        type: "IPSec",
        virtualNetworkGatewayId: "/gw",
        connectionProtocol: "IKEv3",
        dpdTimeoutSeconds: 5,
        routingWeight: 40000,
        ipsecPolicy: {
          dhGroup: "ECP521",
          ikeEncryption: "GCMAES256",
          ikeIntegrity: "SHA512",
          ipsecEncryption: "GCMAES256",
          ipsecIntegrity: "GCMAES256",
          pfsGroup: "PFS21",
          saLifetime: 120,
          saDatasize: 512,
        },
      }),
    );
    const conn = `(${AZURERM} internal/services/network/virtual_network_gateway_connection_resource.go)`;
    expect(result.problems).toEqual([
      [
        `name 'site to odc' has " "; allowed: letters, digits and _ . - (${NAMES}#microsoftnetwork)`,
        `type is 'IPSec', not one of ExpressRoute, IPsec, Vnet2Vnet ${conn}`,
        `connection_protocol is 'IKEv3', not one of IKEv1, IKEv2 ${conn}`,
        `routing_weight is 40000, not a whole number from 0 to 32000 ${conn}`,
        "dpd_timeout_seconds is 5, not a whole number from 9 to 3600 (https://learn.microsoft.com/azure/vpn-gateway/vpn-gateway-vpn-faq)",
        `ipsec_policy.dh_group is 'ECP521', not one of DHGroup1, DHGroup14, DHGroup2, DHGroup2048, DHGroup24, ECP256, ECP384, None ${conn}`,
        `ipsec_policy.ike_integrity is 'SHA512', not one of GCMAES128, GCMAES256, MD5, SHA1, SHA256, SHA384 ${conn}`,
        `ipsec_policy.pfs_group is 'PFS21', not one of ECP256, ECP384, None, PFS1, PFS14, PFS2, PFS2048, PFS24, PFSMM ${conn}`,
        `ipsec_policy.sa_lifetime is 120, not a whole number of at least 300 ${conn}`,
        `ipsec_policy.sa_datasize is 512, not a whole number of at least 1024 ${conn}`,
      ].join("; "),
    ]);
  });

  test("fails on federated credential names and claims Entra refuses, and on wait durations the time provider cannot parse", () => {
    const result = checkRule(RULE, (s) => {
      new FederatedIdentityCredential(s, "Credential", {
        resourceGroupName: "rg",
        parentId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/u",
        name: "-odc.noord",
        audience: ["api://AzureADTokenExchange"],
        issuer: `https://sts.example.nl/${"i".repeat(600)}`,
        subject: "",
      });
      new Sleep(s, "Wait", { createDuration: "5 minutes", destroyDuration: "1h30m" });
      new Sleep(s, "Fine", { createDuration: "300s", destroyDuration: "1.5h" });
    });
    const fic = "(https://learn.microsoft.com/entra/workload-id/workload-identity-federation-considerations)";
    const sleep = "(hashicorp/terraform-provider-time internal/provider/resource_time_sleep.go)";
    expect(result.summary).toMatchObject({ checked: 3, nonCompliant: 2 });
    expect(result.problems).toEqual([
      [
        `name '-odc.noord' has "."; allowed: letters, digits, _ and -; name '-odc.noord' must start with a letter or digit ${fic}`,
        `issuer 'https://sts.example.nl/${"i".repeat(600)}' is 623 characters, longer than 600 ${fic}`,
        `subject '' is 0 characters, shorter than 1 ${fic}`,
      ].join("; "),
      [
        `create_duration '5 minutes' must be a number immediately followed by ms, s, m or h, such as '300s' ${sleep}`,
        `destroy_duration '1h30m' must be a number immediately followed by ms, s, m or h, such as '300s' ${sleep}`,
      ].join("; "),
    ]);
  });
});
