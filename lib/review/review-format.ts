/**
 * The format of `review.json`, version 1: what `npm run review` writes next to the stacks, and
 * what `EMBASSY_REVIEW_BASELINE` reads back to tell what got weaker. It is a public contract:
 * fields are only ever added within a version; a change that removes or redefines a field bumps
 * `formatVersion`, and a reader refuses a version it does not know (see {@link parseReviewDocument}).
 *
 * Everything in it is derived from the topology file and the synthesized output (`cdk.tf.json` of
 * each stack, `policy-report.json`, `onprem/<datacenter>.json`), never from the construct objects,
 * so a hand edit of the synthesized JSON shows up. Lists are sorted so that two reviews diff cleanly.
 */

/** The version of this format. */
export const REVIEW_FORMAT_VERSION = 1;

/** The whole document. */
export interface ReviewDocument {
  /** Always 1 for this format. */
  readonly formatVersion: 1;
  /** The topology's `name`. */
  readonly topology: string;
  /** ISO 3166-1 alpha-2 code of the owning state. */
  readonly home: string;
  /** The topology's rules, defaults filled in: the floors every site and copy must meet. */
  readonly rules: ReviewRules;
  /** Custody as the topology declares it (principal names only; nothing secret). */
  readonly custody: ReviewCustody;
  /** Every site, sorted by id. */
  readonly sites: readonly ReviewSite[];
  /** Every link, sorted by from then to. */
  readonly links: readonly ReviewLink[];
  /** Every registry with every copy, sorted by id. */
  readonly registries: readonly ReviewRegistry[];
  /** Who can do what where, sorted by site, registry, capability, principal. */
  readonly access: readonly ReviewAccess[];
  /** Guarantee-bearing settings found in the synthesized resources, sorted by site, registry, setting. */
  readonly settings: readonly ReviewSetting[];
  /** Policy rules, suppressions and the optional Checkov summary. */
  readonly guarantees: ReviewGuarantees;
  /** Things the review could not evaluate (e.g. a resource type that can grant access but is not modelled). */
  readonly notes: readonly string[];
}

/** The topology's rules. */
export interface ReviewRules {
  readonly minForeignDistanceKm: number;
  readonly minRetentionDays: number;
  readonly requireForeignCopy: boolean;
}

/** Custody lists as declared in the topology. */
export interface ReviewCustody {
  readonly aws?: {
    readonly accountId: string;
    readonly administrators: readonly string[];
    /** Absent when the topology does not set the list (its default applies). */
    readonly readers?: readonly string[];
    readonly writers?: readonly string[];
    readonly keyRetirers?: readonly string[];
  };
  readonly azure?: {
    readonly tenantId: string;
    readonly subscriptionId: string;
    readonly administrators: readonly string[];
    readonly readers?: readonly string[];
    readonly writers?: readonly string[];
    /** Object id -> name, from `custody.azure.labels`. */
    readonly labels: Readonly<Record<string, string>>;
  };
}

/** One site. */
export interface ReviewSite {
  readonly id: string;
  readonly role: "domestic" | "foreign";
  readonly primary: boolean;
  readonly cloud: "aws" | "azure" | "onprem";
  /** The cloud region (cloud sites only). */
  readonly region?: string;
  /** The region's display name, or the datacenter's city. */
  readonly label: string;
  readonly city: string;
  readonly country: string;
  /** "EU", "EEA" or a country code. */
  readonly jurisdiction: string;
  readonly latitude: number;
  readonly longitude: number;
  /** The stack deployed for the site (cloud sites only). */
  readonly stack?: string;
  /** Foreign sites: the nearest domestic site and the great-circle distance to it, in km. */
  readonly nearestDomestic?: { readonly site: string; readonly km: number };
}

/** One link. */
export interface ReviewLink {
  readonly from: string;
  readonly to: string;
  /** The mechanism's short name, e.g. `s3-replication-rtc`. */
  readonly mechanism: string;
  readonly description: string;
  readonly achievableRpoMinutes: number;
  /** Registry ids it carries, sorted. */
  readonly registries: readonly string[];
  /** Whether this project deploys anything for it (false: the state's own replication). */
  readonly builtHere: boolean;
  /** Great-circle distance between the two ends, km. */
  readonly km: number;
}

/** One registry. */
export interface ReviewRegistry {
  readonly id: string;
  readonly title: string;
  readonly requiredRpoMinutes: number;
  /** WORM retention the topology asks for, days. */
  readonly retentionDays: number;
  /** Every site that holds a copy, sorted by site id (the primary included). */
  readonly copies: readonly ReviewCopy[];
}

/** A copy of a registry at a site. */
export interface ReviewCopy {
  readonly site: string;
  /** `primary` where the registry is written, else the mechanism of the link that brings it. */
  readonly mechanism: string;
  /** The link's achievable RPO in minutes (absent at the primary). */
  readonly achievableRpoMinutes?: number;
  /** What is deployed for it, read from the synthesized stack (absent for a datacenter). */
  readonly store?: ReviewStore;
}

/** The store of one copy, as synthesized. */
export interface ReviewStore {
  readonly stack: string;
  /** Terraform address of the bucket or storage account. */
  readonly address: string;
  /** Bucket or storage account name. */
  readonly name: string;
  /** WORM retention in days as synthesized (undefined: none found). */
  readonly wormDays?: number;
  /** `COMPLIANCE`/`GOVERNANCE` (S3) or `locked`/`unlocked` (Azure). */
  readonly wormMode?: string;
  /** The key that encrypts it: alias or key name, with its Terraform address. */
  readonly key?: { readonly name: string; readonly address: string };
  /** Names of the alarms and alerts that watch it (freshness, replication). */
  readonly alarms: readonly string[];
}

/** The capabilities the access matrix answers, each by concrete operations per cloud (see the review's legend). */
export type Capability = "administerKeys" | "useKey" | "read" | "write" | "replicate" | "operate" | "changeGuarantees" | "audit";

/** Every capability, in the order the review shows them. */
export const CAPABILITIES: readonly Capability[] = ["administerKeys", "useKey", "read", "write", "replicate", "operate", "changeGuarantees", "audit"];

/** Whether a capability touches registry data or keys (a new principal with one is a weakening). */
export const DATA_OR_KEY_CAPABILITIES: ReadonlySet<Capability> = new Set(["administerKeys", "useKey", "read", "write", "replicate", "changeGuarantees"]);

/** One allowed (principal, capability, site, registry). */
export interface ReviewAccess {
  readonly site: string;
  readonly registry: string;
  readonly capability: Capability;
  /** A stable id: an IAM role or user ARN, an Entra ID object id, or a managed identity's ARM id. */
  readonly principal: string;
  /** How the review shows it: a role name, a label from the topology, or the object id. */
  readonly name: string;
  /** The role the principal assumes to do it (AWS), when not direct. */
  readonly via?: string;
  /** Who uses the principal, when a service does (S3 replication, a datacenter's copy job). */
  readonly usedBy?: string;
  /** Why it is allowed: the policy statement or role assignment. */
  readonly evidence: string;
}

/** A guarantee-bearing setting found (or missed) on a resource. */
export interface ReviewSetting {
  readonly site: string;
  /** The registry the resource belongs to, or `*` for site-wide resources. */
  readonly registry: string;
  /** e.g. `object-lock`, `versioning`, `prevent-destroy`, `key-rotation`, `purge-protection`, `delete-lock`. */
  readonly setting: string;
  /** Terraform address of the resource. */
  readonly address: string;
  /** Whether it is on. */
  readonly on: boolean;
  /** The value, for the reader (`COMPLIANCE 3650 days`, `30-day deletion window`). */
  readonly detail: string;
}

/** Policy results. */
export interface ReviewGuarantees {
  /** From policy-report.json. */
  readonly passed: boolean;
  readonly rules: readonly {
    readonly id: string;
    readonly name: string;
    readonly level: "error" | "warning";
    readonly description: string;
    readonly applicable: boolean;
    readonly checked: number;
    readonly compliant: number;
    readonly nonCompliant: number;
    readonly suppressed: number;
  }[];
  /** Unsuppressed findings (warnings; errors fail synth). */
  readonly findings: readonly { readonly ruleId: string; readonly level: string; readonly message: string }[];
  readonly suppressions: readonly { readonly ruleId: string; readonly path: string; readonly reason: string; readonly matchedFindings: number }[];
  /** Present when a Checkov result was given (EMBASSY_REVIEW_CHECKOV). */
  readonly checkov?: {
    readonly passed: number;
    readonly failed: number;
    readonly skipped: number;
    readonly parsingErrors: number;
    /** Failed checks; `accepted` when .ci/checkov-exceptions.yaml accepts them. */
    readonly failedChecks: readonly { readonly checkId: string; readonly resource: string; readonly name: string; readonly accepted: boolean }[];
  };
}

/**
 * Reads a review.json document, refusing anything that is not format version 1 (naming the file
 * and the version received), so a baseline from an unknown version is never half-understood.
 */
export function parseReviewDocument(text: string, source: string): ReviewDocument {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new Error(`${source} is not JSON: ${(e as Error).message}`);
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) throw new Error(`${source} is not a review.json document (expected an object)`);
  const version = (doc as { formatVersion?: unknown }).formatVersion;
  if (version !== REVIEW_FORMAT_VERSION) {
    throw new Error(`${source} has formatVersion ${JSON.stringify(version ?? null)}; this review reads formatVersion ${REVIEW_FORMAT_VERSION}`);
  }
  for (const key of ["sites", "links", "registries", "access", "settings"] as const) {
    if (!Array.isArray((doc as Record<string, unknown>)[key])) throw new Error(`${source} has no '${key}' list; it is not a complete review.json`);
  }
  return doc as ReviewDocument;
}
