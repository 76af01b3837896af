import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadTopologyFile, parseTopologyText } from "../../lib/topology/load";
import { TopologyError } from "../../lib/topology/problems";
import { topologyJsonSchema } from "../../lib/topology/schema";
import { awsDoc, PROJECT_ROOT } from "../fixtures";

function errorOf(fn: () => unknown): TopologyError {
  try {
    fn();
  } catch (e) {
    if (e instanceof TopologyError) return e;
    throw e;
  }
  throw new Error("expected a TopologyError");
}

const VALID_YAML = `version: 1
name: es-embassy
home: ES
custody:
  aws: { accountId: "111111111111", administrators: ["arn:aws:iam::111111111111:role/embassy-admin"] }
sites:
  - { id: es-primary, role: domestic, primary: true, cloud: aws, region: eu-south-2, cidr: 10.10.0.0/16 }
  - { id: se-embassy, role: foreign, cloud: aws, region: eu-north-1, cidr: 10.30.0.0/16 }
registries:
  - { id: brp, title: Population register, rpoMinutes: 15, retentionDays: 365 }
links:
  - { from: es-primary, to: se-embassy }
`;

describe("topology loading", () => {
  test("YAML and JSON are the same document", () => {
    const fromYaml = parseTopologyText(VALID_YAML);
    const doc = awsDoc();
    doc.registries = [doc.registries[0]];
    const fromJson = parseTopologyText(JSON.stringify(doc));
    expect(fromYaml.name).toBe("es-embassy");
    expect(fromJson.sites.map((s) => s.id)).toEqual(fromYaml.sites.map((s) => s.id));
    expect(fromJson.links[0].mechanism).toEqual(fromYaml.links[0].mechanism);
  });

  test("loads files by extension", () => {
    const dir = mkdtempSync(join(tmpdir(), "topology-"));
    writeFileSync(join(dir, "t.yaml"), VALID_YAML);
    writeFileSync(join(dir, "t.json"), JSON.stringify(awsDoc()));
    expect(loadTopologyFile(join(dir, "t.yaml")).primary.id).toBe("es-primary");
    expect(loadTopologyFile(join(dir, "t.json")).registries).toHaveLength(2);
    writeFileSync(join(dir, "t.txt"), VALID_YAML);
    expect(errorOf(() => loadTopologyFile(join(dir, "t.txt"))).problems[0].message).toMatch(/must end in \.yaml, \.yml or \.json, got '\.txt'/);
    expect(errorOf(() => loadTopologyFile(join(dir, "missing.yaml"))).problems[0].message).toMatch(/^cannot read '.*missing\.yaml'/);
  });

  test("fails on unknown keys, naming the key and the line", () => {
    const err = errorOf(() => parseTopologyText(VALID_YAML.replace("retentionDays: 365", "retentionDays: 365, retentionDayz: 3"), "t.yaml"));
    expect(err.problems).toEqual([
      { path: "registries[0]", line: 10, message: "registry 'brp': unknown key 'retentionDayz' (did you mean 'retentionDays'?): unknown keys are not ignored" },
    ]);
    expect(err.message).toBe(
      "topology t.yaml has 1 problem:\n  - registries[0] (line 10): registry 'brp': unknown key 'retentionDayz' (did you mean 'retentionDays'?): unknown keys are not ignored",
    );
  });

  test("an unknown key does not hide the semantic problems: both are reported together", () => {
    const doc = awsDoc();
    doc.registries[0].owner = "x";
    doc.registries[0].retentionDays = 7;
    doc.sites[1].cidr = "10.10.0.0/16";
    const messages = errorOf(() => parseTopologyText(JSON.stringify(doc, null, 2))).problems.map((p) => `${p.path}: ${p.message}`);
    expect(messages).toEqual([
      "registries[0]: registry 'brp': unknown key 'owner': unknown keys are not ignored",
      "sites[1].cidr: sites 'es-primary' (10.10.0.0/16) and 'se-embassy' (10.10.0.0/16) have overlapping CIDRs",
      "registries[0].retentionDays: retentionDays must be at least 30 (rules.minRetentionDays), got 7 for registry 'brp'",
    ]);
  });

  test("a misspelt key is reported once, with the key it likely means, and read as that key", () => {
    const doc = awsDoc();
    doc.registries[0].retentionDay = doc.registries[0].retentionDays;
    delete doc.registries[0].retentionDays;
    doc.registries[1].retentionDays = 7;
    doc.sites[1].cidr = "10.10.0.0/16";
    const messages = errorOf(() => parseTopologyText(JSON.stringify(doc, null, 2))).problems.map((p) => `${p.path}: ${p.message}`);
    expect(messages).toEqual([
      "registries[0]: registry 'brp': unknown key 'retentionDay' (did you mean 'retentionDays'?): unknown keys are not ignored",
      "sites[1].cidr: sites 'es-primary' (10.10.0.0/16) and 'se-embassy' (10.10.0.0/16) have overlapping CIDRs",
      "registries[1].retentionDays: retentionDays must be at least 30 (rules.minRetentionDays), got 7 for registry 'land'",
    ]);
  });

  test("fails on every shape problem at once, naming the thing and the value", () => {
    const doc = awsDoc();
    doc.version = 2;
    doc.name = "ES Embassy";
    doc.custody.aws.accountId = 111111111111;
    doc.sites[1].role = "embassy";
    doc.sites[1].cidr = "10.30.0.0";
    delete doc.registries[0].rpoMinutes;
    doc.registries[1].retentionDays = 1.5;
    const messages = errorOf(() => parseTopologyText(JSON.stringify(doc))).problems.map((p) => `${p.path}: ${p.message}`);
    expect(messages).toEqual([
      "version: must be 1 (the only version this tool reads), got 2",
      "name: must match [a-z][a-z0-9-]{1,30} (lower case, starts with a letter), got \"ES Embassy\"",
      "custody.aws.accountId: must be a 12-digit AWS account id in quotes (a string, not a number), got 111111111111",
      "sites[1].role: site 'se-embassy': must be 'domestic' or 'foreign', got \"embassy\"",
      "sites[1].cidr: site 'se-embassy': must be an IPv4 CIDR such as 10.10.0.0/16, got \"10.30.0.0\"",
      "registries[0].rpoMinutes: registry 'brp': is required",
      "registries[1].retentionDays: registry 'land': must be a whole number, got 1.5",
    ]);
  });

  test("fails on YAML syntax errors and duplicate keys with their line", () => {
    const err = errorOf(() => parseTopologyText("version: 1\nname: a\nname: b\n", "dup.yaml"));
    expect(err.problems[0]).toMatchObject({ path: "(syntax)", line: 3 });
    expect(err.problems[0].message).toMatch(/unique/i);
  });

  test("the published JSON Schema is the one the loader enforces", () => {
    const published = JSON.parse(readFileSync(join(PROJECT_ROOT, "stacks", "topology.schema.json"), "utf8"));
    expect(published).toEqual(topologyJsonSchema());
    expect(published.additionalProperties).toBe(false);
    expect(published.required).toEqual(["version", "name", "home", "custody", "sites", "registries"]);
  });
});
