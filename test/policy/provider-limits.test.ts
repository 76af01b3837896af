import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import { problemsOf, templateOf, valuesAt } from "../../lib/policy/private/argument-check";
import { PROVIDER_LIMITS } from "../../lib/policy/private/provider-limits";
import { policyReport } from "../../lib/policy/report";
import { loadTopologyFile } from "../../lib/topology/load";
import { buildEmbassy } from "../../stacks/embassy";
import { PROJECT_ROOT } from "../fixtures";

describe("provider limits", () => {
  test("splits a Terraform string into literal text and references, honouring $${ and nested braces", () => {
    expect(templateOf("site-${aws_s3_bucket.a.id}-${jsonencode({ a = 1 })}x")).toEqual({ literal: "site--x", shape: "site-\u0000-\u0000x", known: false, opaque: false });
    expect(templateOf("$${literal}")).toEqual({ literal: "${literal}", shape: "${literal}", known: true, opaque: false });
    expect(templateOf("${var.name}")).toMatchObject({ literal: "", known: false, opaque: true });
    expect(templateOf("%{ if true }x%{ endif }")).toMatchObject({ literal: "x", known: false });
  });

  test("walks nested blocks and lists, naming each element", () => {
    const attributes = { ingress: [{ description: "a" }, { description: "b" }], rule: { days: 3 }, opts: ["x", "y"] };
    expect(valuesAt(attributes, "ingress.description")).toEqual([
      { where: "ingress[0].description", value: "a" },
      { where: "ingress[1].description", value: "b" },
    ]);
    expect(valuesAt(attributes, "rule.days")).toEqual([{ where: "rule.days", value: 3 }]);
    expect(valuesAt(attributes, "opts")).toEqual([
      { where: "opts[0]", value: "x" },
      { where: "opts[1]", value: "y" },
    ]);
    expect(valuesAt(attributes, "absent.deeper")).toEqual([]);
  });

  test("a value that mixes text and a reference is never flagged for a lower bound, an enum or a whole-value pattern", () => {
    const mixed = "a${var.x}";
    expect(problemsOf("name", mixed, { kind: "length", min: 3, max: 24 })).toEqual([]);
    expect(problemsOf("name", mixed, { kind: "oneOf", values: ["b"] })).toEqual([]);
    expect(problemsOf("name", mixed, { kind: "pattern", pattern: /^zzz$/, describe: "must be zzz" })).toEqual([]);
    expect(problemsOf("name", "${var.x}", { kind: "chars", allowed: /^[a]$/, describe: "a" })).toEqual([]);
    expect(problemsOf("days", "${var.days}", { kind: "range", min: 1, max: 2 })).toEqual([]);
  });

  test("every row names a source, and no forbid pattern fails a value made of references only", () => {
    for (const row of PROVIDER_LIMITS) {
      expect([row.type, row.argument, row.source]).toEqual([row.type, row.argument, expect.stringMatching(/^(hashicorp\/|Azure\/|https:\/\/)/)]);
      for (const check of row.checks) {
        if (check.kind === "forbid") expect([row.type, row.argument, check.pattern.test("\u0000"), check.pattern.test("\u0000\u0000")]).toEqual([row.type, row.argument, false, false]);
      }
    }
  });

  test.each(["jp-embassy.yaml", "nl-embassy.yaml"])("the example %s has no finding of EMB-P01 or EMB-P02", (file) => {
    // skipValidation leaves the other synth validations to the app tests; the pack still runs on
    // every stack, and turns its errors into error annotations, reported below with their findings
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), "embassy-limits-")), skipValidation: true });
    buildEmbassy(app, loadTopologyFile(join(PROJECT_ROOT, "stacks", file)));
    try {
      app.synth();
    } catch (e) {
      if (!String((e as Error).message).includes('Encountered Annotations with level "ERROR"')) throw e;
    }
    const report = policyReport(app);
    expect(report.findings.filter((f) => f.ruleId === "EMB-P01" || f.ruleId === "EMB-P02").map((f) => f.message)).toEqual([]);
    const checked = report.rules.filter((r) => r.id === "EMB-P01" || r.id === "EMB-P02").map((r) => r.checked);
    // the cloud of the example is checked: AWS for Japan, Azure for the Netherlands
    expect(checked[file.startsWith("jp") ? 0 : 1]).toBeGreaterThan(100);
  });
});
