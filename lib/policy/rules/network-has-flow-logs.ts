import type { ResourceView } from "../private/resource-view";
import { outcomeOf, type ResourceRule, type RuleContext, type RuleOutcome } from "../rule";

function check(network: ResourceView, context: RuleContext): RuleOutcome {
  const { stack } = context;
  if (network.type === "aws_vpc") {
    const logged = stack.ofType("aws_flow_log").some((f) => stack.references(f.attributes.vpc_id, network));
    return outcomeOf(logged ? [] : ["has no aws_flow_log with its vpc_id, so traffic leaves no record"]);
  }
  const logged =
    stack.ofType("azurerm_network_watcher_flow_log").some((f) => stack.references(f.attributes.target_resource_id, network)) ||
    stack.ofType("azurerm_monitor_diagnostic_setting").some((d) => stack.references(d.attributes.target_resource_id, network));
  return outcomeOf(logged ? [] : ["has no azurerm_network_watcher_flow_log (target_resource_id) or diagnostic setting, so traffic leaves no record"]);
}

/**
 * EMB-N02. Every site network records its traffic: an `aws_flow_log` on each `aws_vpc`, a
 * virtual network flow log (or a diagnostic setting) on each `azurerm_virtual_network`.
 */
export const NetworkHasFlowLogs: ResourceRule = {
  kind: "resource",
  name: "NetworkHasFlowLogs",
  description: "Every site network records its traffic in flow logs.",
  resourceTypes: ["aws_vpc", "azurerm_virtual_network"],
  evaluate: check,
};
