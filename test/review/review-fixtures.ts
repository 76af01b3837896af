/**
 * Test fixtures for the review: the example topologies, and the four weakening edits of issue #11
 * applied in code to the Japanese example (the one example with a 3,650-day registry, writers
 * and a 1,000 km distance rule): a registry's retention cut from 3,650 to 30 days, two copies
 * dropped, the writers removed, the distance rule lowered from 1,000 to 500 km.
 * Each is synthesized for real (the stacks as `npm run synth` builds them) into a temp folder,
 * then reviewed from that folder only.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { collectReview } from "../../lib/review/collect";
import type { ReviewDocument } from "../../lib/review/review-format";
import { parseTopology } from "../../lib/topology/load";
import type { Topology } from "../../lib/topology/model";
import { buildEmbassy } from "../../stacks/embassy";
import { pushPlanFiles } from "../../stacks/push-plan";
import { synthAtomically } from "../../stacks/synth";
import { PROJECT_ROOT } from "../fixtures";

/** The examples under stacks/. */
export const EXAMPLES = ["nl-embassy", "ee-embassy", "jp-embassy"] as const;

/** An example topology file as a plain document (edit it, then parse it). */
export function exampleDoc(name: string): Record<string, any> {
  return parse(readFileSync(join(PROJECT_ROOT, "stacks", `${name}.yaml`), "utf8")) as Record<string, any>;
}

/** Parses a document as if it were the example's file (relative certificate paths resolve). */
export function topologyFromDoc(doc: Record<string, any>, name = String(doc.name)): Topology {
  return parseTopology(doc, join(PROJECT_ROOT, "stacks", `${name}.yaml`), { baseDir: join(PROJECT_ROOT, "stacks") });
}

/** Synthesizes a topology into a fresh temp folder (as synth does) and returns the folder. */
export function synthTo(topology: Topology): string {
  const out = join(mkdtempSync(join(tmpdir(), "review-")), "cdktf.out");
  synthAtomically(out, (app) => pushPlanFiles(topology, buildEmbassy(app, topology)));
  return out;
}

/** Synthesizes and reviews a document. */
export function reviewOf(doc: Record<string, any>): ReviewDocument {
  const topology = topologyFromDoc(doc);
  return collectReview(synthTo(topology), topology);
}

/** The four weakening edits of the Japanese example, each by name. */
export const WEAKENING_EDITS: Readonly<Record<string, (doc: Record<string, any>) => void>> = {
  "retention cut from 3,650 to 30 days": (doc) => {
    const koseki = doc.registries.find((r: { id: string }) => r.id === "koseki");
    if (koseki.retentionDays !== 3650) throw new Error(`expected koseki to keep 3650 days, got ${koseki.retentionDays}`);
    koseki.retentionDays = 30;
  },
  "two copies dropped": (doc) => {
    // Osaka keeps the family register only: its land and corporate copies go.
    const link = doc.links.find((l: { to: string }) => l.to === "jp-osaka");
    link.registries = ["koseki"];
  },
  "writers removed": (doc) => {
    if (!doc.custody.aws.writers) throw new Error("expected custody.aws.writers in the example");
    delete doc.custody.aws.writers;
  },
  "distance rule lowered from 1,000 to 500 km": (doc) => {
    if (doc.rules.minForeignDistanceKm !== 1000) throw new Error(`expected 1000 km, got ${doc.rules.minForeignDistanceKm}`);
    doc.rules.minForeignDistanceKm = 500;
  },
};

/** The Japanese example with one named edit applied. */
export function weakened(edit: string): Record<string, any> {
  const doc = exampleDoc("jp-embassy");
  WEAKENING_EDITS[edit](doc);
  return doc;
}
