import { asString, blocks, flag, type JsonObject, strings } from "../private/json";
import type { ResourceView } from "../private/resource-view";
import { outcomeOf, type ResourceRule, type RuleOutcome } from "../rule";

const ANYWHERE_V4 = "0.0.0.0/0";
const ANYWHERE_V6 = "::/0";
/** Azure source prefixes that mean "the internet". */
const AZURE_INTERNET = ["*", "internet", "any", "0.0.0.0", "0.0.0.0/0", "::/0"];

/** Resources that exist only to connect a network to the internet. */
const INTERNET_RESOURCES: Readonly<Record<string, string>> = {
  aws_internet_gateway: "an internet gateway routes the internet into the VPC",
  aws_nat_gateway: "a NAT gateway opens a path to the internet (and needs an internet gateway)",
  aws_eip: "an Elastic IP is a public address",
  azurerm_public_ip: "a public IP is reachable from the internet",
};

function openCidrs(rule: JsonObject, v4: string, v6: string): string[] {
  return [...strings(rule[v4]), ...strings(rule[v6])].filter((c) => c === ANYWHERE_V4 || c === ANYWHERE_V6);
}

function azureRuleOpen(rule: JsonObject): string | undefined {
  const inbound = (asString(rule.direction) ?? "").toLowerCase() === "inbound";
  const allow = (asString(rule.access) ?? "").toLowerCase() === "allow";
  const sources = [...strings(rule.source_address_prefix), ...strings(rule.source_address_prefixes)];
  const open = sources.find((s) => AZURE_INTERNET.includes(s.toLowerCase()));
  return inbound && allow && open !== undefined ? `rule '${asString(rule.name) ?? "?"}' allows inbound traffic from '${open}'` : undefined;
}

function check(resource: ResourceView): RuleOutcome {
  const a = resource.attributes;
  const reason = INTERNET_RESOURCES[resource.type];
  if (reason) return outcomeOf([reason]);
  switch (resource.type) {
    case "aws_security_group":
      return outcomeOf(
        blocks(a.ingress).flatMap((r) => openCidrs(r, "cidr_blocks", "ipv6_cidr_blocks").map((c) => `an ingress rule admits ${c} (ports ${String(r.from_port)}-${String(r.to_port)})`)),
      );
    case "aws_security_group_rule":
      return outcomeOf(asString(a.type) === "ingress" ? openCidrs(a, "cidr_blocks", "ipv6_cidr_blocks").map((c) => `the ingress rule admits ${c}`) : []);
    case "aws_vpc_security_group_ingress_rule":
      return outcomeOf(openCidrs(a, "cidr_ipv4", "cidr_ipv6").map((c) => `the ingress rule admits ${c}`));
    case "aws_default_security_group":
      return outcomeOf(
        blocks(a.ingress).length + blocks(a.egress).length > 0 ? ["the default security group has rules; it must allow nothing (ingress = [], egress = [])"] : [],
      );
    case "aws_network_acl":
    case "aws_default_network_acl":
      return outcomeOf(
        blocks(a.ingress)
          .filter((r) => asString(r.action) === "allow")
          .flatMap((r) => openCidrs(r, "cidr_block", "ipv6_cidr_block").map((c) => `network ACL rule ${String(r.rule_no)} allows ingress from ${c}`)),
      );
    case "aws_subnet":
      return outcomeOf(flag(a.map_public_ip_on_launch, false) === false ? [] : ["map_public_ip_on_launch is not false: instances get public addresses"]);
    case "azurerm_network_security_group":
      return outcomeOf(blocks(a.security_rule).map(azureRuleOpen).filter((p): p is string => p !== undefined));
    default:
      return outcomeOf([azureRuleOpen(a)].filter((p): p is string => p !== undefined));
  }
}

/**
 * EMB-N01. No path from the internet into a site: no internet or NAT gateway, no public address,
 * no security group, network ACL or NSG rule admitting 0.0.0.0/0, ::/0 or Azure's `Internet`/`*`,
 * and default security groups without any rule.
 */
export const NetworkHasNoInternetIngress: ResourceRule = {
  kind: "resource",
  name: "NetworkHasNoInternetIngress",
  description: "Nothing in a site network can be reached from the internet.",
  resourceTypes: [
    ...Object.keys(INTERNET_RESOURCES),
    "aws_security_group",
    "aws_security_group_rule",
    "aws_vpc_security_group_ingress_rule",
    "aws_default_security_group",
    "aws_network_acl",
    "aws_default_network_acl",
    "aws_subnet",
    "azurerm_network_security_group",
    "azurerm_network_security_rule",
  ],
  evaluate: check,
};
