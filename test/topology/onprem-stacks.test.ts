import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import { parseTopology } from "../../lib/topology/load";
import { buildEmbassy } from "../../stacks/embassy";
import { resources, type Synth } from "../fixtures";
import { certFolder, dutchDoc } from "./onprem-fixtures";

// What the stacks make of a topology with datacenters in this phase: a stack per cloud site and
// nothing else. (A candidate for test/stacks; it lives here with the topology change it follows.)
describe("stacks from a topology with on-premises sites", () => {
  const doc = dutchDoc();
  const topology = parseTopology(doc, "test", { baseDir: certFolder() });
  const outdir = mkdtempSync(join(tmpdir(), "onprem-stacks-"));
  const app = new App({ outdir });
  const stacks = buildEmbassy(app, topology);
  app.synth();
  const synth = (stack: string): Synth => JSON.parse(readFileSync(join(outdir, "stacks", stack, "cdk.tf.json"), "utf8"));

  test("a datacenter gets no stack; each cloud site gets its own, holding the registries sent to it", () => {
    expect([...stacks.keys()]).toEqual(["nl-azure", "es-embassy"]);
    expect(readdirSync(join(outdir, "stacks")).sort()).toEqual(["nl-embassy-es-embassy", "nl-embassy-nl-azure"]);
    expect(resources(synth("nl-embassy-es-embassy"), "aws_s3_bucket").map((b) => b.bucket)).toEqual([
      "nl-embassy-es-embassy-trail-111111111111",
      "nl-embassy-es-embassy-logs-111111111111",
      "nl-embassy-es-embassy-brk-111111111111",
      "nl-embassy-es-embassy-brp-111111111111",
    ]);
    expect(resources(synth("nl-embassy-nl-azure"), "azurerm_storage_account").map((a) => a.name)).toEqual([
      "nlembassynlazurelogs5881",
      "nlembassynlazurebrk5881",
      "nlembassynlazurebrp5881",
    ]);
  });

  test("links from a datacenter build nothing yet: no replication at any cloud site", () => {
    expect(topology.links.every((l) => l.from.cloud === "onprem")).toBe(true);
    expect(resources(synth("nl-embassy-es-embassy"), "aws_s3_bucket_replication_configuration")).toEqual([]);
    expect(resources(synth("nl-embassy-nl-azure"), "azurerm_storage_object_replication")).toEqual([]);
  });
});
