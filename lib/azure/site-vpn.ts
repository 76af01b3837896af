import { LocalNetworkGateway } from "@cdktf/provider-azurerm/lib/local-network-gateway";
import { PublicIp } from "@cdktf/provider-azurerm/lib/public-ip";
import { VirtualNetworkGateway } from "@cdktf/provider-azurerm/lib/virtual-network-gateway";
import { VirtualNetworkGatewayConnection } from "@cdktf/provider-azurerm/lib/virtual-network-gateway-connection";
import { Fn, Op, TerraformVariable, Token } from "cdktf";
import { Construct } from "constructs";
import * as ipaddr from "ipaddr.js";
import { checkPublicIp } from "../topology/onprem";
import type { IGatewayNetwork } from "./network";

/**
 * The VPN gateway SKUs a new gateway may have. "Creation of new VPN gateways using VpnGw1-5 SKUs
 * (non-AZ) will no longer be possible" since January 2025 ("Can I create new gateways using the
 * older SKUs? No", MicrosoftDocs/azure-docs articles/vpn-gateway/gateway-sku-consolidation.md),
 * and "the VPN Gateway Basic SKU supports only the Basic SKU public IP address resource (which is
 * on a path to retirement)" (same page), which azurerm no longer creates; so only the AZ SKUs
 * remain. "You can deploy AZ SKUs in all regions. If a region doesn't currently support
 * availability zones, you can still create VPN Gateway AZ SKUs, but the deployment will remain
 * regional" (same page).
 */
export type VpnGatewaySku = "VpnGw1AZ" | "VpnGw2AZ" | "VpnGw3AZ" | "VpnGw4AZ" | "VpnGw5AZ";

/**
 * The gateway generation for each SKU. azurerm checks the pair at apply: Generation1 takes
 * VpnGw1AZ-3AZ, Generation2 takes VpnGw2AZ-5AZ (hashicorp/terraform-provider-azurerm
 * internal/services/network/virtual_network_gateway_resource.go,
 * validateVirtualNetworkGatewayRouteBasedVpnSkuGeneration1/2), so VpnGw1AZ is Generation1 and
 * every larger SKU takes Generation2, the generation Azure is moving gateways to.
 */
export const VPN_GATEWAY_GENERATION: Readonly<Record<VpnGatewaySku, "Generation1" | "Generation2">> = {
  VpnGw1AZ: "Generation1",
  VpnGw2AZ: "Generation2",
  VpnGw3AZ: "Generation2",
  VpnGw4AZ: "Generation2",
  VpnGw5AZ: "Generation2",
};

/**
 * The IPsec/IKE policy of every datacenter connection: IKEv2 with AES-256-GCM, a SHA-384 PRF and
 * ECDH P-384 (DH group 20, Azure's `ECP384`); the tunnel with AES-256-GCM and perfect forward
 * secrecy on P-384. The datacenter's device must be configured with exactly these algorithms.
 * - Values: the `ipsec_policy` enums of hashicorp/terraform-provider-azurerm
 *   internal/services/network/virtual_network_gateway_connection_resource.go (dh_group,
 *   ike_encryption, ike_integrity, ipsec_encryption, ipsec_integrity, pfs_group StringInSlice;
 *   sa_lifetime IntAtLeast(300); sa_datasize IntAtLeast(1024)).
 * - "If you use GCMAES for the IPsec encryption algorithm, you must select the same GCMAES
 *   algorithm and key length for IPsec integrity"; QM SA lifetime "minimum 300, default 27,000"
 *   seconds and "minimum 1,024, default 102,400,000" kilobytes; "IKE Main Mode SA lifetime is fixed
 *   at 28,800 seconds" (MicrosoftDocs/azure-docs articles/vpn-gateway/ipsec-ike-policy-howto.md).
 */
export const VPN_IPSEC_POLICY = {
  /** IKE (main mode, phase 1) encryption: AES-256 in GCM mode. */
  ikeEncryption: "GCMAES256",
  /** IKE integrity, which IKEv2 also uses as its pseudo-random function: SHA-384. */
  ikeIntegrity: "SHA384",
  /** IKE Diffie-Hellman group: 384-bit elliptic curve (ECP384, IANA group 20). */
  dhGroup: "ECP384",
  /** IPsec (quick mode, phase 2) encryption: AES-256 in GCM mode. */
  ipsecEncryption: "GCMAES256",
  /** IPsec integrity: GCMAES256, as Azure requires when the IPsec encryption is GCMAES256 (GCM authenticates itself). */
  ipsecIntegrity: "GCMAES256",
  /** Perfect forward secrecy group of each quick-mode rekey: 384-bit elliptic curve (ECP384). */
  pfsGroup: "ECP384",
  /** Quick-mode SA lifetime in seconds (Azure's default; at least 300). */
  saLifetime: 27_000,
  /** Quick-mode SA lifetime in kilobytes (Azure's default; at least 1,024). */
  saDatasize: 102_400_000,
} as const;

/** The shortest pre-shared key accepted: 32 letters and digits (e.g. `openssl rand -hex 32` gives 64). */
export const MIN_SHARED_KEY_LENGTH = 32;
/** The longest: "The SharedKey value is an alphanumeric string of 1-128 letters" (Set-AzureVNetGatewayKey; `az network vpn-connection shared-key reset --key-length` "should between 1 and 128"). */
export const MAX_SHARED_KEY_LENGTH = 128;

/** Microsoft.Network names (public IPs, gateways, local gateways, connections): 1-80 characters (resource-name-rules). */
const NETWORK_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,78}[A-Za-z0-9_])?$/;
const SITE_ID = /^[a-z][a-z0-9-]{1,20}$/;
const ZONES = ["1", "2", "3"];

/** The Terraform variable that holds the pre-shared key of the VPN with a datacenter: `vpn_shared_key_<id, hyphens as underscores>`. */
export function sharedKeyVariableName(datacenterId: string): string {
  return `vpn_shared_key_${datacenterId.replace(/-/g, "_")}`;
}

/** How a SiteVpn is built. */
export interface SiteVpnProps {
  /** The resource group the gateway, its public IP and every datacenter's local gateway and connection go into. */
  readonly resourceGroupName: string;
  /** The Azure region of the site, as ARM names it (`westeurope`); must be the region of `network`'s VNet. */
  readonly location: string;
  /** Prefix of every resource name, e.g. `nl-embassy-nl-azure`. */
  readonly namePrefix: string;
  /** The site's network: the gateway goes in its GatewaySubnet; each datacenter is admitted to its private endpoints on 443. */
  readonly network: IGatewayNetwork;
  /**
   * The gateway SKU (throughput and tunnel count); the generation follows from it
   * (VPN_GATEWAY_GENERATION).
   * @default "VpnGw1AZ"
   */
  readonly sku?: VpnGatewaySku;
  /**
   * Availability zones of the gateway's public IP (and so of the gateway). Pass `[]` in a region
   * without availability zones, where a zonal or zone-redundant public IP cannot be created
   * ("The above options for zones are only valid selections in regions with Availability Zones",
   * learn.microsoft.com/azure/virtual-network/ip-services/create-public-ip-template). The site's
   * stores are zone-redundant (ZRS) too, which needs the same regions.
   * @default ["1", "2", "3"] - zone-redundant
   */
  readonly zones?: readonly string[];
  /**
   * Tags for every resource this construct creates.
   * @default - no tags
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/** A datacenter at the other end of a tunnel. */
export interface DatacenterPeer {
  /** The datacenter's site id (`[a-z][a-z0-9-]{1,20}`): names its resources and its shared-key variable. */
  readonly id: string;
  /** Its private address space: routed through the tunnel, admitted to the private endpoints on 443. */
  readonly cidr: string;
  /** The public IPv4 address of its VPN device. */
  readonly publicIp: string;
}

/** What `connect` built for one datacenter. */
export interface DatacenterConnection {
  /** The local network gateway `<namePrefix>-<id>-lgw`: the device's public address and the datacenter CIDR (static routing). */
  readonly localGateway: LocalNetworkGateway;
  /** The IPsec connection `<namePrefix>-<id>-vpn` (IKEv2, VPN_IPSEC_POLICY, no BGP) from the site gateway to the local gateway. */
  readonly connection: VirtualNetworkGatewayConnection;
  /** The sensitive variable holding the pre-shared key (no default). */
  readonly sharedKey: TerraformVariable;
}

/**
 * A site's site-to-site VPN to the state's datacenters: the only way a datacenter reaches the
 * site's stores, which accept nothing but their private endpoints.
 *
 * One per site, because "each virtual network can only have one virtual network gateway of each
 * type" (articles/vpn-gateway/vpn-gateway-about-vpn-gateway-settings.md, "Gateway types"):
 * - the VNet's GatewaySubnet (a /27, see Network.gatewaySubnetId), a Standard, static,
 *   zone-redundant public IP (the tunnel endpoint; policy rule EMB-N01 accepts a public IP only as
 *   the address of such a gateway), and a route-based VPN gateway of an AZ SKU, not active-active,
 *   without BGP, without point-to-site;
 * - per datacenter (`connect`): a local network gateway (its device's public address and its
 *   CIDR), an IPsec connection (IKEv2, VPN_IPSEC_POLICY) whose pre-shared key comes from a
 *   sensitive Terraform variable without default (`vpn_shared_key_<datacenter>`: set it with
 *   `TF_VAR_vpn_shared_key_<datacenter>`; it is kept in the Terraform state, which must therefore
 *   be encrypted and access-controlled like any secret store), and an endpoint NSG rule admitting
 *   the datacenter's CIDR on TCP 443 (nothing else: the endpoint NSG denies all other inbound, the
 *   workload NSG admits nothing from the datacenter).
 *
 * Routing is static: the local network gateway's address space is the datacenter CIDR. BGP is off
 * although the topology gives the datacenter's ASN, because Azure needs the device's BGP peering
 * address too (`bgp_settings.bgp_peering_address` is Required in
 * internal/services/network/local_network_gateway_resource.go), which the topology does not have.
 *
 * DNS: the copy job connects to `https://<account>.blob.core.windows.net`; public DNS answers with
 * a CNAME to `<account>.privatelink.blob.core.windows.net`, which only the site's private DNS zone
 * (linked to the VNet) resolves to the private endpoint's address. The datacenter's DNS servers
 * must therefore send those names into the VNet: a conditional forwarder for each account name
 * (`<account>.blob.core.windows.net`, narrowest; or the whole `blob.core.windows.net` zone) to an
 * Azure DNS Private Resolver inbound endpoint in the site VNet, reached over this VPN ("On-premises
 * DNS servers have conditional forwarders configured for each private endpoint public DNS zone,
 * pointing to the DNS private resolver hosted in the hub virtual network", Microsoft Cloud
 * Adoption Framework, "Private Link and DNS integration at scale"; see also
 * learn.microsoft.com/azure/private-link/private-endpoint-dns-integration and
 * learn.microsoft.com/azure/dns/private-resolver-hybrid-dns).
 * Forward the public name, not `privatelink.blob.core.windows.net` alone: a forwarder for the
 * privatelink zone only works where the datacenter's resolver follows the public CNAME into it.
 * Equivalent without a resolver: A records for `<account>.privatelink.blob.core.windows.net` on the
 * datacenter's own DNS, with each endpoint's private address (kept by hand). This construct does
 * not build the resolver (a delegated subnet, an inbound endpoint and its own NSG rule for port 53,
 * in the regions that offer it); the account names are stack outputs.
 */
export class SiteVpn extends Construct {
  /** The virtual network gateway. */
  public readonly resource: VirtualNetworkGateway;
  /** The gateway's Standard, static public IP `<namePrefix>-vpngw-ip` (zone-redundant unless `zones` says otherwise). */
  public readonly publicIp: PublicIp;
  /** The gateway's public IPv4 address (known after apply): the datacenter devices' peer address. */
  public readonly gatewayAddress: string;
  private readonly props: SiteVpnProps;
  private readonly tags: Record<string, string>;
  private readonly peers = new Map<string, { readonly peer: DatacenterPeer; readonly built: DatacenterConnection }>();

  constructor(scope: Construct, id: string, props: SiteVpnProps) {
    super(scope, id);
    const sku = props.sku ?? "VpnGw1AZ";
    const zones = props.zones ?? ZONES;
    const problems: string[] = [];
    if (!(sku in VPN_GATEWAY_GENERATION)) {
      problems.push(`sku must be one of ${Object.keys(VPN_GATEWAY_GENERATION).join(", ")} (Azure creates no new non-AZ VPN gateways), got '${sku}'`);
    }
    const badZones = zones.filter((z, i) => !ZONES.includes(z) || zones.indexOf(z) !== i);
    if (badZones.length > 0) problems.push(`zones must be distinct values of ${ZONES.join(", ")}, got [${zones.map((z) => `'${z}'`).join(", ")}]`);
    for (const name of [`${props.namePrefix}-vpngw`, `${props.namePrefix}-vpngw-ip`]) {
      if (!Token.isUnresolved(name) && !NETWORK_NAME.test(name)) {
        problems.push(`the name '${name}' (from namePrefix) must be 1-80 letters, digits, '_', '.' and '-', starting with a letter or digit and not ending with '.' or '-'`);
      }
    }
    if (problems.length > 0) throw new Error(problems.join("\n"));
    this.props = props;
    this.tags = { ...(props.tags ?? {}) };

    // azurerm_public_ip: a Standard SKU needs allocation_method Static; Basic can no longer be
    // created (internal/services/network/public_ip_resource.go, CustomizeDiff).
    this.publicIp = new PublicIp(this, "PublicIp", {
      name: `${props.namePrefix}-vpngw-ip`,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      sku: "Standard",
      skuTier: "Regional",
      allocationMethod: "Static",
      ipVersion: "IPv4",
      ...(zones.length > 0 ? { zones: [...zones] } : {}),
      tags: this.tags,
    });
    this.gatewayAddress = this.publicIp.ipAddress;

    // azurerm_virtual_network_gateway (virtual_network_gateway_resource.go): type Vpn | ExpressRoute,
    // vpn_type RouteBased | PolicyBased, generation Generation1 | Generation2 | None, enable_bgp (the
    // 4.x name; not yet *_enabled), ip_configuration.subnet_id must name a subnet called GatewaySubnet.
    this.resource = new VirtualNetworkGateway(this, "Resource", {
      name: `${props.namePrefix}-vpngw`,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      type: "Vpn",
      vpnType: "RouteBased",
      sku,
      generation: VPN_GATEWAY_GENERATION[sku],
      activeActive: false,
      enableBgp: false,
      privateIpAddressEnabled: false,
      ipConfiguration: [
        {
          name: "vnetGatewayConfig",
          subnetId: props.network.gatewaySubnetId(),
          publicIpAddressId: this.publicIp.id,
          privateIpAddressAllocation: "Dynamic",
        },
      ],
      tags: this.tags,
    });
  }

  /**
   * Builds the tunnel to one datacenter: its local network gateway, the IPsec connection with its
   * shared-key variable, and its admission to the private endpoints on 443. Once per datacenter.
   */
  public connect(peer: DatacenterPeer): DatacenterConnection {
    const problems: string[] = [];
    if (!SITE_ID.test(peer.id)) problems.push(`datacenter id must be 2-21 lower-case letters, digits and hyphens starting with a letter, got '${peer.id}'`);
    if (this.peers.has(peer.id)) problems.push(`datacenter '${peer.id}' is already connected to this VPN gateway`);
    const ip = /^\d{1,3}(\.\d{1,3}){3}$/.test(peer.publicIp) && ipaddr.IPv4.isValidFourPartDecimal(peer.publicIp) ? checkPublicIp(peer.publicIp) : undefined;
    if (!ip) problems.push(`publicIp of datacenter '${peer.id}' must be an IPv4 address, got '${peer.publicIp}'`);
    else if (!ip.ok) problems.push(`datacenter '${peer.id}': ${ip.problem}`);
    const range = ipaddr.IPv4.isValidCIDR(peer.cidr) ? ipaddr.IPv4.parseCIDR(peer.cidr) : undefined;
    if (!range || range[0].range() !== "private") {
      problems.push(`cidr of datacenter '${peer.id}' must be a private IPv4 CIDR (RFC 1918), got '${peer.cidr}'`);
    } else {
      const others = [this.props.network.addressSpace, ...[...this.peers.values()].map((p) => p.peer.cidr)];
      for (const other of others) {
        if (!Token.isUnresolved(other) && ipaddr.IPv4.isValidCIDR(other) && overlaps(range, ipaddr.IPv4.parseCIDR(other))) {
          problems.push(`cidr ${peer.cidr} of datacenter '${peer.id}' overlaps ${other}; the tunnel could not route it`);
        }
      }
    }
    for (const name of [`${this.props.namePrefix}-${peer.id}-lgw`, `${this.props.namePrefix}-${peer.id}-vpn`]) {
      if (!NETWORK_NAME.test(name)) problems.push(`the name '${name}' must be 1-80 letters, digits, '_', '.' and '-'; shorten namePrefix or the datacenter id`);
    }
    if (problems.length > 0) throw new Error(problems.join("\n"));

    const scope = new Construct(this, `Datacenter-${peer.id}`);
    const tags = { ...this.tags, "embassy:datacenter": peer.id };
    const localGateway = new LocalNetworkGateway(scope, "LocalGateway", {
      name: `${this.props.namePrefix}-${peer.id}-lgw`,
      resourceGroupName: this.props.resourceGroupName,
      location: this.props.location,
      gatewayAddress: peer.publicIp,
      addressSpace: [peer.cidr],
      tags,
    });

    const variableName = sharedKeyVariableName(peer.id);
    const sharedKey = new TerraformVariable(scope, "SharedKey", {
      type: "string",
      sensitive: true,
      nullable: false,
      description: `Pre-shared key of the IKEv2 tunnel between datacenter '${peer.id}' and this site (the same value is configured on its VPN device); set it with TF_VAR_${variableName}, never in a file under version control`,
    });
    sharedKey.overrideLogicalId(variableName);
    const key = sharedKey.stringValue;
    sharedKey.addValidation({
      condition: Op.and(
        Op.and(Op.gte(Fn.lengthOf(key), MIN_SHARED_KEY_LENGTH), Op.lte(Fn.lengthOf(key), MAX_SHARED_KEY_LENGTH)),
        Fn.can(Fn.regex("^[A-Za-z0-9]+$", key)),
      ),
      // Terraform wants a sentence: a capital letter first, a period last.
      errorMessage: `The pre-shared key ${variableName} must be ${MIN_SHARED_KEY_LENGTH} to ${MAX_SHARED_KEY_LENGTH} letters and digits (for example the output of: openssl rand -hex 32).`,
    });

    // azurerm_virtual_network_gateway_connection (virtual_network_gateway_connection_resource.go):
    // type ExpressRoute | IPsec | Vnet2Vnet (IPsec needs local_network_gateway_id), connection_protocol
    // IKEv1 | IKEv2, shared_key Sensitive, enable_bgp, use_policy_based_traffic_selectors.
    const connection = new VirtualNetworkGatewayConnection(scope, "Connection", {
      name: `${this.props.namePrefix}-${peer.id}-vpn`,
      resourceGroupName: this.props.resourceGroupName,
      location: this.props.location,
      type: "IPsec",
      virtualNetworkGatewayId: this.resource.id,
      localNetworkGatewayId: localGateway.id,
      sharedKey: key,
      connectionProtocol: "IKEv2",
      enableBgp: false,
      usePolicyBasedTrafficSelectors: false,
      ipsecPolicy: { ...VPN_IPSEC_POLICY },
      tags,
    });

    this.props.network.admitHttpsToEndpoints(peer.cidr);
    const built = { localGateway, connection, sharedKey };
    this.peers.set(peer.id, { peer, built });
    return built;
  }

  /** The datacenters connected so far, by id. */
  public get datacenters(): readonly string[] {
    return [...this.peers.keys()];
  }
}

function overlaps(a: [ipaddr.IPv4, number], b: [ipaddr.IPv4, number]): boolean {
  return a[0].match(b) || b[0].match(a);
}
