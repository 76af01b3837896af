import type { App } from "cdktf";
import type { PolicyFinding, RuleSummary } from "../report";

/** What one evaluation (of a stack, or of the topology) found. */
export interface Evaluation {
  readonly findings: readonly PolicyFinding[];
  /** Rule id -> how many resources were checked and how many were compliant. */
  readonly counts: ReadonlyMap<string, { readonly checked: number; readonly compliant: number }>;
}

/** A rule as the pack that ran it described it (for the report's rule list). */
export type RuleDescription = Omit<RuleSummary, "applicable" | "checked" | "compliant" | "nonCompliant" | "suppressed">;

/** Everything the embassy packs found in one app, kept on the App between stack synths. */
export class Ledger {
  public readonly evaluations = new Map<string, Evaluation>();
  public readonly rules = new Map<string, RuleDescription>();
  public readonly annotated = new Set<string>();
  public validating = false;
}

const LEDGER = Symbol.for("data-embassy/policy-ledger");

/** The ledger of `app`, created on first use. Stored on the App itself, so one app never sees another's findings. */
export function ledgerOf(app: App): Ledger {
  const holder = app as unknown as { [LEDGER]?: Ledger };
  if (!holder[LEDGER]) {
    Object.defineProperty(holder, LEDGER, { value: new Ledger(), enumerable: false });
  }
  return holder[LEDGER] as Ledger;
}
