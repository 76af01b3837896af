/**
 * The CLI's exit codes: 0 all well, 1 a problem found in what was checked, 2 a usage or access
 * error (the command could not do its job: a wrong option, a missing synth output, a denied or
 * unreachable service).
 */
export const EXIT_OK = 0;
export const EXIT_PROBLEM = 1;
export const EXIT_USAGE = 2;

/** A wrong or missing argument, or a missing input file: exit 2 with this message. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** A storage or key service refused or could not be reached: exit 2 with this message. */
export class AccessError extends Error {
  override readonly name = "AccessError";
}

/** The HTTP status of an AWS SDK v3 or Azure SDK error, when it carries one. */
export function httpStatus(e: unknown): number | undefined {
  if (typeof e !== "object" || e === null) return undefined;
  const aws = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (typeof aws === "number") return aws;
  const azure = (e as { statusCode?: number }).statusCode;
  return typeof azure === "number" ? azure : undefined;
}

/** A short description of an SDK error for messages: `403 AccessDenied: ...`. */
export function describeError(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const status = httpStatus(e);
  const code = (e as { code?: string }).code ?? e.name;
  const message = e.message.split("\n")[0];
  return [status, code && code !== "Error" ? code : undefined].filter((x) => x !== undefined).join(" ") + (status !== undefined || (code && code !== "Error") ? `: ${message}` : message);
}
