import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, TerraformResource } from "cdktf";
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

  test("a range may have further intervals, extra values, or no upper bound, and says so", () => {
    const asn = { kind: "range", min: 64512, max: 65534, also: [7224], more: [[4200000000, 4294967294]] } as const;
    expect(["64512", "7224", "4200000000", 4294967294].flatMap((v) => problemsOf("asn", v, asn))).toEqual([]);
    expect(problemsOf("asn", "65535", asn)).toEqual(["asn is 65535, not a whole number from 64512 to 65534 or from 4200000000 to 4294967294 (or 7224)"]);
    expect(problemsOf("dpd", 10, { kind: "range", min: 30, max: Infinity })).toEqual(["dpd is 10, not a whole number of at least 30"]);
    expect(problemsOf("dpd", 3600000, { kind: "range", min: 30, max: Infinity })).toEqual([]);
  });

  test("a sensitive value is never shown, nor its offending characters", () => {
    const key = "0pen-sesame";
    const found = [
      ...problemsOf("psk", key, { kind: "chars", allowed: /^[A-Za-z0-9_.]$/, describe: "letters, digits, _ and ." }, true),
      ...problemsOf("psk", key, { kind: "forbid", pattern: /^0/, describe: "must not start with 0" }, true),
      ...problemsOf("psk", key, { kind: "length", min: 20, max: 64 }, true),
    ];
    expect(found).toEqual([
      "psk (sensitive value, not shown) has other characters; allowed: letters, digits, _ and .",
      "psk (sensitive value, not shown) must not start with 0",
      "psk (sensitive value, not shown) is 11 characters, shorter than 20",
    ]);
    expect(found.join("\n")).not.toContain("sesame");
    expect(found.join("\n")).not.toContain('"-"');
  });

  /**
   * Every example topology under stacks/, with the least number of arguments each rule checks in it
   * (the examples' counts when this was written, rounded down: 53 AWS and 83 Azure arguments for the
   * Netherlands and Estonia, 143 AWS for Japan). A new example must be added here.
   */
  const EXAMPLES: Readonly<Record<string, { readonly aws: number; readonly azure: number }>> = {
    "ee-embassy.yaml": { aws: 50, azure: 80 },
    "jp-embassy.yaml": { aws: 140, azure: 0 },
    "nl-embassy.yaml": { aws: 50, azure: 80 },
  };

  test("the table above lists every example topology under stacks/", () => {
    const files = readdirSync(join(PROJECT_ROOT, "stacks")).filter((f) => /\.(ya?ml|json)$/.test(f) && f !== "topology.schema.json");
    expect(files.sort()).toEqual(Object.keys(EXAMPLES).sort());
  });

  test.each(Object.entries(EXAMPLES))("the example %s has no finding of EMB-P01 or EMB-P02, and its VPN and ingest resources are among those checked", (file, least) => {
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
    const checked = (id: string) => report.rules.find((r) => r.id === id)?.checked ?? -1;
    expect(checked("EMB-P01")).toBeGreaterThanOrEqual(least.aws);
    expect(checked("EMB-P02")).toBeGreaterThanOrEqual(least.azure);
    if (least.azure === 0) expect(checked("EMB-P02")).toBe(0);
    // the examples with a datacenter primary build the site VPNs and ingests on both clouds
    const types = new Set(app.node.findAll().filter((c): c is TerraformResource => c instanceof TerraformResource).map((r) => r.terraformResourceType));
    const datacenterTypes = [
      "aws_rolesanywhere_trust_anchor",
      "aws_rolesanywhere_profile",
      "aws_customer_gateway",
      "aws_vpn_gateway",
      "aws_vpn_connection",
      "azurerm_federated_identity_credential",
      "azurerm_public_ip",
      "azurerm_virtual_network_gateway",
      "azurerm_local_network_gateway",
      "azurerm_virtual_network_gateway_connection",
      "time_sleep",
    ];
    if (file !== "jp-embassy.yaml") expect(datacenterTypes.filter((t) => !types.has(t))).toEqual([]);
  });
});
