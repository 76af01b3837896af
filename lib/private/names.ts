import { createHash } from "node:crypto";

/**
 * A deterministic physical name from its parts, within a cloud's length limit. When the
 * joined name is too long it is cut and an 8-character hash of the full name appended, so
 * two different long names never collide and the same inputs always give the same name.
 */
export function physicalName(parts: readonly string[], maxLength: number, separator = "-"): string {
  const full = parts.join(separator);
  if (full.length <= maxLength) return full;
  const hash = createHash("sha256").update(full).digest("hex").slice(0, 8);
  const head = full.slice(0, maxLength - hash.length - separator.length).replace(/[^a-z0-9]+$/, "");
  return `${head}${separator}${hash}`;
}
