import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import { parse } from "yaml";
import { parseTopology } from "../../lib/topology/load";
import { buildEmbassy } from "../../stacks/embassy";
import { azureOnlyDoc, PROJECT_ROOT, type Synth } from "../fixtures";

/**
 * Adding or removing one target site must not rename anything of the other targets: not their
 * replication rule ids (S3 names replication metrics and alarms by them), nor the Terraform
 * address of any resource (a new address is a destroy and a create). Everything of the primary
 * that is about another target stays byte for byte the same; what may change is the one
 * replication configuration per registry (a rule more or less) and the replication role's policy
 * (a bucket and key more or less).
 */

/** Synthesizes a topology document; returns every stack's JSON by stack name. */
function synthDoc(doc: Record<string, any>): Record<string, Synth> {
  const outdir = mkdtempSync(join(tmpdir(), "embassy-ids-"));
  const app = new App({ outdir });
  const stacks = buildEmbassy(app, parseTopology(doc, "test", { baseDir: join(PROJECT_ROOT, "stacks") }));
  app.synth();
  return Object.fromEntries([...stacks.values()].map((s) => [s.node.id, JSON.parse(readFileSync(join(outdir, "stacks", s.node.id, "cdk.tf.json"), "utf8"))]));
}

/** Every resource and data source of a stack by Terraform address (`type.name`), as JSON text. */
function addresses(synth: Synth): Map<string, string> {
  const all = new Map<string, string>();
  for (const [kind, blocks] of [["", synth.resource], ["data.", synth.data ?? {}]] as const) {
    for (const [type, byName] of Object.entries(blocks)) {
      for (const [name, body] of Object.entries(byName)) all.set(`${kind}${type}.${name}`, JSON.stringify(body));
    }
  }
  return all;
}

/** The addresses of `before` that are gone or changed in `after`. */
function changed(before: Synth, after: Synth): { gone: string[]; differ: string[] } {
  const [a, b] = [addresses(before), addresses(after)];
  const gone = [...a.keys()].filter((k) => !b.has(k));
  const differ = [...a.keys()].filter((k) => b.has(k) && a.get(k) !== b.get(k));
  return { gone, differ };
}

/** The rule ids and destinations of each S3 replication configuration of a stack, by address. */
function s3Rules(synth: Synth): Record<string, { id: string; bucket: string }[]> {
  return Object.fromEntries(
    Object.entries(synth.resource.aws_s3_bucket_replication_configuration ?? {}).map(([name, c]) => [
      name,
      (c as any).rule.map((r: any) => ({ id: r.id, bucket: r.destination.bucket })),
    ]),
  );
}

/** Whether every changed KMS key among `differ` differs in its policy only. */
function policyOnlyChanges(before: Synth, after: Synth, differ: readonly string[]): boolean {
  return differ
    .filter((a) => a.startsWith("aws_kms_key."))
    .every((a) => {
      const name = a.slice("aws_kms_key.".length);
      const { policy: _p, ...restBefore } = before.resource.aws_kms_key[name];
      const { policy: _q, ...restAfter } = after.resource.aws_kms_key[name];
      return JSON.stringify(restBefore) === JSON.stringify(restAfter);
    });
}

function japan(): Record<string, any> {
  return parse(readFileSync(join(PROJECT_ROOT, "stacks", "jp-embassy.yaml"), "utf8"));
}

describe("replication ids are stable when targets change (AWS)", () => {
  // GIVEN the Japanese example (Tokyo replicating to Osaka and Sydney)
  const before = synthDoc(japan());
  // WHEN a target is added whose rule id sorts before the others' (as-embassy < au-embassy < jp-osaka)
  const grown = japan();
  grown.sites.push({ id: "as-embassy", role: "foreign", cloud: "aws", region: "ap-southeast-1", cidr: "10.60.0.0/16" });
  grown.links.push({ from: "jp-tokyo", to: "as-embassy" });
  const after = synthDoc(grown);
  // AND when a target is removed instead
  const shrunk = japan();
  shrunk.sites = shrunk.sites.filter((s: { id: string }) => s.id !== "jp-osaka");
  shrunk.links = shrunk.links.filter((l: { to: string }) => l.to !== "jp-osaka");
  const fewer = synthDoc(shrunk);

  test("the existing targets keep their rule ids and destinations; the new one is a rule more", () => {
    const old = s3Rules(before["jp-embassy-jp-tokyo"]);
    const grownRules = s3Rules(after["jp-embassy-jp-tokyo"]);
    expect(Object.keys(grownRules).sort()).toEqual(Object.keys(old).sort());
    for (const [config, rules] of Object.entries(old)) {
      expect(grownRules[config].filter((r) => !r.id.startsWith("to-jp-embassy-as-embassy-"))).toEqual(rules);
      expect(grownRules[config].map((r) => r.id)).toContain(rules[0].id.replace("au-embassy", "as-embassy"));
    }
    const fewerRules = s3Rules(fewer["jp-embassy-jp-tokyo"]);
    for (const [config, rules] of Object.entries(old)) {
      expect(fewerRules[config]).toEqual(rules.filter((r) => !r.id.startsWith("to-jp-embassy-jp-osaka-")));
    }
  });

  test("no resource of the primary or a remaining target changes its address, and only the replication configuration and role policy change at all", () => {
    const tokyo = changed(before["jp-embassy-jp-tokyo"], after["jp-embassy-jp-tokyo"]);
    expect(tokyo.gone).toEqual([]);
    // A key policy that names every site's roles (the manifest signing key) names one site more:
    // only its policy text may change, never the key.
    expect(policyOnlyChanges(before["jp-embassy-jp-tokyo"], after["jp-embassy-jp-tokyo"], tokyo.differ)).toBe(true);
    expect(tokyo.differ.map((a) => a.split(".")[0]).filter((t) => t !== "aws_kms_key").sort()).toEqual([
      ...Array(3).fill("aws_iam_role_policy"),
      ...Array(3).fill("aws_s3_bucket_replication_configuration"),
    ]);
    for (const stack of ["jp-embassy-jp-osaka", "jp-embassy-au-embassy"]) expect(changed(before[stack], after[stack])).toEqual({ gone: [], differ: [] });

    // Removing Osaka removes its alarms and remote state, and changes nothing else about Sydney.
    const removed = changed(before["jp-embassy-jp-tokyo"], fewer["jp-embassy-jp-tokyo"]);
    expect(removed.gone.every((a) => /jp-osaka|jp-embassy-jp-osaka/.test(a))).toBe(true);
    expect(removed.gone.length).toBeGreaterThan(0);
    expect(policyOnlyChanges(before["jp-embassy-jp-tokyo"], fewer["jp-embassy-jp-tokyo"], removed.differ)).toBe(true);
    expect(removed.differ.map((a) => a.split(".")[0]).filter((t) => t !== "aws_kms_key").sort()).toEqual([
      ...Array(3).fill("aws_iam_role_policy"),
      ...Array(3).fill("aws_s3_bucket_replication_configuration"),
    ]);
    expect(changed(before["jp-embassy-au-embassy"], fewer["jp-embassy-au-embassy"])).toEqual({ gone: [], differ: [] });
  });
});

describe("replication ids are stable when targets change (Azure)", () => {
  // GIVEN an Azure primary in West Europe with priority replication to Spain Central
  const base = azureOnlyDoc();
  const before = synthDoc(base);
  // WHEN a second target is added (Sweden: plain object replication, as a source account has one priority policy)
  const grown = azureOnlyDoc();
  grown.sites.push({ id: "se-embassy", role: "foreign", cloud: "azure", region: "swedencentral", cidr: "10.40.0.0/16" });
  grown.links.push({ from: "nl-primary", to: "se-embassy" });
  const after = synthDoc(grown);

  test("the existing target's policies, lag alerts and every other address stay exactly as they were", () => {
    expect(changed(before["nl-embassy-nl-primary"], after["nl-embassy-nl-primary"])).toEqual({ gone: [], differ: [] });
    expect(changed(before["nl-embassy-es-embassy"], after["nl-embassy-es-embassy"])).toEqual({ gone: [], differ: [] });
    // The existing link keeps priority replication (one source policy per registry), under its own names.
    const policies = (s: Synth) => Object.keys(s.resource.azapi_resource ?? {}).filter((k) => k.includes("To-spaincentral")).sort();
    expect(policies(before["nl-embassy-nl-primary"])).toHaveLength(3);
    expect(policies(after["nl-embassy-nl-primary"])).toEqual(policies(before["nl-embassy-nl-primary"]));
    // The new target is plain object replication, under names of its own.
    const plain = Object.keys(after["nl-embassy-nl-primary"].resource.azurerm_storage_object_replication ?? {});
    expect(plain).toHaveLength(3);
    expect(plain.every((k) => k.includes("To-swedencentral"))).toBe(true);
  });
});
