import type { Topology } from "../topology/model";
import type { ResourceView, StackView } from "./private/resource-view";

/** What a rule says about one resource (or one registry, for topology rules). */
export type RuleOutcome =
  | { readonly status: "compliant" }
  | { readonly status: "not-applicable" }
  | {
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
  readonly stack: StackView;
  readonly options: RuleOptions;
}

/**
 * A rule over resources, named for the condition it checks (cdk-nag's layout): it looks at one
 * resource of one of `resourceTypes` at a time and may consult the rest of the stack.
 */
export interface ResourceRule {
  readonly kind: "resource";
  /** PascalCase, the condition that holds when compliant: `StoreHasWormRetention`. */
  readonly name: string;
  /** One sentence: what the rule checks, for the review. */
  readonly description: string;
  /** The Terraform types the rule looks at; every other resource is not applicable. */
  readonly resourceTypes: readonly string[];
  evaluate(resource: ResourceView, context: RuleContext): RuleOutcome;
}

/** One outcome of a topology rule: `subject` says what it is about (e.g. `registry 'brp'`). */
export interface TopologyOutcome {
  readonly subject: string;
  readonly outcome: RuleOutcome;
}

/** A rule over the validated topology as a whole. */
export interface TopologyRule {
  readonly kind: "topology";
  readonly name: string;
  readonly description: string;
  evaluate(topology: Topology): readonly TopologyOutcome[];
}

/** Any policy rule. */
export type PolicyRule = ResourceRule | TopologyRule;
