/**
 * `npm run review`: writes `<outdir>/review/{index.html, review.md, review.json}` from the
 * synthesized output and the topology.
 *
 * Environment (as for synth): EMBASSY_TOPOLOGY (default stacks/nl-embassy.yaml), CDKTF_OUTDIR
 * (default cdktf.out); EMBASSY_REVIEW_BASELINE names an earlier review.json to compare with;
 * EMBASSY_REVIEW_STRICT=1 exits 1 when anything got weaker; EMBASSY_REVIEW_CHECKOV names a
 * Checkov JSON result (`checkov -o json`) to summarise, judged against .ci/checkov-exceptions.yaml.
 * Exit codes: 0 written (and, in strict mode, nothing weaker); 1 written but something got weaker
 * in strict mode; 2 the review could not be built (the problem is printed).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { loadTopologyFile } from "../topology/load";
import { collectReview } from "./collect";
import { diffReviews, type ReviewDiff } from "./diff";
import { renderHtml } from "./render-html";
import { renderMarkdown } from "./render-markdown";
import { parseReviewDocument } from "./review-format";

/** The default topology, as stacks/main.ts has it (not imported: the review never loads the stacks). */
const DEFAULT_TOPOLOGY = "stacks/nl-embassy.yaml";

/** Where run() writes. */
export interface Output {
  write(text: string): unknown;
}

function projectRoot(): string {
  let dir = __dirname;
  while (!existsSync(resolve(dir, "package.json")) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/** Writes a file whole or not at all (a reader never sees half a review). */
function writeAtomically(path: string, content: string): void {
  const staging = `${path}.tmp-${process.pid}`;
  writeFileSync(staging, content);
  renameSync(staging, path);
}

/** Runs one review; returns the exit code. */
export function run(env: NodeJS.ProcessEnv = process.env, stdout: Output = process.stdout, stderr: Output = process.stderr): number {
  const root = projectRoot();
  const from = env.INIT_CWD ?? process.cwd();
  const topologyPath = env.EMBASSY_TOPOLOGY ? resolve(from, env.EMBASSY_TOPOLOGY) : resolve(root, DEFAULT_TOPOLOGY);
  const outdir = resolve(env.CDKTF_OUTDIR || "cdktf.out");
  let diff: ReviewDiff | undefined;
  let weaker = 0;
  try {
    const topology = loadTopologyFile(topologyPath);
    const checkovPath = env.EMBASSY_REVIEW_CHECKOV ? resolve(from, env.EMBASSY_REVIEW_CHECKOV) : undefined;
    const exceptionsPath = join(root, ".ci", "checkov-exceptions.yaml");
    const doc = collectReview(outdir, topology, {
      ...(checkovPath ? { checkovResult: readFileSync(checkovPath, "utf8") } : {}),
      ...(checkovPath && existsSync(exceptionsPath) ? { checkovExceptions: readFileSync(exceptionsPath, "utf8") } : {}),
    });
    let baselineName: string | undefined;
    if (env.EMBASSY_REVIEW_BASELINE) {
      const baselinePath = resolve(from, env.EMBASSY_REVIEW_BASELINE);
      let text: string;
      try {
        text = readFileSync(baselinePath, "utf8");
      } catch (e) {
        throw new Error(`cannot read EMBASSY_REVIEW_BASELINE '${baselinePath}': ${(e as Error).message}`);
      }
      diff = diffReviews(parseReviewDocument(text, baselinePath), doc);
      baselineName = env.EMBASSY_REVIEW_BASELINE;
      weaker = diff.weaker.length;
    }
    const dir = join(outdir, "review");
    mkdirSync(dir, { recursive: true });
    writeAtomically(join(dir, "review.json"), `${JSON.stringify(doc, null, 2)}\n`);
    writeAtomically(join(dir, "review.md"), renderMarkdown(doc, diff, baselineName));
    writeAtomically(join(dir, "index.html"), renderHtml(doc, diff, baselineName));
    stdout.write(`review of '${doc.topology}' written to ${dir} (index.html, review.md, review.json)\n`);
    if (diff) {
      stdout.write(`${diff.weaker.length} change${diff.weaker.length === 1 ? "" : "s"} got weaker, ${diff.stronger.length} stronger since ${baselineName}\n`);
      for (const c of diff.weaker) stdout.write(`  weaker: [${c.kind}] ${c.message}\n`);
    }
    for (const n of doc.notes) stderr.write(`note: ${n}\n`);
  } catch (e) {
    stderr.write(`review failed: ${e instanceof Error ? (env.EMBASSY_DEBUG ? e.stack : e.message) : String(e)}\n`);
    return 2;
  }
  if (env.EMBASSY_REVIEW_STRICT === "1" && weaker > 0) {
    stderr.write(`EMBASSY_REVIEW_STRICT=1: ${weaker} change${weaker === 1 ? "" : "s"} got weaker since the baseline; this needs a second approval\n`);
    return 1;
  }
  return 0;
}

if (require.main === module) process.exitCode = run();
