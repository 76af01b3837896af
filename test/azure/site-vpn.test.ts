import * as ipaddr from "ipaddr.js";
import { LogStore } from "../../lib/azure/log-store";
import { Network } from "../../lib/azure/network";
import { type DatacenterPeer, SiteVpn, type SiteVpnProps } from "../../lib/azure/site-vpn";
import { type Resource, type Synth, only, resources, resourcesById, synthScope } from "./fixtures";

type VpnSynth = Synth & { readonly variable?: Readonly<Record<string, Resource>> };

const NOORD: DatacenterPeer = { id: "odc-noord", cidr: "10.40.0.0/16", publicIp: "198.51.100.10" };
const ZUID: DatacenterPeer = { id: "odc-zuid", cidr: "10.41.0.0/16", publicIp: "203.0.113.20" };

interface Options {
  readonly cidr?: string;
  readonly peers?: readonly DatacenterPeer[];
  readonly vpn?: Partial<Pick<SiteVpnProps, "sku" | "zones" | "namePrefix">>;
}

/** A site network (as the stacks build it) with a SiteVpn connected to `peers`. */
function build(options: Options = {}): VpnSynth {
  return synthScope((scope) => {
    const common = { resourceGroupName: "rg-test", location: "westeurope" };
    const logStore = new LogStore(scope, "Logs", { ...common, workspaceName: "test-logs", flowLogAccountName: "testlogs" });
    const network = new Network(scope, "Network", { ...common, namePrefix: "test", cidr: options.cidr ?? "10.10.0.0/16", logStore });
    const vpn = new SiteVpn(scope, "Vpn", { ...common, namePrefix: "test", network, ...options.vpn });
    for (const peer of options.peers ?? [NOORD]) vpn.connect(peer);
  }) as VpnSynth;
}

/** The logical id of the one resource of `type` with `name`. */
function idOf(synth: Synth, type: string, name: string): string {
  const ids = Object.entries(resourcesById(synth, type))
    .filter(([, r]) => r.name === name)
    .map(([id]) => id);
  expect(ids).toHaveLength(1);
  return ids[0];
}

/** Terraform's cidrsubnet(prefix, newbits, netnum), evaluated here (independently of the construct's arithmetic). */
function cidrsubnet(prefix: string, newbits: number, netnum: number): [ipaddr.IPv4, number] {
  const [base, length] = ipaddr.IPv4.parseCIDR(prefix);
  const start = base.toByteArray().reduce((n, b) => n * 256 + b, 0) + netnum * 2 ** (32 - length - newbits);
  return [ipaddr.IPv4.parse([24, 16, 8, 0].map((s) => Math.floor(start / 2 ** s) % 256).join(".")), length + newbits];
}

/** A subnet's address range: a literal CIDR, or a `${cidrsubnet("...", n, k)}` expression. */
function rangeOf(prefix: string): [ipaddr.IPv4, number] {
  const expression = /^\$\{cidrsubnet\("([^"]+)", (\d+), (\d+)\)\}$/.exec(prefix);
  if (expression) return cidrsubnet(expression[1], Number(expression[2]), Number(expression[3]));
  return ipaddr.IPv4.parseCIDR(prefix);
}

const inside = (inner: [ipaddr.IPv4, number], outer: [ipaddr.IPv4, number]) => inner[1] >= outer[1] && inner[0].match(outer);
const overlap = (a: [ipaddr.IPv4, number], b: [ipaddr.IPv4, number]) => a[0].match(b) || b[0].match(a);

describe("SiteVpn", () => {
  const synth = build();
  const ipId = idOf(synth, "azurerm_public_ip", "test-vpngw-ip");
  const gatewayId = idOf(synth, "azurerm_virtual_network_gateway", "test-vpngw");
  const subnetId = idOf(synth, "azurerm_subnet", "GatewaySubnet");

  test("a Standard, static, zone-redundant IPv4 public IP for the tunnel endpoint", () => {
    expect(only(synth, "azurerm_public_ip")).toEqual({
      name: "test-vpngw-ip",
      resource_group_name: "rg-test",
      location: "westeurope",
      sku: "Standard",
      sku_tier: "Regional",
      allocation_method: "Static",
      ip_version: "IPv4",
      zones: ["1", "2", "3"],
      tags: {},
    });
  });

  test("a route-based VPN gateway of an AZ SKU in the GatewaySubnet: not active-active, no BGP, no point-to-site", () => {
    const gateway = only(synth, "azurerm_virtual_network_gateway");
    expect(gateway).toMatchObject({
      name: "test-vpngw",
      type: "Vpn",
      vpn_type: "RouteBased",
      sku: "VpnGw1AZ",
      generation: "Generation1",
      active_active: false,
      enable_bgp: false,
      private_ip_address_enabled: false,
      ip_configuration: [
        {
          name: "vnetGatewayConfig",
          subnet_id: `\${azurerm_subnet.${subnetId}.id}`,
          public_ip_address_id: `\${azurerm_public_ip.${ipId}.id}`,
          private_ip_address_allocation: "Dynamic",
        },
      ],
    });
    expect(gateway.vpn_client_configuration).toBeUndefined();
    expect(gateway.bgp_settings).toBeUndefined();
  });

  test("the GatewaySubnet is a /27 inside the site CIDR that overlaps no other subnet, without an NSG", () => {
    const gatewaySubnet = resourcesById(synth, "azurerm_subnet")[subnetId];
    expect(gatewaySubnet).toMatchObject({ name: "GatewaySubnet", address_prefixes: ["10.10.64.0/27"] });
    const range = rangeOf((gatewaySubnet.address_prefixes as string[])[0]);
    expect(range[1]).toBe(27);
    expect(inside(range, ipaddr.IPv4.parseCIDR("10.10.0.0/16"))).toBe(true);
    const others = resources(synth, "azurerm_subnet").filter((s) => s.name !== "GatewaySubnet");
    expect(others.map((s) => s.name).sort()).toEqual(["private-endpoints", "workloads"]);
    for (const other of others) expect(overlap(range, rangeOf((other.address_prefixes as string[])[0]))).toBe(false);
    const associated = resources(synth, "azurerm_subnet_network_security_group_association").map((a) => a.subnet_id);
    expect(associated).not.toContain(`\${azurerm_subnet.${subnetId}.id}`);
  });

  test.each(["10.0.0.0/8", "172.16.0.0/12", "10.20.0.0/20", "192.168.4.0/24", "192.168.4.128/25"])("in a %s site the GatewaySubnet is a /27 inside it, clear of the other subnets", (cidr) => {
    const s = build({ cidr, peers: [{ ...NOORD, cidr: "192.168.250.0/24" }] });
    const subnets = resources(s, "azurerm_subnet");
    const gateway = rangeOf(((subnets.find((x) => x.name === "GatewaySubnet")?.address_prefixes as string[]) ?? [])[0]);
    expect(gateway[1]).toBe(27);
    expect(inside(gateway, ipaddr.IPv4.parseCIDR(cidr))).toBe(true);
    for (const other of subnets.filter((x) => x.name !== "GatewaySubnet")) expect(overlap(gateway, rangeOf((other.address_prefixes as string[])[0]))).toBe(false);
  });

  test("a local network gateway per datacenter: its device's address and its CIDR, static routing (no BGP settings)", () => {
    expect(only(synth, "azurerm_local_network_gateway")).toEqual({
      name: "test-odc-noord-lgw",
      resource_group_name: "rg-test",
      location: "westeurope",
      gateway_address: "198.51.100.10",
      address_space: ["10.40.0.0/16"],
      tags: { "embassy:datacenter": "odc-noord" },
    });
  });

  test("an IKEv2 IPsec connection with AES-256-GCM, SHA-384 and P-384, keyed from the datacenter's variable", () => {
    const lgwId = idOf(synth, "azurerm_local_network_gateway", "test-odc-noord-lgw");
    expect(only(synth, "azurerm_virtual_network_gateway_connection")).toEqual({
      name: "test-odc-noord-vpn",
      resource_group_name: "rg-test",
      location: "westeurope",
      type: "IPsec",
      virtual_network_gateway_id: `\${azurerm_virtual_network_gateway.${gatewayId}.id}`,
      local_network_gateway_id: `\${azurerm_local_network_gateway.${lgwId}.id}`,
      shared_key: "${var.vpn_shared_key_odc_noord}",
      connection_protocol: "IKEv2",
      enable_bgp: false,
      use_policy_based_traffic_selectors: false,
      ipsec_policy: {
        ike_encryption: "GCMAES256",
        ike_integrity: "SHA384",
        dh_group: "ECP384",
        ipsec_encryption: "GCMAES256",
        ipsec_integrity: "GCMAES256",
        pfs_group: "ECP384",
        sa_lifetime: 27000,
        sa_datasize: 102400000,
      },
      tags: { "embassy:datacenter": "odc-noord" },
    });
  });

  test("the shared key is a sensitive variable without default, checked for length and characters", () => {
    const variable = synth.variable?.vpn_shared_key_odc_noord;
    expect(variable).toMatchObject({ type: "string", sensitive: true, nullable: false });
    expect(variable).not.toHaveProperty("default");
    expect(variable?.validation).toEqual([
      {
        condition: '${(((length(var.vpn_shared_key_odc_noord) >= 32) && (length(var.vpn_shared_key_odc_noord) <= 128)) && can(regex("^[A-Za-z0-9]+$", var.vpn_shared_key_odc_noord)))}',
        error_message: "The pre-shared key vpn_shared_key_odc_noord must be 32 to 128 letters and digits (for example the output of: openssl rand -hex 32).",
      },
    ]);
    expect(JSON.stringify(synth)).not.toMatch(/"shared_key":\s*"[^$]/);
  });

  test("the endpoint NSG admits the datacenter on TCP 443 only, at a priority no other rule of that NSG holds", () => {
    const nsgId = idOf(synth, "azurerm_network_security_group", "test-endpoints-nsg");
    const rules = resources(synth, "azurerm_network_security_rule").filter((r) => r.network_security_group_name === `\${azurerm_network_security_group.${nsgId}.name}`);
    const rule = rules.find((r) => r.name === "allow-https-from-datacenters");
    expect(rule).toEqual({
      name: "allow-https-from-datacenters",
      resource_group_name: "rg-test",
      network_security_group_name: `\${azurerm_network_security_group.${nsgId}.name}`,
      priority: 200,
      direction: "Inbound",
      access: "Allow",
      protocol: "Tcp",
      source_port_range: "*",
      destination_port_range: "443",
      source_address_prefixes: ["10.40.0.0/16"],
      destination_address_prefix: '${cidrsubnet("10.10.0.0/16", 2, 0)}',
      description: "HTTPS from the state's datacenters, over the site VPN, to the private endpoints",
    });
    const inbound = rules.filter((r) => r.direction === "Inbound").map((r) => r.priority as number);
    expect(new Set(inbound).size).toBe(inbound.length);
    for (const p of inbound) expect(p).toBeGreaterThanOrEqual(100);
    for (const p of inbound) expect(p).toBeLessThanOrEqual(4096);
    // Nothing admits the datacenter to the workloads.
    const workloadRules = resources(synth, "azurerm_network_security_rule").filter((r) => r.network_security_group_name !== `\${azurerm_network_security_group.${nsgId}.name}`);
    expect(workloadRules.filter((r) => r.access === "Allow" && r.direction === "Inbound")).toEqual([]);
  });

  describe("variants", () => {
    test("two datacenters share the gateway; each has its own local gateway, connection and key; one NSG rule lists both CIDRs, sorted", () => {
      const s = build({ peers: [ZUID, NOORD] });
      expect(resources(s, "azurerm_virtual_network_gateway")).toHaveLength(1);
      expect(resources(s, "azurerm_public_ip")).toHaveLength(1);
      expect(resources(s, "azurerm_local_network_gateway").map((l) => [l.name, l.gateway_address]).sort()).toEqual([
        ["test-odc-noord-lgw", "198.51.100.10"],
        ["test-odc-zuid-lgw", "203.0.113.20"],
      ]);
      expect(resources(s, "azurerm_virtual_network_gateway_connection").map((c) => c.shared_key).sort()).toEqual(["${var.vpn_shared_key_odc_noord}", "${var.vpn_shared_key_odc_zuid}"]);
      expect(Object.keys(s.variable ?? {}).sort()).toEqual(["vpn_shared_key_odc_noord", "vpn_shared_key_odc_zuid"]);
      const rules = resources(s, "azurerm_network_security_rule").filter((r) => r.name === "allow-https-from-datacenters");
      expect(rules).toHaveLength(1);
      expect(rules[0].source_address_prefixes).toEqual(["10.40.0.0/16", "10.41.0.0/16"]);
    });

    test.each([
      ["VpnGw2AZ", "Generation2"],
      ["VpnGw5AZ", "Generation2"],
    ] as const)("sku %s takes %s", (sku, generation) => {
      expect(only(build({ vpn: { sku } }), "azurerm_virtual_network_gateway")).toMatchObject({ sku, generation });
    });

    test("zones [] (a region without availability zones) leaves the public IP regional", () => {
      expect(only(build({ vpn: { zones: [] } }), "azurerm_public_ip")).not.toHaveProperty("zones");
    });
  });

  describe("fails when", () => {
    test("the SKU is not an AZ SKU", () => {
      expect(() => build({ vpn: { sku: "VpnGw1" as never } })).toThrow(/^sku must be one of VpnGw1AZ, VpnGw2AZ, VpnGw3AZ, VpnGw4AZ, VpnGw5AZ \(Azure creates no new non-AZ VPN gateways\), got 'VpnGw1'$/);
    });

    test("a zone is unknown or repeated", () => {
      expect(() => build({ vpn: { zones: ["1", "4", "1"] } })).toThrow(/^zones must be distinct values of 1, 2, 3, got \['1', '4', '1'\]$/);
    });

    test("the site CIDR is too small for a /27 in its second quarter", () => {
      expect(() => build({ cidr: "192.168.4.0/26" })).toThrow(/^cidr 192\.168\.4\.0\/26 is too small for a GatewaySubnet: its second quarter must hold a \/27, so the site needs a \/25 or larger$/);
    });

    test("the datacenter's CIDR overlaps the site, is not private, or its device address is private", () => {
      expect(() => build({ peers: [{ ...NOORD, cidr: "10.10.128.0/20" }] })).toThrow(/^cidr 10\.10\.128\.0\/20 of datacenter 'odc-noord' overlaps 10\.10\.0\.0\/16; the tunnel could not route it$/);
      expect(() => build({ peers: [{ ...NOORD, cidr: "8.8.8.0/24" }] })).toThrow(/^cidr of datacenter 'odc-noord' must be a private IPv4 CIDR \(RFC 1918\), got '8\.8\.8\.0\/24'$/);
      expect(() => build({ peers: [{ ...NOORD, publicIp: "10.0.0.1" }] })).toThrow(/^datacenter 'odc-noord': vpn\.publicIp 10\.0\.0\.1 is private address space \(RFC 1918\), not a public address/);
      expect(() => build({ peers: [{ ...NOORD, publicIp: "vpn.example.nl" }] })).toThrow(/^publicIp of datacenter 'odc-noord' must be an IPv4 address, got 'vpn\.example\.nl'$/);
    });

    test("two datacenters overlap, or one is connected twice", () => {
      expect(() => build({ peers: [NOORD, { ...ZUID, cidr: "10.40.8.0/24" }] })).toThrow(/^cidr 10\.40\.8\.0\/24 of datacenter 'odc-zuid' overlaps 10\.40\.0\.0\/16; the tunnel could not route it$/);
      expect(() => build({ peers: [NOORD, NOORD] })).toThrow(/^datacenter 'odc-noord' is already connected to this VPN gateway\ncidr 10\.40\.0\.0\/16 of datacenter 'odc-noord' overlaps 10\.40\.0\.0\/16; the tunnel could not route it$/);
    });

    test("the datacenter id is not a site id", () => {
      expect(() => build({ peers: [{ ...NOORD, id: "ODC_Noord" }] })).toThrow(/^datacenter id must be 2-21 lower-case letters, digits and hyphens starting with a letter, got 'ODC_Noord'/);
    });
  });
});
