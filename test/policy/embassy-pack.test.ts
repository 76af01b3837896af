import { PROJECT_ROOT } from "../fixtures";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { App, Aspects, type TerraformResource, TerraformStack } from "cdktf";
import { applyEmbassyPack, EMBASSY_RULE_IDS, EMBASSY_RULES, EmbassyPack } from "../../lib/policy/embassy-pack";
import { POLICY_REPORT_FILE, type PolicyReport, policyReport, writePolicyReport } from "../../lib/policy/report";
import { loadTopologyFile } from "../../lib/topology/load";
import { buildEmbassy } from "../../stacks/embassy";
import { CUSTODY, topologyOf } from "../fixtures";
import { AZURE_ADMIN, pack, watchedAwsSite } from "./helpers";

/** The pack options of the helpers' `pack()`, for applyEmbassyPack. */
const PACK_PROPS = { custody: { awsAccountId: CUSTODY.accountId, azureAdministrators: [AZURE_ADMIN] } };

/** An app in a fresh folder, with `count` AWS site stacks (`site-a`, `site-b`, ...) each checked by the pack. */
function appWithSites(count: number, options: { skipValidation?: boolean; warningsAsErrors?: boolean } = {}) {
  const outdir = mkdtempSync(join(tmpdir(), "embassy-policy-"));
  const app = new App({ outdir, skipValidation: options.skipValidation });
  const stacks = Array.from({ length: count }, (_, i) => {
    const stack = new TerraformStack(app, `site-${String.fromCharCode(97 + i)}`);
    new AwsProvider(stack, "aws", { region: "eu-south-2" });
    const site = watchedAwsSite(stack);
    Aspects.of(stack).add(pack({ warningsAsErrors: options.warningsAsErrors }));
    return { stack, ...site };
  });
  return { app, outdir, stacks };
}

function weakenLock(store: { node: { findChild(id: string): unknown } }) {
  (store.node.findChild("ObjectLock") as TerraformResource).addOverride("rule.default_retention.mode", "GOVERNANCE");
}

function reportFile(outdir: string): PolicyReport {
  return JSON.parse(readFileSync(join(outdir, POLICY_REPORT_FILE), "utf8"));
}

function synthError(app: App): string {
  try {
    app.synth();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("expected app.synth() to fail, but it succeeded");
}

describe("EmbassyPack", () => {
  test("the pack has one rule per id, each with a fix hint, and the ids the suppressions accept", () => {
    expect(EMBASSY_RULE_IDS).toEqual([
      "EMB-S01", "EMB-S02", "EMB-S03", "EMB-S04", "EMB-S05", "EMB-S06", "EMB-S07",
      "EMB-K01", "EMB-K02", "EMB-R01", "EMB-R02", "EMB-I01", "EMB-I02", "EMB-I03", "EMB-I04", "EMB-N01", "EMB-N02", "EMB-W01", "EMB-W02", "EMB-P01", "EMB-P02", "EMB-T01",
    ]);
    expect(new Set(EMBASSY_RULES.map((r) => r.rule.name)).size).toBe(EMBASSY_RULES.length);
    EMBASSY_RULES.forEach((r) => expect(r.fix.length).toBeGreaterThan(30));
  });

  test.each(["jp-embassy.yaml", "nl-embassy.yaml"])("the example %s synthesizes with the pack on every stack, and every rule that applies passes", (file) => {
    const outdir = mkdtempSync(join(tmpdir(), "embassy-policy-"));
    const app = new App({ outdir });
    const topology = loadTopologyFile(join(PROJECT_ROOT, "stacks", file));
    for (const stack of buildEmbassy(app, topology).values()) Aspects.of(stack).add(new EmbassyPack({ topology }));
    app.synth();
    const report = reportFile(outdir);
    // The one suppression the library makes itself: EMB-S03 on each Azure site's flow-log account
    // (Network Watcher rewrites its blobs every minute; see lib/azure/log-store.ts).
    const flowLogAccounts = topology.sites.filter((s) => s.cloud === "azure").map((s) => `${topology.name}-${s.id}/Logs/FlowLogs`).sort();
    expect(report).toMatchObject({ version: 1, passed: true, summary: { errors: 0, warnings: 0, suppressed: flowLogAccounts.length } });
    expect(report.findings.filter((f) => !f.suppressed)).toEqual([]);
    expect(report.suppressions.map((s) => [s.ruleId, s.path]).sort()).toEqual(flowLogAccounts.map((p) => ["EMB-S03", p]));
    expect(report.rules.map((r) => r.id)).toEqual(EMBASSY_RULE_IDS);
    for (const rule of report.rules) expect([rule.id, rule.compliant + rule.suppressed]).toEqual([rule.id, rule.checked]);
    // the store, key, identity and network rules all looked at something
    const checked = report.rules.filter((r) => r.checked > 0).map((r) => r.id);
    expect(checked).toEqual(expect.arrayContaining(["EMB-S01", "EMB-S02", "EMB-S04", "EMB-S07", "EMB-K01", "EMB-K02", "EMB-I02", "EMB-I03", "EMB-N01", "EMB-N02", "EMB-W01", "EMB-T01"]));
  });

  test("fails synth when a store's Object Lock is weakened, naming the rule, the construct path and the fix", () => {
    const { app, stacks } = appWithSites(1);
    weakenLock(stacks[0].store);
    expect(synthError(app)).toMatch(
      /data embassy policy: 1 error finding \(EMB-S02\); all findings are in .*policy-report\.json\n {2}\[EMB-S02\] site-a\/Store\/Resource\/Resource \(aws_s3_bucket\): object lock mode is 'GOVERNANCE', not 'COMPLIANCE' .*\. Fix: set S3 Object Lock default retention in COMPLIANCE mode/,
    );
  });

  test("lists every failing rule of every stack in one error, and still writes the report", () => {
    const { app, outdir, stacks } = appWithSites(2);
    weakenLock(stacks[0].store);
    new S3Bucket(stacks[1].stack, "Loose", { bucket: "loose", forceDestroy: true });
    const message = synthError(app);
    for (const expected of [
      "[EMB-S02] site-a/Store/Resource/Resource (aws_s3_bucket)",
      "[EMB-S01] site-b/Loose (aws_s3_bucket)",
      "[EMB-S04] site-b/Loose (aws_s3_bucket)",
      "[EMB-S07] site-b/Loose (aws_s3_bucket)",
    ]) {
      expect(message).toContain(expected);
    }
    expect(message).toMatch(/\d+ error findings \(EMB-S01, EMB-S02, EMB-S03, EMB-S04, EMB-S05, EMB-S07\)/);
    const report = reportFile(outdir);
    expect(report.passed).toBe(false);
    expect(report.findings.map((f) => `${f.ruleId} ${f.path}`)).toContain("EMB-S02 site-a/Store/Resource/Resource");
    // a warning (no access logging) is reported but is not in the error
    expect(report.findings.find((f) => f.ruleId === "EMB-S06")).toMatchObject({ level: "warning", path: "site-b/Loose", suppressed: false });
    expect(message).not.toContain("EMB-S06");
  });

  test("a warning does not fail synth; it is a cdktf warning annotation in the manifest", () => {
    const { app, outdir, stacks } = appWithSites(1);
    stacks[0].store.node.tryRemoveChild("AccessLogging");
    app.synth();
    expect(reportFile(outdir).summary).toEqual({ errors: 0, warnings: 1, suppressed: 0 });
    const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8"));
    expect(manifest.stacks["site-a"].annotations).toEqual([
      expect.objectContaining({ constructPath: "site-a/Store/Resource/Resource", level: "@cdktf/warn", message: expect.stringMatching(/^\[EMB-S06\] /) }),
    ]);
  });

  test("with warningsAsErrors a warning fails synth", () => {
    const { app, stacks } = appWithSites(1, { warningsAsErrors: true });
    stacks[0].store.node.tryRemoveChild("AccessLogging");
    expect(synthError(app)).toMatch(/1 error finding \(EMB-S06\)/);
  });

  test("skipValidation does not skip the pack: errors become error annotations, which fail the stack", () => {
    const { app, stacks } = appWithSites(1, { skipValidation: true });
    weakenLock(stacks[0].store);
    expect(synthError(app)).toMatch(/Encountered Annotations with level "ERROR":\n\[site-a\/Store\/Resource\/Resource\] \[EMB-S02\] site-a\/Store\/Resource\/Resource \(aws_s3_bucket\): object lock mode is 'GOVERNANCE'/);
  });

  test("applyEmbassyPack called before any stack exists checks the stacks added after it", () => {
    // GIVEN an app that gets the pack first and a stack with a weakened lock afterwards
    const outdir = mkdtempSync(join(tmpdir(), "embassy-policy-"));
    const app = new App({ outdir });
    const applied = applyEmbassyPack(app, PACK_PROPS);
    const late = new TerraformStack(app, "late");
    new AwsProvider(late, "aws", { region: "eu-south-2" });
    weakenLock(watchedAwsSite(late).store);
    // WHEN it synthesizes THEN the late stack was checked like any other, by that pack
    expect(synthError(app)).toMatch(
      /^App-level validation failed with the following errors:\n {2}data embassy policy: 1 error finding \(EMB-S02\); all findings are in .*policy-report\.json\n {2}\[EMB-S02\] late\/Store\/Resource\/Resource \(aws_s3_bucket\): object lock mode is 'GOVERNANCE'/,
    );
    expect(Aspects.of(late).all).toEqual([applied]);
    expect(reportFile(outdir).rules.find((r) => r.id === "EMB-S02")).toMatchObject({ checked: 1, nonCompliant: 1 });
  });

  test("with skipValidation, a stack added after applyEmbassyPack fails on its error annotations", () => {
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), "embassy-policy-")), skipValidation: true });
    applyEmbassyPack(app, PACK_PROPS);
    const late = new TerraformStack(app, "late");
    new AwsProvider(late, "aws", { region: "eu-south-2" });
    weakenLock(watchedAwsSite(late).store);
    expect(synthError(app)).toMatch(/Encountered Annotations with level "ERROR":\n\[late\/Store\/Resource\/Resource\] \[EMB-S02\] late\/Store\/Resource\/Resource \(aws_s3_bucket\): object lock mode is 'GOVERNANCE'/);
  });

  test("applyEmbassyPack twice adds each pack once to every stack, before and after", () => {
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), "embassy-policy-")) });
    const early = new TerraformStack(app, "early");
    const first = applyEmbassyPack(app, PACK_PROPS);
    const late = new TerraformStack(app, "late");
    const second = applyEmbassyPack(app, PACK_PROPS);
    const later = new TerraformStack(app, "later");
    for (const stack of [early, late, later]) new AwsProvider(stack, "aws", { region: "eu-south-2" });
    app.synth();
    expect([early, late, later].map((s) => Aspects.of(s).all)).toEqual([
      [first, second],
      [first, second],
      [first, second],
    ]);
  });

  test("an app given the pack before it has any stack still writes the report", () => {
    const outdir = mkdtempSync(join(tmpdir(), "embassy-policy-"));
    const app = new App({ outdir });
    applyEmbassyPack(app, PACK_PROPS);
    app.synth();
    expect(reportFile(outdir).summary).toEqual({ errors: 0, warnings: 0, suppressed: 0 });
  });

  test("a stack no pack checked fails synth when another stack has a pack", () => {
    const { app } = appWithSites(1);
    const unchecked = new TerraformStack(app, "unchecked");
    new AwsProvider(unchecked, "aws", { region: "eu-south-2" });
    expect(synthError(app)).toMatch(
      /data embassy policy: 0 error findings \(none\); .*\n {2}stack 'unchecked' was not checked by the embassy policy pack: add it with Aspects\.of\(stack\)\.add\(new EmbassyPack\(\.\.\.\)\) or applyEmbassyPack\(app\)$/m,
    );
  });

  test("buildEmbassy and a second applyEmbassyPack check each resource once per pack", () => {
    const outdir = mkdtempSync(join(tmpdir(), "embassy-policy-"));
    const app = new App({ outdir });
    const topology = loadTopologyFile(join(PROJECT_ROOT, "stacks", "jp-embassy.yaml"));
    buildEmbassy(app, topology);
    applyEmbassyPack(app, { topology });
    app.synth();
    expect(policyReport(app).rules.find((r) => r.id === "EMB-S01")?.checked).toBe(9);
  });

  test("checking a stack again replaces its findings instead of adding to them", () => {
    const { stacks } = appWithSites(1);
    weakenLock(stacks[0].store);
    const p = pack();
    expect(p.check(stacks[0].stack).map((f) => f.ruleId)).toEqual(["EMB-S02"]);
    p.check(stacks[0].stack);
    expect(policyReport(stacks[0].stack).findings).toHaveLength(1);
  });

  test("writePolicyReport writes the same report anywhere and returns the file", () => {
    const { stacks } = appWithSites(1);
    pack().check(stacks[0].stack);
    const elsewhere = mkdtempSync(join(tmpdir(), "embassy-report-"));
    const file = writePolicyReport(stacks[0].stack, elsewhere);
    expect(file).toBe(join(elsewhere, POLICY_REPORT_FILE));
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual(JSON.parse(JSON.stringify(policyReport(stacks[0].stack))));
  });

  test("takes custody and floors from the topology, and lets options only tighten them", () => {
    const topology = topologyOf();
    expect(new EmbassyPack({ topology }).options).toMatchObject({ minRetentionDays: 30, awsAccountId: "111111111111" });
    expect(new EmbassyPack({ topology, minRetentionDays: 90 }).options.minRetentionDays).toBe(90);
    expect(new EmbassyPack().options.minRetentionDays).toBe(30);
    const strict = { ...topology, rules: { ...topology.rules, minRetentionDays: 60 } };
    expect(() => new EmbassyPack({ topology: strict, minRetentionDays: 40 })).toThrow(
      "EmbassyPack: minRetentionDays may only tighten the topology's rules.minRetentionDays 60, got 40",
    );
    expect(() => new EmbassyPack({ custody: { awsAccountId: "1234" }, minRetentionDays: 0 })).toThrow(
      "EmbassyPack: minRetentionDays must be a whole number of days of at least 1, got 0; custody.awsAccountId must be 12 digits, got '1234'",
    );
  });
});
