/**
 * Plain JSON as a resolved Terraform resource holds it, and small readers that never throw:
 * Terraform renders a nested block either as an object or as a list of objects, booleans
 * sometimes as strings, and any value may be an unresolved `${...}` expression.
 */

/** A JSON value. */
export type Json = string | number | boolean | null | readonly Json[] | JsonObject;

/** A JSON object. */
export interface JsonObject {
  readonly [key: string]: Json;
}

/** Whether `value` is a JSON object (not an array, not null). */
export function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The value at `path` below `value`. A single-element list on the way is stepped into (Terraform
 * renders a nested block as an object or as a one-element list); anything else ends the walk.
 */
export function field(value: Json | undefined, ...path: readonly string[]): Json | undefined {
  let current: Json | undefined = value;
  for (const key of path) {
    if (Array.isArray(current) && current.length === 1) current = current[0] as Json;
    if (!isObject(current)) return undefined;
    current = current[key];
  }
  return current;
}

/** A nested block as a list: an object gives `[object]`, a list gives its objects, anything else `[]`. */
export function blocks(value: Json | undefined): readonly JsonObject[] {
  if (isObject(value)) return [value];
  if (Array.isArray(value)) return (value as readonly Json[]).filter(isObject);
  return [];
}

/** A string value, or undefined. */
export function asString(value: Json | undefined): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** A number, also from a numeric string; undefined otherwise (e.g. an unresolved expression). */
export function asNumber(value: Json | undefined): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  return undefined;
}

/** A string or a list of strings as a list (other entries are dropped). */
export function strings(value: Json | undefined): readonly string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return (value as readonly Json[]).filter((v): v is string => typeof v === "string");
  return [];
}

/**
 * A boolean argument's effective value: the literal (also `"true"`/`"false"`), `fallback` when
 * the argument is absent (the provider's default), or `"unknown"` for an expression that is only
 * known at apply time (a rule cannot verify it, so it does not count as compliant).
 */
export function flag(value: Json | undefined, fallback: boolean): boolean | "unknown" {
  if (value === undefined || value === null) return fallback;
  if (value === true || value === "true") return true;
  if (value === false || value === "false") return false;
  return "unknown";
}

/** Whether a string holds a Terraform expression (`${...}`) that is only known at apply time. */
export function isExpression(value: string): boolean {
  return value.includes("${");
}

/** A value for a message: strings quoted, the rest as JSON, absent as `absent`. */
export function show(value: Json | undefined): string {
  if (value === undefined) return "absent";
  return typeof value === "string" ? `'${value}'` : JSON.stringify(value);
}
