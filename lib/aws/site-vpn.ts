import { CustomerGateway } from "@cdktf/provider-aws/lib/customer-gateway";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { VpnConnection } from "@cdktf/provider-aws/lib/vpn-connection";
import { VpnGateway } from "@cdktf/provider-aws/lib/vpn-gateway";
import { VpnGatewayRoutePropagation } from "@cdktf/provider-aws/lib/vpn-gateway-route-propagation";
import { Fn, Token } from "cdktf";
import { Construct } from "constructs";
import type { AwsCustody } from "./custody";
import type { IEncryptedStore, IVpcEndpointRef } from "./encrypted-store";
import { renderPolicy } from "./policy-document";

/** The parts of a site's network a VPN attaches to (lib/aws/network.ts Network has them). */
export interface IVpcNetwork {
  /** The id of the VPC the gateway attaches to. */
  readonly vpcId: string;
  /** The private subnets, where the S3 interface endpoint gets its network interfaces. */
  readonly subnetIds: readonly string[];
  /** The private subnets' route tables, into which the VPN gateway propagates the datacenter's routes. */
  readonly privateRouteTableIds: readonly string[];
}

/** How a SiteVpn is built. */
export interface SiteVpnProps {
  /** The owning state's account: the gateway and connections live in it. */
  readonly custody: AwsCustody;
  /** The site's network, whose VPC gets the virtual private gateway. */
  readonly network: IVpcNetwork;
  /** The site's region, for the S3 endpoint's service name. */
  readonly region: string;
  /**
   * The private ASN of the Amazon side of every BGP session: 64512-65534 or 4200000000-4294967294
   * (EC2 API reference, CreateVpnGateway, AmazonSideAsn). It must differ from each datacenter's.
   * @default 64512 - the default of CreateVpnGateway
   */
  readonly amazonSideAsn?: number;
}

/** The datacenter end of one site-to-site VPN, as the topology declares it (`vpn` and `cidr`). */
export interface DatacenterVpnOptions {
  /** The public IPv4 address of the datacenter's VPN device. */
  readonly publicIp: string;
  /** The BGP ASN of the datacenter's VPN device (1 to 4294967295, not the Amazon side's). */
  readonly bgpAsn: number;
  /** The datacenter's private address space: the only source the S3 endpoint admits. */
  readonly cidr: string;
  /** The stores the datacenter may reach through the S3 endpoint (its endpoint policy names only their buckets). */
  readonly stores: readonly IEncryptedStore[];
}

/** An S3 interface endpoint as the datacenter's copy job uses it. */
export interface IS3InterfaceEndpoint extends IVpcEndpointRef {
  /**
   * The endpoint's regional DNS name, `vpce-<id>.s3.<region>.vpce.amazonaws.com`. An S3 client
   * takes `https://bucket.<this name>` as its endpoint URL, with the literal label `bucket`, and
   * names buckets as usual (S3 User Guide, "AWS PrivateLink for Amazon S3", "Accessing buckets ...
   * from S3 interface endpoints"). Public DNS resolves it to the endpoint's private addresses, so
   * the datacenter needs no DNS forwarding.
   */
  readonly dnsName: string;
}

/** What `SiteVpn.connect` built for one datacenter. */
export interface DatacenterConnection {
  /** The VPN connection's id (`vpn-...`): the datacenter's network team downloads its device configuration by it. */
  readonly connectionId: string;
  /** The S3 interface endpoint the datacenter reaches through the tunnel. */
  readonly s3Endpoint: IS3InterfaceEndpoint;
}

const PRIVATE_ASN = (asn: number) => (asn >= 64512 && asn <= 65534) || (asn >= 4200000000 && asn <= 4294967294);
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV4_CIDR = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}\/(3[0-2]|[12]?\d)$/;
/** Datacenter ids become construct ids and security group descriptions (EC2's character set). */
const DATACENTER_ID = /^[a-z][a-z0-9-]{0,62}$/;

/**
 * Tunnel options of every VPN connection: IKEv2 only, AES-256 (GCM or CBC), SHA-2 integrity and
 * elliptic-curve Diffie-Hellman groups 19, 20 and 21 in both phases (so phase 2 always has perfect
 * forward secrecy). Everything weaker that AWS accepts by default is left out: IKEv1, AES-128,
 * SHA-1, and the MODP groups 2, 5 and 14-18, 22-24 (EC2 API reference, VpnTunnelOptionsSpecification,
 * valid values; hashicorp/terraform-provider-aws internal/service/ec2/vpnsite_connection.go,
 * `tunnel{1,2}_ike_versions`, `tunnel{1,2}_phase{1,2}_encryption_algorithms`,
 * `..._integrity_algorithms` validated against the enums of internal/service/ec2/consts.go:
 * ikev1 | ikev2; AES128 | AES256 | AES128-GCM-16 | AES256-GCM-16; SHA1 | SHA2-256 | SHA2-384 |
 * SHA2-512; the DH group numbers are passed to the API unvalidated).
 */
export const VPN_TUNNEL_CRYPTO = {
  /** IKE versions the tunnels accept. */
  ikeVersions: ["ikev2"],
  /** Phase 1 and 2 encryption algorithms. */
  encryptionAlgorithms: ["AES256-GCM-16", "AES256"],
  /** Phase 1 and 2 integrity algorithms. */
  integrityAlgorithms: ["SHA2-256", "SHA2-384", "SHA2-512"],
  /** Phase 1 and 2 Diffie-Hellman groups (elliptic curves only). */
  dhGroupNumbers: [19, 20, 21],
} as const;

/**
 * The AWS end of site-to-site VPNs to the state's datacenters, and what a datacenter reaches over
 * one: a virtual private gateway attached to the site's VPC, propagating the routes it learns by
 * BGP into the private route tables; then, per datacenter ({@link SiteVpn.connect}), a customer
 * gateway, a VPN connection with dynamic (BGP) routing and the tunnel crypto of
 * {@link VPN_TUNNEL_CRYPTO}, and an S3 interface endpoint in the private subnets whose security
 * group admits only HTTPS from that datacenter's range and whose policy admits only the custody
 * account and the stores the datacenter sends to.
 *
 * One gateway serves every datacenter because a VPC has at most one virtual private gateway
 * attached ("You can attach one virtual private gateway to one VPC at a time", EC2 API reference,
 * AttachVpnGateway). The S3 endpoint is per datacenter, so a store can require each
 * datacenter's ingest role to come through its own endpoint (see OnPremIngest).
 *
 * Private DNS stays off on the S3 endpoint: the VPC's S3 gateway endpoint keeps serving traffic
 * from inside the VPC ("Interface endpoints are compatible with gateway endpoints", S3 User Guide,
 * "AWS PrivateLink for Amazon S3"), and the copy job names the endpoint-specific DNS name instead.
 * The tunnels' pre-shared keys are generated by AWS and kept in the Terraform state (marked
 * sensitive), as are the customer gateway configuration: the state backend must be protected.
 */
export class SiteVpn extends Construct {
  /** The virtual private gateway attached to the site's VPC. */
  public readonly gateway: VpnGateway;
  /** The BGP ASN of the Amazon side of every connection. */
  public readonly amazonSideAsn: number;
  private readonly props: SiteVpnProps;
  private readonly connections = new Map<string, DatacenterConnection>();

  constructor(scope: Construct, id: string, props: SiteVpnProps) {
    super(scope, id);
    const asn = props.amazonSideAsn ?? 64512;
    if (!Token.isUnresolved(asn) && (!Number.isInteger(asn) || !PRIVATE_ASN(asn))) {
      throw new Error(`amazonSideAsn must be a private ASN, 64512-65534 or 4200000000-4294967294 (CreateVpnGateway), got ${asn}`);
    }
    if (props.network.privateRouteTableIds.length === 0) {
      throw new Error("network.privateRouteTableIds must list at least one route table for the VPN routes, got none");
    }
    this.props = props;
    this.amazonSideAsn = asn;
    this.gateway = new VpnGateway(this, "Resource", { vpcId: props.network.vpcId, amazonSideAsn: String(asn) });
    // Ids by position, as the network numbers its subnets (A, B, ...): the site's route tables are
    // created in a fixed order and never reordered.
    props.network.privateRouteTableIds.forEach((routeTableId, i) => {
      new VpnGatewayRoutePropagation(this, `RoutePropagation${String.fromCharCode(65 + i)}`, { vpnGatewayId: this.gateway.id, routeTableId });
    });
  }

  /**
   * Connects one datacenter: its customer gateway, a VPN connection with BGP to this site's
   * gateway, and an S3 interface endpoint reachable only from its address space. Construct ids
   * derive from `datacenterId` (the topology's site id); each datacenter is connected once.
   */
  public connect(datacenterId: string, options: DatacenterVpnOptions): DatacenterConnection {
    const problems: string[] = [];
    if (!DATACENTER_ID.test(datacenterId)) problems.push(`datacenterId must be 1-63 characters of [a-z0-9-] starting with a letter, got '${datacenterId}'`);
    if (this.connections.has(datacenterId)) problems.push(`datacenter '${datacenterId}' is already connected to this site's VPN gateway`);
    const at = `for datacenter '${datacenterId}'`;
    if (!Token.isUnresolved(options.publicIp) && !IPV4.test(options.publicIp)) problems.push(`publicIp must be an IPv4 address, got '${options.publicIp}' ${at}`);
    if (!Token.isUnresolved(options.cidr) && !IPV4_CIDR.test(options.cidr)) problems.push(`cidr must be an IPv4 CIDR block such as 10.40.0.0/16, got '${options.cidr}' ${at}`);
    const asn = options.bgpAsn;
    if (!Token.isUnresolved(asn)) {
      if (!Number.isInteger(asn) || asn < 1 || asn > 4294967295) problems.push(`bgpAsn must be a whole number from 1 to 4294967295, got ${asn} ${at}`);
      else if (asn === this.amazonSideAsn) problems.push(`bgpAsn ${asn} is the Amazon side's ASN of this site's VPN gateway (amazonSideAsn); BGP needs two different ASNs ${at}`);
    }
    if (options.stores.length === 0) problems.push(`stores must list at least one store ${at}, got none`);
    if (problems.length > 0) throw new Error(problems.join("\n"));

    const scope = new Construct(this, datacenterId);
    // bgp_asn takes 1-2147483647 and bgp_asn_extended 2147483648-4294967295 (EC2 API reference,
    // CreateCustomerGateway, BgpAsn / BgpAsnExtended; the provider parses bgp_asn as a 32-bit
    // signed integer, internal/service/ec2/vpnsite_customer_gateway.go).
    const customerGateway = new CustomerGateway(scope, "CustomerGateway", {
      ...(asn > 2147483647 ? { bgpAsnExtended: String(asn) } : { bgpAsn: String(asn) }),
      ipAddress: options.publicIp,
      type: "ipsec.1",
      tags: { Name: `${datacenterId} VPN device` },
    });
    const crypto = VPN_TUNNEL_CRYPTO;
    const tunnel = {
      ikeVersions: [...crypto.ikeVersions],
      phase1EncryptionAlgorithms: [...crypto.encryptionAlgorithms],
      phase1IntegrityAlgorithms: [...crypto.integrityAlgorithms],
      phase1DhGroupNumbers: [...crypto.dhGroupNumbers],
      phase2EncryptionAlgorithms: [...crypto.encryptionAlgorithms],
      phase2IntegrityAlgorithms: [...crypto.integrityAlgorithms],
      phase2DhGroupNumbers: [...crypto.dhGroupNumbers],
    };
    const connection = new VpnConnection(scope, "Connection", {
      customerGatewayId: customerGateway.id,
      vpnGatewayId: this.gateway.id,
      type: "ipsec.1",
      // Dynamic routing: the datacenter announces its range by BGP, the gateway propagates it.
      staticRoutesOnly: false,
      tunnel1IkeVersions: tunnel.ikeVersions,
      tunnel1Phase1EncryptionAlgorithms: tunnel.phase1EncryptionAlgorithms,
      tunnel1Phase1IntegrityAlgorithms: tunnel.phase1IntegrityAlgorithms,
      tunnel1Phase1DhGroupNumbers: tunnel.phase1DhGroupNumbers,
      tunnel1Phase2EncryptionAlgorithms: tunnel.phase2EncryptionAlgorithms,
      tunnel1Phase2IntegrityAlgorithms: tunnel.phase2IntegrityAlgorithms,
      tunnel1Phase2DhGroupNumbers: tunnel.phase2DhGroupNumbers,
      tunnel2IkeVersions: tunnel.ikeVersions,
      tunnel2Phase1EncryptionAlgorithms: tunnel.phase1EncryptionAlgorithms,
      tunnel2Phase1IntegrityAlgorithms: tunnel.phase1IntegrityAlgorithms,
      tunnel2Phase1DhGroupNumbers: tunnel.phase1DhGroupNumbers,
      tunnel2Phase2EncryptionAlgorithms: tunnel.phase2EncryptionAlgorithms,
      tunnel2Phase2IntegrityAlgorithms: tunnel.phase2IntegrityAlgorithms,
      tunnel2Phase2DhGroupNumbers: tunnel.phase2DhGroupNumbers,
      tags: { Name: `${datacenterId} to this site` },
    });

    // Only validated characters (a site id, an IPv4 CIDR) go into these descriptions, so they stay
    // inside EC2's set (hashicorp/terraform-provider-aws internal/service/ec2/validate.go,
    // validSecurityGroupRuleDescription; EC2 API reference, CreateSecurityGroup, GroupDescription).
    const securityGroup = new SecurityGroup(scope, "S3EndpointSecurityGroup", {
      vpcId: this.props.network.vpcId,
      description: `HTTPS from datacenter ${datacenterId} to its S3 interface endpoint`,
      ingress: [
        {
          description: `HTTPS from datacenter ${datacenterId} ${options.cidr} over its VPN`,
          protocol: "tcp",
          fromPort: 443,
          toPort: 443,
          cidrBlocks: [options.cidr],
        },
      ],
      egress: [],
    });
    const buckets = options.stores.flatMap((s) => [s.bucketArn, `${s.bucketArn}/*`]);
    const account = this.props.custody.accountId;
    const endpoint = new VpcEndpoint(scope, "S3Endpoint", {
      vpcId: this.props.network.vpcId,
      serviceName: `com.amazonaws.${this.props.region}.s3`,
      vpcEndpointType: "Interface",
      privateDnsEnabled: false,
      subnetIds: [...this.props.network.subnetIds],
      securityGroupIds: [securityGroup.id],
      policy: renderPolicy([
        {
          Sid: "CustodyAccountToTheseStoresOnly",
          Effect: "Allow",
          Principal: "*",
          Action: "s3:*",
          Resource: buckets,
          Condition: { StringEquals: { "aws:PrincipalAccount": account, "aws:ResourceAccount": account } },
        },
      ]),
      tags: { Name: `${datacenterId} S3 over VPN` },
    });
    const result: DatacenterConnection = {
      connectionId: connection.id,
      s3Endpoint: {
        endpointId: endpoint.id,
        // The first DNS entry is the regional name, `*.vpce-<id>.s3.<region>.vpce.amazonaws.com`
        // (the zonal ones follow); the wildcard label stands for the bucket.
        dnsName: Fn.trimprefix(endpoint.dnsEntry.get(0).dnsName, "*."),
      },
    };
    this.connections.set(datacenterId, result);
    return result;
  }
}
