import { asString, blocks, flag, type JsonObject, strings } from "../private/json";
import type { ResourceView, StackView } from "../private/resource-view";
import { outcomeOf, type ResourceRule, type RuleContext, type RuleOutcome } from "../rule";

const ANYWHERE_V4 = "0.0.0.0/0";
const ANYWHERE_V6 = "::/0";
/** Azure source prefixes that mean "the internet". */
const AZURE_INTERNET = ["*", "internet", "any", "0.0.0.0", "0.0.0.0/0", "::/0"];

/** Resources that exist only to connect a network to the internet. */
const INTERNET_RESOURCES: Readonly<Record<string, string>> = {
  aws_internet_gateway: "an internet gateway routes the internet into the VPC",
  aws_nat_gateway: "a NAT gateway opens a path to the internet (and needs an internet gateway)",
  aws_eip: "an Elastic IP is a public address",
};

/**
 * An Azure public IP is a finding unless a site-to-site VPN gateway is its only user. Why that one
 * use is accepted: the datacenters reach a site's stores only through a site-to-site VPN (the
 * stores accept nothing but their private endpoints), and an Azure VPN gateway needs a public IP
 * for its tunnel endpoint (`ip_configuration.public_ip_address_id` is Required in
 * hashicorp/terraform-provider-azurerm internal/services/network/virtual_network_gateway_resource.go).
 * That address is no path into the network: the gateway answers only IKE/IPsec, completes a tunnel
 * only with a peer that one of its connections names and that proves the pre-shared key, and
 * routes into the VNet only what arrives through such a tunnel, which the NSGs then filter like
 * any other traffic. A public IP on anything else (a NIC, a load balancer, a NAT gateway, a
 * firewall, a bastion), or not attached to anything, stays a finding; so does a VPN gateway with a
 * point-to-site configuration (`vpn_client_configuration`), which admits VPN clients from anywhere
 * on the internet, or a gateway whose type is not literally `Vpn`.
 */
function publicIpProblems(ip: ResourceView, stack: StackView): string[] {
  const users = stack.resources.filter((r) => r !== ip && stack.references(r.attributes, ip));
  if (users.length === 0) return ["a public IP is reachable from the internet (it is used by nothing here; only a site-to-site VPN gateway may have one)"];
  const problems: string[] = [];
  for (const user of users) {
    if (user.type !== "azurerm_virtual_network_gateway") {
      problems.push(`a public IP is reachable from the internet: ${user.address} (${user.type}) uses it; only a site-to-site VPN gateway may have one`);
      continue;
    }
    const a = user.attributes;
    const asTunnelEndpoint = blocks(a.ip_configuration).some((c) => stack.references(c.public_ip_address_id, ip));
    if (!asTunnelEndpoint) problems.push(`${user.address} refers to the public IP outside ip_configuration.public_ip_address_id`);
    if ((asString(a.type) ?? "").toLowerCase() !== "vpn") problems.push(`${user.address} uses the public IP but its type is ${JSON.stringify(a.type ?? null)}, not 'Vpn'`);
    if (blocks(a.vpn_client_configuration).length > 0) {
      problems.push(`${user.address} uses the public IP with a point-to-site vpn_client_configuration, which admits VPN clients from anywhere on the internet`);
    }
  }
  return problems;
}

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

function check(resource: ResourceView, context: RuleContext): RuleOutcome {
  const a = resource.attributes;
  const reason = INTERNET_RESOURCES[resource.type];
  if (reason) return outcomeOf([reason]);
  switch (resource.type) {
    case "azurerm_public_ip":
      return outcomeOf(publicIpProblems(resource, context.stack));
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
 * EMB-N01. No path from the internet into a site: no internet or NAT gateway, no public address
 * (except the public IP of an Azure site-to-site VPN gateway, see publicIpProblems), no security
 * group, network ACL or NSG rule admitting 0.0.0.0/0, ::/0 or Azure's `Internet`/`*`, and default
 * security groups without any rule.
 */
export const NetworkHasNoInternetIngress: ResourceRule = {
  kind: "resource",
  name: "NetworkHasNoInternetIngress",
  description: "Nothing in a site network can be reached from the internet.",
  resourceTypes: [
    ...Object.keys(INTERNET_RESOURCES),
    "azurerm_public_ip",
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
