import { readFileSync } from "node:fs";
import { dirname, extname, resolve } from "node:path";
import { LineCounter, parseDocument, isNode } from "yaml";
import type { z } from "zod";
import type { Topology } from "./model";
import { TopologyError, type TopologyProblem } from "./problems";
import { distance } from "fastest-levenshtein";
import {
  AlertsSchema,
  AwsCustodySchema,
  AwsIdentitySchema,
  AzureCustodySchema,
  AzureIdentitySchema,
  IdentitySchema,
  LinkSchema,
  LocationSchema,
  RegistrySchema,
  RulesSchema,
  SiteSchema,
  TopologySchema,
  type TopologyRules,
  VpnSchema,
} from "./schema";
import { countryHint, type TopologyDraft, validateTopology } from "./validate";

/** How to read a topology that does not come straight from its file. */
export interface ParseOptions {
  /**
   * The folder that files named in the topology (an on-premises site's trust anchor
   * certificate) are relative to: the topology file's folder.
   * @default - the current working directory
   */
  readonly baseDir?: string;
}

/**
 * Reads a topology file (`.yaml`, `.yml` or `.json`), checks its shape against version 1 of
 * the contract and then every semantic rule. Throws one {@link TopologyError} listing every
 * problem found, with line numbers where the file has them. Files the topology names are read
 * relative to the topology file's folder.
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
  return parseTopologyText(text, path, { baseDir: dirname(resolve(path)) });
}

/** Parses topology text (YAML or JSON: JSON is YAML) and validates it. */
export function parseTopologyText(text: string, source = "(inline)", options: ParseOptions = {}): Topology {
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
  return parseWithLines(doc.toJS(), source, options, lineOf);
}

/** Validates an already-parsed topology object (shape, then semantics). */
export function parseTopology(data: unknown, source = "(inline)", options: ParseOptions = {}): Topology {
  return parseWithLines(data, source, options, () => undefined);
}

function parseWithLines(data: unknown, source: string, options: ParseOptions, lineOf: (path: readonly PropertyKey[]) => number | undefined): Topology {
  const readFile = (path: string) => readFileSync(resolve(options.baseDir ?? process.cwd(), path), "utf8");
  const shape = TopologySchema.safeParse(data, { reportInput: true });
  if (shape.success) return checkSemantics(shape.data, [], source, lineOf, readFile);
  // An unknown key close to a missing one is a typo: reported once, with the likely key, and
  // read as that key.
  const repair = repairKeys(data, shape.error.issues);
  const issues = shape.error.issues.filter((i) => !repair.explains(i));
  const shapeProblems = issues.map((issue) => shapeProblem(issue, data, lineOf, repair.suggestions));
  const retry = TopologySchema.safeParse(repair.data);
  if (retry.success) return checkSemantics(retry.data, shapeProblems, source, lineOf, readFile);
  // Shape problems do not stop the semantic rules: every part that passed its own shape check
  // is validated, and only the rules that need a broken part are skipped, so an author sees
  // every problem in one pass.
  if (typeof repair.data !== "object" || repair.data === null || Array.isArray(repair.data)) throw new TopologyError(source, shapeProblems);
  return checkSemantics(draftOf(repair.data as Record<string, unknown>), shapeProblems, source, lineOf, readFile);
}

function checkSemantics(
  document: TopologyDraft,
  shapeProblems: readonly TopologyProblem[],
  source: string,
  lineOf: (path: readonly PropertyKey[]) => number | undefined,
  readFile: (path: string) => string,
): Topology {
  const result = validateTopology(document, { readFile });
  const problems = [...shapeProblems, ...(result.ok ? [] : result.problems.map((p) => ({ ...p, line: lineOf(pathKeys(p.path)) })))];
  if (!result.ok || problems.length > 0) throw new TopologyError(source, problems);
  return result.topology;
}

/**
 * The parts of a document that pass their own shape check, piece by piece (each top-level key,
 * each custody cloud, each rule, each site, registry and link), and what can still be read of
 * the others: ids, a site's `primary`, a link's ends and registries.
 */
function draftOf(data: Record<string, unknown>): TopologyDraft {
  const parts = new Set<string>();
  const read = <T>(part: string, schema: z.ZodType<T>, value: unknown): T | undefined => {
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    parts.add(part);
    return undefined;
  };
  const top = TopologySchema.shape;
  const custodyData = data.custody;
  const custodyReadable = typeof custodyData === "object" && custodyData !== null && !Array.isArray(custodyData);
  if (!custodyReadable) parts.add("custody");
  const custodyOf = custodyReadable ? (custodyData as Record<string, unknown>) : {};
  const custody = {
    ...(custodyOf.aws === undefined ? {} : { aws: read("custody.aws", AwsCustodySchema, custodyOf.aws) }),
    ...(custodyOf.azure === undefined ? {} : { azure: read("custody.azure", AzureCustodySchema, custodyOf.azure) }),
  };
  const rulesData = data.rules ?? {};
  const rulesOf = typeof rulesData === "object" && rulesData !== null && !Array.isArray(rulesData) ? (rulesData as Record<string, unknown>) : undefined;
  const rules: Partial<TopologyRules> = {};
  for (const key of Object.keys(RulesSchema.shape) as (keyof TopologyRules)[]) {
    const value = rulesOf ? read<unknown>(`rules.${key}`, RulesSchema.shape[key] as z.ZodType<unknown>, rulesOf[key]) : (parts.add(`rules.${key}`), undefined);
    if (value !== undefined) Object.assign(rules, { [key]: value });
  }
  const list = <T, U extends { readonly index: number }>(key: "sites" | "registries" | "links", schema: z.ZodType<T>, rough: (item: Record<string, unknown>, index: number) => U) => {
    const value = key === "links" ? (data[key] ?? []) : data[key];
    const items: T[] = [];
    const positions: number[] = [];
    const unread: U[] = [];
    if (!Array.isArray(value) || value.length === 0) {
      parts.add(key);
      return { items, positions, unread };
    }
    value.forEach((item, index) => {
      const result = schema.safeParse(item);
      if (result.success) {
        items.push(result.data);
        positions.push(index);
      } else {
        unread.push(rough(typeof item === "object" && item !== null ? (item as Record<string, unknown>) : {}, index));
      }
    });
    return { items, positions, unread };
  };
  const text = (v: unknown) => (typeof v === "string" ? v : undefined);
  const sites = list("sites", SiteSchema, (s, index) => ({
    index,
    id: text(s.id),
    primary: s.primary === undefined ? false : typeof s.primary === "boolean" ? s.primary : undefined,
  }));
  const registries = list("registries", RegistrySchema, (r, index) => ({ index, id: text(r.id) }));
  const links = list("links", LinkSchema, (l, index) => ({
    index,
    from: text(l.from),
    to: text(l.to),
    registries: l.registries === undefined ? ("all" as const) : Array.isArray(l.registries) && l.registries.every((r) => typeof r === "string") ? (l.registries as string[]) : undefined,
  }));
  const name = read("name", top.name, data.name);
  const home = read("home", top.home, data.home);
  const alerts = data.alerts === undefined ? undefined : read("alerts", AlertsSchema, data.alerts);
  return {
    ...(name === undefined ? {} : { name }),
    ...(home === undefined ? {} : { home }),
    custody: Object.fromEntries(Object.entries(custody).filter(([, v]) => v !== undefined)),
    rules,
    sites: sites.items,
    registries: registries.items,
    links: links.items,
    ...(alerts === undefined ? {} : { alerts }),
    unread: {
      positions: { sites: sites.positions, registries: registries.positions, links: links.positions },
      parts,
      sites: sites.unread,
      registries: registries.unread,
      links: links.unread,
    },
  };
}

/** The keys each object of the contract allows, by its path without list indices. */
const KNOWN_KEYS: Readonly<Record<string, readonly string[]>> = {
  "": Object.keys(TopologySchema.shape),
  custody: Object.keys(TopologySchema.shape.custody.shape),
  "custody.aws": Object.keys(AwsCustodySchema.shape),
  "custody.azure": Object.keys(AzureCustodySchema.shape),
  rules: Object.keys(RulesSchema.shape),
  sites: Object.keys(SiteSchema.shape),
  "sites.location": Object.keys(LocationSchema.shape),
  "sites.vpn": Object.keys(VpnSchema.shape),
  "sites.identity": Object.keys(IdentitySchema.shape),
  "sites.identity.aws": Object.keys(AwsIdentitySchema.shape),
  "sites.identity.azure": Object.keys(AzureIdentitySchema.shape),
  registries: Object.keys(RegistrySchema.shape),
  links: Object.keys(LinkSchema.shape),
  alerts: Object.keys(AlertsSchema.shape),
};

interface KeyRepair {
  /** The document with unknown keys removed, or renamed where they are typos of a missing key. */
  readonly data: unknown;
  /** Unknown key (by its path) -> the allowed key it most likely means. */
  readonly suggestions: ReadonlyMap<string, string>;
  /** Whether an issue is only the other half of a typo (the "required" key that was misspelt). */
  explains(issue: z.core.$ZodIssue): boolean;
}

function repairKeys(data: unknown, issues: readonly z.core.$ZodIssue[]): KeyRepair {
  const copy = structuredClone(data) as Record<PropertyKey, unknown>;
  const suggestions = new Map<string, string>();
  const renamed = new Set<string>();
  for (const issue of issues) {
    if (issue.code !== "unrecognized_keys") continue;
    const parent = issue.path.reduce<unknown>((node, key) => (node as Record<PropertyKey, unknown>)?.[key], copy) as Record<string, unknown> | undefined;
    if (!parent) continue;
    const known = KNOWN_KEYS[issue.path.filter((k) => typeof k === "string").join(".")] ?? [];
    for (const key of issue.keys) {
      const near = known.map((k) => ({ k, d: distance(k.toLowerCase(), key.toLowerCase()) })).sort((a, b) => a.d - b.d)[0];
      if (near && near.d <= Math.max(2, Math.floor(near.k.length / 4))) {
        suggestions.set(formatPath([...issue.path, key]), near.k);
        if (!(near.k in parent)) {
          parent[near.k] = parent[key];
          renamed.add(formatPath([...issue.path, near.k]));
        }
      }
      delete parent[key];
    }
  }
  return {
    data: copy,
    suggestions,
    explains: (issue) => issue.code !== "unrecognized_keys" && issue.input === undefined && renamed.has(formatPath(issue.path)),
  };
}

function shapeProblem(
  issue: z.core.$ZodIssue,
  data: unknown,
  lineOf: (path: readonly PropertyKey[]) => number | undefined,
  suggestions: ReadonlyMap<string, string>,
): TopologyProblem {
  const path = issue.code === "unrecognized_keys" ? [...issue.path, issue.keys[0]] : issue.path;
  const where = describePath(issue.path, data);
  let message: string;
  if (issue.code === "unrecognized_keys") {
    const keys = issue.keys.map((k) => {
      const near = suggestions.get(formatPath([...issue.path, k]));
      return near ? `'${k}' (did you mean '${near}'?)` : `'${k}'`;
    });
    message = `${where}unknown key${issue.keys.length > 1 ? "s" : ""} ${keys.join(", ")}: unknown keys are not ignored`;
  } else if (issue.input === undefined) {
    message = `${where}is required`;
  } else {
    message = `${where}${issue.message}, got ${JSON.stringify(issue.input)}`;
    // A country code in the wrong form (nl, NLD, UK, Germany): name the code it most likely is.
    const last = issue.path[issue.path.length - 1];
    if ((last === "home" || last === "country") && typeof issue.input === "string") {
      message += countryHint(issue.input);
    }
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
