import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { App, TerraformStack, Testing } from "cdktf";
import * as lib from "../../lib";
import { loadTopologyFile } from "../../lib/topology/load";
import { backendFromEnv } from "../../stacks/backend";
import { buildEmbassy } from "../../stacks/embassy";
import { run } from "../../stacks/main";
import { synthAtomically } from "../../stacks/synth";
import { Suppressions } from "../../lib/policy/suppressions";
import type { TerraformResource } from "cdktf";
import { awsDoc, azureOnlyDoc, policyOf, PROJECT_ROOT, resources, type Synth, topologyOf } from "../fixtures";
import { largeTopology } from "../perf/large-topology";

const ROOT = PROJECT_ROOT;
const JP = join(ROOT, "stacks", "jp-embassy.yaml");
const NL = join(ROOT, "stacks", "nl-embassy.yaml");

/** Synthesizes a topology with a real App (cross-stack references resolve only then). */
function synthApp(topology: ReturnType<typeof loadTopologyFile>) {
  const dir = mkdtempSync(join(tmpdir(), "embassy-"));
  const app = new App({ outdir: dir });
  const stacks = buildEmbassy(app, topology);
  app.synth();
  const synth = (stack: string): Synth => JSON.parse(readFileSync(join(dir, "stacks", stack, "cdk.tf.json"), "utf8"));
  const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
  return { stacks, synth, manifest };
}

/** A sink for run()'s output streams. */
/** The Object Lock configurations of registry stores (buckets tagged `embassy:registry`), not of the audit trail's bucket. */
function storeLocks(synth: Synth): any[] {
  const stores = new Set(Object.entries(synth.resource.aws_s3_bucket ?? {}).filter(([, b]) => b.tags?.["embassy:registry"] !== undefined).map(([name]) => `\${aws_s3_bucket.${name}.bucket}`));
  return resources(synth, "aws_s3_bucket_object_lock_configuration").filter((l) => stores.has(l.bucket));
}

function sink(): { text: string; write(chunk: string): boolean } {
  const s = { text: "", write: (chunk: string) => ((s.text += chunk), true) };
  return s;
}

/** Every file under a folder with its content hash, to prove a folder was left exactly as it was. */
function fingerprint(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[p.slice(dir.length)] = createHash("sha256").update(readFileSync(p)).digest("hex") + statSync(p).mtimeMs;
    }
  };
  walk(dir);
  return out;
}

describe("the AWS-only example (Japan)", () => {
  // A real app synth: cross-stack references are only resolved when the whole app synthesizes.
  const dir = mkdtempSync(join(tmpdir(), "embassy-"));
  const app = new App({ outdir: dir });
  const stacks = buildEmbassy(app, loadTopologyFile(JP));
  app.synth();
  const synth = (site: string): Synth =>
    JSON.parse(readFileSync(join(dir, "stacks", `jp-embassy-${site}`, "cdk.tf.json"), "utf8"));

  test("one stack per site", () => {
    expect([...stacks.keys()]).toEqual(["jp-tokyo", "jp-osaka", "au-embassy"]);
    expect([...stacks.values()].map((s) => s.node.id)).toEqual(["jp-embassy-jp-tokyo", "jp-embassy-jp-osaka", "jp-embassy-au-embassy"]);
  });

  test("each site has its own provider region and the custody account pinned", () => {
    expect(synth("jp-osaka").provider.aws).toEqual([expect.objectContaining({ region: "ap-northeast-3", allowed_account_ids: ["111111111111"] })]);
    expect(synth("au-embassy").provider.aws[0].region).toBe("ap-southeast-2");
  });

  test("every site holds an encrypted, locked store per registry, and a network", () => {
    for (const site of ["jp-tokyo", "jp-osaka", "au-embassy"]) {
      const s = synth(site);
      expect(storeLocks(s).map((l) => l.rule.default_retention).sort((a, b) => a.days - b.days)).toEqual([
        { mode: "COMPLIANCE", days: 365 },
        { mode: "COMPLIANCE", days: 365 },
        { mode: "COMPLIANCE", days: 3650 },
      ]);
      // A custody key per store, plus the alert topic's and the audit trail's; the primary also signs manifests.
      expect(resources(s, "aws_kms_key")).toHaveLength(site === "jp-tokyo" ? 6 : 5);
      expect(resources(s, "aws_kms_key").filter((k) => k.key_usage === "SIGN_VERIFY").length).toBe(site === "jp-tokyo" ? 1 : 0);
      expect(resources(s, "aws_vpc")).toHaveLength(1);
      expect(resources(s, "aws_flow_log")).toHaveLength(1);
      expect(resources(s, "aws_s3_bucket").every((b) => b.lifecycle?.prevent_destroy === true && b.force_destroy === false)).toBe(true);
    }
  });

  test("only the primary replicates, to both targets, through cross-stack references", () => {
    expect(resources(synth("jp-osaka"), "aws_s3_bucket_replication_configuration")).toHaveLength(0);
    const configs = resources(synth("jp-tokyo"), "aws_s3_bucket_replication_configuration");
    expect(configs).toHaveLength(3);
    for (const c of configs) {
      // Rules are sorted by id, and each id names its target's bucket: au-embassy before jp-osaka.
      expect(c.rule.map((r: any) => r.destination.bucket)).toEqual([
        expect.stringMatching(/^\$\{data\.terraform_remote_state\.cross-stack-reference-input-jp-embassy-au-embassy\.outputs\./),
        expect.stringMatching(/^\$\{data\.terraform_remote_state\.cross-stack-reference-input-jp-embassy-jp-osaka\.outputs\./),
      ]);
    }
    expect(configs.map((c) => c.rule.map((r: any) => [r.id, r.priority])).sort()).toEqual(
      ["corporate", "koseki", "land"].map((registry) => [
        [`to-jp-embassy-au-embassy-${registry}-111111111111`, 1],
        [`to-jp-embassy-jp-osaka-${registry}-111111111111`, 2],
      ]),
    );
  });

  test("targets deploy first: the primary depends on both target stacks", () => {
    const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
    expect(manifest.stacks["jp-embassy-jp-tokyo"].dependencies.sort()).toEqual(["jp-embassy-au-embassy", "jp-embassy-jp-osaka"]);
    expect(manifest.stacks["jp-embassy-jp-osaka"].dependencies).toEqual([]);
  });

  test("targets' keys admit the primary's replication roles", () => {
    const key = resources(synth("au-embassy"), "aws_kms_key").map((k) => policyOf(k.policy).Statement);
    const replicators = key.flatMap((st) => st.filter((s) => s.Sid.startsWith("Use")).map((s) => s.Condition.ArnEquals["aws:PrincipalArn"]));
    expect(replicators).toEqual(expect.arrayContaining([expect.stringMatching(/^arn:aws:iam::111111111111:role\/jp-embassy-jp-tokyo-\w+-replication$/)]));
  });

  test("a local backend by default, an encrypted, locked S3 backend when configured", () => {
    // Relative to the stack's folder (<outdir>/stacks/<stack>/): the state files lie beside the output
    // folder (test/stacks/machine-independent.test.ts resolves every one).
    expect(synth("jp-tokyo").terraform.backend).toEqual({ local: { path: "../../../terraform.jp-embassy-jp-tokyo.tfstate" } });
    // The primary reads each target's outputs from that target's state path.
    expect(Object.values(synth("jp-tokyo").data!.terraform_remote_state).map((r: any) => r.config.path).sort()).toEqual([
      "../../../terraform.jp-embassy-au-embassy.tfstate",
      "../../../terraform.jp-embassy-jp-osaka.tfstate",
    ]);
    const s3app = Testing.app();
    const env = { EMBASSY_STATE_BUCKET: "state-bucket", EMBASSY_STATE_REGION: "ap-northeast-1", EMBASSY_STATE_KMS_KEY: "alias/state" };
    const s3stacks = buildEmbassy(s3app, loadTopologyFile(JP), { backend: backendFromEnv(env) });
    const backend = JSON.parse(Testing.synth(s3stacks.get("jp-osaka")! as any)).terraform.backend;
    expect(backend).toEqual({
      s3: {
        bucket: "state-bucket",
        key: "data-embassy/jp-embassy-jp-osaka/terraform.tfstate",
        region: "ap-northeast-1",
        encrypt: true,
        kms_key_id: "alias/state",
        use_lockfile: true,
      },
    });
    expect(() => backendFromEnv({ EMBASSY_STATE_BUCKET: "b" })).toThrow(
      "EMBASSY_STATE_REGION must be set with EMBASSY_STATE_BUCKET (got bucket 'b' and no region)",
    );
  });
});

describe("an Azure-only embassy (object replication)", () => {
  const { stacks, synth, manifest } = synthApp(topologyOf(azureOnlyDoc()));
  const primary = synth("nl-embassy-nl-primary");
  const foreign = synth("nl-embassy-es-embassy");

  test("one stack per site, the foreign target deployed first", () => {
    expect([...stacks.keys()]).toEqual(["nl-primary", "es-embassy"]);
    expect(manifest.stacks["nl-embassy-nl-primary"].dependencies).toEqual(["nl-embassy-es-embassy"]);
    expect(manifest.stacks["nl-embassy-es-embassy"].dependencies).toEqual([]);
  });

  test("providers pinned to the custody tenant and subscription, with data-protecting features", () => {
    for (const s of [primary, foreign]) {
      expect(s.provider.azurerm[0]).toMatchObject({
        subscription_id: "2d9e7f10-5a6b-4c8d-9e0f-112233445566",
        tenant_id: "8f6a2c1e-4b7d-4e2a-9c3f-1a2b3c4d5e6f",
        features: [
          expect.objectContaining({
            key_vault: [expect.objectContaining({ purge_soft_delete_on_destroy: false, purge_soft_deleted_keys_on_destroy: false })],
            resource_group: [{ prevent_deletion_if_contains_resources: true }],
          }),
        ],
      });
    }
  });

  test("every registry store at both sites is a locked, private, CMK-encrypted account", () => {
    for (const s of [primary, foreign]) {
      const stores = resources(s, "azurerm_storage_account").filter((a) => a.customer_managed_key);
      expect(stores).toHaveLength(3);
      stores.forEach((a) =>
        expect(a).toMatchObject({
          public_network_access_enabled: false,
          shared_access_key_enabled: false,
          infrastructure_encryption_enabled: true,
          min_tls_version: "TLS1_2",
          lifecycle: { prevent_destroy: true },
        }),
      );
      expect(resources(s, "azurerm_storage_container_immutability_policy").map((p) => [p.immutability_period_in_days, p.locked]).sort()).toEqual([
        [365, true],
        [3650, true],
        [3650, true],
      ]);
    }
  });

  test("custody.azure.readers read each registry container; they hold no key or account role; administrators read no registry container", () => {
    const reader = "c3d4e5f6-0718-4293-a4b5-c6d7e8f90a1b";
    for (const s of [primary, foreign]) {
      const all = resources(s, "azurerm_role_assignment").filter((a) => a.principal_id === reader);
      // Besides: verifying manifest signatures with the site's signing key, where the site has one (custom role, on that key only).
      const verify = all.filter((a) => String(a.role_definition_id).includes("Signing_VerifierRole"));
      expect(verify.map((a) => a.scope)).toEqual(s === primary ? [expect.stringMatching(/^\$\{azapi_resource\.Signing_\w+\.id\}$/)] : []);
      const mine = all.filter((a) => !verify.includes(a));
      expect(mine.map((a) => a.role_definition_name)).toEqual(["Storage Blob Data Reader", "Storage Blob Data Reader", "Storage Blob Data Reader"]);
      mine.forEach((a) => expect(a.scope).toMatch(/^\$\{azurerm_storage_container\./));
      const admin = resources(s, "azurerm_role_assignment").filter((a) => a.principal_id === "5b1e9c2a-7d3f-4a6b-8c9d-0e1f2a3b4c5d");
      // Administrators audit: they may read the flow-log account's flow logs, never a registry container.
      expect(admin.filter((a) => a.role_definition_name === "Storage Blob Data Reader").map((a) => a.scope)).toEqual([expect.stringMatching(/^\$\{azurerm_storage_account\.Logs_FlowLogs_\w+\.id\}$/)]);
    }
  });

  test("the primary replicates each registry to the foreign site with priority replication, through cross-stack references", () => {
    // West Europe -> Spain Central: same continent, the source accounts' first link: priority (15 minutes).
    expect(resources(primary, "azurerm_storage_object_replication")).toHaveLength(0);
    const puts = resources(primary, "azapi_resource_action").filter((a) => a.method === "PUT");
    expect(puts).toHaveLength(3);
    puts.forEach((p) => {
      expect(p.resource_id).toMatch(/^\$\{data\.terraform_remote_state\.cross-stack-reference-input-nl-embassy-es-embassy\.outputs\.[\w-]+\}\/objectReplicationPolicies\/default$/);
      expect(p.body.properties.priorityReplication).toEqual({ enabled: true });
      expect(p.body.properties.metrics).toEqual({ enabled: true });
    });
    expect(resources(primary, "azapi_resource").filter((r) => String(r.type).startsWith("Microsoft.Storage/storageAccounts/objectReplicationPolicies@"))).toHaveLength(3);
    expect(resources(foreign, "azapi_resource_action")).toHaveLength(0);
  });
});

describe("a large topology (10 sites, 8 registries)", () => {
  test("synthesizes with every policy rule passing and one replication configuration per registry", () => {
    const { stacks, synth, manifest } = synthApp(topologyOf(largeTopology(8)));
    expect(stacks.size).toBe(10);
    const primary = synth("us-large-us-0");
    const configs = resources(primary, "aws_s3_bucket_replication_configuration");
    expect(configs).toHaveLength(8);
    configs.forEach((c) => expect(c.rule).toHaveLength(9));
    expect(manifest.stacks["us-large-us-0"].dependencies).toHaveLength(9);
  });
});

describe("a mixed topology", () => {
  test("AWS and Azure sites each get their own stacks", () => {
    const doc = awsDoc();
    doc.home = "NL";
    doc.custody.azure = {
      tenantId: "8f6a2c1e-4b7d-4e2a-9c3f-1a2b3c4d5e6f",
      subscriptionId: "2d9e7f10-5a6b-4c8d-9e0f-112233445566",
      administrators: ["5b1e9c2a-7d3f-4a6b-8c9d-0e1f2a3b4c5d"],
    };
    doc.registries.forEach((r: any) => (r.rpoMinutes = 1440));
    doc.sites = [
      { id: "nl-primary", role: "domestic", primary: true, cloud: "azure", region: "westeurope", cidr: "10.10.0.0/16" },
      { id: "se-embassy", role: "foreign", cloud: "azure", region: "swedencentral", cidr: "10.30.0.0/16" },
      { id: "aws-island", role: "foreign", cloud: "aws", region: "eu-south-2", cidr: "10.40.0.0/16" },
    ];
    doc.links = [{ from: "nl-primary", to: "se-embassy" }];
    // A site that no link reaches would hold no registry copy: refused (no copy crosses from one
    // cloud to another, so a mixed embassy has a datacenter primary, as the Dutch example does).
    expect(() => topologyOf(doc)).toThrow(
      "sites[2]: aws site 'aws-island' is not the target of any link: it would get a network, keys and monitoring, and hold no registry copy; add a link from the primary 'nl-primary' to it, or remove the site",
    );
    doc.sites.pop();
    const { synth } = synthApp(topologyOf(doc));
    // Azure stacks hold azurerm resources, custody keys through ARM (azapi) and RBAC propagation waits (time).
    expect(Object.keys(synth("es-embassy-nl-primary").resource).every((t) => /^(azurerm|azapi|time)_/.test(t))).toBe(true);
    const mixed = synthApp(loadTopologyFile(NL)).synth;
    expect(Object.keys(mixed("nl-embassy-nl-azure").resource).every((t) => /^(azurerm|azapi|time)_/.test(t))).toBe(true);
    const aws = mixed("nl-embassy-es-embassy");
    expect(Object.keys(aws.resource).every((t) => t.startsWith("aws_"))).toBe(true);
    expect(resources(aws, "aws_vpc")).toHaveLength(1);
    expect(storeLocks(aws)).toHaveLength(3);
  });
});

describe("the synth entry point", () => {
  test("synthesizes the Dutch example by default", () => {
    const outdir = join(mkdtempSync(join(tmpdir(), "embassy-")), "out");
    const out = sink();
    expect(run({ CDKTF_OUTDIR: outdir }, out, sink())).toBe(0);
    expect(out.text).toBe(`synthesized 2 site stacks of 'nl-embassy' into ${outdir} (2 on-premises sites: nothing deployed there)\n`);
  });

  test("synthesizes the topology named by EMBASSY_TOPOLOGY into CDKTF_OUTDIR", () => {
    const outdir = join(mkdtempSync(join(tmpdir(), "embassy-")), "out");
    const out = sink();
    expect(run({ EMBASSY_TOPOLOGY: JP, CDKTF_OUTDIR: outdir }, out, sink())).toBe(0);
    expect(out.text).toBe(`synthesized 3 site stacks of 'jp-embassy' into ${outdir}\n`);
    expect(readdirSync(join(outdir, "stacks")).sort()).toEqual(["jp-embassy-au-embassy", "jp-embassy-jp-osaka", "jp-embassy-jp-tokyo"]);
  });

  test("under the cdktf CLI, stacks a topology no longer has are left for the CLI to delete", () => {
    const outdir = join(mkdtempSync(join(tmpdir(), "embassy-")), "out");
    const cli = { CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS: "true", CDKTF_OUTDIR: outdir };
    expect(run({ ...cli, EMBASSY_TOPOLOGY: JP }, sink(), sink())).toBe(0);
    expect(run({ ...cli, EMBASSY_TOPOLOGY: NL }, sink(), sink())).toBe(0);
    // The CLI lists stack folders before the app runs and removes the orphans after it.
    expect(readdirSync(join(outdir, "stacks")).sort()).toEqual([
      "jp-embassy-au-embassy",
      "jp-embassy-jp-osaka",
      "jp-embassy-jp-tokyo",
      "nl-embassy-es-embassy",
      "nl-embassy-nl-azure",
    ]);
    expect(Object.keys(JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")).stacks).sort()).toEqual(["nl-embassy-es-embassy", "nl-embassy-nl-azure"]);
    // Without the CLI nobody would delete them, so a plain synth leaves only its own stacks.
    expect(run({ CDKTF_OUTDIR: outdir, EMBASSY_TOPOLOGY: NL }, sink(), sink())).toBe(0);
    expect(readdirSync(join(outdir, "stacks")).sort()).toEqual(["nl-embassy-es-embassy", "nl-embassy-nl-azure"]);
  });

  test("an invalid topology exits 1, lists every problem on stderr and leaves the previous output untouched", () => {
    const base = mkdtempSync(join(tmpdir(), "embassy-"));
    const outdir = join(base, "out");
    expect(run({ EMBASSY_TOPOLOGY: JP, CDKTF_OUTDIR: outdir }, sink(), sink())).toBe(0);
    const before = fingerprint(outdir);

    const doc = awsDoc();
    doc.sites[1].cidr = "10.10.0.0/16";
    doc.registries[0].retentionDays = 3;
    const bad = join(base, "bad.json");
    const text = JSON.stringify(doc, null, 2);
    writeFileSync(bad, text);
    const lines = text.split("\n");
    const cidrLine = lines.lastIndexOf('      "cidr": "10.10.0.0/16"') + 1;
    const retentionLine = lines.indexOf('      "retentionDays": 3') + 1;
    const err = sink();
    expect(run({ EMBASSY_TOPOLOGY: bad, CDKTF_OUTDIR: outdir }, sink(), err)).toBe(1);
    expect(err.text).toBe(
      [
        `topology ${bad} has 2 problems:`,
        `  - sites[1].cidr (line ${cidrLine}): sites 'es-primary' (10.10.0.0/16) and 'se-embassy' (10.10.0.0/16) have overlapping CIDRs`,
        `  - registries[0].retentionDays (line ${retentionLine}): retentionDays must be at least 30 (rules.minRetentionDays), got 3 for registry 'brp'`,
        "",
      ].join("\n"),
    );
    expect(fingerprint(outdir)).toEqual(before);
    expect(readdirSync(base).sort()).toEqual(["bad.json", "out"]);
  });
});

describe("the policy pack in every synth", () => {
  /** Builds the Japan example with Osaka's 'land' store weakened to GOVERNANCE mode. */
  function weakened(app: App, suppressWith?: string) {
    const stacks = buildEmbassy(app, loadTopologyFile(JP));
    const store = stacks.get("jp-osaka")!.node.findChild("Store-land");
    (store.node.findChild("ObjectLock") as TerraformResource).addOverride("rule.default_retention.mode", "GOVERNANCE");
    if (suppressWith) Suppressions.of(store).add("EMB-S02", suppressWith);
  }

  test("a clean synth writes policy-report.json next to the stacks, passed and with no suppressions", () => {
    const outdir = join(mkdtempSync(join(tmpdir(), "embassy-")), "out");
    expect(run({ EMBASSY_TOPOLOGY: JP, CDKTF_OUTDIR: outdir }, sink(), sink())).toBe(0);
    const report = JSON.parse(readFileSync(join(outdir, "policy-report.json"), "utf8"));
    expect(report).toMatchObject({ passed: true, summary: { errors: 0, warnings: 0, suppressed: 0 }, suppressions: [] });
    expect(report.rules.map((r: any) => r.id)).toEqual(expect.arrayContaining(["EMB-S01", "EMB-S02", "EMB-R01", "EMB-I03", "EMB-W01", "EMB-W02", "EMB-T01"]));
    expect(report.rules.find((r: any) => r.id === "EMB-S02").checked).toBeGreaterThan(0);
    expect(report.stacks).toEqual(["jp-embassy-au-embassy", "jp-embassy-jp-osaka", "jp-embassy-jp-tokyo"]);
    // An AWS-only embassy has nothing for the Azure provider-limit rule to check.
    expect(report.rules.filter((r: any) => !r.applicable).map((r: any) => r.id)).toEqual(["EMB-P02"]);
  });

  test("rules with nothing to check say so instead of passing silently", () => {
    const outdir = join(mkdtempSync(join(tmpdir(), "embassy-")), "out");
    const azureOnly = join(mkdtempSync(join(tmpdir(), "embassy-")), "azure-only.json");
    writeFileSync(azureOnly, JSON.stringify(azureOnlyDoc()));
    expect(run({ EMBASSY_TOPOLOGY: azureOnly, CDKTF_OUTDIR: outdir }, sink(), sink())).toBe(0);
    const report = JSON.parse(readFileSync(join(outdir, "policy-report.json"), "utf8"));
    // S3 replication and IAM policy size rules have nothing to check in an Azure-only embassy.
    expect(report.rules.filter((r: any) => !r.applicable).map((r: any) => [r.id, r.checked])).toEqual([
      ["EMB-R01", 0],
      ["EMB-R02", 0],
      ["EMB-I04", 0],
      ["EMB-P01", 0],
    ]);
  });

  test("a weakened store fails synth with its rule id and leaves the previous output untouched", () => {
    const outdir = join(mkdtempSync(join(tmpdir(), "embassy-")), "out");
    expect(run({ EMBASSY_TOPOLOGY: JP, CDKTF_OUTDIR: outdir }, sink(), sink())).toBe(0);
    const before = fingerprint(outdir);
    expect(() => synthAtomically(outdir, (app) => weakened(app))).toThrow(
      /\[EMB-S02\] jp-embassy-jp-osaka\/Store-land\/Resource\/Resource \(aws_s3_bucket\): object lock mode is 'GOVERNANCE', not 'COMPLIANCE'/,
    );
    expect(fingerprint(outdir)).toEqual(before);
    // The rejected synth's report is kept beside the output, not in it.
    const rejected = JSON.parse(readFileSync(`${outdir}.rejected-policy-report.json`, "utf8"));
    expect(rejected).toMatchObject({ passed: false, summary: { errors: 1 } });
  });

  test("a suppression with a reason lets synth pass and is listed in the report", () => {
    const outdir = join(mkdtempSync(join(tmpdir(), "embassy-")), "out");
    const reason = "migration window: governance mode until the legal hold review ends";
    synthAtomically(outdir, (app) => weakened(app, reason));
    const report = JSON.parse(readFileSync(join(outdir, "policy-report.json"), "utf8"));
    expect(report.passed).toBe(true);
    expect(report.suppressions).toEqual([
      expect.objectContaining({ ruleId: "EMB-S02", path: "jp-embassy-jp-osaka/Store-land", reason }),
    ]);
  });

  test("a suppression without a real reason is refused", () => {
    expect(() => synthAtomically(join(mkdtempSync(join(tmpdir(), "embassy-")), "out"), (app) => weakened(app, "because"))).toThrow(/EMB-S02.*(20|reason)/);
  });
});

describe("the constructs on their own, as in the README", () => {
  test("a store with its log bucket and roles in a plain app passes the pack", () => {
    const outdir = join(mkdtempSync(join(tmpdir(), "embassy-")), "out");
    const app = new App({ outdir });
    const stack = new TerraformStack(app, "registry-copy");
    new AwsProvider(stack, "aws", { region: "eu-central-1", allowedAccountIds: ["111111111111"] });
    const custody = { accountId: "111111111111", administrators: ["arn:aws:iam::111111111111:role/embassy-admin"] };
    const logBucket = new lib.aws.LogBucket(stack, "Logs", { custody, bucketName: "my-site-logs-111111111111" });
    const store = new lib.aws.EncryptedStore(stack, "Population", {
      custody, registryId: "population", bucketName: "my-site-population-111111111111", region: "eu-central-1", retentionDays: 365, logBucket,
    });
    new lib.aws.AccessPolicy(stack, "Access", { custody, namePrefix: "my-site", stores: [store] });
    const topic = new lib.aws.AlertTopic(stack, "Alerts", { custody, region: "eu-central-1", topicName: "my-site-alerts", emails: ["soc@example.org"] });
    new lib.aws.FreshnessAlarms(stack, "Freshness", { topic, namePrefix: "my-site" }).watch(store, 60);
    lib.applyEmbassyPack(app, { custody: { awsAccountId: custody.accountId }, minRetentionDays: 30 });
    app.synth();
    const report = JSON.parse(readFileSync(join(outdir, "policy-report.json"), "utf8"));
    expect(report).toMatchObject({ passed: true, summary: { errors: 0 }, stacks: ["registry-copy"] });
  });
});
