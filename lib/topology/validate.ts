import * as ipaddr from "ipaddr.js";
import { findRegion, greatCircleKm, suggestRegions } from "../regions/catalogue";
import { mechanismFor } from "./mechanisms";
import type { Link, Registry, Site, Topology } from "./model";
import type { TopologyProblem } from "./problems";
import type { LinkDocument, TopologyDocument } from "./schema";

/** Smallest and largest site address space: two /x+1 subnets per site must fit, one per zone. */
const MIN_PREFIX = 16;
const MAX_PREFIX = 24;

/** AWS GovCloud, China and ISO regions: real, but in partitions this library does not serve. */
const UNSUPPORTED_REGION = /^(us-gov-|cn-|us-iso|us-isob-|eu-isoe-|us-isof-)/;

/** Partitions whose endpoints, ARNs and service principals the constructs build for. */
const BUILDABLE_PARTITIONS: readonly string[] = ["aws", "azure"];

export type ValidationResult =
  | { readonly ok: true; readonly topology: Topology }
  | { readonly ok: false; readonly problems: readonly TopologyProblem[] };

/**
 * The semantic rules of ../shared/DESIGN.md on a shape-valid document. Every rule runs
 * (as far as the facts it needs exist), so all problems are reported together.
 */
export function validateTopology(doc: TopologyDocument): ValidationResult {
  const problems: TopologyProblem[] = [];
  const warnings: string[] = [];
  const fail = (path: string, message: string) => problems.push({ path, message });

  // --- sites: ids, regions, custody ------------------------------------------------------
  const sites = new Map<string, Site>();
  doc.sites.forEach((s, i) => {
    const path = `sites[${i}]`;
    if (doc.sites.findIndex((o) => o.id === s.id) !== i) {
      fail(`${path}.id`, `site id '${s.id}' is used more than once`);
    }
    const regionInfo = findRegion(s.cloud, s.region);
    if (!regionInfo && UNSUPPORTED_REGION.test(s.region)) {
      fail(`${path}.region`, `site '${s.id}': '${s.region}' is in an isolated partition (GovCloud, China or ISO), which this library does not support`);
    } else if (!regionInfo) {
      const near = suggestRegions(s.cloud, s.region);
      const hint = near.length > 0 ? `; did you mean ${near.map((n) => `'${n}'`).join(", ")}?` : "";
      fail(`${path}.region`, `site '${s.id}': '${s.region}' is not a known ${s.cloud} region${hint}`);
    } else {
      if (!sites.has(s.id)) sites.set(s.id, { ...s, regionInfo });
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
  const resolved = [...sites.values()];
  const domestic = resolved.filter((s) => s.role === "domestic");
  const foreign = resolved.filter((s) => s.role === "foreign");
  for (const s of domestic) {
    if (s.regionInfo.country !== doc.home) {
      fail(siteRegionPath(doc, s), `domestic site '${s.id}': region '${s.region}' lies in ${s.regionInfo.country}, not in the home country ${doc.home}`);
    }
  }
  for (const f of foreign) {
    if (f.regionInfo.country === doc.home) {
      fail(siteRegionPath(doc, f), `foreign site '${f.id}': region '${f.region}' lies in the home country ${doc.home}; a foreign site must be abroad`);
      continue;
    }
    for (const d of domestic) {
      const km = Math.round(greatCircleKm(f.regionInfo, d.regionInfo));
      if (km < doc.rules.minForeignDistanceKm) {
        fail(
          siteRegionPath(doc, f),
          `foreign site '${f.id}' (${f.region}, ${f.regionInfo.country}) is ${km} km from domestic site '${d.id}' (${d.region}), less than rules.minForeignDistanceKm ${doc.rules.minForeignDistanceKm}`,
        );
      }
    }
  }
  resolved.forEach((a, i) => {
    for (const b of resolved.slice(i + 1)) {
      if (a.cloud === b.cloud && a.region === b.region) {
        fail(siteRegionPath(doc, b), `sites '${a.id}' and '${b.id}' are both in ${a.cloud} region '${a.region}'; failover sites must be geographically separate`);
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
    if (prefix < MIN_PREFIX || prefix > MAX_PREFIX) {
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
    if (primaries.some((p) => p.id === l.to)) {
      fail(`${path}.to`, `${name}: ends at the primary site '${l.to}'; a copy must never replicate back over the primary`);
      return;
    }
    if (primaries.length === 1 && l.from !== primaries[0].id) {
      fail(
        `${path}.from`,
        `${name}: starts at '${l.from}', which is not the primary '${primaries[0].id}'; replication services do not re-replicate replicas (S3 skips objects that are themselves replicas), so every link must start at the primary`,
      );
      return;
    }
    const from = sites.get(l.from);
    const to = sites.get(l.to);
    if (!from || !to) return; // unknown region: already reported
    const choice = mechanismFor(from, to);
    if (!choice.ok) {
      fail(path, `${name}: ${choice.reason}`);
      return;
    }
    for (const r of carried.known) {
      if (choice.mechanism.achievableRpoMinutes > r.rpoMinutes) {
        fail(
          path,
          `${name} (${choice.mechanism.name}) achieves an RPO of ${choice.mechanism.achievableRpoMinutes} minutes, but registry '${r.id}' requires rpoMinutes ${r.rpoMinutes}; raise its rpoMinutes to at least ${choice.mechanism.achievableRpoMinutes} or carry it on a faster link`,
        );
      }
    }
    links.push({ from, to, registries: carried.known, mechanism: choice.mechanism });
  });

  // --- mechanisms that limit how many targets one source may have --------------------------
  for (const r of doc.registries) {
    const carrying = links.filter((l) => l.registries.includes(r));
    for (const mechanism of new Set(carrying.map((l) => l.mechanism))) {
      const targets = carrying.filter((l) => l.mechanism === mechanism).map((l) => `'${l.to.id}'`);
      if (mechanism.maxTargetsPerSource !== undefined && targets.length > mechanism.maxTargetsPerSource) {
        fail(
          "links",
          `registry '${r.id}' is replicated by ${mechanism.name} to ${targets.length} sites (${targets.join(", ")}), but one source can replicate to at most ${mechanism.maxTargetsPerSource}`,
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
      warnings,
    },
  };
}

function siteRegionPath(doc: TopologyDocument, site: Site): string {
  return `sites[${doc.sites.findIndex((s) => s.id === site.id)}].region`;
}

function linkRegistries(link: LinkDocument, doc: TopologyDocument): { known: Registry[]; unknown: string[] } {
  if (!link.registries) return { known: [...doc.registries], unknown: [] };
  const known = doc.registries.filter((r) => link.registries?.includes(r.id));
  const unknown = link.registries.filter((id) => !doc.registries.some((r) => r.id === id));
  return { known, unknown };
}
