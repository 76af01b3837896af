import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import * as ipaddr from "ipaddr.js";
import { greatCircleKm, regionsOf } from "../../lib/regions/catalogue";
import { parseTopology } from "../../lib/topology/load";
import { liesIn } from "../../lib/topology/onprem";
import { TopologyError } from "../../lib/topology/problems";
import { STATE_CA_PEM } from "./onprem-fixtures";

const AWS = regionsOf("aws");
const HOMES: Record<string, string[]> = {
  JP: ["ap-northeast-1", "ap-northeast-3"],
  US: ["us-east-1", "us-west-2"],
  AU: ["ap-southeast-2", "ap-southeast-4"],
  IN: ["ap-south-1", "ap-south-2"],
  CA: ["ca-central-1", "ca-west-1"],
};
/** Two datacenter cities per home country: [city, latitude, longitude]. */
const HOME_CITIES: Record<string, [string, number, number][]> = {
  JP: [["Tokyo", 35.68, 139.69], ["Osaka", 34.69, 135.5]],
  US: [["Washington", 38.9, -77.04], ["Chicago", 41.88, -87.63]],
  AU: [["Canberra", -35.28, 149.13], ["Melbourne", -37.81, 144.96]],
  IN: [["Delhi", 28.61, 77.21], ["Mumbai", 19.08, 72.88]],
  CA: [["Ottawa", 45.42, -75.7], ["Vancouver", 49.28, -123.12]],
};
/** Cities abroad (none of them in a home country above): [city, country, latitude, longitude]. */
const FOREIGN_CITIES: [string, string, number, number][] = [
  ["Luxembourg", "LU", 49.61, 6.13],
  ["Reykjavik", "IS", 64.15, -21.94],
  ["Tallinn", "EE", 59.44, 24.75],
  ["Santiago", "CL", -33.45, -70.67],
  ["Nairobi", "KE", -1.29, 36.82],
  ["Wellington", "NZ", -41.29, 174.78],
];

/** The folder the generated topologies' trust anchor path is relative to. */
const CERTS = mkdtempSync(join(tmpdir(), "prop-certs-"));
writeFileSync(join(CERTS, "state-ca.pem"), STATE_CA_PEM);

/**
 * Random topologies built around a valid skeleton (a primary at home, in AWS or in the state's
 * own datacenter, other sites at home or abroad, in AWS or in datacenters, links from the
 * primary), with random mistakes mixed in: a wrong-country region or datacenter, an overlapping
 * CIDR, a link back or sideways, an RPO or retention out of reach, a short distance floor made
 * long, a missing or slow copy-job schedule, a missing copy-job identity, a cloud primary
 * linked to a datacenter. The validator must sort each one correctly.
 */
const topologyArb = fc
  .record({
    home: fc.constantFrom(...Object.keys(HOMES)),
    primaryOnPrem: fc.boolean(),
    minForeignDistanceKm: fc.constantFrom(0, 500, 500, 5000),
    others: fc.array(
      fc.record({
        role: fc.constantFrom("domestic", "foreign", "foreign"),
        onprem: fc.constantFrom(false, true),
        // Under a cloud primary a datacenter target is a mistake (nothing copies into one), so rarer.
        datacenterUnderCloud: fc.constantFrom(false, false, false, false, false, false, false, false, false, false, false, true),
        abroad: fc.nat(),
        cidrClash: fc.constantFrom(false, false, false, false, false, false, false, true),
        wrongCountry: fc.constantFrom(false, false, false, false, false, false, false, true),
        everyMinutes: fc.constantFrom(5, 15, 15, 15, 15, 15, 15, 15, 15, 60, undefined),
      }),
      { minLength: 1, maxLength: 4 },
    ),
    registries: fc.array(
      fc.record({ rpoMinutes: fc.constantFrom(15, 60, 60, 60, 60, 5), retentionDays: fc.constantFrom(30, 365, 365, 365, 365, 7) }),
      { minLength: 1, maxLength: 3 },
    ),
    withoutIdentity: fc.constantFrom(false, false, false, false, false, true),
    extraLinks: fc.oneof({ weight: 4, arbitrary: fc.constant([] as [number, number][]) }, { weight: 1, arbitrary: fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 1, maxLength: 2 }) }),
    dropLinks: fc.constantFrom(false, false, false, false, false, true),
  })
  .map((r) => {
    const homeRegions = HOMES[r.home];
    const [homeCity, otherHomeCity] = HOME_CITIES[r.home];
    const abroad = AWS.filter((g) => g.country !== r.home && g.partition === "aws");
    const datacenter = (city: [string, number, number], country: string) => ({ city: city[0], country, latitude: city[1], longitude: city[2] });
    const primary = r.primaryOnPrem
      ? {
          id: "site-0",
          role: "domestic",
          primary: true,
          cloud: "onprem",
          location: datacenter(homeCity, r.home),
          cidr: "10.0.0.0/16",
          ...(r.withoutIdentity ? {} : { identity: { aws: { trustAnchorCertificate: "state-ca.pem" } } }),
        }
      : { id: "site-0", role: "domestic", primary: true, cloud: "aws", region: homeRegions[0], cidr: "10.0.0.0/16" };
    // Only one more domestic site: a home country here has two regions (and two datacenter cities), and sites may not share one.
    const others = r.others.map((o, i) => ({ ...o, role: i === 0 ? o.role : "foreign" }));
    const sites: Record<string, unknown>[] = [
      primary,
      ...others.map((o, i) => {
        const site = { id: `site-${i + 1}`, role: o.role, primary: false, cidr: o.cidrClash ? "10.0.128.0/17" : `10.${(i + 1) * 8}.0.0/16` };
        const atHome = (o.role === "domestic") !== o.wrongCountry;
        if (!(r.primaryOnPrem ? o.onprem : o.datacenterUnderCloud)) return { ...site, cloud: "aws", region: atHome ? homeRegions[1] : abroad[o.abroad % abroad.length].name };
        const [city, country, latitude, longitude] = FOREIGN_CITIES[o.abroad % FOREIGN_CITIES.length];
        // A wrong country for a datacenter: it claims the home country but stands abroad, or the other way round.
        const location =
          o.role === "domestic"
            ? o.wrongCountry
              ? { city, country: r.home, latitude, longitude }
              : datacenter(otherHomeCity, r.home)
            : o.wrongCountry
              ? datacenter(otherHomeCity, r.home)
              : { city, country, latitude, longitude };
        return { ...site, cloud: "onprem", location };
      }),
    ];
    const schedule = (to: number) => (r.primaryOnPrem && others[to - 1]?.everyMinutes !== undefined ? { everyMinutes: others[to - 1].everyMinutes } : {});
    const links: Record<string, unknown>[] = r.dropLinks ? [] : sites.slice(1).map((s, i) => ({ from: "site-0", to: s.id, ...schedule(i + 1) }));
    r.extraLinks.forEach(([a, b]) => links.push({ from: sites[a % sites.length].id, to: sites[b % sites.length].id, ...(r.primaryOnPrem ? { everyMinutes: 15 } : {}) }));
    return {
      version: 1,
      name: "prop-test",
      home: r.home,
      custody: { aws: { accountId: "111111111111", administrators: ["arn:aws:iam::111111111111:role/admin"] } },
      rules: { minForeignDistanceKm: r.minForeignDistanceKm },
      sites,
      registries: r.registries.map((g, i) => ({ id: `reg-${i}`, title: `Registry ${i}`, ...g })),
      links,
    };
  });

describe("topology validator properties", () => {
  test("a random topology is either accepted with every invariant kept, or refused with every problem named", () => {
    let accepted = 0;
    let acceptedWithDatacenter = 0;
    fc.assert(
      fc.property(topologyArb, (doc) => {
        let topology;
        try {
          topology = parseTopology(doc, "prop", { baseDir: CERTS });
        } catch (e) {
          expect(e).toBeInstanceOf(TopologyError);
          const problems = (e as TopologyError).problems;
          expect(problems.length).toBeGreaterThan(0);
          for (const p of problems) {
            expect(p.path).toMatch(/^(sites|registries|links|custody|rules)/);
            expect(p.message.length).toBeGreaterThan(20);
          }
          expect((e as Error).message.split("\n")).toHaveLength(problems.length + 1);
          return;
        }
        accepted++;
        if (topology.sites.some((s) => s.cloud === "onprem")) acceptedWithDatacenter++;
        const domestic = topology.sites.filter((s) => s.role === "domestic");
        for (const s of topology.sites) {
          if (s.role === "domestic") expect(s.place.country).toBe(doc.home);
          else {
            expect(s.place.country).not.toBe(doc.home);
            for (const d of domestic) expect(Math.round(greatCircleKm(s.place, d.place))).toBeGreaterThanOrEqual(doc.rules.minForeignDistanceKm);
          }
          // A datacenter stands where it says it does; a cloud site is where its region is.
          if (s.cloud === "onprem") expect(liesIn(s.place, s.location.country)).toBe(true);
          else expect(s.place).toBe(s.regionInfo);
        }
        expect(topology.sites.filter((s) => s.primary)).toHaveLength(1);
        topology.sites.forEach((a, i) =>
          topology.sites.slice(i + 1).forEach((b) => {
            const [ra, rb] = [ipaddr.IPv4.parseCIDR(a.cidr), ipaddr.IPv4.parseCIDR(b.cidr)];
            expect(ra[0].match(rb) || rb[0].match(ra)).toBe(false);
          }),
        );
        for (const r of topology.registries) {
          expect(r.retentionDays).toBeGreaterThanOrEqual(30);
          const targets = topology.links.filter((l) => l.registries.includes(r));
          expect(targets.some((l) => l.to.role === "foreign")).toBe(true);
          targets.forEach((l) => expect(l.mechanism.achievableRpoMinutes).toBeLessThanOrEqual(r.rpoMinutes));
        }
        for (const l of topology.links) {
          expect(l.from.primary).toBe(true);
          expect(l.to.primary).toBe(false);
          if (l.from.cloud === "onprem") {
            // The copy job's schedule is the link's RPO, and it proves who it is to each cloud it sends to.
            expect(l.everyMinutes).toBe(l.mechanism.achievableRpoMinutes);
            expect(l.mechanism.builtHere).toBe(l.to.cloud !== "onprem");
            if (l.to.cloud !== "onprem") expect(l.from.identity[l.to.cloud]).toBeDefined();
          } else {
            // Nothing deployed here copies from a cloud into a datacenter or into another cloud.
            expect(l.to.cloud).toBe(l.from.cloud);
            expect(l.everyMinutes).toBeUndefined();
          }
        }
      }),
      { numRuns: 400, seed: 20261124 },
    );
    // Both sides must be reached, or the checks above prove nothing.
    expect(accepted).toBeGreaterThan(40);
    expect(accepted).toBeLessThan(360);
    expect(acceptedWithDatacenter).toBeGreaterThan(20);
  });

  test("any unknown key anywhere is refused and named", () => {
    fc.assert(
      fc.property(fc.constantFrom("", "sites.0", "registries.0", "custody.aws", "rules"), fc.stringMatching(/^[a-z]{3,10}$/), (where, key) => {
        const doc: any = {
          version: 1,
          name: "t-embassy",
          home: "JP",
          custody: { aws: { accountId: "111111111111", administrators: ["arn:aws:iam::111111111111:role/admin"] } },
          rules: {},
          sites: [{ id: "a-site", role: "domestic", primary: true, cloud: "aws", region: "ap-northeast-1", cidr: "10.0.0.0/16" }],
          registries: [{ id: "reg", title: "R", rpoMinutes: 60, retentionDays: 60 }],
        };
        const known = new Set(["version", "name", "home", "custody", "rules", "sites", "registries", "links", "id", "role", "primary", "cloud", "region", "cidr", "title", "rpoMinutes", "retentionDays", "accountId", "administrators", "aws", "azure", "minForeignDistanceKm", "minRetentionDays", "requireForeignCopy", "location", "vpn", "identity", "alerts", "city", "country", "latitude", "longitude", "emails", "issuer", "subject", "readers", "writers"]);
        fc.pre(!known.has(key));
        const target = where === "" ? doc : where.split(".").reduce((o, k) => o[k], doc);
        target[key] = 1;
        try {
          parseTopology(doc);
        } catch (e) {
          expect((e as TopologyError).problems.map((p) => p.message)).toContainEqual(expect.stringContaining(`unknown key '${key}'`));
          return;
        }
        throw new Error(`unknown key '${key}' at '${where}' was accepted`);
      }),
      { numRuns: 100, seed: 7 },
    );
  });
});
