import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import fc from "fast-check";
import { regionsOf } from "../../lib/regions/catalogue";
import { parseTopology } from "../../lib/topology/load";
import { AZURE_OBJECT_REPLICATION, AZURE_PRIORITY_REPLICATION, PRIORITY_REPLICATION_EXCLUDED_REGIONS } from "../../lib/topology/mechanisms";
import { TopologyError } from "../../lib/topology/problems";
import { buildEmbassy } from "../../stacks/embassy";
import { CUSTODY } from "../azure/fixtures";
import type { Synth } from "../fixtures";

/** The French embassy of the issue: an Azure primary in France Central, one Azure embassy abroad. */
function french(target: { id: string; region: string }, rpoMinutes: number) {
  return {
    version: 1,
    name: "fr-embassy",
    home: "FR",
    custody: { azure: { ...CUSTODY, administrators: [...CUSTODY.administrators] } },
    alerts: { emails: ["soc@example.fr"] },
    sites: [
      { id: "fr-primary", role: "domestic", primary: true, cloud: "azure", region: "francecentral", cidr: "10.10.0.0/16" },
      { id: target.id, role: "foreign", cloud: "azure", region: target.region, cidr: "10.20.0.0/16" },
    ],
    registries: [{ id: "rnipp", title: "Répertoire national d'identification des personnes physiques", rpoMinutes, retentionDays: 365 }],
    links: [{ from: "fr-primary", to: target.id }],
  };
}

describe("an Azure primary in France Central with an embassy in Poland Central and rpoMinutes 30", () => {
  const topology = parseTopology(french({ id: "pl-embassy", region: "polandcentral" }, 30), "test");
  const dir = mkdtempSync(join(tmpdir(), "fr-embassy-"));
  let primary: Synth;
  let embassy: Synth;
  try {
    const app = new App({ outdir: dir });
    buildEmbassy(app, topology); // applies the embassy policy pack: an error finding would throw here
    app.synth();
    const read = (stack: string): Synth => JSON.parse(readFileSync(join(dir, "stacks", stack, "cdk.tf.json"), "utf8"));
    primary = read("fr-embassy-fr-primary");
    embassy = read("fr-embassy-pl-embassy");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const replicationPolicies = (s: Synth) => Object.values(s.resource.azapi_resource ?? {}).filter((r) => String(r.type).startsWith("Microsoft.Storage/storageAccounts/objectReplicationPolicies@"));

  test("validates with priority replication on the link", () => {
    expect(topology.links.map((l) => [l.from.id, l.to.id, l.mechanism])).toEqual([["fr-primary", "pl-embassy", AZURE_PRIORITY_REPLICATION]]);
  });

  test("synthesizes the primary's policy pair through azapi with priority replication and metrics, and no azurerm policy", () => {
    expect(primary.resource.azurerm_storage_object_replication).toBeUndefined();
    const [put] = Object.values(primary.resource.azapi_resource_action).filter((a) => a.method === "PUT");
    expect(put.resource_id).toMatch(/^\$\{data\.terraform_remote_state\.cross-stack-reference-input-fr-embassy-pl-embassy\.outputs\.[\w-]+\}\/objectReplicationPolicies\/default$/);
    expect(put.body.properties).toMatchObject({ metrics: { enabled: true }, priorityReplication: { enabled: true } });
    const [source] = replicationPolicies(primary);
    expect(source.body.properties).toMatchObject({ metrics: { enabled: true }, priorityReplication: { enabled: true } });
    expect(source.name).toMatch(/^\$\{azapi_resource_action\.[\w-]+\.output\.properties\.policyId\}$/);
    expect(replicationPolicies(embassy)).toEqual([]);
  });

  test("watches the link's lag against the registry's RPO and tells the site's action group", () => {
    const alerts = Object.values(primary.resource.azurerm_monitor_metric_alert ?? {}).filter((a) => a.criteria?.[0]?.metric_name === "PendingOperationsForReplication");
    expect(alerts).toHaveLength(1);
    const [lag] = alerts;
    expect(lag).toMatchObject({
      name: "fr-embassy-fr-primary-rnipp-lag-pl-embassy",
      scopes: [expect.stringMatching(/^\$\{azapi_resource\.Replication-rnipp_To-polandcentral_\w+\.id\}$/)],
      action: [{ action_group_id: expect.stringMatching(/^\$\{azurerm_monitor_action_group\.[\w-]+\.id\}$/) }],
    });
    expect(lag.criteria[0].dimension[0]).toEqual({ name: "TimeBucket", operator: "Exclude", values: ["0-5 mins", "0-5min", "5-10 mins", "5-10min", "10-15 mins", "10-15min", "15-30 mins", "15-30min"] });
  });
});

describe("the same embassy in Japan East", () => {
  test("is refused with a message naming the link, the registry and the continent rule", () => {
    expect(() => parseTopology(french({ id: "jp-embassy", region: "japaneast" }, 30), "test")).toThrow(TopologyError);
    try {
      parseTopology(french({ id: "jp-embassy", region: "japaneast" }, 30), "test");
    } catch (e) {
      expect((e as TopologyError).problems).toEqual([
        {
          path: "links[0]",
          message:
            "link 'fr-primary -> jp-embassy' (azure-object-replication) achieves an RPO of 1440 minutes, but registry 'rnipp' requires rpoMinutes 30; japaneast (Asia) is on another continent than francecentral (Europe), and priority replication's 15-minute SLA covers only accounts on the same continent; raise its rpoMinutes to at least 1440 or carry it on a faster link",
        },
      ]);
    }
  });
});

/**
 * Random Azure-only topologies: a primary in one of a few Azure regions, up to three Azure
 * embassies anywhere, registries with tight or loose RPOs, links carrying all or some of them.
 * Whatever the validator accepts keeps the priority-replication rules.
 */
describe("priority replication properties", () => {
  const AZURE = regionsOf("azure").filter((r) => !["FR"].includes(r.country));
  test("an accepted topology never promises what Azure does not: one priority link per source account, same continent only, every RPO met", () => {
    let accepted = 0;
    let withPriority = 0;
    let refusedForRpo = 0;
    fc.assert(
      fc.property(
        fc.array(fc.nat({ max: AZURE.length - 1 }), { minLength: 1, maxLength: 3 }),
        fc.array(fc.constantFrom(15, 30, 60, 1440), { minLength: 1, maxLength: 3 }),
        fc.array(fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }), { minLength: 3, maxLength: 3 }),
        (targetIdx, rpos, carries) => {
          const regions = [...new Set(targetIdx)].map((i) => AZURE[i]);
          const registries = rpos.map((rpoMinutes, i) => ({ id: `reg-${i}`, title: `Registry ${i}`, rpoMinutes, retentionDays: 365 }));
          const doc = {
            version: 1,
            name: "prop-azure",
            home: "FR",
            custody: { azure: { ...CUSTODY, administrators: [...CUSTODY.administrators] } },
            rules: { minForeignDistanceKm: 0 },
            sites: [
              { id: "site-0", role: "domestic", primary: true, cloud: "azure", region: "francecentral", cidr: "10.0.0.0/16" },
              ...regions.map((r, i) => ({ id: `site-${i + 1}`, role: "foreign", cloud: "azure", region: r.name, cidr: `10.${(i + 1) * 8}.0.0/16` })),
            ],
            registries,
            links: regions.map((_, i) => {
              const some = registries.filter((__, j) => carries[i][j]).map((r) => r.id);
              return { from: "site-0", to: `site-${i + 1}`, ...(some.length > 0 && some.length < registries.length ? { registries: some } : {}) };
            }),
          };
          let topology;
          try {
            topology = parseTopology(doc, "prop");
          } catch (e) {
            expect(e).toBeInstanceOf(TopologyError);
            for (const p of (e as TopologyError).problems) {
              if (/achieves an RPO of/.test(p.message)) {
                refusedForRpo++;
                expect(p.message).toMatch(/^link 'site-0 -> site-\d' \(azure-object-replication(-priority)?\) achieves an RPO of (15|1440) minutes, but registry 'reg-\d' requires rpoMinutes \d+/);
              }
            }
            return;
          }
          accepted++;
          const holders = new Map<string, string>();
          for (const l of topology.links) {
            expect([AZURE_PRIORITY_REPLICATION, AZURE_OBJECT_REPLICATION]).toContain(l.mechanism);
            for (const r of l.registries) expect(l.mechanism.achievableRpoMinutes).toBeLessThanOrEqual(r.rpoMinutes);
            if (l.mechanism !== AZURE_PRIORITY_REPLICATION) continue;
            withPriority++;
            if (l.from.cloud === "onprem" || l.to.cloud === "onprem") throw new Error("cloud links only");
            expect(l.to.regionInfo.continent).toBe(l.from.regionInfo.continent);
            expect(PRIORITY_REPLICATION_EXCLUDED_REGIONS.has(l.to.region)).toBe(false);
            for (const r of l.registries) {
              expect(holders.get(r.id)).toBeUndefined();
              holders.set(r.id, l.to.id);
            }
          }
        },
      ),
      { numRuns: 200, seed: 20261201 },
    );
    expect(accepted).toBeGreaterThan(20);
    expect(withPriority).toBeGreaterThan(10);
    expect(refusedForRpo).toBeGreaterThan(10);
  });
});
