import { LogStore } from "../../lib/azure/log-store";
import { type Synth, only, resources, synthScope } from "./fixtures";

function logStore(retentionDays?: number): Synth {
  return synthScope((scope) => {
    new LogStore(scope, "Logs", { resourceGroupName: "rg-test", location: "westeurope", workspaceName: "test-logs", flowLogAccountName: "testlogs", retentionDays });
  });
}

describe("LogStore (azure)", () => {
  const synth = logStore();

  test("the workspace keeps logs 400 days, refuses shared-key and internet ingestion, and is retained", () => {
    expect(only(synth, "azurerm_log_analytics_workspace")).toMatchObject({
      name: "test-logs",
      retention_in_days: 400,
      local_authentication_enabled: false,
      internet_ingestion_enabled: false,
      lifecycle: { prevent_destroy: true },
    });
  });

  test("the workspace and the flow-log account carry CanNotDelete locks", () => {
    const locks = resources(synth, "azurerm_management_lock");
    expect(locks).toHaveLength(2);
    locks.forEach((l) => expect(l.lock_level).toBe("CanNotDelete"));
  });

  test("the flow-log account is hardened and reachable only by trusted Azure services", () => {
    expect(only(synth, "azurerm_storage_account")).toMatchObject({
      name: "testlogs",
      shared_access_key_enabled: false,
      min_tls_version: "TLS1_2",
      https_traffic_only_enabled: true,
      allow_nested_items_to_be_public: false,
      cross_tenant_replication_enabled: false,
      public_network_access_enabled: true,
      network_rules: { default_action: "Deny", bypass: ["AzureServices", "Logging", "Metrics"], ip_rules: [], virtual_network_subnet_ids: [] },
      blob_properties: { versioning_enabled: true, delete_retention_policy: { days: 365, permanent_delete_enabled: false } },
      lifecycle: { prevent_destroy: true },
    });
  });

  test("a longer retention is kept", () => {
    expect(only(logStore(730), "azurerm_log_analytics_workspace").retention_in_days).toBe(730);
  });

  test.each([100, 731])("fails when retentionDays is %i", (days) => {
    expect(() => logStore(days)).toThrow(new RegExp(`^retentionDays must be from 365 to 730, got ${days} for log store 'test-logs'$`));
  });
});
