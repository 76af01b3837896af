import type { IEncryptedStore } from "../../lib/azure/encrypted-store";
import { expectedArrival, FreshnessAlerts, freshnessQuery, freshnessWindow, type FreshnessWatch } from "../../lib/azure/freshness-alerts";
import { parseTopology } from "../../lib/topology/load";
import type { Topology } from "../../lib/topology/model";
import { CUSTODY, only, resources, synthScope } from "./fixtures";

/**
 * The values azurerm accepts, copied from hashicorp/terraform-provider-azurerm
 * internal/services/monitor/monitor_scheduled_query_rules_alert_v2_resource.go (`window_duration`,
 * `evaluation_frequency`), so a window outside them fails here before it fails at apply.
 */
const AZURERM_WINDOWS = ["PT1M", "PT5M", "PT10M", "PT15M", "PT30M", "PT45M", "PT1H", "PT2H", "PT3H", "PT4H", "PT5H", "PT6H", "P1D", "P2D"];
const AZURERM_FREQUENCIES = ["PT1M", "PT5M", "PT10M", "PT15M", "PT30M", "PT45M", "PT1H", "PT2H", "PT3H", "PT4H", "PT5H", "PT6H", "P1D"];
const minutesOf = (iso: string) => {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/.exec(iso);
  if (!m) throw new Error(`not an ISO duration: ${iso}`);
  return Number(m[1] ?? 0) * 1440 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
};

/** A store as the alert sees it: its registry, account and container. */
function store(registryId = "brp"): IEncryptedStore {
  return { registryId, accountName: `acct${registryId}`, containerName: "registry" } as unknown as IEncryptedStore;
}

function rules(watches: readonly [IEncryptedStore, FreshnessWatch][]) {
  return synthScope((scope) => {
    const freshness = new FreshnessAlerts(scope, "Freshness", {
      alerts: { actionGroupId: "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Insights/actionGroups/ag" },
      workspaceId: "/subscriptions/x/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/ws",
      resourceGroupName: "rg-test",
      location: "westeurope",
      namePrefix: "test",
    });
    for (const [s, w] of watches) freshness.watch(s, w);
  });
}

describe("FreshnessAlerts (azure)", () => {
  test("one log search alert per store: the newest version older than the interval plus 10 minutes of log latency, to the action group", () => {
    const rule = only(rules([[store(), { withinMinutes: 15, writtenBy: "clients" }]]), "azurerm_monitor_scheduled_query_rules_alert_v2");
    expect(rule).toMatchObject({
      name: "test-fresh-brp",
      location: "westeurope",
      scopes: ["/subscriptions/x/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/ws"],
      window_duration: "PT30M",
      evaluation_frequency: "PT5M",
      auto_mitigation_enabled: true,
      enabled: true,
      criteria: [{ time_aggregation_method: "Maximum", metric_measure_column: "MinutesSinceNewestVersion", operator: "GreaterThan", threshold: 25 }],
      action: { action_groups: ["/subscriptions/x/resourceGroups/rg/providers/Microsoft.Insights/actionGroups/ag"] },
    });
  });

  test("the query takes the newest successful write to the store's container, one row even when there is none (summarize without by)", () => {
    const rule = only(rules([[store(), { withinMinutes: 15, writtenBy: "clients" }]]), "azurerm_monitor_scheduled_query_rules_alert_v2");
    const query = String((rule.criteria as { query: string }[])[0].query);
    const lines = query.split("\n");
    expect(lines[0]).toBe("StorageBlobLogs");
    expect(lines).toContain('| where AccountName == "acctbrp"');
    expect(lines).toContain('| where Category == "StorageWrite" and StatusText == "Success"');
    expect(lines).toContain('| where ObjectKey startswith "/acctbrp/registry/"');
    expect(lines.slice(-2)).toEqual([
      "| summarize NewestVersion = max(TimeGenerated)",
      // No version in the 30-minute window: older than the window, so above any threshold the window allows.
      '| extend MinutesSinceNewestVersion = iff(isnull(NewestVersion), long(31), datetime_diff("minute", now(), NewestVersion))',
    ]);
  });

  test("writers and copy jobs count only committed versions; replicas count any successful write but a staged block", () => {
    const clients = freshnessQuery("a", "registry", "clients", 30);
    expect(clients).toContain('| where OperationName in ("PutBlob", "PutBlockList", "CopyBlob")');
    expect(clients).not.toContain("PutBlock\"");
    const replicas = freshnessQuery("a", "registry", "object-replication", 30);
    expect(replicas).toContain('| where OperationName != "PutBlock"');
    expect(replicas).not.toContain("OperationName in");
  });

  test.each([
    [1, 11, "PT15M", "PT5M", false],
    [5, 15, "PT15M", "PT5M", false],
    [15, 25, "PT30M", "PT5M", false],
    [50, 60, "PT1H", "PT5M", false],
    [51, 61, "PT2H", "PT15M", false],
    [350, 360, "PT6H", "PT15M", false],
    [351, 361, "P1D", "PT1H", false],
    [1440, 1450, "P2D", "PT1H", false],
    [2870, 2880, "P2D", "PT1H", false],
    [2871, 2880, "P2D", "PT1H", true],
    [4320, 2880, "P2D", "PT1H", true],
  ])("an interval of %i minutes alerts beyond %i minutes, looking back %s every %s (shortened: %s)", (minutes, limit, window, frequency, shortened) => {
    const w = freshnessWindow(minutes);
    expect(w).toEqual({ limitMinutes: limit, windowMinutes: minutesOf(window), windowDuration: window, evaluationFrequency: frequency, shortened });
    expect(AZURERM_WINDOWS).toContain(w.windowDuration);
    expect(AZURERM_FREQUENCIES).toContain(w.evaluationFrequency);
    expect(minutesOf(w.evaluationFrequency)).toBeLessThanOrEqual(minutesOf(w.windowDuration));
  });

  test("every interval from 1 minute to 3 days: the window sees a version as old as the limit, the limit is the interval plus 10 minutes or two days", () => {
    for (let minutes = 1; minutes <= 4320; minutes++) {
      const w = freshnessWindow(minutes);
      const expected = AZURERM_WINDOWS.map(minutesOf).find((a) => a >= minutes + 10) ?? 2880;
      expect(minutesOf(w.windowDuration)).toBe(expected);
      expect(w.limitMinutes).toBe(Math.min(minutes + 10, 2880));
      expect(w.limitMinutes).toBeLessThanOrEqual(w.windowMinutes);
      expect(AZURERM_FREQUENCIES).toContain(w.evaluationFrequency);
    }
  });

  test("fails when a store is watched twice, or the interval is not a whole number of minutes", () => {
    expect(() =>
      rules([
        [store(), { withinMinutes: 15, writtenBy: "clients" }],
        [store(), { withinMinutes: 30, writtenBy: "clients" }],
      ]),
    ).toThrow(/^registry 'brp' is already watched by freshness alerts 'test'$/);
    expect(() => rules([[store(), { withinMinutes: 0, writtenBy: "clients" }]])).toThrow(/^withinMinutes must be a whole number of minutes, at least 1, got 0 for registry 'brp'$/);
  });

  test("the rules map holds one rule per watched registry", () => {
    const synth = rules([
      [store("brp"), { withinMinutes: 15, writtenBy: "clients" }],
      [store("land"), { withinMinutes: 1440, writtenBy: "object-replication" }],
    ]);
    expect(resources(synth, "azurerm_monitor_scheduled_query_rules_alert_v2").map((r) => [r.name, r.window_duration]).sort()).toEqual([
      ["test-fresh-brp", "PT30M"],
      ["test-fresh-land", "P2D"],
    ]);
  });
});

describe("expectedArrival (azure freshness from the topology)", () => {
  function topology(): Topology {
    return parseTopology(
      {
        version: 1,
        name: "nl-embassy",
        home: "NL",
        custody: { azure: { ...CUSTODY, administrators: [...CUSTODY.administrators] } },
        sites: [
          {
            id: "odc-noord",
            role: "domestic",
            primary: true,
            cloud: "onprem",
            location: { city: "Groningen", country: "NL", latitude: 53.22, longitude: 6.57 },
            cidr: "10.40.0.0/16",
            vpn: { publicIp: "198.51.100.10", bgpAsn: 65010 },
            identity: { azure: { issuer: "https://sts.example.nl", subject: "embassy-push" } },
          },
          { id: "nl-azure", role: "domestic", cloud: "azure", region: "westeurope", cidr: "10.10.0.0/16" },
          { id: "se-embassy", role: "foreign", cloud: "azure", region: "swedencentral", cidr: "10.30.0.0/16" },
        ],
        registries: [{ id: "brp", title: "Population register", rpoMinutes: 60, retentionDays: 365 }],
        links: [
          { from: "odc-noord", to: "nl-azure", everyMinutes: 15 },
          { from: "odc-noord", to: "se-embassy", everyMinutes: 30 },
        ],
      },
      "test",
    );
  }

  test("a store fed by a datacenter's copy job expects a version every everyMinutes of its link", () => {
    const t = topology();
    expect(expectedArrival(t, t.sites[1], "brp")).toEqual({ withinMinutes: 15, writtenBy: "clients" });
    expect(expectedArrival(t, t.sites[2], "brp")).toEqual({ withinMinutes: 30, writtenBy: "clients" });
  });

  test("at an Azure primary the registry's rpoMinutes; at an object-replication target that plus the link's achievable RPO", () => {
    const t = parseTopology(
      {
        version: 1,
        name: "nl-embassy",
        home: "NL",
        custody: { azure: { ...CUSTODY, administrators: [...CUSTODY.administrators] } },
        sites: [
          { id: "nl-primary", role: "domestic", primary: true, cloud: "azure", region: "westeurope", cidr: "10.10.0.0/16" },
          { id: "se-embassy", role: "foreign", cloud: "azure", region: "swedencentral", cidr: "10.30.0.0/16" },
        ],
        registries: [{ id: "brp", title: "Population register", rpoMinutes: 2880, retentionDays: 365 }],
        links: [{ from: "nl-primary", to: "se-embassy" }],
      },
      "test",
    );
    const link = t.links[0];
    expect(expectedArrival(t, t.sites[0], "brp")).toEqual({ withinMinutes: 2880, writtenBy: "clients" });
    expect(expectedArrival(t, t.sites[1], "brp")).toEqual({ withinMinutes: 2880 + link.mechanism.achievableRpoMinutes, writtenBy: "object-replication" });
  });

  test("a registry the site does not receive expects nothing", () => {
    const t = topology();
    expect(expectedArrival(t, t.sites[1], "no-such-registry")).toBeUndefined();
  });
});
