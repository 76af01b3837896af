/**
 * `npm run review` as a process (the HTML renderer loads the ESM-only d3-geo, which jest cannot):
 * outputs, exit codes, and strict mode on each of the four weakening edits.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { PROJECT_ROOT } from "../fixtures";
import { exampleDoc, synthTo, topologyFromDoc, WEAKENING_EDITS, weakened } from "./review-fixtures";

const REVIEW = join(__dirname, "..", "..", "lib", "review", "main.js");

function review(env: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [REVIEW], { env: { PATH: process.env.PATH ?? "", ...env }, encoding: "utf8", cwd: PROJECT_ROOT });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Writes a topology document next to the examples' certificates and synthesizes it; returns [file, outdir]. */
function synthDoc(doc: Record<string, any>): [string, string] {
  const file = join(PROJECT_ROOT, "stacks", `.review-test-${process.pid}-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, stringify(doc));
  return [file, synthTo(topologyFromDoc(doc))];
}

let baselineJson: string;
beforeAll(() => {
  const [file, out] = synthDoc(exampleDoc("jp-embassy"));
  const r = review({ EMBASSY_TOPOLOGY: file, CDKTF_OUTDIR: out });
  expect(r.status).toBe(0);
  baselineJson = join(mkdtempSync(join(tmpdir(), "baseline-")), "review.json");
  writeFileSync(baselineJson, readFileSync(join(out, "review", "review.json")));
}, 60_000);
afterAll(() => {
  for (const f of require("node:fs").readdirSync(join(PROJECT_ROOT, "stacks")) as string[]) if (f.startsWith(`.review-test-${process.pid}-`)) require("node:fs").rmSync(join(PROJECT_ROOT, "stacks", f));
});

describe("npm run review", () => {
  test("writes index.html, review.md and review.json next to the stacks", () => {
    const [file, out] = synthDoc(exampleDoc("jp-embassy"));
    const r = review({ EMBASSY_TOPOLOGY: file, CDKTF_OUTDIR: out, EMBASSY_REVIEW_BASELINE: baselineJson, EMBASSY_REVIEW_STRICT: "1" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`review of 'jp-embassy' written to ${join(out, "review")} (index.html, review.md, review.json)\n0 changes got weaker, 0 stronger since ${baselineJson}\n`);
    for (const f of ["index.html", "review.md", "review.json"]) expect(existsSync(join(out, "review", f))).toBe(true);
    const html = readFileSync(join(out, "review", "index.html"), "utf8");
    expect(html).not.toMatch(/<script|<link |src="http|href="http/);
  });

  test.each(Object.keys(WEAKENING_EDITS))("strict mode exits 1 on '%s' and names it", (edit) => {
    const [file, out] = synthDoc(weakened(edit));
    const r = review({ EMBASSY_TOPOLOGY: file, CDKTF_OUTDIR: out, EMBASSY_REVIEW_BASELINE: baselineJson, EMBASSY_REVIEW_STRICT: "1" });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^EMBASSY_REVIEW_STRICT=1: \d+ changes? got weaker since the baseline; this needs a second approval\n$/);
    const expected: Record<string, RegExp> = {
      "retention cut from 3,650 to 30 days": /weaker: \[retention-lowered\] registry 'koseki': WORM retention cut from 3650 to 30 days/,
      "two copies dropped": /weaker: \[copy-removed\] registry 'corporate': the copy at 'jp-osaka' was dropped[\s\S]*weaker: \[copy-removed\] registry 'land': the copy at 'jp-osaka' was dropped/,
      "writers removed": /weaker: \[custody-widened\] custody\.aws\.writers was removed[\s\S]*'embassy-admin' may now write 'corporate', 'koseki', 'land' at 'jp-tokyo'/,
      "distance rule lowered from 1,000 to 500 km": /weaker: \[rule-floor-lowered\] the foreign-distance rule was lowered from 1000 km to 500 km/,
    };
    expect(r.stdout).toMatch(expected[edit]);
    const md = readFileSync(join(out, "review", "review.md"), "utf8");
    expect(md.split("\n").find((l) => l.startsWith("## "))).toMatch(/^## What got weaker \([1-9]\d*\)$/);
    // Without strict mode the same review exits 0.
    if (edit.startsWith("distance")) expect(review({ EMBASSY_TOPOLOGY: file, CDKTF_OUTDIR: out, EMBASSY_REVIEW_BASELINE: baselineJson }).status).toBe(0);
  }, 60_000);

  test("fails with exit 2 naming a missing baseline, and writes nothing", () => {
    const [file, out] = synthDoc(exampleDoc("jp-embassy"));
    const r = review({ EMBASSY_TOPOLOGY: file, CDKTF_OUTDIR: out, EMBASSY_REVIEW_BASELINE: "/nonexistent/review.json" });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^review failed: cannot read EMBASSY_REVIEW_BASELINE '\/nonexistent\/review\.json': ENOENT/);
    expect(existsSync(join(out, "review"))).toBe(false);
  });

  test("summarises a Checkov result, marking the failures .ci/checkov-exceptions.yaml accepts", () => {
    const [file, out] = synthDoc(exampleDoc("jp-embassy"));
    const checkov = join(mkdtempSync(join(tmpdir(), "checkov-")), "result.json");
    writeFileSync(
      checkov,
      JSON.stringify({
        check_type: "terraform_json",
        summary: { passed: 120, failed: 2, skipped: 3, parsing_errors: 0 },
        results: {
          failed_checks: [
            { check_id: "CKV_AWS_145", resource: "aws_s3_bucket.Logs_Bucket_5C52C3D2", check_name: "Ensure that the S3 bucket is encrypted by KMS by default" },
            { check_id: "CKV_AWS_999", resource: "aws_s3_bucket.Store-koseki_B382D4D7", check_name: "An invented check" },
          ],
        },
      }),
    );
    expect(review({ EMBASSY_TOPOLOGY: file, CDKTF_OUTDIR: out, EMBASSY_REVIEW_CHECKOV: checkov }).status).toBe(0);
    const doc = JSON.parse(readFileSync(join(out, "review", "review.json"), "utf8"));
    expect(doc.guarantees.checkov.passed).toBe(120);
    expect(doc.guarantees.checkov.failedChecks.find((f: any) => f.checkId === "CKV_AWS_145").accepted).toBe(true);
    expect(doc.guarantees.checkov.failedChecks.find((f: any) => f.checkId === "CKV_AWS_999")).toEqual({ checkId: "CKV_AWS_999", resource: "aws_s3_bucket.Store-koseki_B382D4D7", name: "An invented check", accepted: false });
    expect(readFileSync(join(out, "review", "review.md"), "utf8")).toContain("- Checkov CKV_AWS_999 failed on aws_s3_bucket.Store-koseki_B382D4D7: An invented check");
  });
});
