/**
 * The review of every example, opened in a real headless browser: Chromium from the Debian
 * packages (.ci/chromium installs it) driven by playwright-core, never a downloaded browser.
 * Each review is built by the review command in a child process (its map renderer loads the
 * ESM-only d3-geo, which jest cannot), into a temp folder. A screenshot per example is saved to
 * docs/review-<example>.png.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type Browser, chromium } from "playwright-core";
import { PROJECT_ROOT } from "../fixtures";
import { EXAMPLES, exampleDoc, topologyFromDoc } from "./review-fixtures";

const BUILD = join(__dirname, "..", "..");

/** Chromium from the system: CHROMIUM_PATH, or the Debian package's binary. */
function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"].filter((x): x is string => !!x);
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new Error(`no Chromium found (looked for ${candidates.join(", ")}): run \`bash .ci/chromium\` to install the Debian package 'chromium', or set CHROMIUM_PATH`);
  return found;
}

/** Synthesizes an example and builds its review with the real commands; returns the review folder. */
function buildReview(example: string): string {
  const out = join(mkdtempSync(join(tmpdir(), `browser-${example}-`)), "cdktf.out");
  const env = { PATH: process.env.PATH ?? "", EMBASSY_TOPOLOGY: join(PROJECT_ROOT, "stacks", `${example}.yaml`), CDKTF_OUTDIR: out };
  for (const script of [join(BUILD, "stacks", "main.js"), join(BUILD, "lib", "review", "main.js")]) {
    const r = spawnSync(process.execPath, [script], { env, encoding: "utf8", cwd: PROJECT_ROOT });
    if (r.status !== 0) throw new Error(`${script} exited ${r.status}: ${r.stderr}`);
  }
  return join(out, "review");
}

let browser: Browser;
beforeAll(async () => {
  browser = await chromium.launch({ executablePath: chromiumPath() });
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

describe.each(EXAMPLES)("the review of %s in Chromium", (example) => {
  test("opens without errors, one marker per site, the tables' rows, and a screenshot", async () => {
    const dir = buildReview(example);
    const topology = topologyFromDoc(exampleDoc(example));
    const page = await browser.newPage({ viewport: { width: 1280, height: 1500 } });
    const errors: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") errors.push(`${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
    page.on("requestfailed", (r) => errors.push(`request failed: ${r.url()}`));
    await page.goto(pathToFileURL(join(dir, "index.html")).href, { waitUntil: "load" });

    // The map: exactly one marker per site, labelled for assistive technology.
    const markers = await page.locator('svg.map [data-marker="site"]').evaluateAll((els) => els.map((e) => e.getAttribute("data-site")));
    expect(markers.sort()).toEqual(topology.sites.map((s) => s.id).sort());
    expect(await page.locator("svg.map").getAttribute("role")).toBe("img");
    expect(await page.locator("svg.map > title").textContent()).toBe(`Map of ${topology.name}: ${topology.sites.length} sites and ${topology.links.length} links`);
    expect(await page.locator("svg.map [data-home]").count()).toBe(1);
    expect(await page.locator("svg.map [data-link]").count()).toBe(topology.links.length);

    const rowKeys = (table: string) => page.locator(`table[data-table="${table}"] tbody tr`).evaluateAll((rows) => rows.map((r) => r.getAttribute("data-row")));
    expect(await rowKeys("sites")).toEqual(topology.sites.map((s) => s.id).sort());
    expect((await rowKeys("links")).sort()).toEqual(topology.links.map((l) => `${l.from.id}->${l.to.id}`).sort());
    for (const r of topology.registries) {
      const holders = topology.sites.filter((s) => s.primary || topology.links.some((l) => l.to.id === s.id && l.registries.some((x) => x.id === r.id)));
      expect(await rowKeys(`registry-${r.id}`)).toEqual(holders.map((s) => `${r.id}@${s.id}`).sort());
    }
    for (const s of topology.sites.filter((x) => x.cloud !== "onprem")) expect((await rowKeys(`access-${s.id}`)).length).toBeGreaterThan(1);
    expect((await rowKeys("rules")).length).toBeGreaterThan(10);
    // Every table header cell has a scope; headings in order.
    expect(await page.locator("th:not([scope])").count()).toBe(0);
    expect(await page.locator("h1").count()).toBe(1);
    expect(await page.locator("h2").allTextContents()).toEqual(["What got weaker", "Sites and distances", "Registries", "Custody and access", "Guarantees"]);

    mkdirSync(join(PROJECT_ROOT, "docs"), { recursive: true });
    await page.screenshot({ path: join(PROJECT_ROOT, "docs", `review-${example}.png`) });
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);
});
