/**
 * The review's content as sections of plain-text tables, shared by the Markdown and HTML
 * renderers so that both say exactly the same thing. The weaker-changes section comes first.
 */
import { CAPABILITY_OPERATIONS } from "./access-matrix";
import type { ReviewDiff } from "./diff";
import { CAPABILITIES, type ReviewDocument, type ReviewSite } from "./review-format";

/** A table: headers, rows of plain-text cells, and a key per row (for tests and anchors). */
export interface ReviewTable {
  /** Stable id, e.g. `sites`, `access-es-embassy`. */
  readonly id: string;
  readonly caption: string;
  readonly headers: readonly string[];
  readonly rows: readonly { readonly key: string; readonly cells: readonly string[] }[];
}

/** A section: a heading, paragraphs, bullet items and tables. */
export interface ReviewSection {
  readonly id: string;
  readonly title: string;
  readonly paragraphs: readonly string[];
  readonly items: readonly string[];
  readonly tables: readonly ReviewTable[];
}

const NONE = "—";

/** How a site is named in tables: `es-embassy (AWS eu-south-2)`. */
export function siteLabel(s: ReviewSite): string {
  return s.cloud === "onprem" ? `${s.id} (datacenter, ${s.city})` : `${s.id} (${s.cloud === "aws" ? "AWS" : "Azure"} ${s.region})`;
}

/** The sections of a review, with the diff when a baseline was given. */
export function reviewSections(doc: ReviewDocument, diff: ReviewDiff | undefined, baselineName?: string): ReviewSection[] {
  const sections: ReviewSection[] = [];
  const siteById = new Map(doc.sites.map((s) => [s.id, s]));

  // 1. What got weaker (first, so a pull-request comment leads with it).
  if (diff) {
    sections.push({
      id: "weaker",
      title: `What got weaker (${diff.weaker.length})`,
      paragraphs: [
        diff.weaker.length === 0
          ? `Nothing got weaker since the baseline${baselineName ? ` (${baselineName})` : ""}.`
          : `Compared with the baseline${baselineName ? ` (${baselineName})` : ""}, these changes weaken a promise and need a second approval:`,
      ],
      items: diff.weaker.map((c) => `**${c.kind}**: ${c.message}`),
      tables: [],
    });
    sections.push({
      id: "stronger",
      title: `What got stronger (${diff.stronger.length})`,
      paragraphs: diff.stronger.length === 0 ? ["Nothing got stronger."] : [],
      items: diff.stronger.map((c) => `**${c.kind}**: ${c.message}`),
      tables: [],
    });
  } else {
    sections.push({
      id: "weaker",
      title: "What got weaker",
      paragraphs: ["No baseline was given (set EMBASSY_REVIEW_BASELINE to an earlier review.json), so nothing was compared."],
      items: [],
      tables: [],
    });
  }

  // 2. Sites and links (the map's table).
  const home = doc.home;
  sections.push({
    id: "sites",
    title: "Sites and distances",
    paragraphs: [
      `Home country: ${home}. Every foreign site must be at least ${doc.rules.minForeignDistanceKm.toLocaleString("en")} km from every domestic site (rules.minForeignDistanceKm); distances are great-circle kilometres.`,
    ],
    items: [],
    tables: [
      {
        id: "sites",
        caption: "Sites",
        headers: ["Site", "Role", "Runs on", "Where", "Jurisdiction", "Nearest domestic site"],
        rows: doc.sites.map((s) => ({
          key: s.id,
          cells: [
            s.id,
            `${s.role}${s.primary ? ", primary" : ""}`,
            s.cloud === "onprem" ? "own datacenter" : `${s.cloud === "aws" ? "AWS" : "Azure"} ${s.region} (${s.label})`,
            `${s.city}, ${s.country}`,
            s.jurisdiction,
            s.nearestDomestic ? `${s.nearestDomestic.km.toLocaleString("en")} km (${s.nearestDomestic.site})` : NONE,
          ],
        })),
      },
      {
        id: "links",
        caption: "Links",
        headers: ["From", "To", "Mechanism", "Achievable RPO", "Registries", "Distance", "Built here"],
        rows: doc.links.map((l) => ({
          key: `${l.from}->${l.to}`,
          cells: [l.from, l.to, l.mechanism, `${l.achievableRpoMinutes} min`, l.registries.join(", "), `${l.km.toLocaleString("en")} km`, l.builtHere ? "yes" : "no (the state's own replication)"],
        })),
      },
    ],
  });

  // 3. Registries.
  sections.push({
    id: "registries",
    title: "Registries",
    paragraphs: [`Every site that holds a copy, how it gets there, and what is deployed for it (read from the synthesized stacks; a datacenter's storage is the state's own).`],
    items: [],
    tables: doc.registries.map((r) => ({
      id: `registry-${r.id}`,
      caption: `${r.id}: ${r.title} (required RPO ${r.requiredRpoMinutes} min, retention ${r.retentionDays.toLocaleString("en")} days)`,
      headers: ["Site", "Mechanism", "Achievable / required RPO", "WORM retention", "Key", "Alarms"],
      rows: r.copies.map((c) => {
        const s = siteById.get(c.site);
        return {
          key: `${r.id}@${c.site}`,
          cells: [
            s ? siteLabel(s) : c.site,
            c.mechanism,
            c.achievableRpoMinutes !== undefined ? `${c.achievableRpoMinutes} / ${r.requiredRpoMinutes} min` : `${NONE} / ${r.requiredRpoMinutes} min`,
            c.store?.wormDays !== undefined ? `${c.store.wormDays.toLocaleString("en")} days (${c.store.wormMode ?? "?"})` : s?.cloud === "onprem" ? "the state's own" : "none deployed",
            c.store?.key ? c.store.key.name : s?.cloud === "onprem" ? "the state's own" : NONE,
            c.store ? (c.store.alarms.length > 0 ? c.store.alarms.join(", ") : "none") : NONE,
          ],
        };
      }),
    })),
  });

  // 4. Custody and access.
  const capTitles = CAPABILITIES.map((c) => CAPABILITY_OPERATIONS[c].title);
  const accessTables = doc.sites
    .filter((s) => s.cloud !== "onprem")
    .map((s) => {
      const rows = doc.access.filter((a) => a.site === s.id);
      const registriesHere = [...new Set(doc.registries.filter((r) => r.copies.some((c) => c.site === s.id && c.store)).map((r) => r.id))];
      const who = new Map<string, typeof rows>();
      for (const a of rows) {
        const k = `${a.name}|${a.via ?? ""}|${a.usedBy ?? ""}`;
        who.set(k, [...(who.get(k) ?? []), a]);
      }
      return {
        id: `access-${s.id}`,
        caption: `${siteLabel(s)}: who may do what (registries, or "all")`,
        headers: ["Principal", "Through", ...capTitles],
        rows: [...who.entries()]
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([k, list]) => ({
            key: k,
            cells: [
              list[0].name,
              list[0].via ? `role ${list[0].via}` : list[0].usedBy ? `used by ${list[0].usedBy}` : "directly",
              ...CAPABILITIES.map((c) => {
                const regs = [...new Set(list.filter((a) => a.capability === c).map((a) => a.registry))].sort();
                if (regs.length === 0) return NONE;
                return regs.length === registriesHere.length && registriesHere.length > 1 ? "all" : regs.join(", ");
              }),
            ],
          })),
      };
    });
  const custodyItems: string[] = [];
  if (doc.custody.aws) {
    const c = doc.custody.aws;
    custodyItems.push(`AWS account ${c.accountId}: administrators ${c.administrators.join(", ")}; readers ${c.readers?.join(", ") ?? "unset (every administrator)"}; writers ${c.writers?.join(", ") ?? "unset (every administrator)"}`);
  }
  if (doc.custody.azure) {
    const c = doc.custody.azure;
    const name = (id: string) => (c.labels[id] ? `${c.labels[id]} (${id})` : id);
    custodyItems.push(`Azure tenant ${c.tenantId}: administrators ${c.administrators.map(name).join(", ")}; readers ${c.readers?.map(name).join(", ") ?? "unset (nobody)"}; writers ${c.writers?.map(name).join(", ") ?? "unset (nobody)"}`);
  }
  sections.push({
    id: "access",
    title: "Custody and access",
    paragraphs: [
      "Resolved from the synthesized IAM role, trust, bucket and key policies (AWS) and role assignments (Azure). Principals outside the stacks (the custody administrators) are assumed to hold every permission of their own account: what they cannot do is what the resource policies refuse. Each capability is decided for concrete operations:",
    ],
    items: [...custodyItems, ...CAPABILITIES.map((c) => `${CAPABILITY_OPERATIONS[c].title}: AWS ${CAPABILITY_OPERATIONS[c].aws}; Azure ${CAPABILITY_OPERATIONS[c].azure}`)],
    tables: accessTables,
  });

  // 5. Guarantees.
  const g = doc.guarantees;
  const gTables: ReviewTable[] = [
    {
      id: "rules",
      caption: `Policy rules (policy report: ${g.passed ? "passed" : "failed"})`,
      headers: ["Rule", "Level", "Result", "Checked", "Compliant", "Non-compliant", "Suppressed"],
      rows: g.rules.map((r) => ({
        key: r.id,
        cells: [`${r.id} ${r.name}`, r.level, !r.applicable ? "not applicable" : r.nonCompliant - r.suppressed > 0 ? "fails" : r.suppressed > 0 ? "passes with suppressions" : "passes", String(r.checked), String(r.compliant), String(r.nonCompliant), String(r.suppressed)],
      })),
    },
    {
      id: "suppressions",
      caption: "Suppressions",
      headers: ["Rule", "Where", "Reason", "Findings covered"],
      rows: g.suppressions.map((s) => ({ key: `${s.ruleId}@${s.path}`, cells: [s.ruleId, s.path, s.reason, String(s.matchedFindings)] })),
    },
    {
      id: "settings",
      caption: "Guarantee-bearing settings that are off",
      headers: ["Site", "Registry", "Setting", "Resource", "Value"],
      rows: doc.settings.filter((s) => !s.on).map((s) => ({ key: `${s.site}|${s.registry}|${s.setting}`, cells: [s.site, s.registry, s.setting, s.address, s.detail] })),
    },
  ];
  const gItems = g.findings.map((f) => `${f.level}: ${f.message}`);
  const gParagraphs = [
    `${g.rules.length} rules; ${g.suppressions.length} suppression${g.suppressions.length === 1 ? "" : "s"}; ${g.findings.length} open finding${g.findings.length === 1 ? "" : "s"} (warnings; an error fails synth). ${doc.settings.filter((s) => s.on).length} of ${doc.settings.length} guarantee-bearing settings are on.`,
  ];
  if (g.checkov) {
    const open = g.checkov.failedChecks.filter((f) => !f.accepted);
    gParagraphs.push(
      `Checkov: ${g.checkov.passed} passed, ${g.checkov.failed} failed (${g.checkov.failed - open.length} accepted by .ci/checkov-exceptions.yaml, ${open.length} open), ${g.checkov.skipped} skipped, ${g.checkov.parsingErrors} parsing errors.`,
    );
    for (const f of open) gItems.push(`Checkov ${f.checkId} failed on ${f.resource}: ${f.name}`);
  } else {
    gParagraphs.push("No Checkov result was given (EMBASSY_REVIEW_CHECKOV).");
  }
  sections.push({ id: "guarantees", title: "Guarantees", paragraphs: gParagraphs, items: gItems, tables: gTables });

  if (doc.notes.length > 0) sections.push({ id: "notes", title: "Not evaluated", paragraphs: ["The review could not evaluate these; read them yourself:"], items: [...doc.notes], tables: [] });
  return sections;
}
