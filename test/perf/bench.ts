/**
 * Synth benchmark: `npm run bench [runs]`. Each run is a fresh node process that loads the
 * topology and synthesizes it (what `npm run synth` does after its build); prints the median
 * wall time and the median peak resident memory of each topology over the runs.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { largeTopology } from "./large-topology";

const ROOT = resolve(__dirname, "..", "..", "..");
const MAIN = join(ROOT, "dist", "stacks", "main.js");

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function once(topology: string): { ms: number; rssMb: number } {
  const outdir = mkdtempSync(join(tmpdir(), "bench-out-"));
  const script = `const t=process.hrtime.bigint();process.env.EMBASSY_TOPOLOGY=${JSON.stringify(topology)};process.env.CDKTF_OUTDIR=${JSON.stringify(join(outdir, "o"))};
const code=require(${JSON.stringify(MAIN)}).run(process.env,{write(){}},process.stderr);
process.stdout.write(JSON.stringify({code,ms:Number(process.hrtime.bigint()-t)/1e6,rssMb:process.resourceUsage().maxRSS/1024}));`;
  const started = process.hrtime.bigint();
  const out = JSON.parse(execFileSync(process.execPath, ["-e", script], { encoding: "utf8" }));
  const wall = Number(process.hrtime.bigint() - started) / 1e6;
  rmSync(outdir, { recursive: true, force: true });
  if (out.code !== 0) throw new Error(`synth of ${topology} failed`);
  return { ms: wall, rssMb: out.rssMb };
}

function main(): void {
  const runs = Number(process.argv[2] ?? 5);
  const dir = mkdtempSync(join(tmpdir(), "bench-topology-"));
  const large = join(dir, "us-large.json");
  writeFileSync(large, JSON.stringify(largeTopology(20)));
  const examples = readdirSync(join(ROOT, "stacks")).filter((f) => f.endsWith(".yaml")).map((f) => join(ROOT, "stacks", f));
  console.log(`synth benchmark: ${runs} runs each, fresh process per run (node ${process.version})`);
  console.log("topology".padEnd(28) + "median wall ms".padStart(16) + "median peak RSS MB".padStart(20));
  for (const topology of [...examples, large]) {
    const results = Array.from({ length: runs }, () => once(topology));
    const name = topology.split("/").pop()!;
    console.log(name.padEnd(28) + median(results.map((r) => r.ms)).toFixed(0).padStart(16) + median(results.map((r) => r.rssMb)).toFixed(0).padStart(20));
  }
  rmSync(dir, { recursive: true, force: true });
}

main();
