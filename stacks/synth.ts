import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { basename, dirname, resolve } from "node:path";
import { App } from "cdktf";
import { POLICY_REPORT_FILE } from "../lib/policy/report";

/**
 * Synthesizes into a fresh staging folder next to `outdir` and swaps it in only when synth
 * succeeds: a failed synth (a policy error, a bug) leaves the previous output exactly as it
 * was, and a reader never sees half an output. The policy report of a rejected synth is kept
 * beside the output as `<outdir>.rejected-policy-report.json`.
 */
export interface SynthOptions {
  /**
   * Carry stack folders that this synth no longer produces into the new output. The cdktf CLI
   * lists the stack folders before it runs the app and deletes the orphaned ones afterwards; it
   * fails when they are already gone, so under the CLI they are left for it to delete.
   * @default false
   */
  readonly keepOrphanedStacksForCli?: boolean;
}

/**
 * `build` adds the stacks to the app; it may return more files to write into the output (path
 * relative to it, and content), such as the datacenters' push plans, which then appear (or not)
 * together with the stacks.
 */
export function synthAtomically(outdir: string, build: (app: App) => void | Readonly<Record<string, string>>, options: SynthOptions = {}): void {
  const target = resolve(outdir);
  mkdirSync(dirname(target), { recursive: true });
  const staging = mkdtempSync(`${target}.staging-`);
  try {
    const app = new App({ outdir: staging });
    const files = build(app) ?? {};
    app.synth();
    for (const [path, content] of Object.entries(files)) {
      const file = resolve(staging, path);
      if (!file.startsWith(`${staging}/`)) throw new Error(`synth output file '${path}' is outside the output folder`);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, content);
    }
  } catch (e) {
    const report = join(staging, POLICY_REPORT_FILE);
    const rejected = `${target}.rejected-policy-report.json`;
    if (existsSync(report)) {
      renameSync(report, rejected);
      if (e instanceof Error) e.message = e.message.split(report).join(rejected);
    }
    rmSync(staging, { recursive: true, force: true });
    throw e;
  }
  rmSync(`${target}.rejected-policy-report.json`, { force: true });
  const stacksDir = (root: string) => join(root, "stacks");
  if (options.keepOrphanedStacksForCli && existsSync(stacksDir(target))) {
    for (const name of readdirSync(stacksDir(target))) {
      if (!existsSync(join(stacksDir(staging), name))) cpSync(join(stacksDir(target), name), join(stacksDir(staging), name), { recursive: true });
    }
  }
  const previous = `${dirname(target)}/.${basename(target)}.previous-${process.pid}`;
  if (existsSync(target)) renameSync(target, previous);
  renameSync(staging, target);
  rmSync(previous, { recursive: true, force: true });
}
