import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { NetworkInterface } from "@cdktf/provider-azurerm/lib/network-interface";
import { NetworkSecurityGroup } from "@cdktf/provider-azurerm/lib/network-security-group";
import { NetworkSecurityRule } from "@cdktf/provider-azurerm/lib/network-security-rule";
import { PublicIp } from "@cdktf/provider-azurerm/lib/public-ip";
import { VirtualNetworkGateway, type VirtualNetworkGatewayConfig } from "@cdktf/provider-azurerm/lib/virtual-network-gateway";
import type { Construct } from "constructs";
import { LogStore } from "../../../lib/azure/log-store";
import { Network } from "../../../lib/azure/network";
import { SiteVpn } from "../../../lib/azure/site-vpn";
import { checkRule, fullAwsSite } from "../helpers";

const RULE = "EMB-N01";
const IN_RG = { resourceGroupName: "rg", location: "westeurope" };
const GATEWAY_SUBNET = "/subscriptions/22222222-2222-4222-8222-222222222222/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/GatewaySubnet";

/** A public IP and, when `gateway` is given, a virtual network gateway using it as its tunnel endpoint. */
function gatewayWithIp(scope: Construct, gateway?: Partial<VirtualNetworkGatewayConfig>): PublicIp {
  const ip = new PublicIp(scope, "Ip", { ...IN_RG, name: "ip", sku: "Standard", allocationMethod: "Static" });
  if (gateway) {
    new VirtualNetworkGateway(scope, "Gateway", {
      ...IN_RG,
      name: "gw",
      type: "Vpn",
      sku: "VpnGw1AZ",
      ipConfiguration: [{ subnetId: GATEWAY_SUBNET, publicIpAddressId: ip.id }],
      ...gateway,
    });
  }
  return ip;
}

const NSG_RULE = { name: "https", priority: 100, direction: "Inbound", access: "Allow", protocol: "Tcp", sourcePortRange: "*", destinationPortRange: "443", destinationAddressPrefix: "*" };

describe("EMB-N01 NetworkHasNoInternetIngress", () => {
  test("a Network admits only its own address space, and its default security group allows nothing", () => {
    const result = checkRule(RULE, (s) => fullAwsSite(s));
    expect(result.findings).toEqual([]);
    expect(result.summary.checked).toBeGreaterThanOrEqual(4);
  });

  test("an NSG admitting only the site's address space is compliant", () => {
    const result = checkRule(RULE, (s) =>
      new NetworkSecurityGroup(s, "Nsg", { name: "n", resourceGroupName: "rg", location: "westeurope", securityRule: [{ ...NSG_RULE, sourceAddressPrefix: "10.10.0.0/16" }] }),
    );
    expect(result.summary).toMatchObject({ checked: 1, compliant: 1 });
  });

  test("fails on internet and NAT gateways", () => {
    const result = checkRule(RULE, (s) => {
      new InternetGateway(s, "Igw", { vpcId: "vpc-1" });
      new NatGateway(s, "Nat", { subnetId: "subnet-1" });
    });
    expect(result.findings[0].message).toMatch(/^\[EMB-N01\] site\/Igw \(aws_internet_gateway\): an internet gateway routes the internet into the VPC\. Fix: remove internet and NAT gateways/);
    expect(result.problems[1]).toBe("a NAT gateway opens a path to the internet (and needs an internet gateway)");
  });

  test("fails on security group ingress from anywhere and on a default security group with rules", () => {
    const result = checkRule(RULE, (s) => {
      new SecurityGroup(s, "Sg", { vpcId: "vpc-1", ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }] });
      new VpcSecurityGroupIngressRule(s, "Rule", { securityGroupId: "sg-1", ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv6: "::/0" });
      new DefaultSecurityGroup(s, "DefaultGroup", { vpcId: "vpc-1", ingress: [{ protocol: "-1", fromPort: 0, toPort: 0, selfAttribute: true }] });
    });
    expect(result.problems).toEqual([
      "the default security group has rules; it must allow nothing (ingress = [], egress = [])",
      "the ingress rule admits ::/0",
      "an ingress rule admits 0.0.0.0/0 (ports 22-22)",
    ]);
  });

  test("fails on NSG rules allowing inbound traffic from the internet", () => {
    const result = checkRule(RULE, (s) => {
      new NetworkSecurityGroup(s, "Nsg", { name: "n", resourceGroupName: "rg", location: "westeurope", securityRule: [{ ...NSG_RULE, sourceAddressPrefix: "Internet" }] });
      new NetworkSecurityRule(s, "Rule", { ...NSG_RULE, name: "any", sourceAddressPrefix: "*", resourceGroupName: "rg", networkSecurityGroupName: "n" });
    });
    expect(result.problems).toEqual(["rule 'https' allows inbound traffic from 'Internet'", "rule 'any' allows inbound traffic from '*'"]);
  });

  test("a site's VPN (SiteVpn): its public IP serves only the site-to-site gateway, and the datacenter's NSG rule is private", () => {
    const result = checkRule(RULE, (scope) => {
      const logStore = new LogStore(scope, "Logs", { ...IN_RG, workspaceName: "test-logs", flowLogAccountName: "testlogs" });
      const network = new Network(scope, "Network", { ...IN_RG, namePrefix: "test", cidr: "10.10.0.0/16", logStore });
      new SiteVpn(scope, "Vpn", { ...IN_RG, namePrefix: "test", network }).connect({ id: "odc-noord", cidr: "10.40.0.0/16", publicIp: "198.51.100.10" });
    });
    expect(result.findings).toEqual([]);
    // The public IP and every NSG and rule were looked at (not skipped).
    expect(result.summary.checked).toBeGreaterThanOrEqual(1 + 2 + 8);
  });

  test("a public IP used only as a site-to-site VPN gateway's tunnel endpoint is compliant", () => {
    const result = checkRule(RULE, (s) => gatewayWithIp(s, {}));
    expect(result.summary).toMatchObject({ checked: 1, compliant: 1 });
  });

  test("fails on a public IP used by nothing, or by anything but a VPN gateway", () => {
    expect(checkRule(RULE, (s) => gatewayWithIp(s)).problems).toEqual([
      "a public IP is reachable from the internet (it is used by nothing here; only a site-to-site VPN gateway may have one)",
    ]);
    const nic = checkRule(RULE, (s) => {
      const ip = gatewayWithIp(s, {});
      new NetworkInterface(s, "Nic", { ...IN_RG, name: "nic", ipConfiguration: [{ name: "c", privateIpAddressAllocation: "Dynamic", publicIpAddressId: ip.id }] });
    });
    expect(nic.problems).toEqual([expect.stringMatching(/^a public IP is reachable from the internet: azurerm_network_interface\.Nic \(azurerm_network_interface\) uses it; only a site-to-site VPN gateway may have one$/)]);
  });

  test("fails on a public IP of a gateway that admits point-to-site clients or is not a VPN gateway", () => {
    const p2s = checkRule(RULE, (s) => gatewayWithIp(s, { vpnClientConfiguration: { addressSpace: ["172.16.201.0/24"] } }));
    expect(p2s.problems).toEqual([expect.stringMatching(/^azurerm_virtual_network_gateway\.Gateway uses the public IP with a point-to-site vpn_client_configuration, which admits VPN clients from anywhere on the internet$/)]);
    const er = checkRule(RULE, (s) => gatewayWithIp(s, { type: "ExpressRoute", sku: "ErGw1AZ" }));
    expect(er.problems).toEqual(["azurerm_virtual_network_gateway.Gateway uses the public IP but its type is \"ExpressRoute\", not 'Vpn'"]);
  });
});
