import { ActivityLogExport } from "../../lib/azure/activity-log";
import { CUSTODY, only, synthScope } from "./fixtures";

describe("ActivityLogExport (azure)", () => {
  test("the subscription's activity log, all eight categories, to the workspace", () => {
    const setting = only(
      synthScope((scope) => {
        new ActivityLogExport(scope, "ActivityLog", { subscriptionId: CUSTODY.subscriptionId, name: "test-activity-log", workspaceId: "/ws" });
      }),
      "azurerm_monitor_diagnostic_setting",
    );
    expect(setting).toMatchObject({ name: "test-activity-log", target_resource_id: `/subscriptions/${CUSTODY.subscriptionId}`, log_analytics_workspace_id: "/ws" });
    // The categories of Microsoft's activity-log export template (MicrosoftDocs/azure-docs
    // articles/azure-resource-manager/bicep/temp/diagnostic-settings-activity-log.bicep).
    expect((setting.enabled_log as { category: string }[]).map((l) => l.category).sort()).toEqual(
      ["Administrative", "Security", "ServiceHealth", "Alert", "Recommendation", "Policy", "Autoscale", "ResourceHealth"].sort(),
    );
    expect(setting.enabled_metric).toBeUndefined();
  });

  test("fails when the subscription is not a GUID", () => {
    expect(() => synthScope((scope) => new ActivityLogExport(scope, "A", { subscriptionId: "my-sub", name: "n", workspaceId: "/ws" }))).toThrow(
      /^subscriptionId must be a subscription GUID, got 'my-sub' for activity log export 'n'$/,
    );
  });
});
