import type { Construct } from "constructs";
import { EncryptedStore } from "../../lib/aws/encrypted-store";
import { LogBucket } from "../../lib/aws/log-bucket";
import { Network } from "../../lib/aws/network";
import { type DatacenterVpnOptions, SiteVpn, type SiteVpnProps } from "../../lib/aws/site-vpn";
import { CUSTODY, policyOf, resources, type Synth, synthScope } from "../fixtures";

interface Datacenter extends Partial<DatacenterVpnOptions> {
  readonly id: string;
}

/** A site (network, two stores) with a VPN to each datacenter given. */
function site(datacenters: readonly Datacenter[], props: Partial<SiteVpnProps> = {}): { synth: Synth } {
  const synth = synthScope((scope: Construct) => {
    const logBucket = new LogBucket(scope, "Logs", { custody: CUSTODY, bucketName: "site-logs" });
    const network = new Network(scope, "Network", { custody: CUSTODY, cidr: "10.30.0.0/16", region: "eu-south-2", logBucket });
    const stores = ["brp", "brk"].map(
      (r) => new EncryptedStore(scope, `Store-${r}`, { custody: CUSTODY, registryId: r, bucketName: `site-${r}`, region: "eu-south-2", retentionDays: 365, logBucket }),
    );
    const vpn = new SiteVpn(scope, "Vpn", { custody: CUSTODY, network, region: "eu-south-2", ...props });
    for (const { id, ...options } of datacenters) {
      vpn.connect(id, { publicIp: "198.51.100.10", bgpAsn: 65010, cidr: "10.40.0.0/16", stores, ...options });
    }
  });
  return { synth };
}

/** The provider's rule for security group rule descriptions (hashicorp/terraform-provider-aws, internal/service/ec2/validate.go, validSecurityGroupRuleDescription). */
const EC2_DESCRIPTION = /^[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]*$/;

const s3Interface = (synth: Synth) => resources(synth, "aws_vpc_endpoint").filter((e) => e.vpc_endpoint_type === "Interface" && e.service_name === "com.amazonaws.eu-south-2.s3");

describe("SiteVpn", () => {
  const { synth } = site([{ id: "odc-noord" }]);

  test("one VPN gateway on the site's VPC, with the default Amazon ASN, propagating into every private route table", () => {
    expect(resources(synth, "aws_vpn_gateway")).toEqual([{ vpc_id: expect.stringMatching(/^\$\{aws_vpc\.Network_\w+\.id\}$/), amazon_side_asn: "64512" }]);
    const routeTables = Object.keys(synth.resource.aws_route_table);
    const propagations = resources(synth, "aws_vpn_gateway_route_propagation");
    expect(propagations).toHaveLength(routeTables.length);
    expect(propagations.map((p) => p.route_table_id).sort()).toEqual(routeTables.map((k) => `\${aws_route_table.${k}.id}`).sort());
    propagations.forEach((p) => expect(p.vpn_gateway_id).toMatch(/^\$\{aws_vpn_gateway\.Vpn_\w+\.id\}$/));
  });

  test("the datacenter's device is a customer gateway with its public address and ASN", () => {
    expect(resources(synth, "aws_customer_gateway")).toEqual([
      { bgp_asn: "65010", ip_address: "198.51.100.10", type: "ipsec.1", tags: { Name: "odc-noord VPN device" } },
    ]);
  });

  test("the connection routes by BGP and accepts only IKEv2 with AES-256, SHA-2 and elliptic-curve DH groups on both tunnels", () => {
    const [connection] = resources(synth, "aws_vpn_connection");
    expect(connection).toMatchObject({
      type: "ipsec.1",
      static_routes_only: false,
      customer_gateway_id: expect.stringMatching(/^\$\{aws_customer_gateway\.Vpn_odc-noord_CustomerGateway_\w+\.id\}$/),
      vpn_gateway_id: expect.stringMatching(/^\$\{aws_vpn_gateway\.Vpn_\w+\.id\}$/),
    });
    for (const t of ["tunnel1", "tunnel2"]) {
      expect(connection[`${t}_ike_versions`]).toEqual(["ikev2"]);
      for (const phase of ["phase1", "phase2"]) {
        expect(connection[`${t}_${phase}_encryption_algorithms`].sort()).toEqual(["AES256", "AES256-GCM-16"]);
        expect(connection[`${t}_${phase}_integrity_algorithms`].sort()).toEqual(["SHA2-256", "SHA2-384", "SHA2-512"]);
        expect(connection[`${t}_${phase}_dh_group_numbers`].sort()).toEqual([19, 20, 21]);
      }
    }
    // Every value is one the provider and EC2 accept (internal/service/ec2/consts.go; EC2 API
    // reference, VpnTunnelOptionsSpecification).
    const valid = {
      ike_versions: ["ikev1", "ikev2"],
      encryption_algorithms: ["AES128", "AES256", "AES128-GCM-16", "AES256-GCM-16"],
      integrity_algorithms: ["SHA1", "SHA2-256", "SHA2-384", "SHA2-512"],
      phase1_dh_group_numbers: [2, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24],
      phase2_dh_group_numbers: [2, 5, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24],
    };
    for (const [attribute, value] of Object.entries(connection)) {
      const kind = Object.keys(valid).find((k) => attribute.endsWith(k)) as keyof typeof valid | undefined;
      if (kind) (value as (string | number)[]).forEach((v) => expect(valid[kind]).toContain(v));
    }
  });

  test("an S3 interface endpoint in the private subnets admits HTTPS from the datacenter only", () => {
    const [endpoint] = s3Interface(synth);
    expect(endpoint).toMatchObject({
      private_dns_enabled: false,
      subnet_ids: [expect.stringMatching(/aws_subnet\.Network_PrivateSubnetA_\w+\.id/), expect.stringMatching(/aws_subnet\.Network_PrivateSubnetB_\w+\.id/)],
      security_group_ids: [expect.stringMatching(/^\$\{aws_security_group\.Vpn_odc-noord_S3EndpointSecurityGroup_\w+\.id\}$/)],
    });
    const group = Object.entries(synth.resource.aws_security_group).find(([k]) => endpoint.security_group_ids[0].includes(k))![1] as any;
    expect(group.ingress).toEqual([
      expect.objectContaining({ description: "HTTPS from datacenter odc-noord 10.40.0.0/16 over its VPN", protocol: "tcp", from_port: 443, to_port: 443, cidr_blocks: ["10.40.0.0/16"] }),
    ]);
    expect(group.ingress[0]).toMatchObject({ ipv6_cidr_blocks: null, prefix_list_ids: null, security_groups: null, self: null });
    expect(group.egress).toEqual([]);
    for (const d of [group.description, ...group.ingress.map((r: any) => r.description)]) expect(d).toMatch(EC2_DESCRIPTION);
  });

  test("the endpoint's policy admits only the custody account, and only to the stores the datacenter sends to", () => {
    const [endpoint] = s3Interface(synth);
    expect(policyOf(endpoint.policy).Statement).toEqual([
      {
        Sid: "CustodyAccountToTheseStoresOnly",
        Effect: "Allow",
        Principal: "*",
        Action: "s3:*",
        Resource: [
          expect.stringMatching(/Store-brp_\w+\.arn\}$/),
          expect.stringMatching(/Store-brp_\w+\.arn\}\/\*$/),
          expect.stringMatching(/Store-brk_\w+\.arn\}$/),
          expect.stringMatching(/Store-brk_\w+\.arn\}\/\*$/),
        ],
        Condition: { StringEquals: { "aws:PrincipalAccount": "111111111111", "aws:ResourceAccount": "111111111111" } },
      },
    ]);
  });

  test("two datacenters share the gateway and get a connection and endpoint each", () => {
    const two = site([{ id: "odc-noord" }, { id: "odc-zuid", publicIp: "198.51.100.20", bgpAsn: 65020, cidr: "10.41.0.0/16" }]).synth;
    expect(resources(two, "aws_vpn_gateway")).toHaveLength(1);
    expect(resources(two, "aws_vpn_gateway_route_propagation")).toHaveLength(1);
    expect(resources(two, "aws_customer_gateway").map((g) => [g.ip_address, g.bgp_asn])).toEqual([
      ["198.51.100.10", "65010"],
      ["198.51.100.20", "65020"],
    ]);
    expect(resources(two, "aws_vpn_connection")).toHaveLength(2);
    expect(s3Interface(two)).toHaveLength(2);
  });

  test("a 4-byte ASN above 2147483647 goes into bgp_asn_extended", () => {
    const big = site([{ id: "odc-noord", bgpAsn: 4200000001 }]).synth;
    expect(resources(big, "aws_customer_gateway")[0]).toMatchObject({ bgp_asn_extended: "4200000001" });
    expect(resources(big, "aws_customer_gateway")[0].bgp_asn).toBeUndefined();
  });

  test("fails when the datacenter's ASN is the gateway's own", () => {
    expect(() => site([{ id: "odc-noord", bgpAsn: 64512 }])).toThrow(
      "bgpAsn 64512 is the Amazon side's ASN of this site's VPN gateway (amazonSideAsn); BGP needs two different ASNs for datacenter 'odc-noord'",
    );
    expect(() => site([{ id: "odc-noord", bgpAsn: 64513 }], { amazonSideAsn: 64513 })).toThrow(/bgpAsn 64513 is the Amazon side's ASN/);
  });

  test("fails when the gateway's ASN is not private", () => {
    expect(() => site([], { amazonSideAsn: 65010 + 1000 })).toThrow(
      "amazonSideAsn must be a private ASN, 64512-65534 or 4200000000-4294967294 (CreateVpnGateway), got 66010",
    );
  });

  test("fails on a malformed datacenter, naming every problem", () => {
    expect(() => site([{ id: "ODC Noord", publicIp: "198.51.100.300", cidr: "10.40.0.0", bgpAsn: 0, stores: [] }])).toThrow(
      [
        "datacenterId must be 1-63 characters of [a-z0-9-] starting with a letter, got 'ODC Noord'",
        "publicIp must be an IPv4 address, got '198.51.100.300' for datacenter 'ODC Noord'",
        "cidr must be an IPv4 CIDR block such as 10.40.0.0/16, got '10.40.0.0' for datacenter 'ODC Noord'",
        "bgpAsn must be a whole number from 1 to 4294967295, got 0 for datacenter 'ODC Noord'",
        "stores must list at least one store for datacenter 'ODC Noord', got none",
      ].join("\n"),
    );
  });

  test("fails when a datacenter is connected twice", () => {
    expect(() => site([{ id: "odc-noord" }, { id: "odc-noord" }])).toThrow("datacenter 'odc-noord' is already connected to this site's VPN gateway");
  });
});
