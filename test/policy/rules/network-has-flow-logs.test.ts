import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { NetworkWatcherFlowLog } from "@cdktf/provider-azurerm/lib/network-watcher-flow-log";
import { VirtualNetwork } from "@cdktf/provider-azurerm/lib/virtual-network";
import type { Construct } from "constructs";
import { checkRule, fullAwsSite } from "../helpers";

const RULE = "EMB-N02";

function vnet(scope: Construct) {
  return new VirtualNetwork(scope, "Vnet", { name: "v", resourceGroupName: "rg", location: "westeurope", addressSpace: ["10.20.0.0/16"] });
}

describe("EMB-N02 NetworkHasFlowLogs", () => {
  test("a Network has its VPC flow log", () => {
    expect(checkRule(RULE, (s) => fullAwsSite(s)).summary).toMatchObject({ checked: 1, compliant: 1, level: "warning" });
  });

  test("a virtual network with a VNet flow log is compliant", () => {
    const result = checkRule(RULE, (s) => {
      const v = vnet(s);
      new NetworkWatcherFlowLog(s, "FlowLog", {
        name: "f",
        networkWatcherName: "nw",
        resourceGroupName: "rg",
        targetResourceId: v.id,
        storageAccountId: "/sa",
        enabled: true,
        retentionPolicy: { enabled: true, days: 400 },
      });
    });
    expect(result.summary).toMatchObject({ checked: 1, compliant: 1 });
  });

  test("warns about a VPC or virtual network without flow logs", () => {
    const result = checkRule(RULE, (s) => {
      new Vpc(s, "Vpc", { cidrBlock: "10.10.0.0/16" });
      vnet(s);
    });
    expect(result.findings.map((f) => f.level)).toEqual(["warning", "warning"]);
    expect(result.findings[0].message).toMatch(/^\[EMB-N02\] site\/Vnet \(azurerm_virtual_network\): has no azurerm_network_watcher_flow_log/);
    expect(result.problems[1]).toBe("has no aws_flow_log with its vpc_id, so traffic leaves no record");
  });
});
