/**
 * Runs the compiled CLI as a child process (`node <build>/lib/cli/main.js`), so argument parsing,
 * exit codes and output are exactly what a user gets; and synthesizes example topologies into
 * temporary folders through the real synth entry point.
 */
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

/** The compiled CLI next to this compiled test: <build>/test/cli -> <build>/lib/cli/main.js. */
export const CLI = resolve(__dirname, "..", "..", "lib", "cli", "main.js");
const SYNTH = resolve(__dirname, "..", "..", "stacks", "main.js");

export interface CliResult {
  /** Exit code, or null when killed by a signal. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A started process: its pid (to signal it from outside) and its outcome. */
export interface Running {
  readonly pid: number;
  readonly result: Promise<CliResult>;
}

function startNode(script: string, args: readonly string[], env: NodeJS.ProcessEnv): Running {
  const child = spawn(process.execPath, [script, ...args], { env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  const result = new Promise<CliResult>((ok, fail) => {
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("error", fail);
    child.on("close", (code, signal) => ok({ code, signal, stdout, stderr }));
  });
  return { pid: child.pid!, result };
}

function runNode(script: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  return startNode(script, args, env).result;
}

/** `data-embassy ...args` with extra environment. */
export function cli(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return runNode(CLI, args, env);
}

/** Starts `data-embassy ...args` and returns at once, so a test can signal it while it runs. */
export function startCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): Running {
  return startNode(CLI, args, env);
}

/** Synthesizes `stacks/<example>` into a new temporary folder; returns that folder. */
export async function synthExample(projectRoot: string, example: string): Promise<string> {
  return synthTopology(join(projectRoot, "stacks", example));
}

/** Synthesizes the topology file at `path` into a new temporary folder; returns that folder. */
export async function synthTopology(path: string): Promise<string> {
  const out = join(mkdtempSync(join(tmpdir(), "cli-synth-")), "out");
  const r = await runNode(SYNTH, [], { EMBASSY_TOPOLOGY: path, CDKTF_OUTDIR: out });
  if (r.code !== 0) throw new Error(`synth of ${path} failed (${r.code}): ${r.stderr}`);
  return out;
}
