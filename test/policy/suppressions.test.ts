import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { App, Aspects, type TerraformResource, TerraformStack } from "cdktf";
import { POLICY_REPORT_FILE, type PolicyReport } from "../../lib/policy/report";
import { MIN_SUPPRESSION_REASON_LENGTH, suppress, Suppressions } from "../../lib/policy/suppressions";
import { topologyOf } from "../fixtures";
import { pack, watchedAwsSite } from "./helpers";

const REASON = "registry 'brp' is restored from tape for this drill; lock is set by the restore job";

/** An app with one site stack whose store's lock is weakened to GOVERNANCE (an EMB-S02 error). */
function weakenedSite() {
  const outdir = mkdtempSync(join(tmpdir(), "embassy-suppress-"));
  const app = new App({ outdir });
  const stack = new TerraformStack(app, "site");
  new AwsProvider(stack, "aws", { region: "eu-south-2" });
  const { store, logBucket } = watchedAwsSite(stack);
  (store.node.findChild("ObjectLock") as TerraformResource).addOverride("rule.default_retention.mode", "GOVERNANCE");
  Aspects.of(stack).add(pack());
  const report = (): PolicyReport => JSON.parse(readFileSync(join(outdir, POLICY_REPORT_FILE), "utf8"));
  return { app, stack, store, logBucket, report };
}

describe("Suppressions", () => {
  test("a suppression with a reason covers the construct's children: the finding is reported as suppressed and synth passes", () => {
    const { app, store, report } = weakenedSite();
    Suppressions.of(store).add("EMB-S02", REASON);
    app.synth();
    const r = report();
    expect(r.passed).toBe(true);
    expect(r.summary).toEqual({ errors: 0, warnings: 0, suppressed: 1 });
    expect(r.findings).toEqual([
      expect.objectContaining({ ruleId: "EMB-S02", level: "error", path: "site/Store/Resource/Resource", suppressed: true, suppression: { path: "site/Store", reason: REASON } }),
    ]);
    expect(r.suppressions).toEqual([{ ruleId: "EMB-S02", path: "site/Store", reason: REASON, matchedFindings: 1 }]);
    expect(r.rules.find((x) => x.id === "EMB-S02")).toMatchObject({ nonCompliant: 1, suppressed: 1 });
  });

  test("a suppression covers only its own subtree and its own rule", () => {
    const { app, logBucket } = weakenedSite();
    suppress(logBucket, "EMB-S02", REASON);
    expect(() => app.synth()).toThrow(/\[EMB-S02\] site\/Store\/Resource\/Resource/);
  });

  test("an unused suppression is listed with no matched findings, so it can be found and removed", () => {
    const { app, store, report } = weakenedSite();
    Suppressions.of(store).add("EMB-S02", REASON).add("EMB-K01", "kept for the audit trail of the 2025 key ceremony");
    app.synth();
    expect(report().suppressions.map((s) => [s.ruleId, s.matchedFindings])).toEqual([["EMB-S02", 1], ["EMB-K01", 0]]);
    expect(Suppressions.of(store).all.map((s) => s.ruleId)).toEqual(["EMB-S02", "EMB-K01"]);
  });

  test("a topology finding is suppressed on the app", () => {
    const topology = topologyOf();
    const strict = { ...topology, rules: { ...topology.rules, minForeignDistanceKm: 10_000 } };
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), "embassy-suppress-")) });
    const stack = new TerraformStack(app, "site");
    new AwsProvider(stack, "aws", { region: "eu-south-2" });
    Aspects.of(stack).add(pack({ topology: strict }));
    expect(() => app.synth()).toThrow(/\[EMB-T01\] topology 'es-embassy', registry 'brp'/);
    suppress(app, "EMB-T01", "the second foreign site is contracted and comes online next quarter");
    expect(() => app.synth()).not.toThrow();
  });

  test("fails without a reason, or with one shorter than 20 characters, naming the rule and the length", () => {
    const { store } = weakenedSite();
    expect(MIN_SUPPRESSION_REASON_LENGTH).toBe(20);
    expect(() => Suppressions.of(store).add("EMB-S02", "")).toThrow(
      "suppression of EMB-S02 at 'site/Store' needs a reason of at least 20 characters saying why the finding is acceptable, got 0",
    );
    expect(() => suppress(store, "EMB-S02", "   too short      ")).toThrow(/^suppression of EMB-S02 at 'site\/Store' needs a reason of at least 20 characters .*, got 9$/);
    expect(Suppressions.of(store).all).toEqual([]);
  });

  test("fails on an unknown rule id, listing the known ones", () => {
    const { store } = weakenedSite();
    expect(() => suppress(store, "EMB-S99", REASON)).toThrow(/^cannot suppress unknown policy rule 'EMB-S99' at 'site\/Store'; known rules: EMB-S01, EMB-S02, .*EMB-T01$/);
  });
});
