import { findRegion, type Region } from "../../lib/regions/catalogue";
import { parseTopology } from "../../lib/topology/load";
import {
  AZURE_OBJECT_REPLICATION,
  AZURE_PRIORITY_REPLICATION,
  mechanismFor,
  priorityReplicationBlocker,
  S3_REPLICATION_RTC,
} from "../../lib/topology/mechanisms";
import { problemsOf } from "../fixtures";
import { CUSTODY } from "./fixtures";

type Target = { id: string; region: string; registries?: string[] };

/** A French Azure primary in France Central with Azure embassies (foreign) in the given regions, one link each, in this order. */
function doc(rpoMinutes: number, targets: Target[], registries: { id: string; rpoMinutes?: number }[] = [{ id: "brp" }], minForeignDistanceKm = 500) {
  return {
    version: 1,
    name: "fr-embassy",
    home: "FR",
    custody: { azure: { ...CUSTODY, administrators: [...CUSTODY.administrators] } },
    rules: { minForeignDistanceKm },
    alerts: { emails: ["soc@example.fr"] },
    sites: [
      { id: "fr-primary", role: "domestic", primary: true, cloud: "azure", region: "francecentral", cidr: "10.10.0.0/16" },
      ...targets.map((t, i) => ({ id: t.id, role: "foreign", cloud: "azure", region: t.region, cidr: `10.${20 + 10 * i}.0.0/16` })),
    ],
    registries: registries.map((r) => ({ id: r.id, title: `Register ${r.id}`, rpoMinutes: r.rpoMinutes ?? rpoMinutes, retentionDays: 365 })),
    links: targets.map((t) => ({ from: "fr-primary", to: t.id, ...(t.registries ? { registries: t.registries } : {}) })),
  };
}

const POLAND = { id: "pl-embassy", region: "polandcentral" };
const SWEDEN = { id: "se-embassy", region: "swedencentral" };
const JAPAN = { id: "jp-embassy", region: "japaneast" };

function region(name: string): Region {
  const r = findRegion("azure", name);
  if (!r) throw new Error(`no azure region ${name}`);
  return r;
}

describe("Azure link mechanisms: priority replication where a link qualifies", () => {
  test("France Central -> Poland Central with rpoMinutes 30 gets priority replication (15 minutes)", () => {
    const t = parseTopology(doc(30, [POLAND]), "test");
    expect(t.links.map((l) => [l.to.id, l.mechanism])).toEqual([["pl-embassy", AZURE_PRIORITY_REPLICATION]]);
    expect(AZURE_PRIORITY_REPLICATION).toMatchObject({ name: "azure-object-replication-priority", achievableRpoMinutes: 15, maxTargetsPerSource: 2, builtHere: true });
    expect(mechanismFor(t.sites[0], t.sites[1])).toEqual({ ok: true, mechanism: AZURE_PRIORITY_REPLICATION });
  });

  test("rpoMinutes as small as 15 is accepted on a same-continent single-target Azure link, 14 is not", () => {
    expect(parseTopology(doc(15, [POLAND]), "test").links[0].mechanism).toBe(AZURE_PRIORITY_REPLICATION);
    expect(problemsOf(doc(14, [POLAND]))).toEqual([
      "links[0]: link 'fr-primary -> pl-embassy' (azure-object-replication-priority) achieves an RPO of 15 minutes, but registry 'brp' requires rpoMinutes 14; raise its rpoMinutes to at least 15 or carry it on a faster link",
    ]);
  });

  test("fails when the target is on another continent: France Central -> Japan East is refused with the continent rule", () => {
    expect(problemsOf(doc(30, [JAPAN]))).toEqual([
      "links[0]: link 'fr-primary -> jp-embassy' (azure-object-replication) achieves an RPO of 1440 minutes, but registry 'brp' requires rpoMinutes 30; japaneast (Asia) is on another continent than francecentral (Europe), and priority replication's 15-minute SLA covers only accounts on the same continent; raise its rpoMinutes to at least 1440 or carry it on a faster link",
    ]);
  });

  test("another continent is planned at 24 hours, without priority: accepted when the registry allows 1440 minutes", () => {
    const t = parseTopology(doc(1440, [JAPAN]), "test");
    expect(t.links[0].mechanism).toBe(AZURE_OBJECT_REPLICATION);
    expect(mechanismFor(t.sites[0], t.sites[1])).toEqual({
      ok: true,
      mechanism: AZURE_OBJECT_REPLICATION,
      slowerBecause: "japaneast (Asia) is on another continent than francecentral (Europe), and priority replication's 15-minute SLA covers only accounts on the same continent",
    });
  });

  test("two targets from one source: only the first link in topology order gets priority, the second is planned at 24 hours", () => {
    const t = parseTopology(doc(1440, [POLAND, SWEDEN]), "test");
    expect(t.links.map((l) => [l.to.id, l.mechanism.name])).toEqual([
      ["pl-embassy", "azure-object-replication-priority"],
      ["se-embassy", "azure-object-replication"],
    ]);
    // Topology order decides, not the region: listed the other way round, Sweden gets it.
    const swapped = parseTopology(doc(1440, [SWEDEN, POLAND]), "test");
    expect(swapped.links.map((l) => [l.to.id, l.mechanism.name])).toEqual([
      ["se-embassy", "azure-object-replication-priority"],
      ["pl-embassy", "azure-object-replication"],
    ]);
  });

  test("fails when the second target of one source account needs the 15-minute promise too, naming the link that holds the priority policy", () => {
    expect(problemsOf(doc(30, [POLAND, SWEDEN]))).toEqual([
      "links[1]: link 'fr-primary -> se-embassy' (azure-object-replication) achieves an RPO of 1440 minutes, but registry 'brp' requires rpoMinutes 30; the source account of registry 'brp' at 'fr-primary' already has its one priority replication policy, on link 'fr-primary -> pl-embassy' (Azure allows priority replication on one policy per source account); raise its rpoMinutes to at least 1440 or carry it on a faster link",
    ]);
  });

  test("each registry's store is its own source account: links carrying different registries both get priority", () => {
    const t = parseTopology(
      doc(30, [{ ...POLAND, registries: ["brp"] }, { ...SWEDEN, registries: ["land"] }], [{ id: "brp" }, { id: "land" }]),
      "test",
    );
    expect(t.links.map((l) => [l.to.id, l.registries.map((r) => r.id), l.mechanism.name])).toEqual([
      ["pl-embassy", ["brp"], "azure-object-replication-priority"],
      ["se-embassy", ["land"], "azure-object-replication-priority"],
    ]);
  });

  test("a link gets priority for all its registries or none: sharing one registry with an earlier priority link plans the whole link at 24 hours", () => {
    const d = doc(30, [{ ...POLAND, registries: ["brp"] }, { ...SWEDEN, registries: ["brp", "land"] }], [{ id: "brp", rpoMinutes: 1440 }, { id: "land" }]);
    expect(problemsOf(d)).toEqual([
      "links[1]: link 'fr-primary -> se-embassy' (azure-object-replication) achieves an RPO of 1440 minutes, but registry 'land' requires rpoMinutes 30; the source account of registry 'brp' at 'fr-primary' already has its one priority replication policy, on link 'fr-primary -> pl-embassy' (Azure allows priority replication on one policy per source account); raise its rpoMinutes to at least 1440 or carry it on a faster link",
    ]);
  });

  test("fails when the target region is one where priority replication is not offered (Switzerland West)", () => {
    expect(problemsOf(doc(30, [{ id: "ch-embassy", region: "switzerlandwest" }], [{ id: "brp" }], 300))).toEqual([
      "links[0]: link 'fr-primary -> ch-embassy' (azure-object-replication) achieves an RPO of 1440 minutes, but registry 'brp' requires rpoMinutes 30; priority replication is not offered in switzerlandwest (Microsoft lists West India and Switzerland West as exceptions); raise its rpoMinutes to at least 1440 or carry it on a faster link",
    ]);
  });

  test("Israel is not Europe for the continent rule: France Central -> Israel Central gets no priority", () => {
    expect(problemsOf(doc(30, [{ id: "il-embassy", region: "israelcentral" }]))).toEqual([
      "links[0]: link 'fr-primary -> il-embassy' (azure-object-replication) achieves an RPO of 1440 minutes, but registry 'brp' requires rpoMinutes 30; israelcentral (Middle East) is on another continent than francecentral (Europe), and priority replication's 15-minute SLA covers only accounts on the same continent; raise its rpoMinutes to at least 1440 or carry it on a faster link",
    ]);
  });

  test("fails when one source would replicate to more than two Azure accounts, with or without priority", () => {
    const d = doc(1440, [POLAND, SWEDEN, { id: "es-embassy", region: "spaincentral" }]);
    expect(problemsOf(d)).toEqual([
      "links: registry 'brp' is replicated by azure-object-replication to 3 sites ('pl-embassy', 'se-embassy', 'es-embassy'), but one source can replicate to at most 2",
    ]);
  });
});

describe("priorityReplicationBlocker: where priority replication applies", () => {
  test.each([
    ["francecentral", "polandcentral"],
    ["westeurope", "uksouth"],
    ["northeurope", "norwayeast"],
    ["uaenorth", "qatarcentral"],
    ["japaneast", "southeastasia"],
    ["eastus", "canadacentral"],
    ["eastus", "mexicocentral"],
    ["australiaeast", "newzealandnorth"],
  ])("%s -> %s qualifies", (from, to) => {
    expect(priorityReplicationBlocker(region(from), region(to))).toBeUndefined();
  });

  test.each([
    ["francecentral", "israelcentral", "israelcentral (Middle East) is on another continent than francecentral (Europe)"],
    ["uaenorth", "centralindia", "centralindia (Asia) is on another continent than uaenorth (Middle East)"],
    ["southeastasia", "australiaeast", "australiaeast (Oceania) is on another continent than southeastasia (Asia)"],
    ["eastus", "brazilsouth", "brazilsouth (South America) is on another continent than eastus (North America)"],
    ["westeurope", "southafricanorth", "southafricanorth (Africa) is on another continent than westeurope (Europe)"],
  ])("%s -> %s does not: %s", (from, to, why) => {
    expect(priorityReplicationBlocker(region(from), region(to))).toBe(
      `${why}, and priority replication's 15-minute SLA covers only accounts on the same continent`,
    );
  });

  test("West India and Switzerland West are excluded at either end", () => {
    expect(priorityReplicationBlocker(region("westindia"), region("centralindia"))).toBe(
      "priority replication is not offered in westindia (Microsoft lists West India and Switzerland West as exceptions)",
    );
    expect(priorityReplicationBlocker(region("switzerlandnorth"), region("switzerlandwest"))).toMatch(/^priority replication is not offered in switzerlandwest /);
  });
});

describe("the mechanism table", () => {
  test("states each mechanism's honest RPO", () => {
    expect([S3_REPLICATION_RTC, AZURE_PRIORITY_REPLICATION, AZURE_OBJECT_REPLICATION].map((m) => [m.name, m.achievableRpoMinutes])).toEqual([
      ["s3-replication-rtc", 15],
      ["azure-object-replication-priority", 15],
      ["azure-object-replication", 1440],
    ]);
    expect(S3_REPLICATION_RTC.description).toMatch(/99\.99% of objects by design, 99\.9% under the S3 SLA/);
    expect(AZURE_PRIORITY_REPLICATION.description).toMatch(/^Azure object replication with priority replication: 15 minutes for 99% of objects \(same continent; objects up to 5 GB;/);
    expect(AZURE_OBJECT_REPLICATION.description).toMatch(/no time SLA \(planning bound 24 h\)$/);
  });
});
