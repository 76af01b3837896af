import { readFileSync } from "node:fs";
import * as ipaddr from "ipaddr.js";
import { findRegion, greatCircleKm, REGIONS, suggestRegions } from "../regions/catalogue";
import { jurisdictionOf } from "../regions/jurisdictions";
import { MechanismPlanner, mechanismFamily } from "./mechanisms";
import type { Link, OnPremIdentity, Registry, Site, Topology } from "./model";
import { bgpAsnProblem, checkPublicIp, checkTrustAnchor, locationProblem } from "./onprem";
import type { TopologyProblem } from "./problems";
import type { LinkDocument, RegistryDocument, SiteDocument, TopologyDocument, TopologyRules } from "./schema";


/** Registry ids that would collide with a site's own bucket names. */
const RESERVED_REGISTRY_IDS: readonly string[] = ["logs", "trail"];
/** Smallest and largest site address space: two /x+1 subnets per site must fit, one per zone. */
const MIN_PREFIX = 16;
const MAX_PREFIX = 24;

/** AWS GovCloud, China and ISO regions: real, but in partitions this library does not serve. */
const UNSUPPORTED_REGION = /^(us-gov-|cn-|us-iso|us-isob-|eu-isoe-|us-isof-)/;

/** Partitions whose endpoints, ARNs and service principals the constructs build for. */
const BUILDABLE_PARTITIONS: readonly string[] = ["aws", "azure"];

/** How {@link validateTopology} reaches what the topology refers to outside itself. */
export interface ValidationOptions {
  /**
   * Reads a file the topology names (an on-premises site's trust anchor certificate), given the
   * path as written; throws when it cannot. The loader reads relative to the topology file.
   * @default - read relative to the current working directory
   */
  readonly readFile?: (path: string) => string;
}

/**
 * The outcome of {@link validateTopology}: a validated topology (possibly with warnings), or every
 * problem found. Narrow on `ok`.
 */
export type ValidationResult =
  | {
      /** Every rule passed. */
      readonly ok: true;
      /** The resolved topology the stacks are built from; its `warnings` list what is allowed but worth a look. */
      readonly topology: Topology;
    }
  | {
      /** At least one rule failed. */
      readonly ok: false;
      /** Every problem found, in the order the rules ran, each naming its path and the value received. */
      readonly problems: readonly TopologyProblem[];
    };

/**
 * What is known of the parts of a topology file that failed their shape check, so that the
 * semantic rules can still run on everything else (the loader builds this; see load.ts).
 */
export interface UnreadParts {
  /**
   * The index in the file of each entry of the draft's `sites`, `registries` and `links`: the
   * draft holds only the entries that passed their shape check, problems name the file's index.
   */
  readonly positions: {
    /** For each entry of the draft's `sites`, its 0-based index in the file's `sites`. */
    readonly sites: readonly number[];
    /** For each entry of the draft's `registries`, its 0-based index in the file's `registries`. */
    readonly registries: readonly number[];
    /** For each entry of the draft's `links`, its 0-based index in the file's `links`. */
    readonly links: readonly number[];
  };
  /**
   * Parts of the document that are missing or failed their shape check, by path: `name`, `home`,
   * `custody.aws`, `custody.azure`, `rules.<key>`, `alerts`, and `sites`, `registries` or `links`
   * when the list itself (not one entry) cannot be read. Rules that need such a part are skipped.
   */
  readonly parts: ReadonlySet<string>;
  /** Sites that failed their shape check, with what could still be read of them. */
  readonly sites: readonly {
    /** The site's 0-based index in the file's `sites`. */
    readonly index: number;
    /** The site's id, when it is a valid one; absent when unreadable. */
    readonly id?: string;
    /** Whether the site says it is the primary, when that could be read; absent when unreadable. */
    readonly primary?: boolean;
  }[];
  /** Registries that failed their shape check, with their id when it could be read. */
  readonly registries: readonly {
    /** The registry's 0-based index in the file's `registries`. */
    readonly index: number;
    /** The registry's id, when it is a valid one; absent when unreadable. */
    readonly id?: string;
  }[];
  /**
   * Links that failed their shape check, with their ends when they could be read, and the
   * registries they carry: a list, "all" (the key is absent), or undefined when unreadable.
   */
  readonly links: readonly {
    /** The link's 0-based index in the file's `links`. */
    readonly index: number;
    /** The source site id, when it could be read. */
    readonly from?: string;
    /** The target site id, when it could be read. */
    readonly to?: string;
    /** The registry ids it carries, `"all"` when the key is absent, or absent when unreadable. */
    readonly registries?: readonly string[] | "all";
  }[];
}

/**
 * A topology document to validate: a whole shape-valid document, or the parts of one that passed
 * their shape check (with `unread` saying what did not). Every rule runs whose facts are all
 * there, so an author sees the shape problems and the semantic ones in one pass.
 */
export interface TopologyDraft {
  /**
   * The topology's name; absent when it failed its shape check.
   * @default - unread: the rules that need the name are skipped
   */
  readonly name?: string;
  /** Absent when it failed its shape check. */
  readonly home?: string;
  /**
   * The custody identities per cloud that passed their shape check (a cloud whose custody failed is
   * listed in `unread.parts`).
   */
  readonly custody: TopologyDocument["custody"];
  /** A rule is absent when it failed its shape check. */
  readonly rules: Partial<TopologyRules>;
  /**
   * The sites that passed their shape check, in file order (`unread.positions.sites` maps them to
   * the file).
   */
  readonly sites: readonly SiteDocument[];
  /** The registries that passed their shape check, in file order. */
  readonly registries: readonly RegistryDocument[];
  /** The links that passed their shape check, in file order. */
  readonly links: readonly LinkDocument[];
  /**
   * Who is told when a promise is at risk.
   * @default - nobody is emailed (a warning when the topology has a cloud site)
   */
  readonly alerts?: TopologyDocument["alerts"];
  /** @default - nothing unread: the draft is a whole document */
  readonly unread?: UnreadParts;
}

/**
 * The semantic rules of ../shared/DESIGN.md on a shape-valid document (or on the parts of one
 * that passed their shape check). Every rule runs (as far as the facts it needs exist), so all
 * problems are reported together.
 */
export function validateTopology(doc: TopologyDraft, options: ValidationOptions = {}): ValidationResult {
  const problems: TopologyProblem[] = [];
  const warnings: string[] = [];
  const fail = (path: string, message: string) => problems.push({ path, message });
  const readFile = options.readFile ?? ((path: string) => readFileSync(path, "utf8"));
  const unread = doc.unread;
  /** Whether a part of the document failed its shape check (the rules that need it are skipped). */
  const isUnread = (part: string) => unread?.parts.has(part) ?? false;
  const sitePath = (i: number) => `sites[${unread ? unread.positions.sites[i] : i}]`;
  const registryPath = (i: number) => `registries[${unread ? unread.positions.registries[i] : i}]`;
  const sitePathOf = (id: string) => sitePath(doc.sites.findIndex((s) => s.id === id));
  const rules = doc.rules;

  // Ids of every entry, read or not: references to an entry that failed its shape check are not
  // "unknown", and its own problems are already reported.
  const inFileOrder = <T extends { readonly index: number; readonly id?: string }>(read: readonly { readonly id: string }[], at: readonly number[] | undefined, rest: readonly T[]) =>
    [...read.map((e, i) => ({ index: at ? at[i] : i, id: e.id as string | undefined })), ...rest].sort((a, b) => a.index - b.index);
  const siteIdsByIndex = inFileOrder(doc.sites, unread?.positions.sites, unread?.sites ?? []);
  const registryIdsByIndex = inFileOrder(doc.registries, unread?.positions.registries, unread?.registries ?? []);
  const allSiteIds = siteIdsByIndex.flatMap((s) => (s.id === undefined ? [] : [s.id]));
  const unreadSiteIds = new Set((unread?.sites ?? []).flatMap((s) => (s.id === undefined ? [] : [s.id])));
  const siteIdsComplete = !isUnread("sites") && (unread?.sites ?? []).every((s) => s.id !== undefined);
  const allRegistryIds = registryIdsByIndex.flatMap((r) => (r.id === undefined ? [] : [r.id]));
  const registryIdsComplete = !isUnread("registries") && (unread?.registries ?? []).every((r) => r.id !== undefined);

  // --- home: a real country ------------------------------------------------------------------
  let home = doc.home;
  if (home !== undefined && !isIsoCountry(home)) {
    fail("home", `home '${home}' is not an ISO 3166-1 alpha-2 country code${countryHint(home) || " (two upper-case letters of a country, such as NL)"}`);
    home = undefined; // the rules that compare with the home country cannot run
  }

  // --- sites: ids, regions or locations, custody -------------------------------------------
  const sites = new Map<string, Site>();
  doc.sites.forEach((s, i) => {
    const path = sitePath(i);
    if (s.cloud === "onprem") {
      const site = resolveOnPremSite(doc, s, path, fail, warnings, readFile);
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
    if (!doc.custody[s.cloud] && !isUnread(`custody.${s.cloud}`) && !isUnread("custody")) {
      fail(`custody.${s.cloud}`, `site '${s.id}' is on ${s.cloud}, but custody.${s.cloud} is missing: say who holds the keys there`);
    }
  });
  // Site ids are unique, whether or not the rest of the site could be read.
  siteIdsByIndex.forEach((s, n) => {
    if (s.id !== undefined && siteIdsByIndex.findIndex((o) => o.id === s.id) !== n) fail(`sites[${s.index}].id`, `site id '${s.id}' is used more than once`);
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
  // A site that failed its shape check counts when its `primary` could be read; when it could
  // not (or the list itself could not be read), the count is unknown and not checked.
  const primaries = doc.sites.filter((s) => s.primary);
  const unreadPrimaries = (unread?.sites ?? []).filter((s) => s.primary === true);
  const primaryCountKnown = !isUnread("sites") && (unread?.sites ?? []).every((s) => s.primary !== undefined);
  const primaryAt = new Set([...doc.sites.flatMap((s, i) => (s.primary ? [unread ? unread.positions.sites[i] : i] : [])), ...unreadPrimaries.map((u) => u.index)]);
  const primaryIds = siteIdsByIndex.filter((s) => primaryAt.has(s.index)).flatMap((s) => (s.id === undefined ? [] : [s.id]));
  const primaryCount = primaries.length + unreadPrimaries.length;
  if (primaryCount !== 1 && (primaryCountKnown || primaryCount > 1)) {
    const got = primaryCount === 0 ? "none" : `${primaryCount} (${primaryIds.map((id) => `'${id}'`).join(", ")})`;
    fail("sites", `exactly one site must have primary: true, got ${got}`);
  }
  primaries.forEach((p) => {
    if (p.role !== "domestic") {
      fail(`${sitePathOf(p.id)}.role`, `site '${p.id}' is the primary but has role 'foreign'; registries are written at home, so the primary must be domestic`);
    }
  });
  /** The one primary's id, when there is exactly one (read or not). */
  const primaryId = primaryCount === 1 && primaryIds.length === 1 ? primaryIds[0] : undefined;

  // --- geography: home country, foreign distance, separate regions ---------------------
  // A site's country and coordinates are its region's (cloud) or its declared location's (onprem).
  const resolved = [...sites.values()];
  const domestic = resolved.filter((s) => s.role === "domestic");
  const foreign = resolved.filter((s) => s.role === "foreign");
  if (home !== undefined) {
    if (!REGIONS.some((r) => r.country === home) && !doc.sites.some((s) => s.cloud === "onprem" && s.role === "domestic") && (unread?.sites.length ?? 0) === 0) {
      fail("home", `${home} has no AWS or Azure region; declare your datacenter as cloud: onprem (a domestic site with its location) to hold the copy at home`);
    }
    for (const s of domestic) {
      if (s.place.country === home) continue;
      if (s.cloud === "onprem") {
        fail(sitePlacePath(sitePathOf, s), `domestic site '${s.id}': location.country is ${s.place.country}, not the home country ${home}`);
      } else {
        fail(sitePlacePath(sitePathOf, s), `domestic site '${s.id}': region '${s.region}' lies in ${s.place.country}, not in the home country ${home}`);
      }
    }
  }
  for (const f of foreign) {
    if (home !== undefined && f.place.country === home) {
      const what = f.cloud === "onprem" ? `location.country ${f.place.country} is` : `region '${f.region}' lies in`;
      fail(sitePlacePath(sitePathOf, f), `foreign site '${f.id}': ${what} the home country ${home}; a foreign site must be abroad`);
      continue;
    }
    const minKm = rules.minForeignDistanceKm;
    if (minKm === undefined) continue;
    for (const d of domestic) {
      const km = Math.round(greatCircleKm(f.place, d.place));
      if (km < minKm) {
        fail(
          sitePlacePath(sitePathOf, f),
          `foreign site '${f.id}' (${whereIs(f)}, ${f.place.country}) is ${km} km from domestic site '${d.id}' (${whereIs(d)}), less than rules.minForeignDistanceKm ${minKm}`,
        );
      }
    }
  }
  resolved.forEach((a, i) => {
    for (const b of resolved.slice(i + 1)) {
      if (a.cloud !== "onprem" && a.cloud === b.cloud && a.region === b.region) {
        fail(sitePlacePath(sitePathOf, b), `sites '${a.id}' and '${b.id}' are both in ${a.cloud} region '${a.region}'; failover sites must be geographically separate`);
      }
    }
  });

  // --- address space: private, sized, no overlaps ---------------------------------------
  const ranges: { id: string; cidr: string; range: [ipaddr.IPv4, number] }[] = [];
  doc.sites.forEach((s, i) => {
    const path = `${sitePath(i)}.cidr`;
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
    registries.set(r.id, r);
    if (rules.minRetentionDays !== undefined && r.retentionDays < rules.minRetentionDays) {
      fail(
        `${registryPath(i)}.retentionDays`,
        `retentionDays must be at least ${rules.minRetentionDays} (rules.minRetentionDays), got ${r.retentionDays} for registry '${r.id}'`,
      );
    }
  });
  // Ids are unique and not reserved, whether or not the rest of the registry could be read.
  registryIdsByIndex.forEach((r, n) => {
    if (r.id === undefined) return;
    if (registryIdsByIndex.findIndex((o) => o.id === r.id) !== n) fail(`registries[${r.index}].id`, `registry id '${r.id}' is used more than once`);
    // A site's own buckets are `<topology>-<site>-logs-...` and `-trail-...`: a registry of that id would collide.
    if (RESERVED_REGISTRY_IDS.includes(r.id)) {
      fail(`registries[${r.index}].id`, `registry id '${r.id}' is reserved for the site's own ${r.id === "logs" ? "access-log" : "audit-trail"} bucket; choose another id`);
    }
  });

  // --- links -----------------------------------------------------------------------------
  // Every link whose ends could be read gets the checks of its ends, in file order; the rest of
  // the checks need a link that passed its shape check.
  const primary = primaryId !== undefined ? sites.get(primaryId) : undefined;
  const links: Link[] = [];
  // Links compete for what a source account allows (one priority replication policy each), first come first served.
  const planner = new MechanismPlanner();
  const seenPairs = new Set<string>();
  const knownSites = allSiteIds.join(", ");
  const linkEnds = [
    ...doc.links.map((l, i) => ({ index: unread ? unread.positions.links[i] : i, from: l.from as string | undefined, to: l.to as string | undefined, link: l as LinkDocument | undefined })),
    ...(unread?.links ?? []).map((l) => ({ ...l, link: undefined })),
  ].sort((a, b) => a.index - b.index);
  for (const { index, from: lFrom, to: lTo, link: l } of linkEnds) {
    const path = `links[${index}]`;
    const name = `link '${lFrom} -> ${lTo}'`;
    let ends = true;
    for (const [end, id] of [["from", lFrom], ["to", lTo]] as const) {
      if (id === undefined) {
        ends = false;
      } else if (!allSiteIds.includes(id)) {
        if (siteIdsComplete) fail(`${path}.${end}`, `${name}: ${end} '${id}' is not a site id (known: ${knownSites})`);
        ends = false;
      }
    }
    const carried = l ? linkRegistries(l, doc) : { known: [], unknown: [] };
    carried.unknown
      .filter((id) => !allRegistryIds.includes(id) && registryIdsComplete)
      .forEach((id) => fail(`${path}.registries`, `${name}: '${id}' is not a registry id (known: ${allRegistryIds.join(", ")})`));
    if (!ends || lFrom === undefined || lTo === undefined) continue;
    if (lFrom === lTo) {
      fail(path, `${name}: a link must connect two different sites`);
      continue;
    }
    const pair = `${lFrom}->${lTo}`;
    if (seenPairs.has(pair)) fail(path, `${name} is declared more than once; list all its registries in one link`);
    seenPairs.add(pair);
    // The schedule belongs to the copy job of a datacenter: required from one, refused otherwise.
    const fromSite = doc.sites.find((s) => s.id === lFrom);
    const fromOnPrem = fromSite?.cloud === "onprem";
    if (l && fromSite && fromOnPrem && l.everyMinutes === undefined) {
      fail(`${path}.everyMinutes`, `${name} starts at on-premises site '${lFrom}' and needs everyMinutes: how often the state's copy job runs, which is this link's RPO`);
    }
    if (l && fromSite && !fromOnPrem && l.everyMinutes !== undefined) {
      fail(
        `${path}.everyMinutes`,
        `${name}: everyMinutes is only for links from an on-premises site (the copy job's schedule), got ${l.everyMinutes}; a link from a cloud site runs that cloud's replication, whose RPO the mechanism sets`,
      );
    }
    if (primaryIds.includes(lTo)) {
      fail(`${path}.to`, `${name}: ends at the primary site '${lTo}'; a copy must never replicate back over the primary`);
      continue;
    }
    if (primaryId !== undefined && lFrom !== primaryId) {
      // Also between two datacenters: registries are written at the primary, and a copy of a
      // copy would be as old as both schedules together, which no link's RPO check would see.
      if (!fromSite) continue; // the source site could not be read: what it is decides the message
      const why = fromOnPrem
        ? "registries are written at the primary and a copy of a copy would be as old as both schedules together"
        : "replication services do not re-replicate replicas (S3 skips objects that are themselves replicas)";
      fail(`${path}.from`, `${name}: starts at '${lFrom}', which is not the primary '${primaryId}'; ${why}, so every link must start at the primary`);
      continue;
    }
    if (!l) continue; // the link itself could not be read: its shape problems are reported
    const from = sites.get(lFrom);
    const to = sites.get(lTo);
    if (!from || !to) continue; // unknown region, no location, or a site that could not be read: already reported
    if (from.cloud === "onprem" && l.everyMinutes === undefined) continue; // already reported
    const choice = planner.choose(name, from, to, carried.known.map((r) => r.id), l.everyMinutes);
    if (!choice.ok) {
      fail(path, `${name}: ${choice.reason}`);
      continue;
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
  }
  /** Whether every link could be read far enough to say where it goes and what it carries. */
  const linksReadable = !isUnread("links") && (unread?.links ?? []).every((l) => l.from !== undefined && l.to !== undefined && l.registries !== undefined);

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
      // A link that could not be read may be the one that carries it.
      const maybe = (unread?.links ?? []).some((l) => (l.from === undefined || l.from === primary.id) && (l.registries === undefined || l.registries === "all" || l.registries.includes(r.id)));
      if (declared.length === 0) {
        if (!maybe && !isUnread("links")) fail("links", `registry '${r.id}' is not copied from the primary '${primary.id}' to any other site; add a link that carries it`);
        continue;
      }
      if (targets.length === 0) continue; // its links are broken: already reported
      if (!targets.some((t) => t.role === "foreign")) {
        if (maybe || rules.requireForeignCopy === undefined) continue; // what decides it could not be read
        const message = `registry '${r.id}' reaches no foreign site (copied only to ${targets.map((t) => `'${t.id}'`).join(", ")}); add a link from '${primary.id}' to a foreign site`;
        if (rules.requireForeignCopy) {
          fail("links", `${message} (or set rules.requireForeignCopy: false for a domestic-first phase)`);
        } else {
          warnings.push(`${message} (allowed because rules.requireForeignCopy is false)`);
        }
      }
    }
  }

  // --- every site but the primary is reached by a link --------------------------------------
  // A cloud site no link reaches would still get its network, key vault or keys, workspace and
  // flow logs, and hold no registry copy; a datacenter no link reaches holds none either, yet the
  // review would list it as a failover site. Both are the same mistake: a site declared and never
  // fed. (Links that fail other rules still count: their own problems are reported.)
  if (primaryId !== undefined && linksReadable) {
    const reached = new Set(linkEnds.map((l) => l.to));
    doc.sites.forEach((s, i) => {
      if (s.id === primaryId || reached.has(s.id) || unreadSiteIds.has(s.id)) return;
      const what =
        s.cloud === "onprem"
          ? `on-premises site '${s.id}' is not the target of any link: it would hold no registry copy, yet count as a failover site in the review`
          : `${s.cloud} site '${s.id}' is not the target of any link: it would get a network, keys and monitoring, and hold no registry copy`;
      fail(sitePath(i), `${what}; add a link from the primary '${primaryId}' to it, or remove the site`);
    });
  }

  // --- alerts ----------------------------------------------------------------------------
  const emails = doc.alerts?.emails ?? [];
  emails.forEach((e, i) => {
    if (emails.findIndex((o) => o.toLowerCase() === e.toLowerCase()) !== i) fail(`alerts.emails[${i}]`, `'${e}' is listed more than once`);
  });
  if (emails.length === 0 && doc.sites.some((s) => s.cloud !== "onprem") && !isUnread("alerts")) {
    warnings.push("alerts.emails is not set: every site's alarms (freshness, replication, tampering) exist but notify nobody; name who is told when a promise is at risk");
  }

  if (problems.length > 0 || !primary || unread !== undefined || doc.name === undefined || home === undefined) return { ok: false, problems };
  return {
    ok: true,
    topology: {
      version: 1,
      name: doc.name,
      home,
      custody: doc.custody,
      rules: doc.rules as TopologyRules,
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
  doc: TopologyDraft,
  s: SiteDocument,
  path: string,
  fail: (path: string, message: string) => void,
  warnings: string[],
  readFile: (path: string) => string,
): Site | undefined {
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
function sitePlacePath(sitePathOf: (id: string) => string, site: Site): string {
  return `${sitePathOf(site.id)}.${site.cloud === "onprem" ? "location" : "region"}`;
}

function describeLocation(l: NonNullable<SiteDocument["location"]>): string {
  return `${l.city}, ${l.country} (${l.latitude}, ${l.longitude})`;
}

function linkRegistries(link: LinkDocument, doc: TopologyDraft): { known: Registry[]; unknown: string[] } {
  if (!link.registries) return { known: [...doc.registries], unknown: [] };
  const known = doc.registries.filter((r) => link.registries?.includes(r.id));
  const unknown = link.registries.filter((id) => !doc.registries.some((r) => r.id === id));
  return { known, unknown };
}

// --- ISO 3166-1 alpha-2 -------------------------------------------------------------------------

let isoCodes: ReadonlyMap<string, string> | undefined;

/**
 * Every officially assigned ISO 3166-1 alpha-2 code (249), with the country's English name, from
 * @rapideditor/country-coder's borders: the features whose `isoStatus` is `official` (its other
 * codes are exceptional reservations such as EU or UK, and the user-assigned XK). Loaded on first
 * use: parsing the borders costs about 100 ms, which a home country with a cloud region (every
 * region's country is an ISO code) never pays.
 */
function isoCountries(): ReadonlyMap<string, string> {
  if (!isoCodes) {
    const coder = require("@rapideditor/country-coder") as typeof import("@rapideditor/country-coder");
    isoCodes = new Map(
      coder.borders.features
        .map((f) => f.properties)
        .filter((p) => p.iso1A2 !== undefined && p.isoStatus === "official")
        .map((p) => [p.iso1A2 as string, p.nameEn]),
    );
  }
  return isoCodes;
}

/** Whether `code` is an officially assigned ISO 3166-1 alpha-2 code (upper case). */
function isIsoCountry(code: string): boolean {
  return REGIONS.some((r) => r.country === code) || isoCountries().has(code);
}

/** QWERTY rows: a typo of one letter is most likely a neighbouring key. */
const KEY_ROWS = ["QWERTYUIOP", "ASDFGHJKL", "ZXCVBNM"];

function keyDistance(a: string, b: string): number {
  const at = (c: string) => {
    const row = KEY_ROWS.findIndex((r) => r.includes(c));
    return { row, col: KEY_ROWS[row].indexOf(c) + row * 0.5 };
  };
  const [p, q] = [at(a), at(b)];
  return Math.hypot(p.row - q.row, p.col - q.col);
}

/**
 * The ISO 3166-1 alpha-2 codes someone most likely meant by `value` (none, one, or a few equally
 * likely ones): the code of a country named by an alias, alpha-3 or numeric code, or English name
 * that country-coder knows (`UK` -> GB, `nld` -> NL, `Germany` -> DE); for any other two letters,
 * the codes one letter away whose letter is nearest on a keyboard (`NK` -> MK, NL). None for a
 * grouping country-coder knows (EU, UN): no one country is meant.
 */
export function suggestCountryCodes(value: string): string[] {
  const codes = isoCountries();
  const props = countryCoderFeature(value);
  const named = props?.iso1A2 !== undefined && codes.has(props.iso1A2) ? props.iso1A2 : props?.country;
  if (named !== undefined && codes.has(named)) return named === value ? [] : [named];
  if (props !== undefined) return [];
  const upper = value.trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(upper)) return [];
  if (codes.has(upper)) return upper === value ? [] : [upper];
  const near = [...codes.keys()]
    .filter((c) => (c[0] === upper[0]) !== (c[1] === upper[1]))
    .map((c) => ({ c, d: c[0] === upper[0] ? keyDistance(c[1], upper[1]) : keyDistance(c[0], upper[0]) }));
  const best = Math.min(...near.map((n) => n.d));
  return near.filter((n) => n.d === best).map((n) => n.c).sort().slice(0, 3);
}

/** What country-coder knows by this name or code (a country, territory or grouping), if anything. */
function countryCoderFeature(value: string): { iso1A2?: string; country?: string; nameEn: string } | undefined {
  const coder = require("@rapideditor/country-coder") as typeof import("@rapideditor/country-coder");
  return coder.feature(value.trim())?.properties ?? undefined;
}

/**
 * The end of a message about a country code that is not one: "; did you mean 'GB'?", "; did you
 * mean 'MK', 'NL'?", " ('EU' stands for European Union, not one country)", or "".
 */
export function countryHint(value: string): string {
  const near = suggestCountryCodes(value);
  if (near.length > 0) return `; did you mean ${near.map((c) => `'${c}'`).join(", ")}?`;
  const known = countryCoderFeature(value);
  return known ? ` ('${value}' stands for ${known.nameEn}, not one country)` : "";
}
