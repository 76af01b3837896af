import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, TerraformOutput, Testing } from "cdktf";
import { parseTopology } from "../../lib/topology/load";
import type { Site, Topology } from "../../lib/topology/model";
import { AzureSiteStack } from "../../stacks/azure-site-stack";
import { buildEmbassy } from "../../stacks/embassy";
import { CUSTODY, type Resource, type Synth, resources, resourcesById } from "./fixtures";

/**
 * What every Azure site stack watches, checked against the topology alone: an action group that
 * emails `alerts.emails`, one freshness alert per store with the window the topology implies,
 * tamper alerts on the site, and the subscription's activity log in the site's workspace.
 */

const EMAILS = ["soc@example.nl", "registry-duty@example.nl"];

function topology(): Topology {
  return parseTopology(
    {
      version: 1,
      name: "nl-embassy",
      home: "NL",
      custody: { azure: { ...CUSTODY, administrators: [...CUSTODY.administrators] } },
      alerts: { emails: EMAILS },
      sites: [
        { id: "nl-primary", role: "domestic", primary: true, cloud: "azure", region: "westeurope", cidr: "10.10.0.0/16" },
        { id: "se-embassy", role: "foreign", cloud: "azure", region: "swedencentral", cidr: "10.30.0.0/16" },
        { id: "no-embassy", role: "foreign", cloud: "azure", region: "norwayeast", cidr: "10.40.0.0/16" },
      ],
      registries: [
        { id: "brp", title: "Population register", rpoMinutes: 1440, retentionDays: 365 },
        { id: "land", title: "Land register", rpoMinutes: 2880, retentionDays: 90 },
      ],
      links: [
        { from: "nl-primary", to: "se-embassy", registries: ["brp"] },
        { from: "nl-primary", to: "no-embassy", registries: ["land"] },
      ],
    },
    "test",
  );
}

/** Every site's stack as buildEmbassy wires it (policy pack included), synthesized. */
function synthesize(t: Topology): Map<string, Synth> {
  const outdir = mkdtempSync(join(tmpdir(), "azure-watch-"));
  try {
    const app = new App({ outdir });
    buildEmbassy(app, t);
    app.synth();
    return new Map(t.sites.map((s) => [s.id, JSON.parse(readFileSync(join(outdir, "stacks", `${t.name}-${s.id}`, "cdk.tf.json"), "utf8")) as Synth]));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** The registries a site holds, by the topology: all at the primary, the carried ones elsewhere. */
function held(t: Topology, site: Site): string[] {
  return site.primary ? t.registries.map((r) => r.id) : t.links.filter((l) => l.to.id === site.id).flatMap((l) => l.registries.map((r) => r.id));
}

/**
 * Minutes within which a new version must arrive: the registry's rpoMinutes where it is written,
 * and at a replica that plus the link's achievable RPO (the source may be quiet that long, and
 * the link may take that long on top).
 */
function expectedMinutes(t: Topology, site: Site, registryId: string): number {
  const rpo = t.registries.find((r) => r.id === registryId)!.rpoMinutes;
  if (site.primary) return rpo;
  const link = t.links.find((l) => l.to.id === site.id && l.registries.some((r) => r.id === registryId))!;
  return rpo + link.mechanism.achievableRpoMinutes;
}

/** azurerm's `window_duration` values (monitor_scheduled_query_rules_alert_v2_resource.go), in minutes. */
const WINDOWS: Readonly<Record<string, number>> = { PT1M: 1, PT5M: 5, PT10M: 10, PT15M: 15, PT30M: 30, PT45M: 45, PT1H: 60, PT2H: 120, PT3H: 180, PT4H: 240, PT5H: 300, PT6H: 360, P1D: 1440, P2D: 2880 };
/** Resource logs take up to 10 minutes to reach the workspace (azure-monitor-docs logs/data-ingestion-time.md). */
const LOG_LATENCY = 10;
const expectedWindow = (minutes: number) => Object.entries(WINDOWS).find(([, m]) => m >= minutes + LOG_LATENCY)?.[0] ?? "P2D";

/** The rules of a stack whose query reads a table, by the first line of their query. */
const queryRules = (synth: Synth, table: string) =>
  resources(synth, "azurerm_monitor_scheduled_query_rules_alert_v2").filter((r) => String((r.criteria as { query: string }[])[0].query).split("\n")[0] === table);

describe("every Azure site stack watches its promises", () => {
  const t = topology();
  const json = synthesize(t);

  test.each(["nl-primary", "se-embassy", "no-embassy"])("%s: one action group emailing alerts.emails, exposed as the stack's alerts", (siteId) => {
    const synth = json.get(siteId)!;
    const groups = resourcesById(synth, "azurerm_monitor_action_group");
    expect(Object.keys(groups)).toHaveLength(1);
    const [groupId, group] = Object.entries(groups)[0];
    expect((group.email_receiver as { email_address: string; use_common_alert_schema: boolean }[]).map((r) => [r.email_address, r.use_common_alert_schema])).toEqual(
      EMAILS.map((e) => [e, true]),
    );
    expect(String(group.short_name).length).toBeLessThanOrEqual(12);
    // Every alert rule of the site acts through this group.
    const rules = [...resources(synth, "azurerm_monitor_scheduled_query_rules_alert_v2"), ...resources(synth, "azurerm_monitor_activity_log_alert")];
    expect(rules.length).toBeGreaterThan(0);
    const targets = rules.flatMap((r) => (r.action as { action_groups?: string[] }).action_groups ?? (r.action as { action_group_id: string }[]).map((a) => a.action_group_id));
    expect(new Set(targets)).toEqual(new Set([`\${azurerm_monitor_action_group.${groupId}.id}`]));
  });

  test.each(["nl-primary", "se-embassy", "no-embassy"])("%s: one freshness alert per store it holds, with the window the topology implies", (siteId) => {
    const site = t.sites.find((s) => s.id === siteId)!;
    const synth = json.get(siteId)!;
    const accounts = resourcesById(synth, "azurerm_storage_account");
    const rules = queryRules(synth, "StorageBlobLogs");
    expect(rules).toHaveLength(held(t, site).length);
    for (const registryId of held(t, site)) {
      const [accountId] = Object.entries(accounts).find(([, a]) => (a.tags as Record<string, string>)["embassy:registry"] === registryId) ?? [];
      const rule = rules.find((r) => String((r.criteria as { query: string }[])[0].query).includes(`AccountName == "\${azurerm_storage_account.${accountId}.name}"`));
      expect(rule).toBeDefined();
      expect(rule!.window_duration).toBe(expectedWindow(expectedMinutes(t, site, registryId)));
      expect((rule!.criteria as Resource[])[0]).toMatchObject({ operator: "GreaterThan", threshold: Math.min(expectedMinutes(t, site, registryId) + LOG_LATENCY, 2880) });
      expect(String(rule!.scopes)).toMatch(/azurerm_log_analytics_workspace\.\w+\.id/);
      expect((rule!.action as { action_groups: string[] }).action_groups).toEqual([expect.stringMatching(/azurerm_monitor_action_group\.\w+\.id/)]);
    }
  });

  test("the stack exposes its action group as alerts.actionGroupId (what replication-lag alerts attach to)", () => {
    const app = Testing.app();
    const stack = new AzureSiteStack(app, "x", { topology: t, site: t.sites[0], backend: { kind: "local" } });
    new TerraformOutput(stack, "alerts", { value: stack.alerts.actionGroupId });
    const synth = JSON.parse(Testing.synth(stack)) as Synth;
    const [groupId] = Object.keys(resourcesById(synth, "azurerm_monitor_action_group"));
    expect(synth.output?.alerts).toMatchObject({ value: `\${azurerm_monitor_action_group.${groupId}.id}` });
  });

  test("at a replica the query counts any write but a staged block; at the primary only committed client writes", () => {
    const primary = queryRules(json.get("nl-primary")!, "StorageBlobLogs");
    const replica = queryRules(json.get("se-embassy")!, "StorageBlobLogs");
    primary.forEach((r) => expect(String((r.criteria as { query: string }[])[0].query)).toContain('OperationName in ("PutBlob", "PutBlockList"'));
    replica.forEach((r) => expect(String((r.criteria as { query: string }[])[0].query)).toContain('OperationName != "PutBlock"'));
  });

  test.each(["nl-primary", "se-embassy", "no-embassy"])("%s: tamper alerts on locks, access, stores, vault and NSG rules, and on the vault's key audit events", (siteId) => {
    const synth = json.get(siteId)!;
    const operations = resources(synth, "azurerm_monitor_activity_log_alert").map((a) => (a.criteria as { operation_name: string }).operation_name);
    expect(operations).toEqual(
      expect.arrayContaining([
        "Microsoft.Authorization/locks/delete",
        "Microsoft.Authorization/roleAssignments/write",
        "Microsoft.Authorization/roleAssignments/delete",
        "Microsoft.Authorization/roleDefinitions/write",
        "Microsoft.Storage/storageAccounts/write",
        "Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies/write",
        "Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies/delete",
        "Microsoft.KeyVault/vaults/write",
        "Microsoft.KeyVault/vaults/delete",
        "Microsoft.Network/networkSecurityGroups/securityRules/write",
      ]),
    );
    const [vaultId] = Object.keys(resourcesById(synth, "azurerm_key_vault"));
    const audit = queryRules(synth, "AzureDiagnostics");
    expect(audit).toHaveLength(1);
    expect(String((audit[0].criteria as { query: string }[])[0].query)).toContain(`_ResourceId =~ "\${azurerm_key_vault.${vaultId}.id}"`);
  });

  test("each site exports the subscription's activity log to its own workspace, under its own name", () => {
    const settings = t.sites.map((s) => {
      const all = resources(json.get(s.id)!, "azurerm_monitor_diagnostic_setting").filter((d) => d.target_resource_id === `/subscriptions/${CUSTODY.subscriptionId}`);
      expect(all).toHaveLength(1);
      expect(String(all[0].log_analytics_workspace_id)).toMatch(/azurerm_log_analytics_workspace\.\w+\.id/);
      return all[0];
    });
    expect(new Set(settings.map((s) => s.name)).size).toBe(t.sites.length);
  });

  test("fails when more Azure sites share the subscription than its activity log takes diagnostic settings", () => {
    const base = topology();
    const extra = ["a", "b", "c"].map((x, i) => ({ ...(base.sites[1] as Site), id: `extra-${x}`, cidr: `10.${60 + i}.0.0/16` }) as Site);
    const crowded: Topology = { ...base, sites: [...base.sites, ...extra] };
    expect(() => new AzureSiteStack(Testing.app(), "x", { topology: crowded, site: crowded.sites[0], backend: { kind: "local" } })).toThrow(
      /^the topology has 6 Azure sites in subscription 22222222-2222-4222-8222-222222222222; each exports the subscription's activity log with its own diagnostic setting, and Azure allows at most 5 per subscription$/,
    );
  });
});
