/**
 * The review's map: an inline SVG rendered at build time from Natural Earth country borders
 * (`world-atlas` 2.x, TopoJSON of Natural Earth 1:50m admin-0 countries; ids are ISO 3166-1
 * numeric codes, topojson/world-atlas README) projected with d3-geo's Natural Earth projection,
 * fitted to the sites. No tiles, no network, no script: the SVG is the picture.
 *
 * d3-geo is ESM-only: this module is loaded by the review's command (plain Node 20 can
 * `require` it) and never by modules that jest imports.
 */
import type * as CountryCoder from "@rapideditor/country-coder";
import type { GeoPermissibleObjects } from "d3-geo";
import type { Topology as TopoTopology, GeometryCollection } from "topojson-specification";
import type { ReviewDocument, ReviewSite } from "./review-format";

// ESM-only d3-geo through require(esm) (Node >= 20.19), typed through its declarations.
const d3 = require("d3-geo") as typeof import("d3-geo");
const topojson = require("topojson-client") as typeof import("topojson-client");

/** Width and height of the SVG's viewBox. */
export const MAP_WIDTH = 960;
export const MAP_HEIGHT = 560;

const escape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}
const overlaps = (a: Box, b: Box) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

/** The map of a review as an SVG element (a string), with one `[data-marker="site"]` per site. */
export function renderMap(doc: ReviewDocument): string {
  const coder = require("@rapideditor/country-coder") as typeof CountryCoder;
  const atlas = require("world-atlas/countries-50m.json") as TopoTopology<{ countries: GeometryCollection<{ name: string }> }>;
  const countries = topojson.feature(atlas, atlas.objects.countries) as unknown as GeoJSON.FeatureCollection<GeoJSON.Geometry, { name: string }>;
  const homeNumeric = coder.iso1N3Code(doc.home);

  // Fit the projection to the sites with a margin of about 6 degrees (more for a single point).
  const lons = doc.sites.map((s) => s.longitude);
  const lats = doc.sites.map((s) => s.latitude);
  const pad = 6;
  const [w0, e0, s0, n0] = [Math.min(...lons) - pad, Math.max(...lons) + pad, Math.max(-85, Math.min(...lats) - pad), Math.min(85, Math.max(...lats) + pad)];
  const frame: GeoJSON.MultiPoint = { type: "MultiPoint", coordinates: [[w0, s0], [e0, s0], [w0, n0], [e0, n0], [(w0 + e0) / 2, n0], [(w0 + e0) / 2, s0]] };
  const margin = 36;
  const projection = d3
    .geoNaturalEarth1()
    .fitExtent(
      [
        [margin, margin],
        [MAP_WIDTH - margin, MAP_HEIGHT - margin],
      ],
      frame,
    )
    .clipExtent([
      [0, 0],
      [MAP_WIDTH, MAP_HEIGHT],
    ]);
  const path = d3.geoPath(projection).digits(1);

  const parts: string[] = [];
  parts.push(`<rect class="sea" x="0" y="0" width="${MAP_WIDTH}" height="${MAP_HEIGHT}"/>`);
  const home: string[] = [];
  // Cull countries far outside the view before projecting them (projecting all of Natural Earth
  // 1:50m costs most of the review's time); a view across the antimeridian culls nothing.
  const crosses = w0 < -180 || e0 > 180;
  const visible = (g: GeoJSON.Geometry | null): boolean => {
    if (crosses || !g) return true;
    let [minX, maxX, minY, maxY] = [Infinity, -Infinity, Infinity, -Infinity];
    const walk = (c: unknown): void => {
      if (typeof (c as number[])[0] === "number") {
        const [x, y] = c as number[];
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
        if (y < minY) minY = y;
        if (y > maxY) maxY = y;
      } else for (const x of c as unknown[]) walk(x);
    };
    if (g.type === "GeometryCollection") return g.geometries.some(visible);
    walk(g.coordinates);
    const slack = 25;
    return !(maxX < w0 - slack || minX > e0 + slack || maxY < s0 - slack || minY > n0 + slack) || maxX - minX > 180;
  };
  for (const f of countries.features) {
    if (!visible(f.geometry)) continue;
    const d = path(f as GeoPermissibleObjects);
    if (!d) continue;
    const isHome = String(f.id) === homeNumeric;
    (isHome ? home : parts).push(`<path class="${isHome ? "country home" : "country"}" d="${d}"${isHome ? ` data-home="${escape(doc.home)}"><title>${escape(f.properties.name)} (home country)</title></path>` : "/>"}`);
  }
  parts.push(...home);

  const byId = new Map(doc.sites.map((s) => [s.id, s]));
  const point = (s: ReviewSite) => projection([s.longitude, s.latitude]) ?? [0, 0];

  // Links as great circles with their RPO at the midpoint.
  const taken: Box[] = [];
  for (const l of doc.links) {
    const a = byId.get(l.from);
    const b = byId.get(l.to);
    if (!a || !b) continue;
    const line: GeoJSON.LineString = { type: "LineString", coordinates: [[a.longitude, a.latitude], [b.longitude, b.latitude]] };
    const d = path(line);
    if (!d) continue;
    const mid = projection(d3.geoInterpolate([a.longitude, a.latitude], [b.longitude, b.latitude])(0.5)) ?? [0, 0];
    const label = `${l.achievableRpoMinutes} min`;
    const [pa, pb] = [point(a), point(b)];
    // A short link's label would sit on its sites' markers: its RPO is in the target's label instead.
    const long = Math.hypot(pa[0] - pb[0], pa[1] - pb[1]) >= 120;
    parts.push(
      `<g class="link${l.builtHere ? "" : " own"}" data-link="${escape(`${l.from}->${l.to}`)}"><title>${escape(`${l.from} to ${l.to}: ${l.mechanism}, achievable RPO ${l.achievableRpoMinutes} min, ${l.km} km, carries ${l.registries.join(", ")}`)}</title>` +
        `<path d="${d}"/>${long ? `<text x="${mid[0].toFixed(1)}" y="${(mid[1] - 4).toFixed(1)}" class="rpo">${escape(label)}</text>` : ""}</g>`,
    );
    if (long) taken.push({ x: mid[0] - 20, y: mid[1] - 16, w: 40, h: 14 });
  }

  // Markers first (so labels avoid them), then labels placed where they do not overlap.
  const markers = doc.sites.map((s) => ({ s, p: point(s) }));
  for (const { p } of markers) taken.push({ x: p[0] - 8, y: p[1] - 8, w: 16, h: 16 });
  const labels: string[] = [];
  const offsets: [number, number][] = [
    [12, -4],
    [-12, -4],
    [12, 26],
    [-12, 26],
    [12, -34],
    [-12, -34],
    [40, 56],
    [-40, 56],
    [40, -64],
    [-40, -64],
    [80, 90],
    [-80, 90],
  ];
  for (const { s, p } of [...markers].sort((a, b) => a.p[1] - b.p[1])) {
    const line1 = `${s.id}${s.primary ? " (primary)" : ""}`;
    const where = s.cloud === "onprem" ? `datacenter, ${s.city}` : `${s.cloud === "aws" ? "AWS" : "Azure"} ${s.region}`;
    const incoming = doc.links.filter((l) => l.to === s.id).map((l) => l.achievableRpoMinutes);
    const line2 = `${s.role} · ${where}${incoming.length > 0 ? ` · RPO ${Math.max(...incoming)} min` : ""}`;
    const line3 = s.nearestDomestic ? `${s.nearestDomestic.km.toLocaleString("en")} km to ${s.nearestDomestic.site}` : undefined;
    const width = Math.max(line1.length * 7.6, line2.length * 6.4, (line3?.length ?? 0) * 6.4) + 6;
    const height = line3 ? 44 : 30;
    let chosen: { box: Box; anchor: "start" | "end"; dx: number; dy: number } | undefined;
    for (const [dx, dy] of offsets) {
      const anchor = dx >= 0 ? "start" : "end";
      const x = anchor === "start" ? p[0] + dx : p[0] + dx - width;
      const box = { x, y: p[1] + dy - 12, w: width, h: height };
      if (box.x < 2 || box.x + box.w > MAP_WIDTH - 2 || box.y < 2 || box.y + box.h > MAP_HEIGHT - 2) continue;
      if (taken.some((t) => overlaps(t, box))) continue;
      chosen = { box, anchor, dx, dy };
      break;
    }
    chosen ??= { box: { x: p[0] + 12, y: p[1] - 16, w: width, h: height }, anchor: "start", dx: 12, dy: -4 };
    taken.push(chosen.box);
    const tx = p[0] + chosen.dx;
    const ty = p[1] + chosen.dy;
    const leader = Math.abs(chosen.dy) > 30 || Math.abs(chosen.dx) > 12 ? `<line class="leader" x1="${p[0].toFixed(1)}" y1="${p[1].toFixed(1)}" x2="${tx.toFixed(1)}" y2="${(ty - 4).toFixed(1)}"/>` : "";
    labels.push(
      `${leader}<text class="label" x="${tx.toFixed(1)}" y="${ty.toFixed(1)}" text-anchor="${chosen.anchor}"><tspan class="name">${escape(line1)}</tspan>` +
        `<tspan x="${tx.toFixed(1)}" dy="14">${escape(line2)}</tspan>${line3 ? `<tspan x="${tx.toFixed(1)}" dy="14" class="km">${escape(line3)}</tspan>` : ""}</text>`,
    );
  }
  for (const { s, p } of markers) {
    const desc = `${s.id}: ${s.role}${s.primary ? ", primary" : ""}, ${s.cloud === "onprem" ? `datacenter in ${s.city}` : `${s.cloud} ${s.region} (${s.label})`}, ${s.country}${s.nearestDomestic ? `, ${s.nearestDomestic.km} km from ${s.nearestDomestic.site}` : ""}`;
    const shape =
      s.cloud === "onprem"
        ? `<rect x="${(p[0] - 6).toFixed(1)}" y="${(p[1] - 6).toFixed(1)}" width="12" height="12"/>`
        : `<circle cx="${p[0].toFixed(1)}" cy="${p[1].toFixed(1)}" r="${s.primary ? 8 : 6.5}"/>`;
    parts.push(`<g class="site ${s.role}${s.primary ? " primary" : ""}" data-marker="site" data-site="${escape(s.id)}"><title>${escape(desc)}</title>${shape}</g>`);
  }
  parts.push(...labels);

  // Legend.
  parts.push(
    `<g class="legend" transform="translate(12 ${MAP_HEIGHT - 74})"><rect width="250" height="64" rx="4"/>` +
      `<circle cx="14" cy="16" r="6" class="domestic-key"/><text x="26" y="20">domestic site (circle: cloud)</text>` +
      `<circle cx="14" cy="34" r="6" class="foreign-key"/><text x="26" y="38">foreign site</text>` +
      `<rect x="8" y="46" width="12" height="12" class="dc-key"/><text x="26" y="56">own datacenter; lines: links, RPO</text></g>`,
  );

  const title = `Map of ${doc.topology}: ${doc.sites.length} sites and ${doc.links.length} links`;
  const description = doc.sites
    .map((s) => `${s.id} (${s.role}${s.primary ? ", primary" : ""}) in ${s.city}, ${s.country}${s.nearestDomestic ? `, ${s.nearestDomestic.km} km from ${s.nearestDomestic.site}` : ""}`)
    .join("; ");
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${MAP_WIDTH} ${MAP_HEIGHT}" role="img" aria-labelledby="map-title map-desc" class="map">` +
    `<title id="map-title">${escape(title)}</title><desc id="map-desc">${escape(`Home country ${doc.home} shaded. ${description}. The same facts are in the tables below.`)}</desc>` +
    parts.join("") +
    `</svg>`
  );
}
