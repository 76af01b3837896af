import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { App } from "cdktf";
import { Construct, type IConstruct } from "constructs";

/**
 * How to get one copy, for the error. A folder installed with plain `npm install <folder>` (or
 * `npm link`) is a symlink: Node resolves the library's `require("cdktf")` from the folder's own
 * node_modules (the realpath), not from the app's, so the app loads two copies. npm documents
 * `--install-links` as installing a folder "as a regular dependency" (packed and extracted) instead
 * of a link (https://docs.npmjs.com/cli/v11/commands/npm-install, "install-links").
 */
const FIX =
  "Install data-embassy so that it uses the app's copies: from a tarball (`npm pack` in the library, then `npm install <file>.tgz` in the app), " +
  "from a registry, or from a folder with `npm install --install-links <folder>`. A plain `npm install <folder>` or `npm link` makes a symlink, " +
  "and a symlinked library loads cdktf and constructs from its own node_modules. Then `npm ls cdktf constructs` in the app lists each once.";

/**
 * Fails when the construct tree of `scope` was built with another copy of cdktf or constructs
 * than the one this library loaded.
 *
 * Why it matters: cdktf keeps a stack's aspects under a module-private `Symbol("cdktf-aspects")`
 * (cdktf 0.21 lib/aspect.js), so an aspect that this library adds through its copy's `Aspects.of`
 * is invisible to the copy that synthesizes the app: the policy pack silently never runs.
 *
 * How it tells: both libraries mark their objects with global symbols (`Symbol.for("cdktf/App")`
 * behind `App.isApp`, `Symbol.for("constructs.Construct")` behind `Construct.isConstruct`), which
 * every copy recognises, while `instanceof` only holds for this library's own classes. A root that
 * is an App by the marker but not an instance of our App was made by another copy.
 *
 * @param scope any construct of the app
 * @param caller what is checking, for the message (e.g. `applyEmbassyPack`)
 */
export function assertSingleCopy(scope: IConstruct, caller: string): void {
  const root = scope.node.root;
  const problems: string[] = [];
  if (App.isApp(root) && !(root instanceof App)) {
    problems.push(twoCopies("cdktf", "App", App, root));
  }
  if (Construct.isConstruct(root) && !(root instanceof Construct)) {
    problems.push(twoCopies("constructs", "Construct", Construct, root));
  }
  if (problems.length === 0) return;
  throw new Error(`${caller}: ${problems.join("; ")}. The embassy policy pack would be added to one copy and never run in the other. ${FIX}`);
}

/** Names where each copy of `pkg` was loaded from. */
function twoCopies(pkg: string, exportName: string, ours: Function, root: object): string {
  const ourPath = packageFolderOf(pkg, (exports) => exports[exportName] === ours);
  const appPath = packageFolderOf(pkg, (exports) => typeof exports[exportName] === "function" && exports[exportName] !== ours && root instanceof (exports[exportName] as Function));
  return `two copies of ${pkg} are loaded: the app's from ${appPath ?? "a copy not in require.cache"} and data-embassy's from ${ourPath ?? "a copy not in require.cache"}`;
}

/**
 * The folder of the loaded package `pkg` whose module exports satisfy `matches`: the nearest
 * folder above the module's file whose package.json names `pkg`. Only Node's public
 * `require.cache` is consulted (modules loaded through `require`, which cdktf and constructs, both
 * CommonJS, always are).
 */
function packageFolderOf(pkg: string, matches: (exports: Record<string, unknown>) => boolean): string | undefined {
  for (const mod of Object.values(require.cache)) {
    if (!mod || typeof mod.exports !== "object" || mod.exports === null) continue;
    if (!matches(mod.exports as Record<string, unknown>)) continue;
    for (let dir = dirname(mod.filename); dirname(dir) !== dir; dir = dirname(dir)) {
      const manifest = join(dir, "package.json");
      if (!existsSync(manifest)) continue;
      try {
        if ((JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === pkg) return dir;
      } catch {
        // An unreadable package.json is not the package we look for; keep walking up.
      }
    }
  }
  return undefined;
}
