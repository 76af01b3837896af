import type { Region } from "../regions/catalogue";
import type { AwsCustody, AzureCustody, RegistryDocument, SiteDocument, TopologyRules } from "./schema";

/** A site with the facts derived from its region: country, coordinates, partition, jurisdiction. */
export interface Site extends SiteDocument {
  readonly regionInfo: Region;
}

export type Registry = RegistryDocument;

/** How a link moves data, and the freshness it can promise. */
export interface LinkMechanism {
  /** Short machine-readable name, e.g. `s3-replication-rtc`. */
  readonly name: string;
  /** One line for the architect's review. */
  readonly description: string;
  /** The worst-case age, in minutes, of the newest copy at the target. */
  readonly achievableRpoMinutes: number;
  /** How many targets one source store may replicate to with this mechanism, if limited. */
  readonly maxTargetsPerSource?: number;
}

/** A replication link between two validated sites, with the registries it carries. */
export interface Link {
  readonly from: Site;
  readonly to: Site;
  readonly registries: readonly Registry[];
  readonly mechanism: LinkMechanism;
}

export interface Custody {
  readonly aws?: AwsCustody;
  readonly azure?: AzureCustody;
}

/** A topology that passed every rule: what the stacks are built from. */
export interface Topology {
  readonly version: 1;
  readonly name: string;
  readonly home: string;
  readonly custody: Custody;
  readonly rules: TopologyRules;
  readonly sites: readonly Site[];
  readonly primary: Site;
  readonly registries: readonly Registry[];
  readonly links: readonly Link[];
  /** Things allowed but worth an architect's attention (e.g. no foreign copy yet). */
  readonly warnings: readonly string[];
}
