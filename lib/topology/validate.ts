import { readFileSync } from "node:fs";
import * as ipaddr from "ipaddr.js";
import { findRegion, greatCircleKm, REGIONS, suggestRegions } from "../regions/catalogue";
import { jurisdictionOf } from "../regions/jurisdictions";
import { MechanismPlanner, mechanismFamily } from "./mechanisms";
import type { Link, OnPremIdentity, Registry, Site, Topology } from "./model";
import { bgpAsnProblem, checkPublicIp, checkTrustAnchor, locationProblem } from "./onprem";
import type { TopologyProblem } from "./problems";
import type { LinkDocument, SiteDocument, TopologyDocument } from "./schema";


/** Registry ids that would collide with a site's own bucket names. */
const RESERVED_REGISTRY_IDS: readonly string[] = ["logs", "trail"];
/** Smallest and largest site address space: two /x+1 subnets per site must fit, one per zone. */
const MIN_PREFIX = 16;
const MAX_PREFIX = 24;

/** AWS GovCloud, China and ISO regions: real, but in partitions this library does not serve. */
const UNSUPPORTED_REGION = /^(us-gov-|cn-|us-iso|us-isob-|eu-isoe-|us-isof-)/;

/** Partitions whose endpoints, ARNs and service principals the constructs build for. */
const BUILDABLE_PARTITIONS: readonly string[] = ["aws", "azure"];

export interface ValidationOptions {
  /**
   * Reads a file the topology names (an on-premises site's trust anchor certificate), given the
   * path as written; throws when it cannot. The loader reads relative to the topology file.
   * @default - read relative to the current working directory
   */
  readonly readFile?: (path: string) => string;
}

export type ValidationResult =
  | { readonly ok: true; readonly topology: Topology }
  | { readonly ok: false; readonly problems: readonly TopologyProblem[] };

/**
 * The semantic rules of ../shared/DESIGN.md on a shape-valid document. Every rule runs
 * (as far as the facts it needs exist), so all problems are reported together.
 */
export function validateTopology(doc: TopologyDocument, options: ValidationOptions = {}): ValidationResult {
  const problems: TopologyProblem[] = [];
  const warnings: string[] = [];
  const fail = (path: string, message: string) => problems.push({ path, message });
  const readFile = options.readFile ?? ((path: string) => readFileSync(path, "utf8"));

  // --- sites: ids, regions or locations, custody -------------------------------------------
  const sites = new Map<string, Site>();
  doc.sites.forEach((s, i) => {
    const path = `sites[${i}]`;
    if (doc.sites.findIndex((o) => o.id === s.id) !== i) {
      fail(`${path}.id`, `site id '${s.id}' is used more than once`);
    }
    if (s.cloud === "onprem") {
      const site = resolveOnPremSite(doc, s, i, fail, warnings, readFile);
      if (site && !sites.has(s.id)) sites.set(s.id, site);
      return;
    }
    // A cloud site: its place comes from its region; the on-premises keys do not apply.
    if (s.location) {
      fail(`${path}.location`, `${s.cloud} site '${s.id}': location is only for on-premises sites (cloud: onprem), got ${describeLocation(s.location)}; a cloud site's place comes from its region`);
    }
    if (s.vpn) {
      fail(`${path}.vpn`, `${s.cloud} site '${s.id}': vpn describes an on-premises site's VPN device, got publicIp ${s.vpn.publicIp}; remove it here and declare it on the datacenter that connects to this site`);
    }
    if (s.identity) {
      fail(`${path}.identity`, `${s.cloud} site '${s.id}': identity says how an on-premises site's copy job proves who it is, got keys ${Object.keys(s.identity).join(", ") || "(none)"}; remove it here`);
    }
    const regionInfo = s.region === undefined ? undefined : findRegion(s.cloud, s.region);
    if (s.region === undefined) {
      fail(`${path}.region`, `${s.cloud} site '${s.id}' needs a region: the ${s.cloud} region it runs in, such as ${s.cloud === "aws" ? "eu-central-1" : "westeurope"}`);
    } else if (!regionInfo && UNSUPPORTED_REGION.test(s.region)) {
      fail(`${path}.region`, `site '${s.id}': '${s.region}' is in an isolated partition (GovCloud, China or ISO), which this library does not support`);
    } else if (!regionInfo) {
      const near = suggestRegions(s.cloud, s.region);
      const hint = near.length > 0 ? `; did you mean ${near.map((n) => `'${n}'`).join(", ")}?` : "";
      fail(`${path}.region`, `site '${s.id}': '${s.region}' is not a known ${s.cloud} region${hint}`);
    } else {
      const base = { id: s.id, role: s.role, primary: s.primary, cidr: s.cidr, region: s.region, regionInfo, place: regionInfo };
      if (!sites.has(s.id)) sites.set(s.id, s.cloud === "aws" ? { ...base, cloud: "aws" } : { ...base, cloud: "azure" });
      if (!BUILDABLE_PARTITIONS.includes(regionInfo.partition)) {
        fail(
          `${path}.region`,
          `site '${s.id}': region '${s.region}' is in partition ${regionInfo.partition}, whose service endpoints and principals the ${s.cloud} constructs do not support yet (supported: ${BUILDABLE_PARTITIONS.join(", ")})`,
        );
      }
    }
    if (!doc.custody[s.cloud]) {
      fail(`custody.${s.cloud}`, `site '${s.id}' is on ${s.cloud}, but custody.${s.cloud} is missing: say who holds the keys there`);
    }
  });

  // --- data principals are administrators, and someone is left to hold the keys ----------
  for (const cloud of ["aws", "azure"] as const) {
    const custody = doc.custody[cloud];
    if (!custody) continue;
    const same = (a: string, b: string) => (cloud === "azure" ? a.toLowerCase() === b.toLowerCase() : a === b);
    for (const list of ["readers", "writers"] as const) {
      (custody[list] ?? []).forEach((p, i) => {
        if (!custody.administrators.some((a) => same(a, p))) {
          fail(`custody.${cloud}.${list}[${i}]`, `'${p}' is not in custody.${cloud}.administrators; only the owning state's administrators are ever granted anything`);
        }
      });
    }
    if (cloud === "aws") {
      const retirers = doc.custody.aws?.keyRetirers ?? [];
      retirers.forEach((p, i) => {
        if (!custody.administrators.includes(p)) {
          fail(`custody.aws.keyRetirers[${i}]`, `'${p}' is not in custody.aws.administrators; only the owning state's administrators are ever granted anything`);
        } else if ([...(custody.readers ?? []), ...(custody.writers ?? [])].includes(p)) {
          fail(`custody.aws.keyRetirers[${i}]`, `'${p}' is also a reader or writer; whoever can retire keys must not hold data access (separation of duties)`);
        }
      });
    }
    const data = [...(custody.readers ?? []), ...(custody.writers ?? [])];
    if (data.length > 0 && custody.administrators.every((a) => data.some((d) => same(a, d)))) {
      fail(`custody.${cloud}`, `every administrator is a reader or writer; at least one must be neither, to administer the keys (separation of duties)`);
    }
    if (cloud === "aws" && custody.readers === undefined && doc.sites.some((s) => s.cloud === "aws")) {
      warnings.push(
        "custody.aws.readers is not set: every administrator may assume the read role and also administer keys; name readers to separate data access from key custody",
      );
    }
    if (cloud === "aws" && custody.writers === undefined && doc.sites.some((s) => s.cloud === "aws" && s.primary)) {
      warnings.push(
        "custody.aws.writers is not set: every administrator may assume the write role at the primary and also administer keys; name writers to separate data access from key custody",
      );
    }
  }

  // --- exactly one primary, and it is domestic -----------------------------------------
  const primaries = doc.sites.filter((s) => s.primary);
  if (primaries.length !== 1) {
    const got = primaries.length === 0 ? "none" : `${primaries.length} (${primaries.map((s) => `'${s.id}'`).join(", ")})`;
    fail("sites", `exactly one site must have primary: true, got ${got}`);
  }
  primaries.forEach((p) => {
    if (p.role !== "domestic") {
      fail(`sites[${doc.sites.indexOf(p)}].role`, `site '${p.id}' is the primary but has role 'foreign'; registries are written at home, so the primary must be domestic`);
    }
  });

  // --- geography: home country, foreign distance, separate regions ---------------------
  // A site's country and coordinates are its region's (cloud) or its declared location's (onprem).
  const resolved = [...sites.values()];
  const domestic = resolved.filter((s) => s.role === "domestic");
  const foreign = resolved.filter((s) => s.role === "foreign");
  if (!REGIONS.some((r) => r.country === doc.home) && !doc.sites.some((s) => s.cloud === "onprem" && s.role === "domestic")) {
    fail("home", `${doc.home} has no AWS or Azure region; declare your datacenter as cloud: onprem (a domestic site with its location) to hold the copy at home`);
  }
  for (const s of domestic) {
    if (s.place.country === doc.home) continue;
    if (s.cloud === "onprem") {
      fail(sitePlacePath(doc, s), `domestic site '${s.id}': location.country is ${s.place.country}, not the home country ${doc.home}`);
    } else {
      fail(sitePlacePath(doc, s), `domestic site '${s.id}': region '${s.region}' lies in ${s.place.country}, not in the home country ${doc.home}`);
    }
  }
  for (const f of foreign) {
    if (f.place.country === doc.home) {
      const what = f.cloud === "onprem" ? `location.country ${f.place.country} is` : `region '${f.region}' lies in`;
      fail(sitePlacePath(doc, f), `foreign site '${f.id}': ${what} the home country ${doc.home}; a foreign site must be abroad`);
      continue;
    }
    for (const d of domestic) {
      const km = Math.round(greatCircleKm(f.place, d.place));
      if (km < doc.rules.minForeignDistanceKm) {
        fail(
          sitePlacePath(doc, f),
          `foreign site '${f.id}' (${whereIs(f)}, ${f.place.country}) is ${km} km from domestic site '${d.id}' (${whereIs(d)}), less than rules.minForeignDistanceKm ${doc.rules.minForeignDistanceKm}`,
        );
      }
    }
  }
  resolved.forEach((a, i) => {
    for (const b of resolved.slice(i + 1)) {
      if (a.cloud !== "onprem" && a.cloud === b.cloud && a.region === b.region) {
        fail(sitePlacePath(doc, b), `sites '${a.id}' and '${b.id}' are both in ${a.cloud} region '${a.region}'; failover sites must be geographically separate`);
      }
    }
  });

  // --- address space: private, sized, no overlaps ---------------------------------------
  const ranges: { id: string; cidr: string; range: [ipaddr.IPv4, number] }[] = [];
  doc.sites.forEach((s, i) => {
    const path = `sites[${i}].cidr`;
    let range: [ipaddr.IPv4, number];
    try {
      range = ipaddr.IPv4.parseCIDR(s.cidr);
    } catch {
      fail(path, `site '${s.id}': '${s.cidr}' is not an IPv4 CIDR`);
      return;
    }
    const [addr, prefix] = range;
    if (addr.range() !== "private") {
      fail(path, `site '${s.id}': CIDR '${s.cidr}' is not private address space (use 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16)`);
    }
    // The size rule is the clouds' (two subnets, one per zone); a datacenter's space is its own.
    if (s.cloud !== "onprem" && (prefix < MIN_PREFIX || prefix > MAX_PREFIX)) {
      fail(path, `site '${s.id}': CIDR '${s.cidr}' has prefix /${prefix}; use a prefix from /${MIN_PREFIX} to /${MAX_PREFIX}`);
    }
    if (ipaddr.IPv4.networkAddressFromCIDR(s.cidr).toString() !== addr.toString()) {
      fail(path, `site '${s.id}': CIDR '${s.cidr}' has host bits set; the network address is ${ipaddr.IPv4.networkAddressFromCIDR(s.cidr).toString()}/${prefix}`);
    }
    for (const other of ranges) {
      if (addr.match(other.range) || other.range[0].match(range)) {
        fail(path, `sites '${other.id}' (${other.cidr}) and '${s.id}' (${s.cidr}) have overlapping CIDRs`);
      }
    }
    ranges.push({ id: s.id, cidr: s.cidr, range });
  });

  // --- registries ------------------------------------------------------------------------
  const registries = new Map<string, Registry>();
  doc.registries.forEach((r, i) => {
    if (registries.has(r.id)) fail(`registries[${i}].id`, `registry id '${r.id}' is used more than once`);
    // A site's own buckets are `<topology>-<site>-logs-...` and `-trail-...`: a registry of that id would collide.
    if (RESERVED_REGISTRY_IDS.includes(r.id)) {
      fail(`registries[${i}].id`, `registry id '${r.id}' is reserved for the site's own ${r.id === "logs" ? "access-log" : "audit-trail"} bucket; choose another id`);
    }
    registries.set(r.id, r);
    if (r.retentionDays < doc.rules.minRetentionDays) {
      fail(
        `registries[${i}].retentionDays`,
        `retentionDays must be at least ${doc.rules.minRetentionDays} (rules.minRetentionDays), got ${r.retentionDays} for registry '${r.id}'`,
      );
    }
  });

  // --- links -----------------------------------------------------------------------------
  const primary = primaries.length === 1 ? sites.get(primaries[0].id) : undefined;
  const links: Link[] = [];
  // Links compete for what a source account allows (one priority replication policy each), first come first served.
  const planner = new MechanismPlanner();
  const seenPairs = new Set<string>();
  doc.links.forEach((l, i) => {
    const path = `links[${i}]`;
    const name = `link '${l.from} -> ${l.to}'`;
    const known = doc.sites.map((s) => s.id).join(", ");
    let ends = true;
    for (const end of ["from", "to"] as const) {
      if (!doc.sites.some((s) => s.id === l[end])) {
        fail(`${path}.${end}`, `${name}: ${end} '${l[end]}' is not a site id (known: ${known})`);
        ends = false;
      }
    }
    const carried = linkRegistries(l, doc);
    carried.unknown.forEach((id) =>
      fail(`${path}.registries`, `${name}: '${id}' is not a registry id (known: ${doc.registries.map((r) => r.id).join(", ")})`),
    );
    if (!ends) return;
    if (l.from === l.to) {
      fail(path, `${name}: a link must connect two different sites`);
      return;
    }
    const pair = `${l.from}->${l.to}`;
    if (seenPairs.has(pair)) fail(path, `${name} is declared more than once; list all its registries in one link`);
    seenPairs.add(pair);
    // The schedule belongs to the copy job of a datacenter: required from one, refused otherwise.
    const fromOnPrem = doc.sites.find((s) => s.id === l.from)?.cloud === "onprem";
    if (fromOnPrem && l.everyMinutes === undefined) {
      fail(`${path}.everyMinutes`, `${name} starts at on-premises site '${l.from}' and needs everyMinutes: how often the state's copy job runs, which is this link's RPO`);
    }
    if (!fromOnPrem && l.everyMinutes !== undefined) {
      fail(
        `${path}.everyMinutes`,
        `${name}: everyMinutes is only for links from an on-premises site (the copy job's schedule), got ${l.everyMinutes}; a link from a cloud site runs that cloud's replication, whose RPO the mechanism sets`,
      );
    }
    if (primaries.some((p) => p.id === l.to)) {
      fail(`${path}.to`, `${name}: ends at the primary site '${l.to}'; a copy must never replicate back over the primary`);
      return;
    }
    if (primaries.length === 1 && l.from !== primaries[0].id) {
      // Also between two datacenters: registries are written at the primary, and a copy of a
      // copy would be as old as both schedules together, which no link's RPO check would see.
      const why = fromOnPrem
        ? "registries are written at the primary and a copy of a copy would be as old as both schedules together"
        : "replication services do not re-replicate replicas (S3 skips objects that are themselves replicas)";
      fail(`${path}.from`, `${name}: starts at '${l.from}', which is not the primary '${primaries[0].id}'; ${why}, so every link must start at the primary`);
      return;
    }
    const from = sites.get(l.from);
    const to = sites.get(l.to);
    if (!from || !to) return; // unknown region or no location: already reported
    if (from.cloud === "onprem" && l.everyMinutes === undefined) return; // already reported
    const choice = planner.choose(name, from, to, carried.known.map((r) => r.id), l.everyMinutes);
    if (!choice.ok) {
      fail(path, `${name}: ${choice.reason}`);
      return;
    }
    const slower = choice.slowerBecause === undefined ? "" : `; ${choice.slowerBecause}`;
    for (const r of carried.known) {
      if (choice.mechanism.achievableRpoMinutes <= r.rpoMinutes) continue;
      if (from.cloud === "onprem") {
        fail(
          `${path}.everyMinutes`,
          `${name} runs every ${l.everyMinutes} minutes (everyMinutes), but registry '${r.id}' requires rpoMinutes ${r.rpoMinutes}; set everyMinutes to at most ${r.rpoMinutes}`,
        );
      } else {
        fail(
          path,
          `${name} (${choice.mechanism.name}) achieves an RPO of ${choice.mechanism.achievableRpoMinutes} minutes, but registry '${r.id}' requires rpoMinutes ${r.rpoMinutes}${slower}; raise its rpoMinutes to at least ${choice.mechanism.achievableRpoMinutes} or carry it on a faster link`,
        );
      }
    }
    links.push({
      from,
      to,
      registries: carried.known,
      mechanism: choice.mechanism,
      ...(from.cloud === "onprem" ? { everyMinutes: l.everyMinutes } : {}),
    });
  });

  // --- mechanisms that limit how many targets one source may have --------------------------
  // Both Azure mechanisms (with and without priority) count against the same source account.
  for (const r of doc.registries) {
    const carrying = links.filter((l) => l.registries.includes(r) && l.mechanism.maxTargetsPerSource !== undefined);
    for (const family of new Set(carrying.map((l) => mechanismFamily(l.mechanism)))) {
      const inFamily = carrying.filter((l) => mechanismFamily(l.mechanism) === family);
      const max = Math.min(...inFamily.map((l) => l.mechanism.maxTargetsPerSource as number));
      if (inFamily.length > max) {
        fail(
          "links",
          `registry '${r.id}' is replicated by ${family} to ${inFamily.length} sites (${inFamily.map((l) => `'${l.to.id}'`).join(", ")}), but one source can replicate to at most ${max}`,
        );
      }
    }
  }

  // --- every registry reaches another site, and a foreign one -----------------------------
  if (primary) {
    for (const r of doc.registries) {
      const targets = links.filter((l) => l.registries.includes(r)).map((l) => l.to);
      const declared = doc.links.filter((l) => l.from === primary.id && linkRegistries(l, doc).known.includes(r));
      if (declared.length === 0) {
        fail("links", `registry '${r.id}' is not copied from the primary '${primary.id}' to any other site; add a link that carries it`);
        continue;
      }
      if (targets.length === 0) continue; // its links are broken: already reported
      if (!targets.some((t) => t.role === "foreign")) {
        const message = `registry '${r.id}' reaches no foreign site (copied only to ${targets.map((t) => `'${t.id}'`).join(", ")}); add a link from '${primary.id}' to a foreign site`;
        if (doc.rules.requireForeignCopy) {
          fail("links", `${message} (or set rules.requireForeignCopy: false for a domestic-first phase)`);
        } else {
          warnings.push(`${message} (allowed because rules.requireForeignCopy is false)`);
        }
      }
    }
  }

  // --- alerts ----------------------------------------------------------------------------
  const emails = doc.alerts?.emails ?? [];
  emails.forEach((e, i) => {
    if (emails.findIndex((o) => o.toLowerCase() === e.toLowerCase()) !== i) fail(`alerts.emails[${i}]`, `'${e}' is listed more than once`);
  });
  if (emails.length === 0 && doc.sites.some((s) => s.cloud !== "onprem")) {
    warnings.push("alerts.emails is not set: every site's alarms (freshness, replication, tampering) exist but notify nobody; name who is told when a promise is at risk");
  }

  if (problems.length > 0 || !primary) return { ok: false, problems };
  return {
    ok: true,
    topology: {
      version: 1,
      name: doc.name,
      home: doc.home,
      custody: doc.custody,
      rules: doc.rules,
      sites: resolved,
      primary,
      registries: [...registries.values()],
      links,
      alerts: { emails },
      warnings,
    },
  };
}

/**
 * An on-premises site: its location (in its country, within the border tolerance), no region,
 * its VPN device, and an identity for each cloud it sends to (the trust anchor read and checked).
 * Returns the site when it has a location to place it by, even if other details are wrong, so
 * the rules that follow still run.
 */
function resolveOnPremSite(
  doc: TopologyDocument,
  s: SiteDocument,
  i: number,
  fail: (path: string, message: string) => void,
  warnings: string[],
  readFile: (path: string) => string,
): Site | undefined {
  const path = `sites[${i}]`;
  const name = `on-premises site '${s.id}'`;
  if (s.region !== undefined) {
    fail(`${path}.region`, `${name}: region is only for cloud sites, got '${s.region}'; an on-premises site's place comes from its location`);
  }
  if (!s.location) {
    fail(`${path}.location`, `${name} needs a location { city, country, latitude, longitude }: its country and coordinates decide the domestic, foreign and distance rules`);
  } else {
    const problem = locationProblem(s.location);
    if (problem) fail(`${path}.location`, `${name}: ${problem}`);
  }

  // The cloud sites this datacenter sends to, from the links as written.
  const targets = doc.links
    .filter((l) => l.from === s.id)
    .map((l) => doc.sites.find((t) => t.id === l.to))
    .filter((t): t is SiteDocument => t !== undefined && t.cloud !== "onprem");

  if (s.vpn) {
    const ip = checkPublicIp(s.vpn.publicIp);
    if (!ip.ok) fail(`${path}.vpn.publicIp`, `${name}: ${ip.problem}`);
    else if (ip.warning) warnings.push(`${name}: ${ip.warning}`);
    const asn = bgpAsnProblem(s.vpn.bgpAsn, targets.map((t) => ({ cloud: t.cloud, region: t.region ?? "" })));
    if (asn) fail(`${path}.vpn.bgpAsn`, `${name}: ${asn}`);
  }

  const identity: { aws?: OnPremIdentity["aws"]; azure?: OnPremIdentity["azure"] } = {};
  const anchor = s.identity?.aws?.trustAnchorCertificate;
  if (anchor !== undefined) {
    let pem: string | undefined;
    try {
      pem = readFile(anchor);
    } catch (e) {
      fail(`${path}.identity.aws.trustAnchorCertificate`, `${name}: cannot read trust anchor certificate '${anchor}': ${(e as Error).message}`);
    }
    if (pem !== undefined) {
      const anchorCheck = checkTrustAnchor(pem);
      if (!anchorCheck.ok) fail(`${path}.identity.aws.trustAnchorCertificate`, `${name}: trust anchor certificate '${anchor}' ${anchorCheck.problem}`);
      else identity.aws = { trustAnchorCertificate: anchor, certificatePem: anchorCheck.certificatePem };
    }
  }
  if (s.identity?.azure) identity.azure = s.identity.azure;
  for (const cloud of ["aws", "azure"] as const) {
    const to = targets.filter((t) => t.cloud === cloud).map((t) => `'${t.id}'`);
    if (to.length > 0 && !s.identity?.[cloud]) {
      fail(`${path}.identity.${cloud}`, `${name} sends to ${cloud} site${to.length > 1 ? "s" : ""} ${to.join(", ")} but has no identity.${cloud}; give ${IDENTITY_HINT[cloud]}`);
    }
  }

  // Azure stores have no public network access (EMB-S04): their private endpoints, reached over
  // the site VPN, are the only way in. AWS stores can also be written over S3's public endpoint
  // (TLS, Roles Anywhere credentials), so a VPN there is optional.
  const azureTargets = targets.filter((t) => t.cloud === "azure").map((t) => `'${t.id}'`);
  if (azureTargets.length > 0 && !s.vpn) {
    fail(
      `${path}.vpn`,
      `${name} sends to azure site${azureTargets.length > 1 ? "s" : ""} ${azureTargets.join(", ")} but has no vpn; Azure stores are reachable only through their private endpoints, so give vpn { publicIp, bgpAsn } of the datacenter's VPN device`,
    );
  }

  if (!s.location) return undefined;
  const { city, country, latitude, longitude } = s.location;
  return {
    id: s.id,
    role: s.role,
    primary: s.primary,
    cidr: s.cidr,
    cloud: "onprem",
    location: s.location,
    ...(s.vpn ? { vpn: s.vpn } : {}),
    identity,
    place: { city, country, latitude, longitude, jurisdiction: jurisdictionOf(country) },
  };
}

/** What a datacenter must declare to send to each cloud, for the "has no identity" message. */
const IDENTITY_HINT: Readonly<Record<"aws" | "azure", string>> = {
  aws: "identity.aws.trustAnchorCertificate, the PEM file of the CA that issues its copy job's certificates (IAM Roles Anywhere)",
  azure: "identity.azure { issuer, subject }, the https issuer and the subject of the tokens its copy job presents (a federated credential)",
};

/** "eu-north-1" for a cloud site, "Groningen" for a datacenter: how messages say where a site is. */
function whereIs(site: Site): string {
  return site.cloud === "onprem" ? site.place.city : site.region;
}

/** The document path that places a site: its region, or its location. */
function sitePlacePath(doc: TopologyDocument, site: Site): string {
  return `sites[${doc.sites.findIndex((s) => s.id === site.id)}].${site.cloud === "onprem" ? "location" : "region"}`;
}

function describeLocation(l: NonNullable<SiteDocument["location"]>): string {
  return `${l.city}, ${l.country} (${l.latitude}, ${l.longitude})`;
}

function linkRegistries(link: LinkDocument, doc: TopologyDocument): { known: Registry[]; unknown: string[] } {
  if (!link.registries) return { known: [...doc.registries], unknown: [] };
  const known = doc.registries.filter((r) => link.registries?.includes(r.id));
  const unknown = link.registries.filter((id) => !doc.registries.some((r) => r.id === id));
  return { known, unknown };
}
