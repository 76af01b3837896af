import type { ICustodyKeyVault } from "../../lib/azure/key-vault";
import { TamperAlerts } from "../../lib/azure/tamper-alerts";
import { CUSTODY, only, resources, synthScope } from "./fixtures";

const SUB = `/subscriptions/${CUSTODY.subscriptionId}`;
const RG = `${SUB}/resourceGroups/rg-test`;
const VAULT = `${RG}/providers/Microsoft.KeyVault/vaults/test-kv`;
const WORKSPACE = `${RG}/providers/Microsoft.OperationalInsights/workspaces/ws`;
const ACTION_GROUP = `${RG}/providers/Microsoft.Insights/actionGroups/ag`;

/**
 * The operations the embassy must hear about, and where each is listened for, stated here rather
 * than imported: granting, changing or removing access and locks anywhere in the subscription, or
 * switching off a log; reconfiguring a store, its blob service, WORM policy or replication, the
 * custody vault or the site's NSG rules in the site's resource group.
 */
const EXPECTED: Readonly<Record<string, string>> = {
  "Microsoft.Authorization/locks/delete": SUB,
  "Microsoft.Authorization/roleAssignments/write": SUB,
  "Microsoft.Authorization/roleAssignments/delete": SUB,
  "Microsoft.Authorization/roleDefinitions/write": SUB,
  "Microsoft.Insights/diagnosticSettings/delete": SUB,
  "Microsoft.Insights/diagnosticSettings/write": SUB,
  "Microsoft.Storage/storageAccounts/write": RG,
  "Microsoft.Storage/storageAccounts/blobServices/write": RG,
  "Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies/write": RG,
  "Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies/delete": RG,
  "Microsoft.Storage/storageAccounts/objectReplicationPolicies/delete": RG,
  "Microsoft.Storage/storageAccounts/objectReplicationPolicies/write": RG,
  "Microsoft.KeyVault/vaults/write": RG,
  "Microsoft.KeyVault/vaults/delete": RG,
  "Microsoft.Network/networkSecurityGroups/securityRules/write": RG,
  "Microsoft.Network/networkSecurityGroups/securityRules/delete": RG,
  // A second federated credential on an ingest identity lets another issuer's tokens write and sign as it.
  "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/write": RG,
  "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/delete": RG,
};

/**
 * The monitoring itself, watched by resource type (every write and delete of it) anywhere in the
 * subscription: the alert rules, the action group they notify, and alert processing rules that could
 * suppress the notifications.
 */
const MONITORING_TYPES = ["Microsoft.Insights/activityLogAlerts", "Microsoft.Insights/scheduledQueryRules", "Microsoft.Insights/actionGroups", "Microsoft.AlertsManagement/actionRules"];

function synth() {
  return synthScope((scope) => {
    new TamperAlerts(scope, "Tamper", {
      alerts: { actionGroupId: ACTION_GROUP },
      subscriptionId: CUSTODY.subscriptionId,
      resourceGroupId: RG,
      resourceGroupName: "rg-test",
      location: "westeurope",
      namePrefix: "test",
      keyVault: { vaultId: VAULT } as unknown as ICustodyKeyVault,
      workspaceId: WORKSPACE,
    });
  });
}

describe("TamperAlerts (azure)", () => {
  const json = synth();
  const activity = resources(json, "azurerm_monitor_activity_log_alert");

  test("one activity log alert per watched operation, each listening where the operation can reach the site", () => {
    const byOperation = Object.fromEntries(
      activity.filter((a) => (a.criteria as { operation_name?: string }).operation_name !== undefined).map((a) => [(a.criteria as { operation_name: string }).operation_name, a.scopes]),
    );
    expect(Object.keys(byOperation).sort()).toEqual(Object.keys(EXPECTED).sort());
    for (const [operation, scope] of Object.entries(EXPECTED)) expect(byOperation[operation]).toEqual([scope]);
  });

  test("one activity log alert on every write and delete of the monitoring resources, in the whole subscription", () => {
    const byType = activity.filter((a) => (a.criteria as { operation_name?: string }).operation_name === undefined);
    expect(byType).toHaveLength(1);
    expect(byType[0]).toMatchObject({ name: "test-tamper-monitoring", scopes: [SUB] });
    // No operation_name: the rule matches every Administrative event of these types (writes and deletes alike).
    expect(byType[0].criteria).toEqual({ category: "Administrative", resource_types: MONITORING_TYPES, statuses: ["Succeeded", "Failed"] });
    for (const op of ["activityLogAlerts/write", "activityLogAlerts/delete", "scheduledQueryRules/delete", "actionGroups/delete"]) {
      expect(String(byType[0].description)).toContain(`Microsoft.Insights/${op}`);
    }
  });

  test("every activity log alert: Administrative, succeeded or failed, global, enabled, to the action group, with a first step", () => {
    for (const a of activity) {
      expect(a).toMatchObject({
        location: "global",
        enabled: true,
        resource_group_name: "rg-test",
        criteria: { category: "Administrative", statuses: ["Succeeded", "Failed"] },
        action: [{ action_group_id: ACTION_GROUP }],
      });
      expect(String(a.description)).toMatch(/First: .{20,}/);
      expect(String(a.name)).toMatch(/^test-tamper-[a-z0-9-]+$/);
    }
    expect(new Set(activity.map((a) => a.name)).size).toBe(activity.length);
  });

  test("fits the subscription's 100 activity log alert rules with five sites (the diagnostic-setting limit)", () => {
    expect(activity.length * 5).toBeLessThanOrEqual(100);
  });

  test("the vault's audit events: a log search alert on the workspace, every 5 minutes over 15 (Key Vault logs arrive within 10)", () => {
    const rule = only(json, "azurerm_monitor_scheduled_query_rules_alert_v2");
    expect(rule).toMatchObject({
      name: "test-tamper-key-audit",
      scopes: [WORKSPACE],
      severity: 0,
      window_duration: "PT15M",
      evaluation_frequency: "PT5M",
      criteria: [{ operator: "GreaterThan", threshold: 0, time_aggregation_method: "Total", metric_measure_column: "Events" }],
      action: { action_groups: [ACTION_GROUP] },
    });
    const query = String((rule.criteria as { query: string }[])[0].query);
    expect(query.split("\n")[0]).toBe("AzureDiagnostics");
    expect(query).toContain('ResourceProvider == "MICROSOFT.KEYVAULT" and Category == "AuditEvent"');
    expect(query).toContain(`_ResourceId =~ "${VAULT}"`);
    const operations = /OperationName in \(([^)]*)\)/.exec(query)?.[1].split(", ").map((o) => o.replace(/"/g, "")) ?? [];
    // KeyCreate and KeyImport on an existing name add a new current version with the caller's attributes (possibly disabled).
    expect(operations).toEqual(expect.arrayContaining(["KeyDelete", "KeyUpdate", "KeyCreate", "KeyImport", "KeyPurge", "KeyRotationPolicySet", "VaultPut", "VaultPatch", "VaultDelete"]));
    // Routine operations would bury the alert: the stores wrap and unwrap, the policy rotates.
    expect(operations).not.toEqual(expect.arrayContaining(["KeyWrap"]));
    expect(operations.filter((o) => ["KeyGet", "KeyWrap", "KeyUnwrap", "KeyRotate", "KeyRotateIfDue"].includes(o))).toEqual([]);
  });
});
