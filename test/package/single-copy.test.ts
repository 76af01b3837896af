import { mkdtempSync, realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { App } from "cdktf";
import { applyEmbassyPack, EmbassyPack } from "../../lib/policy/embassy-pack";
import { loadTopologyFile } from "../../lib/topology/load";
import { buildEmbassy } from "../../stacks/embassy";
import { PROJECT_ROOT } from "../fixtures";

/**
 * A second copy of cdktf (and of constructs, which it loads), as a symlinked install gives an
 * app: jest's isolated module registry loads the same files again as new module instances, so
 * the classes differ while the global `Symbol.for` markers are shared, as with two folders.
 */
function otherCdktf(): typeof import("cdktf") {
  let other: typeof import("cdktf") | undefined;
  jest.isolateModules(() => {
    other = require("cdktf");
  });
  return other!;
}

const ours = (pkg: string) => realpathSync(join(PROJECT_ROOT, "node_modules", pkg)).replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

/** The guard's message for `caller`: both copies named, then the fix. */
const twoCopies = (caller: string) =>
  new RegExp(
    `^${caller}: two copies of cdktf are loaded: the app's from a copy not in require\\.cache and data-embassy's from ${ours("cdktf")}; ` +
      `two copies of constructs are loaded: the app's from a copy not in require\\.cache and data-embassy's from ${ours("constructs")}\\. ` +
      "The embassy policy pack would be added to one copy and never run in the other\\. " +
      "Install data-embassy so that it uses the app's copies: from a tarball \\(`npm pack` in the library, then `npm install <file>\\.tgz` in the app\\), " +
      "from a registry, or from a folder with `npm install --install-links <folder>`\\. A plain `npm install <folder>` or `npm link` makes a symlink, " +
      "and a symlinked library loads cdktf and constructs from its own node_modules\\. Then `npm ls cdktf constructs` in the app lists each once\\.$",
  );

describe("one copy of cdktf and constructs", () => {
  const other = otherCdktf();
  const outdir = () => mkdtempSync(join(tmpdir(), "embassy-copies-"));

  test("the second copy is one: its App is an App by cdktf's marker but not an instance of ours", () => {
    const { App: OurApp } = require("cdktf") as typeof import("cdktf");
    const app = new other.App({ outdir: outdir() });
    expect([OurApp.isApp(app), app instanceof OurApp]).toEqual([true, false]);
  });

  test("applyEmbassyPack fails on an app of another copy, naming both copies and the fix", () => {
    const app = new other.App({ outdir: outdir() }) as unknown as App;
    expect(() => applyEmbassyPack(app)).toThrow(twoCopies("applyEmbassyPack"));
  });

  test("buildEmbassy fails before it builds anything", () => {
    const app = new other.App({ outdir: outdir() });
    const topology = loadTopologyFile(join(PROJECT_ROOT, "stacks", "jp-embassy.yaml"));
    expect(() => buildEmbassy(app as unknown as App, topology)).toThrow(twoCopies("buildEmbassy"));
    expect(app.node.children).toEqual([]);
  });

  test("a pack the app adds with its own copy's Aspects fails that app's synth", () => {
    // GIVEN the pack added through the app's cdktf, which does invoke it
    const app = new other.App({ outdir: outdir() });
    const stack = new other.TerraformStack(app, "site");
    other.Aspects.of(stack).add(new EmbassyPack());
    // WHEN the app synthesizes THEN the pack's visit refuses the foreign tree
    expect(() => app.synth()).toThrow(twoCopies("EmbassyPack"));
  });

  test("one copy passes: an app of our cdktf gets the pack", () => {
    const { App: OurApp, TerraformStack } = require("cdktf") as typeof import("cdktf");
    const app = new OurApp({ outdir: outdir() });
    new TerraformStack(app, "site");
    expect(applyEmbassyPack(app)).toBeInstanceOf(EmbassyPack);
  });
});
