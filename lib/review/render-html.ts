/**
 * index.html: the review as one self-contained page (inline CSS and SVG, no script, no external
 * resource), printable and accessible: a heading per section, `<th scope>` on every table, the
 * map as an SVG with a title, a description and a caption, and the map's facts repeated as tables.
 */
import type { ReviewDiff } from "./diff";
import { renderMap } from "./map";
import type { ReviewDocument } from "./review-format";
import { reviewSections } from "./sections";

const escape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
/** Escapes, then turns `**x**` into `<strong>x</strong>` (the only markup items carry). */
const inline = (s: string) => escape(s).replace(/\*\*(.+?)\*\*/g, "<strong>$1</strong>");

const CSS = `
:root { color-scheme: light; --ink: #1b1f24; --muted: #57606a; --line: #d0d7de; --bad: #a40e26; --good: #1a7f37; --domestic: #0550ae; --foreign: #bc4c00; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: #fff; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 28px 64px; }
h1 { font-size: 1.8rem; margin: 0 0 4px; }
h2 { font-size: 1.35rem; margin: 36px 0 8px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
.summary { color: var(--muted); margin: 0 0 16px; }
.summary strong { color: var(--bad); }
nav ul { display: flex; flex-wrap: wrap; gap: 4px 18px; padding: 0; list-style: none; margin: 8px 0 0; }
nav a { color: var(--domestic); }
section#weaker li strong { color: var(--bad); }
section#stronger li strong { color: var(--good); }
figure { margin: 16px 0; }
figcaption { color: var(--muted); font-size: 0.9rem; }
svg.map { width: 100%; height: auto; border: 1px solid var(--line); border-radius: 6px; background: #eef4fa; }
svg.map .sea { fill: #eef4fa; }
svg.map .country { fill: #f6f4ee; stroke: #b9b4a8; stroke-width: 0.6; }
svg.map .country.home { fill: #fde9c9; stroke: #b06d00; stroke-width: 1.2; }
svg.map .link path { fill: none; stroke: #6e40c9; stroke-width: 2; }
svg.map .link.own path { stroke-dasharray: 6 4; stroke: #57606a; }
svg.map .link .rpo { font-size: 12px; fill: #4b2a96; text-anchor: middle; paint-order: stroke; stroke: #fff; stroke-width: 3px; }
svg.map .site circle, svg.map .site rect { stroke: #fff; stroke-width: 2; }
svg.map .site.domestic circle, svg.map .site.domestic rect { fill: var(--domestic); }
svg.map .site.foreign circle, svg.map .site.foreign rect { fill: var(--foreign); }
svg.map .site.primary circle, svg.map .site.primary rect { stroke: #1b1f24; stroke-width: 2.5; }
svg.map .label { font-size: 12px; fill: var(--ink); paint-order: stroke; stroke: #fff; stroke-width: 3px; stroke-linejoin: round; }
svg.map .label .name { font-weight: 700; font-size: 13px; }
svg.map .label .km { fill: var(--foreign); font-weight: 600; }
svg.map .leader { stroke: #57606a; stroke-width: 0.8; }
svg.map .legend rect:first-child { fill: #fff; fill-opacity: 0.92; stroke: var(--line); }
svg.map .legend text { font-size: 12px; fill: var(--ink); }
svg.map .domestic-key { fill: var(--domestic); }
svg.map .foreign-key { fill: var(--foreign); }
svg.map .dc-key { fill: var(--domestic); }
.table-wrap { overflow-x: auto; margin: 8px 0 20px; }
table { border-collapse: collapse; width: 100%; font-size: 0.92rem; }
caption { text-align: left; font-weight: 600; padding: 6px 0; }
th, td { border: 1px solid var(--line); padding: 5px 8px; text-align: left; vertical-align: top; }
thead th { background: #f3f5f7; }
tbody th { font-weight: 600; background: #fafbfc; }
tbody tr:nth-child(even) td { background: #fafbfc; }
td.none { color: var(--muted); }
p.empty { color: var(--muted); font-style: italic; }
@media print {
  main { max-width: none; padding: 0; }
  nav { display: none; }
  h2 { break-after: avoid; }
  tr, figure { break-inside: avoid; }
  .table-wrap { overflow: visible; }
  a { color: inherit; text-decoration: none; }
}
`;

/** The HTML page of a review. */
export function renderHtml(doc: ReviewDocument, diff: ReviewDiff | undefined, baselineName?: string): string {
  const sections = reviewSections(doc, diff, baselineName);
  const weaker = diff?.weaker.length;
  const out: string[] = [];
  out.push(
    `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">`,
    `<title>Architect's review: ${escape(doc.topology)}</title><style>${CSS}</style></head><body><main>`,
    `<header><h1>Architect's review: ${escape(doc.topology)}</h1>`,
    `<p class="summary">${doc.sites.length} sites, ${doc.links.length} links, ${doc.registries.length} registries, home country ${escape(doc.home)}. ${
      weaker === undefined ? "No baseline compared." : weaker === 0 ? "Nothing got weaker." : `<strong>${weaker} change${weaker === 1 ? "" : "s"} got weaker.</strong>`
    }</p>`,
    `<nav aria-label="Sections"><ul>${sections.map((s) => `<li><a href="#${s.id}">${escape(s.title)}</a></li>`).join("")}</ul></nav></header>`,
  );
  for (const s of sections) {
    out.push(`<section id="${s.id}" aria-labelledby="${s.id}-h"><h2 id="${s.id}-h">${escape(s.title)}</h2>`);
    if (s.id === "sites") {
      out.push(
        `<figure>${renderMap(doc)}<figcaption>Map: every site with its role and cloud region or datacenter, the home country (${escape(doc.home)}) shaded, links with their achievable RPO, and each foreign site's distance to the nearest domestic site. Natural Earth borders (world-atlas). The tables below say the same.</figcaption></figure>`,
      );
    }
    for (const p of s.paragraphs) out.push(`<p>${inline(p)}</p>`);
    if (s.items.length > 0) out.push(`<ul>${s.items.map((i) => `<li>${inline(i)}</li>`).join("")}</ul>`);
    for (const t of s.tables) {
      if (t.rows.length === 0) {
        out.push(`<p class="empty">${escape(t.caption)}: none.</p>`);
        continue;
      }
      out.push(`<div class="table-wrap"><table data-table="${escape(t.id)}"><caption>${escape(t.caption)}</caption>`);
      out.push(`<thead><tr>${t.headers.map((h) => `<th scope="col">${escape(h)}</th>`).join("")}</tr></thead><tbody>`);
      for (const r of t.rows) {
        out.push(
          `<tr data-row="${escape(r.key)}">${r.cells.map((c, i) => (i === 0 ? `<th scope="row">${escape(c)}</th>` : `<td${c === "—" ? ' class="none"' : ""}>${escape(c)}</td>`)).join("")}</tr>`,
        );
      }
      out.push(`</tbody></table></div>`);
    }
    out.push(`</section>`);
  }
  out.push(`<footer><p class="summary">Built from the topology and the synthesized output only (cdktf.out), never from the constructs. Machine-readable: review.json (format version ${doc.formatVersion}).</p></footer>`);
  out.push(`</main></body></html>`);
  return `${out.join("\n")}\n`;
}
