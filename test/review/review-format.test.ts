import { collectReview } from "../../lib/review/collect";
import { renderMarkdown } from "../../lib/review/render-markdown";
import { CAPABILITIES, parseReviewDocument, REVIEW_FORMAT_VERSION, type ReviewDocument } from "../../lib/review/review-format";
import { EXAMPLES, exampleDoc, synthTo, topologyFromDoc } from "./review-fixtures";

const reviews = new Map<string, ReviewDocument>();
beforeAll(() => {
  for (const e of EXAMPLES) reviews.set(e, collectReview(synthTo(topologyFromDoc(exampleDoc(e))), topologyFromDoc(exampleDoc(e))));
});

describe("review.json, format version 1", () => {
  test.each(EXAMPLES)("%s: written JSON reads back as the same document", (e) => {
    const doc = reviews.get(e)!;
    expect(doc.formatVersion).toBe(REVIEW_FORMAT_VERSION);
    expect(parseReviewDocument(JSON.stringify(doc), "review.json")).toEqual(doc);
  });

  test.each(EXAMPLES)("%s: every site, every declared copy with its store, and access on every cloud site", (e) => {
    const doc = reviews.get(e)!;
    const topology = topologyFromDoc(exampleDoc(e));
    expect(doc.sites.map((s) => s.id)).toEqual(topology.sites.map((s) => s.id).sort());
    expect(doc.notes).toEqual([]);
    for (const r of doc.registries) {
      for (const c of r.copies) {
        const site = doc.sites.find((s) => s.id === c.site)!;
        if (site.cloud === "onprem") expect(c.store).toBeUndefined();
        else {
          expect(c.store?.wormDays).toBe(r.retentionDays);
          expect(c.store?.key?.name).toBeDefined();
          expect(c.store?.alarms.length).toBeGreaterThan(0);
        }
      }
    }
    for (const s of doc.sites.filter((x) => x.cloud !== "onprem")) {
      const here = doc.access.filter((a) => a.site === s.id);
      // Separation of duties as deployed: whoever administers a key at a site reads no data there directly.
      for (const admin of here.filter((a) => a.capability === "administerKeys" && !a.via)) {
        expect(here.filter((a) => a.principal === admin.principal && !a.via && a.capability === "read")).toEqual([]);
      }
      expect(new Set(here.map((a) => a.capability))).toEqual(new Set(CAPABILITIES.filter((c) => here.some((a) => a.capability === c))));
      expect(here.some((a) => a.capability === "read")).toBe(true);
      expect(here.some((a) => a.capability === "administerKeys")).toBe(true);
    }
    expect(doc.settings.filter((x) => !x.on)).toEqual([]);
  });

  test("two reviews of the same synth are identical (sorted lists diff cleanly)", () => {
    const topology = topologyFromDoc(exampleDoc("jp-embassy"));
    const a = collectReview(synthTo(topology), topology);
    expect(JSON.stringify(a)).toBe(JSON.stringify(reviews.get("jp-embassy")));
  });

  test("refuses another format version, naming the file and the version", () => {
    const doc = { ...reviews.get("jp-embassy")!, formatVersion: 2 };
    expect(() => parseReviewDocument(JSON.stringify(doc), "old/review.json")).toThrow("old/review.json has formatVersion 2; this review reads formatVersion 1");
    expect(() => parseReviewDocument("{", "x.json")).toThrow(/^x\.json is not JSON: /);
    expect(() => parseReviewDocument(JSON.stringify({ formatVersion: 1, sites: [] }), "y.json")).toThrow("y.json has no 'links' list; it is not a complete review.json");
  });

  test.each(EXAMPLES)("%s: review.md fits a pull-request comment (under 60,000 characters)", (e) => {
    const md = renderMarkdown(reviews.get(e)!, { weaker: [], stronger: [] }, "baseline.json");
    expect(md.length).toBeLessThan(60_000);
    expect(md.split("\n").find((l) => l.startsWith("## "))).toBe("## What got weaker (0)");
  });

  test("custody.azure.labels names an object id in the access matrix", () => {
    const doc = exampleDoc("nl-embassy");
    doc.custody.azure.labels = { "c3d4e5f6-0718-4293-a4b5-c6d7e8f90a1b": "Registry restore group" };
    const topology = topologyFromDoc(doc);
    const review = collectReview(synthTo(topology), topology);
    const readers = review.access.filter((a) => a.site === "nl-azure" && a.capability === "read").map((a) => a.name);
    expect([...new Set(readers)]).toEqual(["Registry restore group (c3d4e5f6-0718-4293-a4b5-c6d7e8f90a1b)"]);
  });
});
