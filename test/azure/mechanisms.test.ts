import { AZURE_OBJECT_REPLICATION, mechanismFor } from "../../lib/topology/mechanisms";
import { parseTopology } from "../../lib/topology/load";
import { problemsOf } from "../fixtures";
import { CUSTODY } from "./fixtures";

function doc(rpoMinutes: number) {
  return {
    version: 1,
    name: "nl-embassy",
    home: "NL",
    custody: { azure: { ...CUSTODY, administrators: [...CUSTODY.administrators] } },
    sites: [
      { id: "nl-primary", role: "domestic", primary: true, cloud: "azure", region: "westeurope", cidr: "10.10.0.0/16" },
      { id: "se-embassy", role: "foreign", cloud: "azure", region: "swedencentral", cidr: "10.30.0.0/16" },
    ],
    registries: [{ id: "brp", title: "Population register", rpoMinutes, retentionDays: 365 }],
    links: [{ from: "nl-primary", to: "se-embassy" }],
  };
}

describe("Azure object replication mechanism", () => {
  test("azure -> azure links use object replication with a 24-hour planning bound", () => {
    const t = parseTopology(doc(1440), "test");
    expect(t.links[0].mechanism).toBe(AZURE_OBJECT_REPLICATION);
    expect(AZURE_OBJECT_REPLICATION).toMatchObject({ name: "azure-object-replication", achievableRpoMinutes: 1440 });
    expect(mechanismFor(t.sites[0], t.sites[1])).toEqual({ ok: true, mechanism: AZURE_OBJECT_REPLICATION });
  });

  test("fails when a registry needs a fresher copy than object replication can promise", () => {
    expect(problemsOf(doc(15))).toEqual([
      "links[0]: link 'nl-primary -> se-embassy' (azure-object-replication) achieves an RPO of 1440 minutes, but registry 'brp' requires rpoMinutes 15; raise its rpoMinutes to at least 1440 or carry it on a faster link",
    ]);
  });

  test("fails when one source would replicate to more than two Azure accounts", () => {
    const d = doc(1440);
    d.sites.push(
      { id: "es-embassy", role: "foreign", cloud: "azure", region: "spaincentral", cidr: "10.40.0.0/16" },
      { id: "it-embassy", role: "foreign", cloud: "azure", region: "italynorth", cidr: "10.50.0.0/16" },
    );
    d.links.push({ from: "nl-primary", to: "es-embassy" }, { from: "nl-primary", to: "it-embassy" });
    expect(problemsOf(d)).toEqual([
      "links: registry 'brp' is replicated by azure-object-replication to 3 sites ('se-embassy', 'es-embassy', 'it-embassy'), but one source can replicate to at most 2",
    ]);
  });
});
