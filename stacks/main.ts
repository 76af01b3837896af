/**
 * The app: synthesizes the topology named by EMBASSY_TOPOLOGY (default: the example) into
 * cdktf.out, or CDKTF_OUTDIR when set. `npm run synth` and `npx cdktf synth` both run this.
 * An invalid topology prints every problem to stderr, exits 1 and leaves cdktf.out untouched.
 */
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { TopologyError } from "../lib/topology/problems";
import { loadTopologyFile } from "../lib/topology/load";
import { backendFromEnv } from "./backend";
import { buildEmbassy } from "./embassy";
import { pushPlanFiles } from "./push-plan";
import { synthAtomically } from "./synth";

/** The default example, relative to the project root. */
export const DEFAULT_TOPOLOGY = "stacks/nl-embassy.yaml";

/** Where run() writes: process.stdout / process.stderr, or a test's sink. */
export interface Output {
  write(text: string): unknown;
}

/** Where package.json is: above stacks/ from sources, above dist/stacks/ (or any build folder) when compiled. */
function projectRoot(): string {
  let dir = __dirname;
  while (!existsSync(resolve(dir, "package.json")) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/** Runs one synth with the given environment; returns the process exit code. */
export function run(env: NodeJS.ProcessEnv = process.env, stdout: Output = process.stdout, stderr: Output = process.stderr): number {
  const root = projectRoot();
  // A relative path means relative to where the user typed the command (npm run moves to the root).
  const topologyPath = env.EMBASSY_TOPOLOGY ? resolve(env.INIT_CWD ?? process.cwd(), env.EMBASSY_TOPOLOGY) : resolve(root, DEFAULT_TOPOLOGY);
  const outdir = env.CDKTF_OUTDIR || "cdktf.out";
  try {
    const topology = loadTopologyFile(topologyPath);
    for (const w of topology.warnings) stderr.write(`warning: ${w}\n`);
    const backend = backendFromEnv(env);
    // The cdktf CLI marks its runs with this variable, and deletes orphaned stack folders itself.
    const underCli = env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS !== undefined;
    synthAtomically(outdir, (app) => pushPlanFiles(topology, buildEmbassy(app, topology, { backend })), { keepOrphanedStacksForCli: underCli });
    const clouds = topology.sites.filter((s) => s.cloud !== "onprem").length;
    const datacenters = topology.sites.length - clouds;
    const onprem = datacenters > 0 ? ` (${datacenters} on-premises site${datacenters > 1 ? "s" : ""}: nothing deployed there)` : "";
    stdout.write(`synthesized ${clouds} site stacks of '${topology.name}' into ${outdir}${onprem}\n`);
    return 0;
  } catch (e) {
    // Topology and policy errors are for the author; the stack trace only helps with a bug.
    const detail = e instanceof Error ? (env.EMBASSY_DEBUG && !(e instanceof TopologyError) ? e.stack : e.message) : String(e);
    stderr.write(`${detail}\n`);
    return 1;
  }
}

if (require.main === module) process.exitCode = run();
