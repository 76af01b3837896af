import fc from "fast-check";
import * as ipaddr from "ipaddr.js";
import { greatCircleKm, regionsOf } from "../../lib/regions/catalogue";
import { parseTopology } from "../../lib/topology/load";
import { TopologyError } from "../../lib/topology/problems";

const AWS = regionsOf("aws");
const HOMES: Record<string, string[]> = {
  JP: ["ap-northeast-1", "ap-northeast-3"],
  US: ["us-east-1", "us-west-2"],
  AU: ["ap-southeast-2", "ap-southeast-4"],
  IN: ["ap-south-1", "ap-south-2"],
  CA: ["ca-central-1", "ca-west-1"],
};

/**
 * Random topologies built around a valid skeleton (a primary at home, other sites at home or
 * abroad, links from the primary), with random mistakes mixed in: a wrong-country region, an
 * overlapping CIDR, a link back or sideways, an RPO or retention out of reach, a short
 * distance floor made long. The validator must sort each one correctly.
 */
const topologyArb = fc
  .record({
    home: fc.constantFrom(...Object.keys(HOMES)),
    minForeignDistanceKm: fc.constantFrom(0, 500, 500, 5000),
    others: fc.array(
      fc.record({
        role: fc.constantFrom("domestic", "foreign", "foreign"),
        abroad: fc.nat(),
        cidrClash: fc.constantFrom(false, false, false, false, false, false, false, true),
        wrongCountry: fc.constantFrom(false, false, false, false, false, false, false, true),
      }),
      { minLength: 1, maxLength: 4 },
    ),
    registries: fc.array(
      fc.record({ rpoMinutes: fc.constantFrom(15, 60, 60, 60, 60, 5), retentionDays: fc.constantFrom(30, 365, 365, 365, 365, 7) }),
      { minLength: 1, maxLength: 3 },
    ),
    extraLinks: fc.oneof({ weight: 4, arbitrary: fc.constant([] as [number, number][]) }, { weight: 1, arbitrary: fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 1, maxLength: 2 }) }),
    dropLinks: fc.constantFrom(false, false, false, false, false, true),
  })
  .map((r) => {
    const homeRegions = HOMES[r.home];
    const abroad = AWS.filter((g) => g.country !== r.home && g.partition === "aws");
    const sites = [
      { id: "site-0", role: "domestic", primary: true, cloud: "aws", region: homeRegions[0], cidr: "10.0.0.0/16" },
      // Only one more domestic site: a home country here has two regions, and sites may not share one.
      ...r.others.map((o, i) => ({ ...o, role: i === 0 ? o.role : "foreign" })).map((o, i) => ({
        id: `site-${i + 1}`,
        role: o.role,
        primary: false,
        cloud: "aws",
        region: (o.role === "domestic") !== o.wrongCountry ? homeRegions[1] : abroad[o.abroad % abroad.length].name,
        cidr: o.cidrClash ? "10.0.128.0/17" : `10.${(i + 1) * 8}.0.0/16`,
      })),
    ];
    const links = r.dropLinks ? [] : sites.slice(1).map((s) => ({ from: "site-0", to: s.id }));
    r.extraLinks.forEach(([a, b]) => links.push({ from: sites[a % sites.length].id, to: sites[b % sites.length].id }));
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
    fc.assert(
      fc.property(topologyArb, (doc) => {
        let topology;
        try {
          topology = parseTopology(doc, "prop");
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
        const domestic = topology.sites.filter((s) => s.role === "domestic");
        for (const s of topology.sites) {
          if (s.role === "domestic") expect(s.regionInfo.country).toBe(doc.home);
          else {
            expect(s.regionInfo.country).not.toBe(doc.home);
            for (const d of domestic) expect(Math.round(greatCircleKm(s.regionInfo, d.regionInfo))).toBeGreaterThanOrEqual(doc.rules.minForeignDistanceKm);
          }
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
        }
      }),
      { numRuns: 400, seed: 20261124 },
    );
    // Both sides must be reached, or the checks above prove nothing.
    expect(accepted).toBeGreaterThan(40);
    expect(accepted).toBeLessThan(360);
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
        const known = new Set(["version", "name", "home", "custody", "rules", "sites", "registries", "links", "id", "role", "primary", "cloud", "region", "cidr", "title", "rpoMinutes", "retentionDays", "accountId", "administrators", "aws", "azure", "minForeignDistanceKm", "minRetentionDays", "requireForeignCopy"]);
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
