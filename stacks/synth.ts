import { existsSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { App } from "cdktf";

/**
 * Synthesizes into a fresh staging folder next to `outdir` and swaps it in only when synth
 * succeeds: a failed synth (a policy error, a bug) leaves the previous output exactly as it
 * was, and a reader never sees half an output.
 */
export function synthAtomically(outdir: string, build: (app: App) => void): void {
  const target = resolve(outdir);
  const staging = mkdtempSync(`${target}.staging-`);
  try {
    const app = new App({ outdir: staging });
    build(app);
    app.synth();
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    throw e;
  }
  const previous = `${dirname(target)}/.${basename(target)}.previous-${process.pid}`;
  if (existsSync(target)) renameSync(target, previous);
  renameSync(staging, target);
  rmSync(previous, { recursive: true, force: true });
}
