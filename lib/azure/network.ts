import { MonitorDiagnosticSetting } from "@cdktf/provider-azurerm/lib/monitor-diagnostic-setting";
import { NetworkSecurityGroup } from "@cdktf/provider-azurerm/lib/network-security-group";
import { NetworkSecurityRule } from "@cdktf/provider-azurerm/lib/network-security-rule";
import { NetworkWatcher } from "@cdktf/provider-azurerm/lib/network-watcher";
import { NetworkWatcherFlowLog } from "@cdktf/provider-azurerm/lib/network-watcher-flow-log";
import { PrivateDnsZone } from "@cdktf/provider-azurerm/lib/private-dns-zone";
import { PrivateDnsZoneVirtualNetworkLink } from "@cdktf/provider-azurerm/lib/private-dns-zone-virtual-network-link";
import { Subnet } from "@cdktf/provider-azurerm/lib/subnet";
import { SubnetNetworkSecurityGroupAssociation } from "@cdktf/provider-azurerm/lib/subnet-network-security-group-association";
import { VirtualNetwork } from "@cdktf/provider-azurerm/lib/virtual-network";
import { Fn, Lazy, Token } from "cdktf";
import { Construct } from "constructs";
import * as ipaddr from "ipaddr.js";
import type { ILogStore } from "./log-store";

/** The private DNS zones private endpoints register in (Azure public cloud). */
export const BLOB_PRIVATE_DNS_ZONE = "privatelink.blob.core.windows.net";
/**
 * The private DNS zone Key Vault private endpoints register in (Azure public cloud; the
 * `vault` sub-resource, MicrosoftDocs/azure-docs articles/private-link/private-endpoint-dns.md).
 */
export const VAULT_PRIVATE_DNS_ZONE = "privatelink.vaultcore.azure.net";

/** What stores and key vaults need from a site's network to place their private endpoints. */
export interface INetwork {
  /** The ARM resource id of the site's virtual network. */
  readonly virtualNetworkId: string;
  /** The subnet that holds every private endpoint of the site. */
  readonly endpointSubnetId: string;
  /** The ARM resource id of the `privatelink.blob.core.windows.net` zone linked to the VNet; storage private endpoints register their A records in it. */
  readonly blobDnsZoneId: string;
  /** The ARM resource id of the `privatelink.vaultcore.azure.net` zone linked to the VNet; Key Vault private endpoints register their A records in it. */
  readonly vaultDnsZoneId: string;
}

/**
 * What a site VPN needs from a site's network (see SiteVpn): the VNet's name and address space,
 * its GatewaySubnet, and a way to admit the datacenters' HTTPS to the private endpoints.
 */
export interface IGatewayNetwork {
  /** The VNet's name (not its id): the `GatewaySubnet` and the gateway are placed by name. */
  readonly virtualNetworkName: string;
  /** The VNet's address space (the site's CIDR). */
  readonly addressSpace: string;
  /** The id of the VNet's `GatewaySubnet`, created on the first call. */
  gatewaySubnetId(): string;
  /** Admits HTTPS (TCP 443) from `cidr` to the private endpoints; every source shares one NSG rule. */
  admitHttpsToEndpoints(cidr: string): void;
}

/**
 * The size of the GatewaySubnet: /27, the smallest Microsoft recommends ("Although you can create a
 * gateway subnet as small as /29, we recommend that you create a gateway subnet of /27 or larger",
 * MicrosoftDocs/azure-docs articles/vpn-gateway/vpn-gateway-vpn-faq.md).
 */
export const GATEWAY_SUBNET_PREFIX_LENGTH = 27;

/** Priority of the endpoint NSG rule that admits the datacenters (workloads hold 100; the denies 4000 and 4096). */
export const DATACENTER_RULE_PRIORITY = 200;

/**
 * The GatewaySubnet's address range in a site CIDR: the first /27 of the CIDR's second quarter.
 * The Network's address plan leaves that quarter free (endpoints: the first quarter, workloads: the
 * second half), so the range never overlaps the other subnets. Needs a literal IPv4 CIDR of /25
 * or larger (a /25's second quarter is exactly one /27).
 */
export function gatewaySubnetPrefix(cidr: string): string {
  if (Token.isUnresolved(cidr) || !ipaddr.IPv4.isValidCIDR(cidr)) {
    throw new Error(`cidr must be a literal IPv4 CIDR to carve a GatewaySubnet from, got '${cidr}'`);
  }
  const [address, length] = ipaddr.IPv4.parseCIDR(cidr);
  if (length > GATEWAY_SUBNET_PREFIX_LENGTH - 2) {
    throw new Error(
      `cidr ${cidr} is too small for a GatewaySubnet: its second quarter must hold a /${GATEWAY_SUBNET_PREFIX_LENGTH}, so the site needs a /${GATEWAY_SUBNET_PREFIX_LENGTH - 2} or larger`,
    );
  }
  const start = address.toByteArray().reduce((n, b) => n * 256 + b, 0) + 2 ** (32 - length - 2);
  const bytes = [24, 16, 8, 0].map((shift) => Math.floor(start / 2 ** shift) % 256);
  return `${bytes.join(".")}/${GATEWAY_SUBNET_PREFIX_LENGTH}`;
}

/** The regional Network Watcher that owns a VNet flow log. */
export interface NetworkWatcherRef {
  /** The watcher's name; Azure names the one it creates `NetworkWatcher_<region>` (see networkWatcherName). */
  readonly name: string;
  /** The resource group that holds the watcher; Azure puts the one it creates in `NetworkWatcherRG`. */
  readonly resourceGroupName: string;
}

/** The name Azure gives a region's Network Watcher, and the name this library gives the one it creates. */
export function networkWatcherName(location: string): string {
  return `NetworkWatcher_${location}`;
}

/** How a site's Network is built. */
export interface NetworkProps {
  /** The resource group every resource of the network goes into (and the created Network Watcher, unless `networkWatcher` is given). */
  readonly resourceGroupName: string;
  /** The Azure region of the site, as ARM names it (`westeurope`, `swedencentral`). */
  readonly location: string;
  /** Prefix of every resource name, e.g. `nl-embassy-nl-primary`. */
  readonly namePrefix: string;
  /** The site's private address space (RFC 1918), e.g. `10.10.0.0/16`. */
  readonly cidr: string;
  /** Where NSG diagnostics and VNet flow logs go; its lifecycle policy keeps flow logs `flowLogRetentionDays`. */
  readonly logStore: ILogStore;
  /**
   * An existing Network Watcher of this region to own the flow log, instead of creating one. Azure
   * allows one Network Watcher per subscription and region ("You must create one Network Watcher
   * resource per subscription per region", learn.microsoft.com/rest/api/network-watcher), so pass
   * the existing one when the subscription already has it: Azure creates `NetworkWatcher_<region>`
   * in `NetworkWatcherRG` by itself when a virtual network is created in a region that has none,
   * unless the subscription opted out. Referenced by name only (no lookup at plan), so it may also
   * be a watcher another stack of the same apply creates.
   *
   * To manage an existing watcher with this construct instead, it must have the name and resource
   * group this construct would give it (`NetworkWatcher_<location>` in `resourceGroupName`; Azure
   * cannot move it to another group without replacing it), and be imported into the
   * `azurerm_network_watcher` of this construct: `network.networkWatcher?.importFrom("<ARM id>")`
   * in the app, or `terraform import <address> /subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.Network/networkWatchers/NetworkWatcher_<location>`
   * (hashicorp/terraform-provider-azurerm website/docs/r/network_watcher.html.markdown, Import).
   * @default - a new `NetworkWatcher_<location>` in `resourceGroupName`, created before the VNet so
   * that Azure does not create its own
   */
  readonly networkWatcher?: NetworkWatcherRef;
  /**
   * Tags for every resource this construct creates.
   * @default - no tags
   */
  readonly tags?: Readonly<Record<string, string>>;
}

interface RuleSpec {
  readonly name: string;
  readonly priority: number;
  readonly direction: "Inbound" | "Outbound";
  readonly access: "Allow" | "Deny";
  readonly protocol: "Tcp" | "*";
  readonly source: string;
  readonly destination: string;
  readonly ports: string;
  readonly description: string;
}

/** Explicit denies at the bottom of every NSG's custom range (Azure's own defaults sit at 65000+ and allow VNet traffic). */
function denyRules(): RuleSpec[] {
  return [
    { name: "deny-internet-inbound", priority: 4000, direction: "Inbound", access: "Deny", protocol: "*", source: "Internet", destination: "*", ports: "*", description: "No traffic from the internet, ever" },
    { name: "deny-all-inbound", priority: 4096, direction: "Inbound", access: "Deny", protocol: "*", source: "*", destination: "*", ports: "*", description: "Nothing else inbound unless allowed above" },
    { name: "deny-internet-outbound", priority: 4000, direction: "Outbound", access: "Deny", protocol: "*", source: "*", destination: "Internet", ports: "*", description: "No traffic to the internet (no exfiltration path)" },
  ];
}

/**
 * A site's private network: a VNet in the site's address space with a subnet for private
 * endpoints and one for workloads (neither with default outbound internet access), an NSG on
 * each with explicit deny rules for internet inbound, all other inbound and internet outbound
 * (the endpoint subnet admits only HTTPS from the workload subnet; workloads may reach only the
 * endpoints and Entra ID), network policies on for private endpoints so the NSG applies to
 * them, private DNS zones for blob and Key Vault endpoints linked to the VNet, NSG diagnostics
 * and a VNet flow log (version 2) to the site's log store.
 *
 * Address plan of the site CIDR: endpoints in the first quarter, workloads in the second half; the
 * second quarter is kept free for gateways (see gatewaySubnetId, which a site VPN asks for, and
 * admitHttpsToEndpoints, which admits a datacenter's HTTPS to the endpoints).
 *
 * Why VNet flow logs and not NSG flow logs: Azure stopped accepting new NSG flow logs (retiring
 * them) in favour of VNet flow logs, which also see traffic to private endpoints.
 *
 * A fresh subscription has no Network Watcher until its first virtual network exists, so looking
 * one up at plan fails there. This construct creates the region's watcher itself (or takes an
 * existing one, see `networkWatcher`) and makes the VNet depend on it, so Azure never adds a
 * second, unmanaged one in `NetworkWatcherRG`.
 */
export class Network extends Construct implements INetwork, IGatewayNetwork {
  /** The virtual network (`<namePrefix>-vnet`), the construct's main child. */
  public readonly resource: VirtualNetwork;
  /** The ARM resource id of the virtual network. */
  public readonly virtualNetworkId: string;
  /** The virtual network's name, `<namePrefix>-vnet`. */
  public readonly virtualNetworkName: string;
  /** The VNet's address space (the site's CIDR). */
  public readonly addressSpace: string;
  /** The id of the `private-endpoints` subnet (the CIDR's first quarter). */
  public readonly endpointSubnetId: string;
  /** The id of the `workloads` subnet (the CIDR's second half); it reaches only the private endpoints and Entra ID over HTTPS. */
  public readonly workloadSubnetId: string;
  /** The ARM resource id of the `privatelink.blob.core.windows.net` zone, linked to the VNet without auto-registration. */
  public readonly blobDnsZoneId: string;
  /** The ARM resource id of the `privatelink.vaultcore.azure.net` zone, linked to the VNet without auto-registration. */
  public readonly vaultDnsZoneId: string;
  /** The Network Watcher this construct created, or undefined when an existing one was given. */
  public readonly networkWatcher?: NetworkWatcher;
  /** The Network Watcher that owns the flow log. */
  public readonly networkWatcherRef: NetworkWatcherRef;
  /**
   * The VNet flow log (version 2) into the log store's flow-log account. Its own retention policy
   * is off: the log store's lifecycle rule deletes flow logs after `flowLogRetentionDays`.
   */
  public readonly flowLog: NetworkWatcherFlowLog;
  /** The NSG of the private endpoint subnet. */
  public readonly endpointSecurityGroup: NetworkSecurityGroup;
  /** The private endpoint subnet's address range. */
  public readonly endpointPrefix: string;
  private readonly props: NetworkProps;
  private gatewaySubnet?: Subnet;
  private readonly datacenterCidrs = new Set<string>();

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    this.props = props;
    this.addressSpace = props.cidr;
    const tags = { ...(props.tags ?? {}) };
    const rg = props.resourceGroupName;
    if (props.networkWatcher) {
      this.networkWatcherRef = props.networkWatcher;
    } else {
      this.networkWatcher = new NetworkWatcher(this, "NetworkWatcher", {
        name: networkWatcherName(props.location),
        resourceGroupName: rg,
        location: props.location,
        tags,
      });
      this.networkWatcherRef = { name: this.networkWatcher.name, resourceGroupName: this.networkWatcher.resourceGroupName };
    }
    this.resource = new VirtualNetwork(this, "Resource", {
      name: `${props.namePrefix}-vnet`,
      resourceGroupName: rg,
      location: props.location,
      addressSpace: [props.cidr],
      tags,
      // Azure enables a watcher automatically for a region's first VNet; ours must exist by then.
      dependsOn: this.networkWatcher ? [this.networkWatcher] : undefined,
    });
    this.virtualNetworkId = this.resource.id;
    this.virtualNetworkName = this.resource.name;

    const endpoints = new Subnet(this, "EndpointSubnet", {
      name: "private-endpoints",
      resourceGroupName: rg,
      virtualNetworkName: this.resource.name,
      addressPrefixes: [Fn.cidrsubnet(props.cidr, 2, 0)],
      privateEndpointNetworkPolicies: "Enabled",
      defaultOutboundAccessEnabled: false,
    });
    const workloads = new Subnet(this, "WorkloadSubnet", {
      name: "workloads",
      resourceGroupName: rg,
      virtualNetworkName: this.resource.name,
      addressPrefixes: [Fn.cidrsubnet(props.cidr, 1, 1)],
      privateEndpointNetworkPolicies: "Enabled",
      defaultOutboundAccessEnabled: false,
    });
    this.endpointSubnetId = endpoints.id;
    this.workloadSubnetId = workloads.id;
    const endpointPrefix = Fn.cidrsubnet(props.cidr, 2, 0);
    const workloadPrefix = Fn.cidrsubnet(props.cidr, 1, 1);
    this.endpointPrefix = endpointPrefix;

    this.endpointSecurityGroup = this.securityGroup("EndpointSecurityGroup", `${props.namePrefix}-endpoints-nsg`, endpoints, props, [
      { name: "allow-https-from-workloads", priority: 100, direction: "Inbound", access: "Allow", protocol: "Tcp", source: workloadPrefix, destination: endpointPrefix, ports: "443", description: "HTTPS from the site's workloads to its private endpoints" },
      ...denyRules(),
    ]);
    this.securityGroup("WorkloadSecurityGroup", `${props.namePrefix}-workloads-nsg`, workloads, props, [
      { name: "allow-https-to-endpoints", priority: 100, direction: "Outbound", access: "Allow", protocol: "Tcp", source: workloadPrefix, destination: endpointPrefix, ports: "443", description: "HTTPS to the site's private endpoints" },
      { name: "allow-https-to-entra-id", priority: 200, direction: "Outbound", access: "Allow", protocol: "Tcp", source: workloadPrefix, destination: "AzureActiveDirectory", ports: "443", description: "Sign-in with Entra ID (no other internet destination)" },
      ...denyRules(),
    ]);

    const zone = (construct: string, name: string): string => {
      const z = new PrivateDnsZone(this, construct, { name, resourceGroupName: rg, tags });
      new PrivateDnsZoneVirtualNetworkLink(this, `${construct}Link`, {
        name: `${props.namePrefix}-link`,
        resourceGroupName: rg,
        privateDnsZoneName: z.name,
        virtualNetworkId: this.resource.id,
        registrationEnabled: false,
        tags,
      });
      return z.id;
    };
    this.blobDnsZoneId = zone("BlobDnsZone", BLOB_PRIVATE_DNS_ZONE);
    this.vaultDnsZoneId = zone("VaultDnsZone", VAULT_PRIVATE_DNS_ZONE);

    // retention_policy off (enabled false, days 0): with retention on, Network Watcher writes its own
    // lifecycle rule on the account, replacing the log store's (hashicorp/terraform-provider-azurerm
    // website/docs/r/network_watcher_flow_log.html.markdown, PR #18369, issue #6935). The log store's
    // lifecycle policy alone deletes flow logs after logStore.flowLogRetentionDays (see LogStore).
    this.flowLog = new NetworkWatcherFlowLog(this, "FlowLog", {
      name: `${props.namePrefix}-vnet-flow-log`,
      networkWatcherName: this.networkWatcherRef.name,
      resourceGroupName: this.networkWatcherRef.resourceGroupName,
      location: props.location,
      targetResourceId: this.resource.id,
      storageAccountId: props.logStore.flowLogAccountId,
      enabled: true,
      version: 2,
      retentionPolicy: { enabled: false, days: 0 },
      tags,
    });
    props.logStore.registerFlowLog(this.flowLog);
  }

  /**
   * The VNet's `GatewaySubnet` (the name Azure requires for a virtual network gateway), created on
   * the first call: the first /27 of the site CIDR's second quarter (see gatewaySubnetPrefix). No
   * NSG is associated with it: Azure does not support NSGs on a gateway subnet ("NSGs on the gateway
   * subnet aren't supported. Associating a network security group to this subnet might cause your
   * virtual network gateway ... to stop functioning as expected", MicrosoftDocs/azure-docs
   * articles/vpn-gateway/vpn-gateway-about-vpn-gateway-settings.md, "Gateway subnet"); the gateway
   * admits only IKE/IPsec from the peers its connections name, and the endpoint NSG decides what
   * those peers reach.
   */
  public gatewaySubnetId(): string {
    if (!this.gatewaySubnet) {
      this.gatewaySubnet = new Subnet(this, "GatewaySubnet", {
        name: "GatewaySubnet",
        resourceGroupName: this.props.resourceGroupName,
        virtualNetworkName: this.resource.name,
        addressPrefixes: [gatewaySubnetPrefix(this.props.cidr)],
      });
    }
    return this.gatewaySubnet.id;
  }

  /**
   * Admits HTTPS from `cidr` (a datacenter's private address space, reached over the site VPN) to
   * the private endpoints. Every source shares one inbound rule of the endpoint NSG, priority 200,
   * whose sources are sorted, so adding or removing a datacenter updates that rule in place and
   * never reshuffles priorities. Only private address space (RFC 1918) is accepted.
   */
  public admitHttpsToEndpoints(cidr: string): void {
    if (Token.isUnresolved(cidr) || !ipaddr.IPv4.isValidCIDR(cidr) || ipaddr.IPv4.parseCIDR(cidr)[0].range() !== "private") {
      throw new Error(`admitHttpsToEndpoints: cidr must be a literal private IPv4 CIDR (RFC 1918), got '${cidr}'`);
    }
    if (this.datacenterCidrs.size === 0) {
      new NetworkSecurityRule(this.endpointSecurityGroup, "allow-https-from-datacenters", {
        name: "allow-https-from-datacenters",
        resourceGroupName: this.props.resourceGroupName,
        networkSecurityGroupName: this.endpointSecurityGroup.name,
        priority: DATACENTER_RULE_PRIORITY,
        direction: "Inbound",
        access: "Allow",
        protocol: "Tcp",
        sourcePortRange: "*",
        destinationPortRange: "443",
        sourceAddressPrefixes: Lazy.listValue({ produce: () => [...this.datacenterCidrs].sort() }),
        destinationAddressPrefix: this.endpointPrefix,
        description: "HTTPS from the state's datacenters, over the site VPN, to the private endpoints",
      });
    }
    this.datacenterCidrs.add(cidr);
  }

  private securityGroup(id: string, name: string, subnet: Subnet, props: NetworkProps, rules: readonly RuleSpec[]): NetworkSecurityGroup {
    const nsg = new NetworkSecurityGroup(this, id, {
      name,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      tags: { ...(props.tags ?? {}) },
    });
    for (const r of rules) {
      new NetworkSecurityRule(nsg, r.name, {
        name: r.name,
        resourceGroupName: props.resourceGroupName,
        networkSecurityGroupName: nsg.name,
        priority: r.priority,
        direction: r.direction,
        access: r.access,
        protocol: r.protocol,
        sourcePortRange: "*",
        destinationPortRange: r.ports,
        sourceAddressPrefix: r.source,
        destinationAddressPrefix: r.destination,
        description: r.description,
      });
    }
    new SubnetNetworkSecurityGroupAssociation(this, `${id}Association`, { subnetId: subnet.id, networkSecurityGroupId: nsg.id });
    new MonitorDiagnosticSetting(this, `${id}Diagnostics`, {
      name: "embassy-nsg-audit",
      targetResourceId: nsg.id,
      logAnalyticsWorkspaceId: props.logStore.workspaceId,
      enabledLog: [{ categoryGroup: "allLogs" }],
    });
    return nsg;
  }
}
