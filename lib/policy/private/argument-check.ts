import { isObject, type Json, type JsonObject } from "./json";

/**
 * What a provider (or the cloud API behind it) accepts for one argument. Each check mirrors one
 * validator of the provider's schema or one documented naming rule; the table that uses them
 * (provider-limits.ts) cites where each comes from.
 */
export type ArgumentCheck =
  /** Length in characters, both bounds inclusive. */
  | { readonly kind: "length"; readonly min: number; readonly max: number }
  /** Every character matches `allowed` (a one-character class); `describe` lists them for the message. */
  | { readonly kind: "chars"; readonly allowed: RegExp; readonly describe: string }
  /** The whole value matches `pattern`; `describe` says what it must be ("must start with a letter"). */
  | { readonly kind: "pattern"; readonly pattern: RegExp; readonly describe: string }
  /**
   * The value does not match `pattern`; `describe` says what it must not be. The pattern sees each
   * `${...}` reference as one U+0000 character, and must not match that character (write negated
   * classes as `[^...\u0000]` and lookaheads as `(?!...|\u0000)`), so that references never fail it.
   */
  | { readonly kind: "forbid"; readonly pattern: RegExp; readonly describe: string }
  /** One of these values, exactly (case-sensitive, as the providers compare). */
  | { readonly kind: "oneOf"; readonly values: readonly (string | number)[] }
  /**
   * A whole number from `min` to `max` (`max` may be `Infinity`: at least `min`), or within one of
   * the further intervals `more` (each `[min, max]`, inclusive), or one of `also`.
   */
  | {
      readonly kind: "range";
      readonly min: number;
      readonly max: number;
      readonly also?: readonly number[];
      readonly more?: readonly (readonly [number, number])[];
    }
  /** An ISO 8601 duration (`P365D`, `P1Y2M`, `PT12H`), in days from `minDays` to `maxDays` when it is a whole number of days. */
  | { readonly kind: "isoDuration"; readonly minDays?: number; readonly maxDays?: number };

/** What a message shows instead of a sensitive value. */
const HIDDEN = "(sensitive value, not shown)";

/** The placeholder a reference takes in the text a `forbid` pattern sees. */
const REFERENCE = "\u0000";

/** A string split into literal text and Terraform template sequences (`${...}`, `%{...}`). */
interface Template {
  /** The literal characters, in order, without the references. */
  readonly literal: string;
  /** The value with every reference replaced by one U+0000. */
  readonly shape: string;
  /** Whether the value holds no reference at all: every check applies. */
  readonly known: boolean;
  /** Whether the value is one reference and nothing else: no check applies. */
  readonly opaque: boolean;
}

/**
 * Splits a Terraform string into its literal text and its references. `$${` and `%%{` are
 * Terraform's escapes for a literal `${` and `%{`. Nested braces inside a reference are skipped.
 */
export function templateOf(value: string): Template {
  let literal = "";
  let shape = "";
  let references = 0;
  let i = 0;
  while (i < value.length) {
    const two = value.slice(i, i + 2);
    const three = value.slice(i, i + 3);
    if (three === "$${" || three === "%%{") {
      literal += three.slice(1);
      shape += three.slice(1);
      i += 3;
      continue;
    }
    if (two === "${" || two === "%{") {
      let depth = 0;
      let end = -1;
      for (let j = i + 2; j < value.length; j++) {
        if (value[j] === "{") depth++;
        else if (value[j] === "}") {
          if (depth === 0) {
            end = j;
            break;
          }
          depth--;
        }
      }
      if (end >= 0) {
        references++;
        shape += REFERENCE;
        i = end + 1;
        continue;
      }
    }
    literal += value[i];
    shape += value[i];
    i++;
  }
  return { literal, shape, known: references === 0, opaque: references > 0 && literal === "" };
}

/** One value found at an argument path, with the path as a message names it (`ingress[0].description`). */
export interface Located {
  readonly where: string;
  readonly value: Json;
}

/**
 * The values at a dotted argument path (`ingress.description`, `rule.default_retention.mode`).
 * A list on the way (a nested block, or a list of strings at the end) is walked element by
 * element; each element's index shows in `where`. Absent arguments yield nothing: the provider's
 * default is valid by definition.
 */
export function valuesAt(attributes: JsonObject, path: string): readonly Located[] {
  let current: Located[] = [{ where: "", value: attributes }];
  for (const key of path.split(".")) {
    const next: Located[] = [];
    for (const { where, value } of current) {
      if (!isObject(value)) continue;
      const child = value[key];
      if (child === undefined || child === null) continue;
      const name = where === "" ? key : `${where}.${key}`;
      if (Array.isArray(child)) {
        (child as readonly Json[]).forEach((element, index) => {
          if (element !== null) next.push({ where: `${name}[${index}]`, value: element });
        });
      } else {
        next.push({ where: name, value: child });
      }
    }
    current = next;
  }
  return current;
}

function quote(value: string): string {
  return `'${value}'`;
}

function characters(value: string): readonly string[] {
  return [...value];
}

/** Shows an offending character readably: quoted, or by code point when it is invisible. */
function showChar(c: string): string {
  const code = c.codePointAt(0) ?? 0;
  return code < 0x20 || code === 0x7f || (code >= 0x80 && code <= 0xa0) ? `U+${code.toString(16).toUpperCase().padStart(4, "0")}` : `"${c}"`;
}

/** Days in a whole-day ISO 8601 duration (`P30D`, `P4W`), or undefined for anything with months, years or time. */
function wholeDays(duration: string): number | undefined {
  const m = /^P(?:(\d+)W)?(?:(\d+)D)?$/.exec(duration);
  if (!m || (m[1] === undefined && m[2] === undefined)) return undefined;
  return Number(m[1] ?? 0) * 7 + Number(m[2] ?? 0);
}

const ISO_DURATION = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/;

/**
 * The problems of one value against one check, each naming `where` and the value. A value that is
 * one reference and nothing else is unknown until apply and has none; a value that mixes literal
 * text and references is checked on what its literal text alone decides: its characters, an upper
 * length bound (the references can only add characters), and `forbid` patterns, never a lower
 * length bound, an enum or a whole-value pattern. A `sensitive` value (a pre-shared key) is never
 * shown, nor are its offending characters: the problem names the argument and the limit only.
 */
export function problemsOf(where: string, value: Json, check: ArgumentCheck, sensitive = false): readonly string[] {
  if (typeof value === "boolean" || value === null || typeof value === "object") return [];
  if (check.kind === "range") {
    const n = typeof value === "number" ? value : /^-?\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : undefined;
    if (n === undefined) return [];
    const intervals: readonly (readonly [number, number])[] = [[check.min, check.max], ...(check.more ?? [])];
    const ok = (Number.isInteger(n) && intervals.some(([min, max]) => n >= min && n <= max)) || (check.also ?? []).includes(n);
    if (ok) return [];
    const span = ([min, max]: readonly [number, number]) => (max === Infinity ? `of at least ${min}` : `from ${min} to ${max}`);
    const also = check.also && check.also.length > 0 ? ` (or ${check.also.join(", ")})` : "";
    return [`${where} is ${sensitive ? HIDDEN : n}, not a whole number ${intervals.map(span).join(" or ")}${also}`];
  }
  const text = String(value);
  const t = templateOf(text);
  if (t.opaque) return [];
  // strings quoted, numbers as they are
  const shown = sensitive ? HIDDEN : typeof value === "string" ? quote(value) : text;
  switch (check.kind) {
    case "length": {
      const n = characters(t.literal).length;
      if (t.known && n < check.min) return [`${where} ${shown} is ${n} characters, shorter than ${check.min}`];
      if (n > check.max) {
        const what = t.known ? `${n} characters` : `at least ${n} characters besides its references`;
        return [`${where} ${shown} is ${what}, longer than ${check.max}`];
      }
      return [];
    }
    case "chars": {
      const bad = [...new Set(characters(t.literal).filter((c) => !check.allowed.test(c)))];
      if (bad.length === 0) return [];
      return [`${where} ${shown} has ${sensitive ? "other characters" : bad.map(showChar).join(", ")}; allowed: ${check.describe}`];
    }
    case "pattern":
      return !t.known || check.pattern.test(t.literal) ? [] : [`${where} ${shown} ${check.describe}`];
    case "forbid":
      return check.pattern.test(t.shape) ? [`${where} ${shown} ${check.describe}`] : [];
    case "oneOf": {
      if (!t.known) return [];
      const ok = check.values.some((v) => String(v) === t.literal);
      return ok ? [] : [`${where} is ${shown}, not one of ${check.values.map((v) => String(v)).join(", ")}`];
    }
    case "isoDuration": {
      if (!t.known) return [];
      if (!ISO_DURATION.test(t.literal)) return [`${where} ${shown} is not an ISO 8601 duration such as 'P30D'`];
      const days = wholeDays(t.literal);
      if (days === undefined) return [];
      if (check.minDays !== undefined && days < check.minDays) return [`${where} ${shown} is ${days} days, shorter than ${check.minDays}`];
      if (check.maxDays !== undefined && days > check.maxDays) return [`${where} ${shown} is ${days} days, longer than ${check.maxDays}`];
      return [];
    }
  }
}
