import { MonitorDiagnosticSetting } from "@cdktf/provider-azurerm/lib/monitor-diagnostic-setting";
import { NetworkSecurityGroup } from "@cdktf/provider-azurerm/lib/network-security-group";
import { NetworkSecurityRule } from "@cdktf/provider-azurerm/lib/network-security-rule";
import { DataAzurermNetworkWatcher } from "@cdktf/provider-azurerm/lib/data-azurerm-network-watcher";
import { NetworkWatcherFlowLog } from "@cdktf/provider-azurerm/lib/network-watcher-flow-log";
import { PrivateDnsZone } from "@cdktf/provider-azurerm/lib/private-dns-zone";
import { PrivateDnsZoneVirtualNetworkLink } from "@cdktf/provider-azurerm/lib/private-dns-zone-virtual-network-link";
import { Subnet } from "@cdktf/provider-azurerm/lib/subnet";
import { SubnetNetworkSecurityGroupAssociation } from "@cdktf/provider-azurerm/lib/subnet-network-security-group-association";
import { VirtualNetwork } from "@cdktf/provider-azurerm/lib/virtual-network";
import { Fn, Token } from "cdktf";
import { Construct } from "constructs";
import type { ILogStore } from "./log-store";

/** The private DNS zones private endpoints register in (Azure public cloud). */
export const BLOB_PRIVATE_DNS_ZONE = "privatelink.blob.core.windows.net";
export const VAULT_PRIVATE_DNS_ZONE = "privatelink.vaultcore.azure.net";

/** What stores and key vaults need from a site's network to place their private endpoints. */
export interface INetwork {
  readonly virtualNetworkId: string;
  /** The subnet that holds every private endpoint of the site. */
  readonly endpointSubnetId: string;
  readonly blobDnsZoneId: string;
  readonly vaultDnsZoneId: string;
}

/** The regional Network Watcher that owns a VNet flow log. */
export interface NetworkWatcherRef {
  readonly name: string;
  readonly resourceGroupName: string;
}

export interface NetworkProps {
  readonly resourceGroupName: string;
  readonly location: string;
  /** Prefix of every resource name, e.g. `nl-embassy-nl-primary`. */
  readonly namePrefix: string;
  /** The site's private address space (RFC 1918), e.g. `10.10.0.0/16`. */
  readonly cidr: string;
  /** Where NSG diagnostics and VNet flow logs go. */
  readonly logStore: ILogStore;
  /**
   * Days VNet flow logs are kept in the log store.
   * @default 400
   */
  readonly flowLogRetentionDays?: number;
  /**
   * The region's Network Watcher. Azure creates one per region and subscription
   * (`NetworkWatcher_<region>` in `NetworkWatcherRG`) when the first VNet is created there, and
   * allows only one, so this construct references it rather than creating a second.
   * @default - `NetworkWatcher_<location>` in `NetworkWatcherRG`, Azure's automatic one
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
 * Why VNet flow logs and not NSG flow logs: Azure stopped accepting new NSG flow logs (retiring
 * them) in favour of VNet flow logs, which also see traffic to private endpoints.
 */
export class Network extends Construct implements INetwork {
  public readonly resource: VirtualNetwork;
  public readonly virtualNetworkId: string;
  public readonly endpointSubnetId: string;
  public readonly workloadSubnetId: string;
  public readonly blobDnsZoneId: string;
  public readonly vaultDnsZoneId: string;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const retention = props.flowLogRetentionDays ?? 400;
    if (!Token.isUnresolved(retention) && (retention < 90 || retention > 365 * 5)) {
      throw new Error(`flowLogRetentionDays must be from 90 to 1825, got ${retention} for network '${props.namePrefix}'`);
    }
    const tags = { ...(props.tags ?? {}) };
    const rg = props.resourceGroupName;
    this.resource = new VirtualNetwork(this, "Resource", {
      name: `${props.namePrefix}-vnet`,
      resourceGroupName: rg,
      location: props.location,
      addressSpace: [props.cidr],
      tags,
    });
    this.virtualNetworkId = this.resource.id;

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

    this.securityGroup("EndpointSecurityGroup", `${props.namePrefix}-endpoints-nsg`, endpoints, props, [
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

    const watcher = props.networkWatcher ?? { name: `NetworkWatcher_${props.location}`, resourceGroupName: "NetworkWatcherRG" };
    // Looked up rather than assumed: a subscription that opted out of automatic Network Watchers
    // fails at plan with "not found", naming the watcher, instead of half-way through an apply.
    const existing = new DataAzurermNetworkWatcher(this, "NetworkWatcher", { name: watcher.name, resourceGroupName: watcher.resourceGroupName });
    new NetworkWatcherFlowLog(this, "FlowLog", {
      name: `${props.namePrefix}-vnet-flow-log`,
      networkWatcherName: existing.name,
      resourceGroupName: existing.resourceGroupName,
      location: props.location,
      targetResourceId: this.resource.id,
      storageAccountId: props.logStore.flowLogAccountId,
      enabled: true,
      version: 2,
      retentionPolicy: { enabled: true, days: retention },
      tags,
    });
  }

  private securityGroup(id: string, name: string, subnet: Subnet, props: NetworkProps, rules: readonly RuleSpec[]): void {
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
  }
}
