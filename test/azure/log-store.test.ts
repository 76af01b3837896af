import { TerraformStack, Testing } from "cdktf";
import { LogStore } from "../../lib/azure/log-store";
import { Network } from "../../lib/azure/network";
import { EmbassyPack } from "../../lib/policy/embassy-pack";
import { type Synth, CUSTODY, only, resources, synthScope } from "./fixtures";

function logStore(extra: { retentionDays?: number; flowLogRetentionDays?: number } = {}): Synth {
  return synthScope((scope) => {
    new LogStore(scope, "Logs", { resourceGroupName: "rg-test", location: "westeurope", workspaceName: "test-logs", flowLogAccountName: "testlogs", ...extra });
  });
}

describe("LogStore (azure)", () => {
  const synth = logStore();
  const account = only(synth, "azurerm_storage_account");

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
    expect(account).toMatchObject({
      name: "testlogs",
      shared_access_key_enabled: false,
      min_tls_version: "TLS1_2",
      https_traffic_only_enabled: true,
      allow_nested_items_to_be_public: false,
      cross_tenant_replication_enabled: false,
      public_network_access_enabled: true,
      network_rules: { default_action: "Deny", bypass: ["AzureServices", "Logging", "Metrics"], ip_rules: [], virtual_network_subnet_ids: [] },
      lifecycle: { prevent_destroy: true },
    });
  });

  test("no versioning: Network Watcher's minute-by-minute rewrites leave soft-deleted snapshots for 30 days, not a version each", () => {
    expect(account.blob_properties).toEqual({
      versioning_enabled: false,
      change_feed_enabled: false,
      delete_retention_policy: { days: 30, permanent_delete_enabled: false },
      container_delete_retention_policy: { days: 30 },
    });
  });

  test("no WORM: the account has no immutability policy, and nothing creates a container policy", () => {
    expect(account.immutability_policy).toBeUndefined();
    expect(resources(synth, "azurerm_storage_container_immutability_policy")).toEqual([]);
    expect(resources(synth, "azurerm_storage_container")).toEqual([]);
  });

  test("the policy pack's versioning rule (EMB-S03) is suppressed on the flow-log account, with its reason for the review, and nothing else fails", () => {
    const stack = new TerraformStack(Testing.app(), "site");
    const common = { resourceGroupName: "rg-test", location: "westeurope" };
    const logStore = new LogStore(stack, "Logs", { ...common, workspaceName: "test-logs", flowLogAccountName: "testlogs" });
    new Network(stack, "Network", { ...common, namePrefix: "test", cidr: "10.10.0.0/16", logStore });
    const findings = new EmbassyPack({ custody: { azureAdministrators: [...CUSTODY.administrators] } }).check(stack);
    const versioning = findings.filter((f) => f.ruleId === "EMB-S03");
    expect(versioning).toEqual([
      expect.objectContaining({
        path: "site/Logs/FlowLogs/Resource",
        resourceType: "azurerm_storage_account",
        suppressed: true,
        suppression: { path: "site/Logs/FlowLogs", reason: expect.stringMatching(/^flow-log account: Network Watcher overwrites each hourly blob every minute, /) },
      }),
    ]);
    expect(findings.filter((f) => !f.suppressed && f.level === "error")).toEqual([]);
  });

  test("bounded: blobs, versions and snapshots are deleted when the 365-day flow-log retention ends", () => {
    expect(only(synth, "azurerm_storage_management_policy")).toEqual({
      storage_account_id: expect.stringMatching(/^\$\{azurerm_storage_account\.Logs_FlowLogs_\w+\.id\}$/),
      rule: [
        {
          name: "flow-log-retention",
          enabled: true,
          filters: { blob_types: ["blockBlob"] },
          actions: {
            base_blob: { delete_after_days_since_modification_greater_than: 365 },
            snapshot: { delete_after_days_since_creation_greater_than: 365 },
            version: { delete_after_days_since_creation: 365 },
          },
        },
      ],
    });
  });

  test("a shorter flow-log retention shortens the lifecycle of blobs, snapshots and versions alike", () => {
    const s = logStore({ flowLogRetentionDays: 90 });
    expect(only(s, "azurerm_storage_management_policy").rule).toEqual([
      expect.objectContaining({
        actions: {
          base_blob: { delete_after_days_since_modification_greater_than: 90 },
          snapshot: { delete_after_days_since_creation_greater_than: 90 },
          version: { delete_after_days_since_creation: 90 },
        },
      }),
    ]);
  });

  test("a longer workspace retention is kept", () => {
    expect(only(logStore({ retentionDays: 730 }), "azurerm_log_analytics_workspace").retention_in_days).toBe(730);
  });

  test.each([100, 731])("fails when retentionDays is %i", (days) => {
    expect(() => logStore({ retentionDays: days })).toThrow(new RegExp(`^retentionDays must be from 365 to 730, got ${days} for log store 'test-logs'$`));
  });

  test.each([30, 366, 400])("fails when flowLogRetentionDays is %i", (days) => {
    expect(() => logStore({ flowLogRetentionDays: days })).toThrow(
      new RegExp(`^flowLogRetentionDays must be a whole number from 90 to 365 \\(a quarter to a year\\), got ${days} for log store 'test-logs'$`),
    );
  });
});
