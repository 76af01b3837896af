import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { App } from "cdktf";
import type { IConstruct } from "constructs";
import { ledgerOf } from "./private/ledger";
import { allSuppressions } from "./private/suppression-store";

/** How serious a rule's finding is: an error fails synth, a warning is reported. */
export type RuleLevel = "error" | "warning";

/** One non-compliant resource (or registry) for one rule. */
export interface PolicyFinding {
  /** The pack's id for the rule, e.g. `EMB-S02`. */
  readonly ruleId: string;
  /** The rule's name, e.g. `StoreHasWormRetention`. */
  readonly rule: string;
  /** The level the pack gives the rule: an unsuppressed `error` fails synth, a `warning` is only reported. */
  readonly level: RuleLevel;
  /** The stack's construct path; empty for a topology finding. */
  readonly stack: string;
  /** The resource's construct path; empty (the app) for a topology finding. */
  readonly path: string;
  /** The Terraform type, or `topology`. */
  readonly resourceType: string;
  /** The Terraform address (`aws_s3_bucket.Store_C1F82936`), or the subject (`registry 'brp'`). */
  readonly address: string;
  /** `[rule id] where (type): what is wrong. Fix: how.` */
  readonly message: string;
  /**
   * Whether a suppression covers the finding; a suppressed finding never fails synth but stays in
   * the report.
   */
  readonly suppressed: boolean;
  /** The suppression that covers the finding: where it was added and why. */
  readonly suppression?: {
    /** The construct path where the suppression was added (the finding's own path or an ancestor's). */
    readonly path: string;
    /** Why the finding is acceptable, as given when it was added. */
    readonly reason: string;
  };
}

/** A rule of the pack with its results over the whole app. */
export interface RuleSummary {
  /** The pack's id for the rule, e.g. `EMB-S02`: what a suppression names. */
  readonly id: string;
  /** The rule's name, the condition that holds when compliant, e.g. `StoreHasWormRetention`. */
  readonly name: string;
  /** `error` (a finding fails synth unless suppressed) or `warning` (reported only). */
  readonly level: RuleLevel;
  /** One sentence: what the rule checks. */
  readonly description: string;
  /** How to fix a finding of this rule; every finding's message ends with it. */
  readonly fix: string;
  /**
   * Whether anything in the app was of a kind the rule checks. A rule with nothing to check
   * passes vacuously (e.g. S3 replication rules in an Azure-only embassy): read `false` as
   * "not applicable here", never as "verified".
   */
  readonly applicable: boolean;
  /** Resources (or registries) the rule applied to. */
  readonly checked: number;
  /** Resources (or registries) that met the rule. */
  readonly compliant: number;
  /** Resources (or registries) that did not: one finding each, suppressed or not. */
  readonly nonCompliant: number;
  /** Of the non-compliant, how many are suppressed. */
  readonly suppressed: number;
}

/** A suppression in the app, and how many findings it covers (0: it is stale and can go). */
export interface SuppressionEntry {
  /** The id of the suppressed rule, e.g. `EMB-S05`. */
  readonly ruleId: string;
  /** The construct path where the suppression was added; it covers that construct and its children. */
  readonly path: string;
  /** Why the finding is acceptable, as given (at least 20 characters); shown in the review. */
  readonly reason: string;
  /** How many findings this suppression covers; 0 means it is stale and can go. */
  readonly matchedFindings: number;
}

/** The machine-readable policy result of a synth, for CI and the architect's review. */
export interface PolicyReport {
  /** Version of this report format: 1. */
  readonly version: 1;
  /** True when no unsuppressed error finding exists. */
  readonly passed: boolean;
  /** Counts of findings over the whole app. */
  readonly summary: {
    /** Unsuppressed error findings: synth fails when there is one. */
    readonly errors: number;
    /** Unsuppressed warning findings. */
    readonly warnings: number;
    /** Findings of either level that a suppression covers. */
    readonly suppressed: number;
  };
  /** The stacks the pack checked. */
  readonly stacks: readonly string[];
  /** Every rule of the pack, in pack order, with its counts over the whole app. */
  readonly rules: readonly RuleSummary[];
  /** Sorted by stack, path and rule id, so two reports diff cleanly. */
  readonly findings: readonly PolicyFinding[];
  /** Every suppression in the app, with the number of findings it covers. */
  readonly suppressions: readonly SuppressionEntry[];
}

/** The report's file name, written into the app's output directory next to `manifest.json`. */
export const POLICY_REPORT_FILE = "policy-report.json";

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The policy report of the app that `scope` belongs to, from every stack checked so far. */
export function policyReport(scope: IConstruct): PolicyReport {
  const app = App.of(scope);
  const ledger = ledgerOf(app);
  const findings = [...ledger.evaluations.values()]
    .flatMap((e) => e.findings)
    .sort((a, b) => byText(a.stack, b.stack) || byText(a.path, b.path) || byText(a.ruleId, b.ruleId) || byText(a.message, b.message));
  const rules: RuleSummary[] = [...ledger.rules.values()].map((r) => {
    let checked = 0;
    let compliant = 0;
    for (const e of ledger.evaluations.values()) {
      const c = e.counts.get(r.id);
      checked += c?.checked ?? 0;
      compliant += c?.compliant ?? 0;
    }
    const own = findings.filter((f) => f.ruleId === r.id);
    return { ...r, applicable: checked > 0, checked, compliant, nonCompliant: own.length, suppressed: own.filter((f) => f.suppressed).length };
  });
  const suppressions = allSuppressions(app).map((s) => ({
    ...s,
    matchedFindings: findings.filter((f) => f.suppression?.path === s.path && f.ruleId === s.ruleId).length,
  }));
  const open = findings.filter((f) => !f.suppressed);
  const errors = open.filter((f) => f.level === "error").length;
  return {
    version: 1,
    passed: errors === 0,
    summary: { errors, warnings: open.filter((f) => f.level === "warning").length, suppressed: findings.length - open.length },
    stacks: [...ledger.evaluations.keys()].filter((k) => k.startsWith("stack:")).map((k) => k.slice("stack:".length)).sort(byText),
    rules,
    findings,
    suppressions,
  };
}

/**
 * Writes the policy report of `scope`'s app as `<outdir>/policy-report.json` and returns the
 * file's path. The embassy pack calls this at the end of every `app.synth()` (also when synth
 * fails on a finding); call it yourself to write the report elsewhere.
 */
export function writePolicyReport(scope: IConstruct, outdir: string = App.of(scope).outdir): string {
  mkdirSync(outdir, { recursive: true });
  const file = join(outdir, POLICY_REPORT_FILE);
  writeFileSync(file, `${JSON.stringify(policyReport(scope), null, 2)}\n`);
  return file;
}
