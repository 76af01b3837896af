/**
 * review.md: the review as GitHub-flavoured Markdown, small enough for a pull-request comment
 * (GitHub refuses comments above 65,536 characters; the examples stay under 60,000), with the
 * weaker-changes section first.
 */
import type { ReviewDiff } from "./diff";
import type { ReviewDocument } from "./review-format";
import { reviewSections } from "./sections";

/** Escapes a table cell: pipes would end the cell, newlines the row. */
function cell(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

/** The Markdown of a review. */
export function renderMarkdown(doc: ReviewDocument, diff: ReviewDiff | undefined, baselineName?: string): string {
  const out: string[] = [`# Architect's review: ${doc.topology}`, ""];
  const weaker = diff ? diff.weaker.length : undefined;
  out.push(
    `${doc.sites.length} sites, ${doc.links.length} links, ${doc.registries.length} registries, home ${doc.home}. ` +
      (weaker === undefined ? "No baseline compared." : weaker === 0 ? "Nothing got weaker." : `**${weaker} change${weaker === 1 ? "" : "s"} got weaker.**`),
    "",
  );
  for (const s of reviewSections(doc, diff, baselineName)) {
    out.push(`## ${s.title}`, "");
    for (const p of s.paragraphs) out.push(p, "");
    if (s.items.length > 0) out.push(...s.items.map((i) => `- ${i.replace(/\r?\n/g, " ")}`), "");
    for (const t of s.tables) {
      out.push(`**${cell(t.caption)}**`, "");
      if (t.rows.length === 0) {
        out.push("_none_", "");
        continue;
      }
      out.push(`| ${t.headers.map(cell).join(" | ")} |`, `|${t.headers.map(() => " --- ").join("|")}|`);
      for (const r of t.rows) out.push(`| ${r.cells.map(cell).join(" | ")} |`);
      out.push("");
    }
  }
  return `${out.join("\n").trimEnd()}\n`;
}
