import {
  OBJECT_REPLICATION_METRICS_NAMESPACE,
  PENDING_OPERATIONS_METRIC,
  ReplicationLagAlert,
  TIME_BUCKETS,
  bucketsWithin,
} from "../../lib/azure/replication-lag-alert";
import { only, synthScope } from "./fixtures";

const POLICY = "/subscriptions/22222222-2222-4222-8222-222222222222/resourceGroups/rg-test/providers/Microsoft.Storage/storageAccounts/stsource/objectReplicationPolicies/2a20bb73-5717-4635-985a-5d4cf777438f";
const GROUP = "/subscriptions/22222222-2222-4222-8222-222222222222/resourceGroups/rg-test/providers/Microsoft.Insights/actionGroups/test-alerts";

function alert(rpoMinutes: number, withGroup = true) {
  return only(
    synthScope((scope) => {
      new ReplicationLagAlert(scope, "Lag", {
        resourceGroupName: "rg-test",
        name: "test-brp-lag-pl-embassy",
        replication: { sourcePolicyId: POLICY },
        rpoMinutes,
        subject: "registry 'brp' from 'fr-primary' to 'pl-embassy'",
        ...(withGroup ? { alerts: { actionGroupId: GROUP } } : {}),
        tags: { "embassy:site": "fr-primary" },
      });
    }),
    "azurerm_monitor_metric_alert",
  );
}

describe("ReplicationLagAlert", () => {
  test("watches the source policy's pending operations in every time bucket that may be older than the RPO", () => {
    expect(alert(30)).toEqual({
      name: "test-brp-lag-pl-embassy",
      resource_group_name: "rg-test",
      scopes: [POLICY],
      description: "Object replication of registry 'brp' from 'fr-primary' to 'pl-embassy' has operations pending for longer than the registry's RPO of 30 minutes",
      severity: 1,
      frequency: "PT5M",
      window_size: "PT15M",
      auto_mitigate: true,
      criteria: [
        {
          metric_namespace: "Microsoft.Storage/storageAccounts/objectReplicationPolicies",
          metric_name: "PendingOperationsForReplication",
          aggregation: "Maximum",
          operator: "GreaterThan",
          threshold: 0,
          dimension: [
            { name: "TimeBucket", operator: "Exclude", values: ["0-5 mins", "0-5min", "5-10 mins", "5-10min", "10-15 mins", "10-15min", "15-30 mins", "15-30min"] },
          ],
        },
      ],
      action: [{ action_group_id: GROUP }],
      tags: { "embassy:site": "fr-primary" },
    });
    expect([OBJECT_REPLICATION_METRICS_NAMESPACE, PENDING_OPERATIONS_METRIC]).toEqual(["Microsoft.Storage/storageAccounts/objectReplicationPolicies", "PendingOperationsForReplication"]);
  });

  test("a bucket that straddles the RPO is watched: with 15 minutes, 15-30 fires; with 45, 30 mins-2 hrs still fires", () => {
    expect(bucketsWithin(15)).toEqual(["0-5 mins", "0-5min", "5-10 mins", "5-10min", "10-15 mins", "10-15min"]);
    expect(bucketsWithin(45)).toEqual(bucketsWithin(30));
    expect(bucketsWithin(1440)).not.toContain(">24 hrs");
    expect(bucketsWithin(100000)).toEqual(TIME_BUCKETS.slice(0, -1).flatMap((b) => b.values));
  });

  test("the buckets are Microsoft's eight, contiguous, ending open above 24 hours", () => {
    expect(TIME_BUCKETS.map((b) => b.upToMinutes)).toEqual([5, 10, 15, 30, 120, 480, 1440, undefined]);
    expect(TIME_BUCKETS.map((b) => b.values[0])).toEqual(["0-5 mins", "5-10 mins", "10-15 mins", "15-30 mins", "30 mins-2 hrs", "2-8 hrs", "8-24 hrs", ">24 hrs"]);
  });

  test("without an action group the alert still exists and notifies nobody", () => {
    expect(alert(15, false).action).toBeUndefined();
  });

  test("fails when rpoMinutes is below the first bucket's edge or not whole", () => {
    expect(() => alert(4)).toThrow(/^rpoMinutes must be a whole number of minutes, at least 5 \(the first TimeBucket's edge\), got 4 for replication lag alert 'test-brp-lag-pl-embassy'$/);
    expect(() => alert(7.5)).toThrow(/got 7\.5 for replication lag alert/);
  });
});
