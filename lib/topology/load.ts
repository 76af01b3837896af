import { readFileSync } from "node:fs";
import { extname } from "node:path";
import { LineCounter, parseDocument, isNode } from "yaml";
import type { z } from "zod";
import type { Topology } from "./model";
import { TopologyError, type TopologyProblem } from "./problems";
import { type TopologyDocument, TopologySchema } from "./schema";
import { validateTopology } from "./validate";

/**
 * Reads a topology file (`.yaml`, `.yml` or `.json`), checks its shape against version 1 of
 * the contract and then every semantic rule. Throws one {@link TopologyError} listing every
 * problem found, with line numbers where the file has them.
 */
export function loadTopologyFile(path: string): Topology {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new TopologyError(path, [{ path: "(file)", message: `cannot read '${path}': ${(e as Error).message}` }]);
  }
  const ext = extname(path).toLowerCase();
  if (![".yaml", ".yml", ".json"].includes(ext)) {
    throw new TopologyError(path, [{ path: "(file)", message: `'${path}' must end in .yaml, .yml or .json, got '${ext || "(none)"}'` }]);
  }
  return parseTopologyText(text, path);
}

/** Parses topology text (YAML or JSON: JSON is YAML) and validates it. */
export function parseTopologyText(text: string, source = "(inline)"): Topology {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new TopologyError(
      source,
      doc.errors.map((e) => ({ path: "(syntax)", line: lines.linePos(e.pos[0]).line, message: e.message.split("\n")[0] })),
    );
  }
  const lineOf = (path: readonly PropertyKey[]): number | undefined => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n) as unknown[], true);
      if (isNode(node) && node.range) return lines.linePos(node.range[0]).line;
    }
    return undefined;
  };
  return parseTopology(doc.toJS(), source, lineOf);
}

/** Validates an already-parsed topology object (shape, then semantics). */
export function parseTopology(
  data: unknown,
  source = "(inline)",
  lineOf: (path: readonly PropertyKey[]) => number | undefined = () => undefined,
): Topology {
  const shape = TopologySchema.safeParse(data, { reportInput: true });
  const shapeProblems = shape.success ? [] : shape.error.issues.map((issue) => shapeProblem(issue, data, lineOf));
  // Unknown keys alone do not stop the semantic rules: they run on the document without those
  // keys, so an author sees a typo and, say, an overlapping CIDR in one pass.
  const document = shape.success ? shape.data : withoutUnknownKeys(data, shape.error.issues);
  if (!document) throw new TopologyError(source, shapeProblems);
  const result = validateTopology(document);
  const problems = [...shapeProblems, ...(result.ok ? [] : result.problems.map((p) => ({ ...p, line: lineOf(pathKeys(p.path)) })))];
  if (!result.ok || problems.length > 0) throw new TopologyError(source, problems);
  return result.topology;
}

/** The shape-valid document once unknown keys are removed, if unknown keys were the only issue. */
function withoutUnknownKeys(data: unknown, issues: readonly z.core.$ZodIssue[]): TopologyDocument | undefined {
  if (!issues.every((i) => i.code === "unrecognized_keys")) return undefined;
  const copy = structuredClone(data) as Record<PropertyKey, unknown>;
  for (const issue of issues) {
    if (issue.code !== "unrecognized_keys") continue;
    const parent = issue.path.reduce<unknown>((node, key) => (node as Record<PropertyKey, unknown>)?.[key], copy) as Record<string, unknown> | undefined;
    for (const key of issue.keys) if (parent) delete parent[key];
  }
  const retry = TopologySchema.safeParse(copy);
  return retry.success ? retry.data : undefined;
}

function shapeProblem(
  issue: z.core.$ZodIssue,
  data: unknown,
  lineOf: (path: readonly PropertyKey[]) => number | undefined,
): TopologyProblem {
  const path = issue.code === "unrecognized_keys" ? [...issue.path, issue.keys[0]] : issue.path;
  const where = describePath(issue.path, data);
  let message: string;
  if (issue.code === "unrecognized_keys") {
    const keys = issue.keys.map((k) => `'${k}'`).join(", ");
    message = `${where}unknown key${issue.keys.length > 1 ? "s" : ""} ${keys} (a typo? unknown keys are not ignored)`;
  } else if (issue.input === undefined) {
    message = `${where}is required`;
  } else {
    message = `${where}${issue.message}, got ${JSON.stringify(issue.input)}`;
  }
  return { path: formatPath(issue.path), line: lineOf(path), message };
}

/** "site 'nl-primary': " for a path inside sites[1] when that site has an id, else "". */
function describePath(path: readonly PropertyKey[], data: unknown): string {
  const [list, index] = path;
  const names: Record<string, string> = { sites: "site", registries: "registry" };
  if (typeof list === "string" && typeof index === "number" && names[list]) {
    const item = (data as Record<string, unknown[]>)[list]?.[index] as { id?: unknown } | undefined;
    if (item && typeof item.id === "string") return `${names[list]} '${item.id}': `;
  }
  if (list === "links" && typeof index === "number") {
    const link = (data as Record<string, unknown[]>).links?.[index] as { from?: unknown; to?: unknown } | undefined;
    if (link) return `link '${String(link.from)} -> ${String(link.to)}': `;
  }
  return "";
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "(top level)";
  return path.map((k, i) => (typeof k === "number" ? `[${k}]` : `${i === 0 ? "" : "."}${String(k)}`)).join("");
}

/** `sites[1].region` -> ["sites", 1, "region"]. */
function pathKeys(path: string): PropertyKey[] {
  return [...path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) => (m[2] !== undefined ? Number(m[2]) : m[1]));
}
