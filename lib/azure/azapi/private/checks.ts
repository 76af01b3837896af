/**
 * The checks both azapi bindings make on their configuration: a type with an API version, and
 * response paths that exist before they are read. Internal: not exported from the package.
 */
import { Token } from "cdktf";

/** `<namespace>/<type>[/<child type>...]@<yyyy-mm-dd>[-preview]`. */
const RESOURCE_TYPE = /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)+(\/[A-Za-z][A-Za-z0-9]*)+@\d{4}-\d{2}-\d{2}(-[a-z]+)?$/;
/** A dot-separated path of identifiers into the exported response. */
export const PROPERTY_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/**
 * Throws when `type` is not `<namespace>/<resource type>@<api version>` or an entry of
 * `exported` is not a property path (or `*`); `exampleType` and `exampleExport` go into the
 * message, `where` names the construct.
 */
export function checkTypeAndExports(type: string, exported: readonly string[], exampleType: string, exampleExport: string, where: string): void {
  if (!Token.isUnresolved(type) && !RESOURCE_TYPE.test(type)) {
    throw new Error(`type must be '<namespace>/<resource type>@<api version>', e.g. '${exampleType}', got '${type}' for ${where}`);
  }
  for (const path of exported) {
    if (!Token.isUnresolved(path) && path !== "*" && !PROPERTY_PATH.test(path)) {
      throw new Error(`responseExportValues must be dot-separated property paths such as '${exampleExport}' (or '*'), got '${path}' for ${where}`);
    }
  }
}

/** Throws unless `path` lies within one of `exported` (itself, below it, an index of it, or `*`). */
export function checkExported(path: string, exported: readonly string[], where: string): void {
  if (!exported.some((e) => e === "*" || path === e || path.startsWith(`${e}.`) || path.startsWith(`${e}[`))) {
    throw new Error(`path '${path}' is not exported: add it to responseExportValues of ${where} (exported: ${exported.length > 0 ? exported.join(", ") : "none"})`);
  }
}
