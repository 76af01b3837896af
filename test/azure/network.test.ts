import { Network } from "../../lib/azure/network";
import { LogStore } from "../../lib/azure/log-store";
import { type Resource, type Synth, only, resources, resourcesById, synthScope } from "./fixtures";

function network(extra: { flowLogRetentionDays?: number; networkWatcher?: { name: string; resourceGroupName: string } } = {}): Synth {
  return synthScope((scope) => {
    const logStore = new LogStore(scope, "Logs", {
      resourceGroupName: "rg-test",
      location: "westeurope",
      workspaceName: "test-logs",
      flowLogAccountName: "testlogs",
      flowLogRetentionDays: extra.flowLogRetentionDays,
    });
    new Network(scope, "Network", { resourceGroupName: "rg-test", location: "westeurope", namePrefix: "test", cidr: "10.10.0.0/16", logStore, networkWatcher: extra.networkWatcher });
  });
}

function rulesOf(synth: Synth, nsgLogicalId: string): Resource[] {
  return resources(synth, "azurerm_network_security_rule").filter((r) => r.network_security_group_name === `\${azurerm_network_security_group.${nsgLogicalId}.name}`);
}

describe("Network (azure)", () => {
  const synth = network();
  const nsgs = resourcesById(synth, "azurerm_network_security_group");
  const nsgIds = Object.keys(nsgs);

  test("one VNet in the site's address space", () => {
    const vnets = resources(synth, "azurerm_virtual_network");
    expect(vnets).toHaveLength(1);
    expect(vnets[0]).toMatchObject({ name: "test-vnet", address_space: ["10.10.0.0/16"], location: "westeurope" });
  });

  test("an endpoint subnet and a workload subnet, without default outbound internet access, with NSGs applying to private endpoints", () => {
    const subnets = resources(synth, "azurerm_subnet");
    expect(subnets.map((s) => s.name).sort()).toEqual(["private-endpoints", "workloads"]);
    for (const s of subnets) expect(s).toMatchObject({ default_outbound_access_enabled: false, private_endpoint_network_policies: "Enabled" });
    expect(subnets.find((s) => s.name === "private-endpoints")?.address_prefixes).toEqual(['${cidrsubnet("10.10.0.0/16", 2, 0)}']);
    expect(subnets.find((s) => s.name === "workloads")?.address_prefixes).toEqual(['${cidrsubnet("10.10.0.0/16", 1, 1)}']);
  });

  test("each subnet is associated with its own NSG", () => {
    const assoc = resources(synth, "azurerm_subnet_network_security_group_association");
    expect(nsgIds).toHaveLength(2);
    expect(assoc).toHaveLength(2);
    expect(new Set(assoc.map((a) => a.network_security_group_id))).toEqual(new Set(nsgIds.map((id) => `\${azurerm_network_security_group.${id}.id}`)));
    expect(new Set(assoc.map((a) => a.subnet_id)).size).toBe(2);
  });

  test.each(["deny-internet-inbound", "deny-all-inbound", "deny-internet-outbound"])("every NSG has the explicit rule %s", (name) => {
    for (const id of nsgIds) {
      const rule = rulesOf(synth, id).find((r) => r.name === name);
      expect(rule).toMatchObject({ access: "Deny", protocol: "*", destination_port_range: "*" });
    }
    const inbound = resources(synth, "azurerm_network_security_rule").filter((r) => r.name === "deny-internet-inbound");
    inbound.forEach((r) => expect(r).toMatchObject({ direction: "Inbound", source_address_prefix: "Internet", priority: 4000 }));
  });

  test("no rule allows traffic from or to the internet or from anywhere", () => {
    const allows = resources(synth, "azurerm_network_security_rule").filter((r) => r.access === "Allow");
    expect(allows.length).toBeGreaterThan(0);
    for (const r of allows) {
      expect(["*", "Internet", "0.0.0.0/0"]).not.toContain(r.source_address_prefix);
      expect(["*", "Internet", "0.0.0.0/0"]).not.toContain(r.destination_address_prefix);
      expect(r).toMatchObject({ protocol: "Tcp", destination_port_range: "443" });
      expect(r.priority as number).toBeLessThan(4000);
    }
  });

  test("private DNS zones for blob and Key Vault, linked to the VNet without auto-registration", () => {
    const zones = resources(synth, "azurerm_private_dns_zone").map((z) => z.name);
    expect(zones.sort()).toEqual(["privatelink.blob.core.windows.net", "privatelink.vaultcore.azure.net"]);
    const links = resources(synth, "azurerm_private_dns_zone_virtual_network_link");
    expect(links).toHaveLength(2);
    links.forEach((l) => expect(l).toMatchObject({ registration_enabled: false, virtual_network_id: expect.stringMatching(/^\$\{azurerm_virtual_network\.Network_\w+\.id\}$/) }));
  });

  test("the region's Network Watcher is managed here, so a fresh subscription needs no existing one", () => {
    expect(synth.data?.azurerm_network_watcher).toBeUndefined();
    expect(only(synth, "azurerm_network_watcher")).toEqual({ name: "NetworkWatcher_westeurope", resource_group_name: "rg-test", location: "westeurope", tags: {} });
  });

  test("the VNet depends on the watcher, so Azure does not create a second one for it", () => {
    const [watcherId] = Object.keys(resourcesById(synth, "azurerm_network_watcher"));
    expect(watcherId).toMatch(/^Network_NetworkWatcher_\w+$/);
    expect(only(synth, "azurerm_virtual_network").depends_on).toEqual([`azurerm_network_watcher.${watcherId}`]);
  });

  test("a version 2 VNet flow log on that watcher, into the log store, with its own retention off (it would replace the store's lifecycle policy)", () => {
    const [watcherId] = Object.keys(resourcesById(synth, "azurerm_network_watcher"));
    const log = only(synth, "azurerm_network_watcher_flow_log");
    expect(log).toMatchObject({
      enabled: true,
      version: 2,
      network_watcher_name: `\${azurerm_network_watcher.${watcherId}.name}`,
      resource_group_name: `\${azurerm_network_watcher.${watcherId}.resource_group_name}`,
      target_resource_id: expect.stringMatching(/^\$\{azurerm_virtual_network\.Network_\w+\.id\}$/),
      storage_account_id: expect.stringMatching(/^\$\{azurerm_storage_account\.Logs_FlowLogs_\w+\.id\}$/),
      retention_policy: { enabled: false, days: 0 },
    });
  });

  test("the log store's lifecycle policy alone deletes flow logs, 365 days after their last write, and is applied after the flow log", () => {
    const [logId] = Object.keys(resourcesById(synth, "azurerm_network_watcher_flow_log"));
    const lifecycle = only(synth, "azurerm_storage_management_policy");
    expect(lifecycle).toMatchObject({
      storage_account_id: only(synth, "azurerm_network_watcher_flow_log").storage_account_id,
      rule: [{ enabled: true, actions: { base_blob: { delete_after_days_since_modification_greater_than: 365 } } }],
    });
    expect(lifecycle.depends_on).toEqual([`azurerm_network_watcher_flow_log.${logId}`]);
  });

  test("both NSGs send all their logs to the log store's workspace", () => {
    const diag = resources(synth, "azurerm_monitor_diagnostic_setting").filter((d) => String(d.target_resource_id).includes("azurerm_network_security_group"));
    expect(diag).toHaveLength(2);
    diag.forEach((d) => expect(d).toMatchObject({ enabled_log: [{ category_group: "allLogs" }], log_analytics_workspace_id: expect.stringContaining("azurerm_log_analytics_workspace") }));
  });

  test("an existing Network Watcher is referenced, not created, and the log store's shorter retention is its lifecycle's", () => {
    const s = network({ networkWatcher: { name: "nw-central", resourceGroupName: "rg-network" }, flowLogRetentionDays: 90 });
    expect(resources(s, "azurerm_network_watcher")).toEqual([]);
    expect(s.data?.azurerm_network_watcher).toBeUndefined();
    expect(only(s, "azurerm_virtual_network").depends_on).toBeUndefined();
    expect(only(s, "azurerm_network_watcher_flow_log")).toMatchObject({
      network_watcher_name: "nw-central",
      resource_group_name: "rg-network",
      retention_policy: { enabled: false, days: 0 },
    });
    expect(only(s, "azurerm_storage_management_policy").rule).toEqual([
      expect.objectContaining({ actions: expect.objectContaining({ base_blob: { delete_after_days_since_modification_greater_than: 90 } }) }),
    ]);
  });
});
