/**
 * The app: synthesizes the topology named by EMBASSY_TOPOLOGY (default: the example) into
 * cdktf.out, or CDKTF_OUTDIR when set. `npm run synth` and `npx cdktf synth` both run this.
 * An invalid topology prints every problem to stderr, exits 1 and leaves cdktf.out untouched.
 */
import { resolve } from "node:path";
import { TopologyError } from "../lib/topology/problems";
import { loadTopologyFile } from "../lib/topology/load";
import { backendFromEnv } from "./backend";
import { buildEmbassy } from "./embassy";
import { synthAtomically } from "./synth";

/** The default example, relative to the project root. */
export const DEFAULT_TOPOLOGY = "stacks/jp-embassy.yaml";

function main(): number {
  const root = resolve(__dirname, "..", "..");
  const topologyPath = process.env.EMBASSY_TOPOLOGY || resolve(root, DEFAULT_TOPOLOGY);
  const outdir = process.env.CDKTF_OUTDIR || "cdktf.out";
  try {
    const topology = loadTopologyFile(topologyPath);
    for (const w of topology.warnings) process.stderr.write(`warning: ${w}\n`);
    const backend = backendFromEnv();
    synthAtomically(outdir, (app) => buildEmbassy(app, topology, { backend }));
    process.stdout.write(`synthesized ${topology.sites.length} site stacks of '${topology.name}' into ${outdir}\n`);
    return 0;
  } catch (e) {
    process.stderr.write(`${e instanceof TopologyError ? e.message : (e as Error).stack ?? String(e)}\n`);
    return 1;
  }
}

process.exitCode = main();
