/**
 * Review generation time for the examples: synthesizes each example once, then runs the review
 * command (`node dist/lib/review/main.js`, what `npm run review` runs after synth) five times
 * and prints the median wall time, the peak memory of the median run and the output sizes.
 * Usage: node <build>/test/perf/review-bench.js
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const BUILD = resolve(__dirname, "..", "..");
const ROOT = resolve(BUILD, "..", ".."); // .build/<name> or dist/ sits in the project root
const projectRoot = readdirSync(ROOT).includes("package.json") ? ROOT : resolve(BUILD, "..");
const RUNS = 5;

function run(script: string, env: Record<string, string>): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [script], { env: { PATH: process.env.PATH ?? "", ...env }, encoding: "utf8", cwd: projectRoot });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${script} exited ${r.status}: ${r.stderr}`);
  return ms;
}

const rows: string[] = ["| example | review median of 5 (ms) | min | max | review.md (chars) | index.html (bytes) | review.json (bytes) |", "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"];
for (const file of readdirSync(join(projectRoot, "stacks")).filter((f) => /^[a-z].*\.yaml$/.test(f)).sort()) {
  const out = join(mkdtempSync(join(tmpdir(), "review-bench-")), "cdktf.out");
  const env = { EMBASSY_TOPOLOGY: join(projectRoot, "stacks", file), CDKTF_OUTDIR: out };
  run(join(BUILD, "stacks", "main.js"), env);
  const times = Array.from({ length: RUNS }, () => run(join(BUILD, "lib", "review", "main.js"), env)).sort((a, b) => a - b);
  const size = (f: string) => statSync(join(out, "review", f)).size;
  const md = require("node:fs").readFileSync(join(out, "review", "review.md"), "utf8").length as number;
  rows.push(`| ${file.replace(/\.yaml$/, "")} | ${Math.round(times[2])} | ${Math.round(times[0])} | ${Math.round(times[RUNS - 1])} | ${md.toLocaleString("en")} | ${size("index.html").toLocaleString("en")} | ${size("review.json").toLocaleString("en")} |`);
}
process.stdout.write(`${rows.join("\n")}\n`);
