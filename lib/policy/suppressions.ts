import type { IConstruct } from "constructs";
import { EMBASSY_RULE_IDS } from "./embassy-pack";
import { type StoredSuppression, storeSuppression, suppressionsOn } from "./private/suppression-store";

/** The shortest reason a suppression may carry, in characters (after trimming). */
export const MIN_SUPPRESSION_REASON_LENGTH = 20;

/** A suppression: a rule that does not apply to a construct and its children, and why. */
export type Suppression = StoredSuppression;

/**
 * Policy suppressions of one construct. A suppression covers the construct and everything
 * below it, names a rule of the embassy pack and says why, in at least
 * {@link MIN_SUPPRESSION_REASON_LENGTH} characters; every suppression is listed, with the
 * findings it covers, in the policy report.
 *
 * ```ts
 * Suppressions.of(store).add("EMB-S06", "access logs of this store go to the central SIEM bucket of the ministry");
 * ```
 */
export class Suppressions {
  /** The suppressions of `scope`. */
  public static of(scope: IConstruct): Suppressions {
    return new Suppressions(scope);
  }

  private constructor(private readonly scope: IConstruct) {}

  /**
   * Suppresses `ruleId` for this construct and its children.
   * @throws when the rule id is not a rule of the pack, or the reason is shorter than 20 characters
   */
  public add(ruleId: string, reason: string): this {
    const path = this.scope.node.path || "(app)";
    if (!EMBASSY_RULE_IDS.includes(ruleId)) {
      throw new Error(`cannot suppress unknown policy rule '${ruleId}' at '${path}'; known rules: ${EMBASSY_RULE_IDS.join(", ")}`);
    }
    const trimmed = typeof reason === "string" ? reason.trim() : "";
    if (trimmed.length < MIN_SUPPRESSION_REASON_LENGTH) {
      throw new Error(
        `suppression of ${ruleId} at '${path}' needs a reason of at least ${MIN_SUPPRESSION_REASON_LENGTH} characters saying why the finding is acceptable, got ${trimmed.length}`,
      );
    }
    storeSuppression(this.scope, ruleId, trimmed);
    return this;
  }

  /** The suppressions added on this construct itself (not those inherited from its parents). */
  public get all(): readonly Suppression[] {
    return suppressionsOn(this.scope);
  }
}

/** Shorthand for `Suppressions.of(scope).add(ruleId, reason)`. */
export function suppress(scope: IConstruct, ruleId: string, reason: string): void {
  Suppressions.of(scope).add(ruleId, reason);
}
