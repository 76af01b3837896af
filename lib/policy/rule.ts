import type { Topology } from "../topology/model";
import type { ResourceView, StackView } from "./private/resource-view";

/** What a rule says about one resource (or one registry, for topology rules). */
export type RuleOutcome =
  | {
      /** The subject meets the rule. */
      readonly status: "compliant";
    }
  | {
      /** The rule does not concern the subject (never a vacuous pass). */
      readonly status: "not-applicable";
    }
  | {
      /** The subject breaks the rule: a finding, at the level the pack gives the rule. */
      readonly status: "non-compliant";
      /** What is wrong, each naming the attribute and the value found. */
      readonly problems: readonly string[];
    };

/** The resource meets the rule. */
export const COMPLIANT: RuleOutcome = Object.freeze({ status: "compliant" });

/** The rule does not concern the resource (e.g. a log bucket for a data-store rule). */
export const NOT_APPLICABLE: RuleOutcome = Object.freeze({ status: "not-applicable" });

/** Compliant when `problems` is empty, otherwise non-compliant with them. */
export function outcomeOf(problems: readonly string[]): RuleOutcome {
  return problems.length === 0 ? COMPLIANT : { status: "non-compliant", problems: [...problems] };
}

/** The facts a rule may use beyond the resource itself. */
export interface RuleOptions {
  /** The WORM retention floor, in days. */
  readonly minRetentionDays: number;
  /** The custody AWS account: principals outside it are never granted anything. */
  readonly awsAccountId?: string;
  /** The custody Azure administrators' object ids. */
  readonly azureAdministrators?: readonly string[];
  /** Retention per registry id, when the pack knows the topology (stores tagged `embassy:registry`). */
  readonly registryRetentionDays: ReadonlyMap<string, number>;
}

/** Everything a resource rule sees: every resource of the stack, and the pack's options. */
export interface RuleContext {
  /** Every resource and data source of the stack being checked, indexed for lookups by type and reference. */
  readonly stack: StackView;
  /** The facts from the topology the pack was given: retention floor, custody identities. */
  readonly options: RuleOptions;
}

/**
 * A rule over resources, named for the condition it checks (cdk-nag's layout): it looks at one
 * resource of one of `resourceTypes` at a time and may consult the rest of the stack.
 */
export interface ResourceRule {
  /** Discriminant: a rule evaluated once per resource of `resourceTypes` in every stack. */
  readonly kind: "resource";
  /** PascalCase, the condition that holds when compliant: `StoreHasWormRetention`. */
  readonly name: string;
  /** One sentence: what the rule checks, for the review. */
  readonly description: string;
  /** The Terraform types the rule looks at; every other resource is not applicable. */
  readonly resourceTypes: readonly string[];
  /**
   * Judges one resource: `COMPLIANT`, `NOT_APPLICABLE` (instead of a vacuous pass), or
   * non-compliant with one problem per attribute that is wrong, naming the value found.
   */
  evaluate(resource: ResourceView, context: RuleContext): RuleOutcome;
}

/** One outcome of a topology rule: `subject` says what it is about (e.g. `registry 'brp'`). */
export interface TopologyOutcome {
  /** What the outcome is about, as messages name it, e.g. `registry 'brp'`. */
  readonly subject: string;
  /** What the rule says about the subject. */
  readonly outcome: RuleOutcome;
}

/** A rule over the validated topology as a whole. */
export interface TopologyRule {
  /** Discriminant: a rule evaluated once per synth, on the topology rather than on resources. */
  readonly kind: "topology";
  /** PascalCase, the condition that holds when compliant: `RegistriesReachForeignSite`. */
  readonly name: string;
  /** One sentence: what the rule checks, for the review. */
  readonly description: string;
  /** Judges the topology: one outcome per subject it concerns (e.g. per registry). */
  evaluate(topology: Topology): readonly TopologyOutcome[];
}

/** Any policy rule. */
export type PolicyRule = ResourceRule | TopologyRule;
