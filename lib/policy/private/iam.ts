import { asString, blocks, field, isObject, type Json, strings } from "./json";
import type { StackView } from "./resource-view";

/** One statement of an IAM, key or bucket policy, normalised. */
export interface Statement {
  readonly sid: string;
  readonly effect: "Allow" | "Deny";
  readonly actions: readonly string[];
  /** Set when the statement uses `NotAction` (it then allows everything but these). */
  readonly notActions: readonly string[];
  readonly resources: readonly string[];
  /** Absent in identity policies. `"*"` means anyone. */
  readonly principal?: PrincipalSet;
  /** Whether the statement uses `NotPrincipal`. */
  readonly notPrincipal: boolean;
  /** Condition operator -> key -> values, e.g. `Bool` -> `aws:SecureTransport` -> `["false"]`. */
  readonly conditions: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;
}

/** A statement's principals by kind; `anyone` for `"*"` or `{ AWS: "*" }`. */
export interface PrincipalSet {
  readonly anyone: boolean;
  readonly aws: readonly string[];
  readonly service: readonly string[];
  readonly federated: readonly string[];
}

/** A parsed policy, or why it could not be read. */
export type ParsedPolicy =
  | { readonly ok: true; readonly statements: readonly Statement[] }
  | { readonly ok: false; readonly reason: string };

function principalSet(value: Json | undefined): PrincipalSet | undefined {
  if (value === undefined || value === null) return undefined;
  if (value === "*") return { anyone: true, aws: [], service: [], federated: [] };
  if (!isObject(value)) return { anyone: false, aws: strings(value), service: [], federated: [] };
  const aws = strings(value.AWS);
  return {
    anyone: aws.includes("*"),
    aws: aws.filter((a) => a !== "*"),
    service: strings(value.Service),
    federated: strings(value.Federated),
  };
}

function conditionValues(value: Json | undefined): Record<string, Record<string, string[]>> {
  const out: Record<string, Record<string, string[]>> = {};
  if (!isObject(value)) return out;
  for (const [operator, keys] of Object.entries(value)) {
    if (!isObject(keys)) continue;
    out[operator] = {};
    for (const [key, v] of Object.entries(keys)) {
      const list = Array.isArray(v) ? (v as readonly Json[]) : [v];
      out[operator][key] = list.map((x) => (typeof x === "string" ? x : JSON.stringify(x)));
    }
  }
  return out;
}

function fromDocument(doc: Json): ParsedPolicy {
  const raw = field(doc, "Statement");
  const list = Array.isArray(raw) ? (raw as readonly Json[]) : raw === undefined ? [] : [raw];
  const statements: Statement[] = [];
  for (const [i, s] of list.entries()) {
    if (!isObject(s)) return { ok: false, reason: `statement ${i + 1} is not an object` };
    const effect = s.Effect === "Deny" ? "Deny" : "Allow";
    statements.push({
      sid: asString(s.Sid) ?? `#${i + 1}`,
      effect,
      actions: strings(s.Action),
      notActions: strings(s.NotAction),
      resources: strings(s.Resource ?? s.NotResource),
      principal: principalSet(s.Principal ?? s.NotPrincipal),
      notPrincipal: s.NotPrincipal !== undefined,
      conditions: conditionValues(s.Condition),
    });
  }
  return { ok: true, statements };
}

/** `aws_iam_policy_document` data source blocks as a policy document. */
function fromPolicyDocumentData(attributes: Json): ParsedPolicy {
  const statements: Statement[] = blocks(field(attributes, "statement")).map((s, i) => {
    const principals = blocks(s.principals);
    const notPrincipals = blocks(s.not_principals);
    const of = (list: readonly { readonly [k: string]: Json }[], type: string) =>
      list.filter((p) => p.type === type).flatMap((p) => strings(p.identifiers));
    const chosen = principals.length > 0 ? principals : notPrincipals;
    const aws = of(chosen, "AWS");
    const conditions: Record<string, Record<string, string[]>> = {};
    for (const c of blocks(s.condition)) {
      const test = asString(c.test);
      const variable = asString(c.variable);
      if (!test || !variable) continue;
      conditions[test] = { ...(conditions[test] ?? {}), [variable]: [...strings(c.values)] };
    }
    return {
      sid: asString(s.sid) ?? `#${i + 1}`,
      effect: s.effect === "Deny" ? "Deny" : "Allow",
      actions: strings(s.actions),
      notActions: strings(s.not_actions),
      resources: strings(s.resources ?? s.not_resources),
      principal:
        chosen.length === 0
          ? undefined
          : { anyone: of(chosen, "*").includes("*") || aws.includes("*"), aws: aws.filter((a) => a !== "*"), service: of(chosen, "Service"), federated: of(chosen, "Federated") },
      notPrincipal: principals.length === 0 && notPrincipals.length > 0,
      conditions,
    };
  });
  return { ok: true, statements };
}

/**
 * The statements of a policy attribute: a JSON document (as a string or already an object), or a
 * reference to an `aws_iam_policy_document` data source of the same stack. Anything else (a
 * variable, a file read at apply time) cannot be verified at synth.
 */
export function parsePolicy(value: Json | undefined, stack: StackView): ParsedPolicy {
  if (value === undefined || value === null || value === "") return { ok: true, statements: [] };
  if (isObject(value)) return fromDocument(value);
  if (typeof value !== "string") return { ok: false, reason: `the policy is ${JSON.stringify(value)}, not a JSON document` };
  const reference = /^\$\{(data\.aws_iam_policy_document\.[\w-]+)\.json\}$/.exec(value.trim());
  if (reference) {
    const data = stack.at(reference[1]);
    if (!data) return { ok: false, reason: `the policy references ${reference[1]}, which is not in this stack` };
    return fromPolicyDocumentData(data.attributes);
  }
  try {
    return fromDocument(JSON.parse(value) as Json);
  } catch {
    return { ok: false, reason: `the policy ${value.length > 80 ? `${value.slice(0, 77)}...` : value} is not a JSON document known at synth` };
  }
}

/** Whether an IAM action pattern (with `*` and `?` wildcards, case-insensitive) covers `action`. */
export function actionMatches(pattern: string, action: string): boolean {
  const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, "i");
  return regex.test(action);
}

/** Whether a statement's actions cover `action` (for `NotAction`: whether it is not excluded). */
export function statementCovers(statement: Statement, action: string): boolean {
  if (statement.notActions.length > 0) return !statement.notActions.some((p) => actionMatches(p, action));
  return statement.actions.some((p) => actionMatches(p, action));
}

/**
 * The actions of `candidates` the statements allow: some Allow covers it and no unconditional
 * Deny does. (A conditional Deny does not count: it may not apply.)
 */
export function allowedActions(statements: readonly Statement[], candidates: readonly string[]): string[] {
  return candidates.filter(
    (a) =>
      statements.some((s) => s.effect === "Allow" && statementCovers(s, a)) &&
      !statements.some((s) => s.effect === "Deny" && Object.keys(s.conditions).length === 0 && statementCovers(s, a)),
  );
}

/** The 12-digit account of an ARN (`arn:aws:iam::111111111111:role/x`) or a bare account id. */
export function accountOf(principal: string): string | undefined {
  if (/^\d{12}$/.test(principal)) return principal;
  const arn = /^arn:[^:]+:[^:]*:[^:]*:(\d{12}):/.exec(principal);
  return arn ? arn[1] : undefined;
}

/** The condition values of `key` under any of `operators`. */
export function conditionValuesOf(statement: Statement, operators: readonly string[], key: string): string[] {
  const out: string[] = [];
  for (const op of operators) {
    const keys = statement.conditions[op];
    if (!keys) continue;
    for (const [k, v] of Object.entries(keys)) if (k.toLowerCase() === key.toLowerCase()) out.push(...v);
  }
  return out;
}

/** Resource types whose `policy` is an identity policy (what a principal may do). */
export const IDENTITY_POLICY_TYPES = ["aws_iam_role_policy", "aws_iam_policy", "aws_iam_user_policy", "aws_iam_group_policy"] as const;

/** The identity policy documents of a resource: its `policy`, or an `aws_iam_role`'s `inline_policy` blocks. */
export function identityPolicyDocuments(type: string, attributes: { readonly [key: string]: Json }): Json[] {
  if ((IDENTITY_POLICY_TYPES as readonly string[]).includes(type)) return attributes.policy === undefined ? [] : [attributes.policy];
  if (type === "aws_iam_role") return blocks(attributes.inline_policy).map((b) => b.policy).filter((p): p is Json => p !== undefined);
  return [];
}
