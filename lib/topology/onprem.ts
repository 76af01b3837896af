/**
 * Checks of what an on-premises site declares about itself: where it is, its VPN device and the
 * certificate its copy job is trusted by. Each returns the problem in words (naming the value
 * received) or undefined; validate.ts adds the site and the path.
 */
import { X509Certificate } from "node:crypto";
import * as ipaddr from "ipaddr.js";
// Types only: the package itself is loaded on first use (see countryCoder()).
import type * as CountryCoder from "@rapideditor/country-coder";
import type { Coordinates } from "../regions/catalogue";

// --- location ---------------------------------------------------------------------------------

/**
 * How far, in km, a declared point may lie outside its country's border and still count as in it.
 * country-coder's borders are simplified (they are meant for "which country is this point in",
 * not for surveying), and a datacenter close to a border or a coast may fall a few km on the
 * wrong side of the simplified line. 10 km absorbs that while still catching a datacenter
 * placed in the wrong country or city (a domestic site whose coordinates lie abroad).
 */
export const BORDER_TOLERANCE_KM = 10;

/** Rings sampled around a point that lies outside its country, as fractions of the tolerance. */
const TOLERANCE_RINGS = [0.25, 0.5, 0.75, 1];
/** Bearings sampled on each ring: every 22.5 degrees. */
const TOLERANCE_BEARINGS = 16;
const EARTH_RADIUS_KM = 6371.0088;

let coder: typeof CountryCoder | undefined;

/**
 * @rapideditor/country-coder (offline country borders, ISC licence), loaded on first use only:
 * parsing its borders costs about 100 ms, which a topology without an on-premises site never pays.
 * It ships a CommonJS build next to its ES module ("exports": { "require": "./dist/country-coder.cjs" }).
 */
function countryCoder(): typeof CountryCoder {
  coder ??= require("@rapideditor/country-coder") as typeof CountryCoder;
  return coder;
}

/** Whether `code` is an ISO 3166-1 alpha-2 code of a country or territory the borders know (not an alias such as UK, nor a grouping such as EU). */
export function isKnownCountry(code: string): boolean {
  const feature = countryCoder().feature(code);
  const p = feature?.properties;
  return !!p && p.iso1A2 === code && (p.level === "country" || p.level === "territory") && p.isoStatus !== "excRes";
}

/** The country (ISO 3166-1 alpha-2) a point lies in, or undefined at sea / outside every border. */
export function countryAt(point: Coordinates): string | undefined {
  return countryCoder().iso1A2Code([point.longitude, point.latitude]) ?? undefined;
}

function inCountry(point: Coordinates, country: string): boolean {
  // iso1A2Codes lists every feature containing the point: a territory (GL) and its country (DK) alike.
  return countryCoder().iso1A2Codes([point.longitude, point.latitude]).includes(country);
}

/** The point `km` away from `from` on the initial bearing `degrees` (great circle, mean Earth radius). */
function destination(from: Coordinates, km: number, degrees: number): Coordinates {
  const rad = Math.PI / 180;
  const d = km / EARTH_RADIUS_KM;
  const theta = degrees * rad;
  const phi1 = from.latitude * rad;
  const lambda1 = from.longitude * rad;
  const phi2 = Math.asin(Math.sin(phi1) * Math.cos(d) + Math.cos(phi1) * Math.sin(d) * Math.cos(theta));
  const lambda2 = lambda1 + Math.atan2(Math.sin(theta) * Math.sin(d) * Math.cos(phi1), Math.cos(d) - Math.sin(phi1) * Math.sin(phi2));
  return { latitude: phi2 / rad, longitude: ((((lambda2 / rad) + 540) % 360) - 180) };
}

/**
 * Whether a point lies in `country`, or within {@link BORDER_TOLERANCE_KM} of it: the point itself,
 * then 16 points on each of four rings up to the tolerance, are looked up.
 */
export function liesIn(point: Coordinates, country: string): boolean {
  if (inCountry(point, country)) return true;
  for (const fraction of TOLERANCE_RINGS) {
    for (let i = 0; i < TOLERANCE_BEARINGS; i++) {
      if (inCountry(destination(point, BORDER_TOLERANCE_KM * fraction, (360 / TOLERANCE_BEARINGS) * i), country)) return true;
    }
  }
  return false;
}

/** Why a declared location is not in its country, or undefined when it is (within the tolerance). */
export function locationProblem(location: { readonly country: string; readonly latitude: number; readonly longitude: number }): string | undefined {
  const { country, latitude, longitude } = location;
  if (!isKnownCountry(country)) return `location.country '${country}' is not an ISO 3166-1 alpha-2 code of a country or territory`;
  if (liesIn(location, country)) return undefined;
  const actual = countryAt(location);
  const where = actual ? `lies in ${actual}` : "lies in no country (at sea, or outside every border)";
  const swapped = Math.abs(longitude) <= 90 && liesIn({ latitude: longitude, longitude: latitude }, country);
  const hint = swapped ? "; latitude and longitude look swapped" : "; check the coordinates (decimal degrees, north and east positive)";
  return `latitude ${latitude}, longitude ${longitude} ${where}, not in ${country} (location.country), nor within ${BORDER_TOLERANCE_KM} km of it${hint}`;
}

// --- VPN device -------------------------------------------------------------------------------

/**
 * The IPv4 documentation ranges (RFC 5737: TEST-NET-1, -2, -3). An address there cannot be a
 * real VPN device, but it is what examples and drafts use, so it is a warning, not an error.
 */
const DOCUMENTATION_RANGES = ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"].map((c) => ipaddr.IPv4.parseCIDR(c));

/** What ipaddr.js calls each special range, in words (its table follows the IANA special-purpose registry). */
const RANGE_NAMES: Readonly<Record<string, string>> = {
  private: "private address space (RFC 1918)",
  carrierGradeNat: "shared carrier-grade NAT space (RFC 6598)",
  loopback: "loopback (RFC 1122)",
  linkLocal: "link-local (RFC 3927)",
  multicast: "multicast (RFC 5771)",
  unspecified: "the unspecified 'this network' block (RFC 1122)",
  broadcast: "the limited broadcast address (RFC 919)",
  reserved: "reserved address space (IANA special-purpose registry)",
  as112: "AS112 DNS service space (RFC 7534, RFC 7535)",
  amt: "AMT relay anycast space (RFC 7450)",
};

export type PublicIpCheck = { readonly ok: true; readonly warning?: string } | { readonly ok: false; readonly problem: string };

/**
 * A VPN device must be reachable from the clouds over the internet: AWS takes "the
 * Internet-routable IP address of the customer gateway's external interface"
 * (EC2 API reference, CreateCustomerGateway), Azure a local network gateway's public address.
 */
export function checkPublicIp(address: string): PublicIpCheck {
  const ip = ipaddr.IPv4.parse(address);
  if (DOCUMENTATION_RANGES.some((r) => ip.match(r))) {
    return {
      ok: true,
      warning: `vpn.publicIp ${address} is a documentation address (RFC 5737); replace it with the public address of the datacenter's VPN device before deploying`,
    };
  }
  const range = ip.range();
  if (range === "unicast") return { ok: true };
  return { ok: false, problem: `vpn.publicIp ${address} is ${RANGE_NAMES[range] ?? range}, not a public address; give the public IPv4 address of the datacenter's VPN device` };
}

interface ReservedAsn {
  readonly from: number;
  readonly to: number;
  readonly why: string;
  /** Reserved only when the site has a VPN to this cloud (and, if named, this region). */
  readonly cloud?: "aws" | "azure";
  readonly region?: string;
}

/**
 * ASNs a datacenter's VPN device cannot use.
 * - IANA, "Special-Purpose Autonomous System (AS) Numbers" registry
 *   (iana.org/assignments/iana-as-numbers-special-registry): 0 (RFC 7607), 23456 AS_TRANS
 *   (RFC 6793), 64496-64511 and 65536-65551 for documentation (RFC 5398), 65535 and
 *   4294967295 last ASNs (RFC 7300); 65552-131071 is reserved in IANA's AS number registry.
 * - AWS: "Amazon EC2 supports all 2-byte ASN numbers in the range of 1 - 65534, with the
 *   exception of 7224, which is reserved in the us-east-1 region, and 9059, which is reserved in
 *   the eu-west-1 region" (EC2 API reference, CreateCustomerGateway); the AWS glossary ("BGP ASN")
 *   names 7224 as reserved without a region, so it is refused for every AWS site.
 * - Azure: "ASNs reserved by Azure: Public ASNs: 8074, 8075, 12076; Private ASNs: 65515, 65517,
 *   65518, 65519, 65520" (learn.microsoft.com/azure/vpn-gateway/vpn-gateway-vpn-faq, "What ASNs
 *   can I use?"); 65515 is also every Azure VPN gateway's default ASN.
 */
const RESERVED_ASNS: readonly ReservedAsn[] = [
  { from: 0, to: 0, why: "reserved (RFC 7607)" },
  { from: 23456, to: 23456, why: "AS_TRANS, the stand-in for 4-byte ASNs (RFC 6793)" },
  { from: 64496, to: 64511, why: "reserved for documentation (RFC 5398)" },
  { from: 65535, to: 65535, why: "reserved (RFC 7300)" },
  { from: 65536, to: 65551, why: "reserved for documentation (RFC 5398)" },
  { from: 65552, to: 131071, why: "reserved by IANA" },
  { from: 4294967295, to: 4294967295, why: "reserved (RFC 7300)" },
  { from: 7224, to: 7224, why: "reserved by AWS", cloud: "aws" },
  { from: 9059, to: 9059, why: "reserved by AWS in eu-west-1", cloud: "aws", region: "eu-west-1" },
  { from: 8074, to: 8075, why: "reserved by Azure", cloud: "azure" },
  { from: 12076, to: 12076, why: "reserved by Azure", cloud: "azure" },
  { from: 65515, to: 65515, why: "reserved by Azure (its VPN gateways' own default ASN)", cloud: "azure" },
  { from: 65517, to: 65520, why: "reserved by Azure", cloud: "azure" },
];

/**
 * Why `asn` cannot be the datacenter's BGP ASN towards `peers` (the cloud sites it has a VPN
 * to), or undefined when it can.
 */
export function bgpAsnProblem(asn: number, peers: readonly { readonly cloud: string; readonly region: string }[]): string | undefined {
  const hit = RESERVED_ASNS.find(
    (r) => asn >= r.from && asn <= r.to && (!r.cloud || peers.some((p) => p.cloud === r.cloud && (!r.region || p.region === r.region))),
  );
  if (!hit) return undefined;
  return `vpn.bgpAsn ${asn} is ${hit.why}; use the state's own public ASN or a private one (64512-65534 or 4200000000-4294967294) that no cloud reserves`;
}

// --- trust anchor certificate ----------------------------------------------------------------

export type TrustAnchorCheck = { readonly ok: true; readonly certificatePem: string } | { readonly ok: false; readonly problem: string };

/**
 * The one CA certificate (its PEM block) of a trust anchor file, or why IAM Roles Anywhere could
 * not use the file.
 *
 * "Certificates used as trust anchors must satisfy the same requirements for signature
 * algorithm [SHA256 or stronger] ... Basic constraints MUST include CA: true" and "the key usage
 * MUST include Certificate Sign" (IAM Roles Anywhere user guide, "Trust model", signature
 * validation). Checked here: one PEM certificate, no private key in the file, it parses, CA is
 * true, not expired. Key usage and signature algorithm are left to AWS at apply (Node 20's
 * X509Certificate does not expose them).
 */
export function checkTrustAnchor(text: string, now = new Date()): TrustAnchorCheck {
  const no = (problem: string): TrustAnchorCheck => ({ ok: false, problem });
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) {
    return no("holds a private key; give the CA's certificate only, and keep its key out of the topology");
  }
  const blocks: string[] = text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  const [block] = blocks;
  if (block === undefined) return no("is not a PEM certificate (no -----BEGIN CERTIFICATE----- block)");
  if (blocks.length > 1) return no(`holds ${blocks.length} certificates; give exactly one CA certificate per trust anchor`);
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(block);
  } catch (e) {
    return no(`is not a readable X.509 certificate (${(e as Error).message})`);
  }
  if (!cert.ca) {
    return no(`is not a CA certificate (basic constraints CA:TRUE missing; subject ${cert.subject.replace(/\n/g, ", ")}); IAM Roles Anywhere trusts only CA certificates as trust anchors`);
  }
  const validTo = new Date(cert.validTo);
  if (validTo.getTime() < now.getTime()) return no(`expired on ${validTo.toISOString().slice(0, 10)}; IAM Roles Anywhere would refuse every copy job's certificate`);
  return { ok: true, certificatePem: `${block}\n` };
}
