/**
 * Reading what `cdktf synth` wrote, without cdktf: the stacks of a `cdktf.out` folder as plain
 * JSON, and the Terraform expressions (`${type.name.attribute}`) inside their attribute strings.
 * The review reads only this, never the constructs, so it describes what will really be applied.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** A JSON value. */
export type Json = string | number | boolean | null | readonly Json[] | JsonObject;

/** A JSON object. */
export interface JsonObject {
  readonly [key: string]: Json;
}

/** The parts of a `cdk.tf.json` this library reads. */
export interface TerraformJson {
  readonly resource?: { readonly [type: string]: { readonly [name: string]: JsonObject } };
  readonly data?: { readonly [type: string]: { readonly [name: string]: JsonObject } };
  readonly output?: { readonly [name: string]: JsonObject };
  readonly provider?: { readonly [name: string]: readonly JsonObject[] };
}

/** One synthesized stack. */
export interface SynthesizedStack {
  /** The stack's name in `manifest.json` (also the construct path of a top-level stack). */
  readonly name: string;
  readonly json: TerraformJson;
}

/** Whether `value` is a JSON object (not an array, not null). */
export function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A nested block as a list: Terraform JSON renders a block as an object or as a list of objects. */
export function blocks(value: Json | undefined): readonly JsonObject[] {
  if (isObject(value)) return [value];
  if (Array.isArray(value)) return (value as readonly Json[]).filter(isObject);
  return [];
}

/** Every stack of a `cdktf.out` folder, from its `manifest.json` (cdktf's own index of the stacks). */
export function readCdktfOut(dir: string): SynthesizedStack[] {
  const manifestPath = join(dir, "manifest.json");
  let manifest: { stacks?: Record<string, { name?: string; synthesizedStackPath?: string }> };
  try {
    manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
  } catch (e) {
    throw new Error(`cannot read the cdktf manifest '${manifestPath}': ${(e as Error).message}`);
  }
  return Object.entries(manifest.stacks ?? {}).map(([key, stack]) => {
    if (!stack.synthesizedStackPath) throw new Error(`stack '${key}' in '${manifestPath}' has no synthesizedStackPath`);
    return { name: stack.name ?? key, json: JSON.parse(readFileSync(join(dir, stack.synthesizedStackPath), "utf8")) as TerraformJson };
  });
}

/** A piece of a Terraform template string: literal text, or the body of one `${...}` interpolation. */
export type TemplatePart = { readonly literal: string } | { readonly expression: string };

/**
 * Splits a Terraform template string into literal text and `${...}` bodies (braces inside an
 * interpolation are balanced; `$${` is Terraform's escape for a literal `${`).
 */
export function templateParts(text: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let literal = "";
  let i = 0;
  while (i < text.length) {
    if (text.startsWith("$${", i)) {
      literal += "${";
      i += 3;
    } else if (text.startsWith("${", i)) {
      let depth = 0;
      let end = -1;
      for (let j = i + 2; j < text.length; j++) {
        if (text[j] === "{") depth++;
        else if (text[j] === "}") {
          if (depth === 0) {
            end = j;
            break;
          }
          depth--;
        }
      }
      if (end < 0) throw new Error(`unterminated interpolation in '${text}'`);
      if (literal) parts.push({ literal });
      literal = "";
      parts.push({ expression: text.slice(i + 2, end).trim() });
      i = end + 1;
    } else {
      literal += text[i];
      i++;
    }
  }
  if (literal || parts.length === 0) parts.push({ literal });
  return parts;
}

/** A plain reference to an attribute of a resource or data source: `[data.]type.name.attr[.n|[n]]...`. */
export interface Reference {
  readonly data: boolean;
  readonly type: string;
  readonly name: string;
  /** The attribute path, list indexes as strings: `identity[0].principal_id` is `["identity", "0", "principal_id"]`. */
  readonly attribute: readonly string[];
}

const REFERENCE = /^(data\.)?([A-Za-z][A-Za-z0-9_]*)\.([A-Za-z0-9_-]+)((?:\.[A-Za-z0-9_-]+|\[\d+\]|\["[^"\]]+"\])+)$/;

/**
 * The reference an expression body is, or undefined for anything else (a function call, an
 * operator, a `for` expression, a `count`/`for_each` index such as `type.name[0].id`).
 */
export function parseReference(expression: string): Reference | undefined {
  const m = REFERENCE.exec(expression.trim());
  if (!m) return undefined;
  const attribute = [...m[4].matchAll(/\.([A-Za-z0-9_-]+)|\[(\d+)\]|\["([^"\]]+)"\]/g)].map((s) => s[1] ?? s[2] ?? s[3]);
  return { data: m[1] !== undefined, type: m[2], name: m[3], attribute };
}

/** How a reference is written, for messages: `azurerm_key_vault.Vault.id`. */
export function referenceText(ref: Reference): string {
  return `${ref.data ? "data." : ""}${ref.type}.${ref.name}.${ref.attribute.join(".")}`;
}
