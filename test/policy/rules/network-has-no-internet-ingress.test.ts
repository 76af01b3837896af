import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { NetworkSecurityGroup } from "@cdktf/provider-azurerm/lib/network-security-group";
import { NetworkSecurityRule } from "@cdktf/provider-azurerm/lib/network-security-rule";
import { checkRule, fullAwsSite } from "../helpers";

const RULE = "EMB-N01";
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
});
