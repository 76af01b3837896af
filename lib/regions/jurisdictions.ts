/**
 * Legal-area rules for the region catalogue.
 *
 * Two questions matter for a data embassy:
 *  - under which legal area does the *data location* fall (`jurisdiction`), and
 *  - whose law binds the *operator* of the cloud partition (`operatorJurisdiction`),
 *    which matters for extraterritorial access (e.g. the US CLOUD Act).
 *
 * Both are derived here from a region's country and partition, so the data files
 * never spell them out per region.
 */
import type { Region } from "./catalogue";
import { continentOf } from "./continents";

/** The 27 member states of the European Union (ISO 3166-1 alpha-2). */
export const EU_MEMBER_STATES: ReadonlySet<string> = new Set([
  "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
  "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
]);

/** EEA members that are not EU members (EFTA minus Switzerland): Iceland, Liechtenstein, Norway. */
export const EEA_NON_EU_STATES: ReadonlySet<string> = new Set(["IS", "LI", "NO"]);

/** Jurisdiction label for data located in an EU member state. */
export const EU = "EU";
/** Jurisdiction label for data located in an EEA state outside the EU. */
export const EEA = "EEA";

/**
 * Whose law binds the operator of each cloud partition. AWS commercial and Azure public
 * cloud are operated by US companies; the AWS European Sovereign Cloud is operated by an
 * EU-based entity under EU law.
 */
export const OPERATOR_JURISDICTION_BY_PARTITION: Readonly<Record<string, string>> = Object.freeze({
  aws: "US",
  "aws-eusc": EU,
  azure: "US",
});

/**
 * Legal area of data stored in `country`: "EU" for EU member states, "EEA" for
 * Iceland/Liechtenstein/Norway, otherwise the (upper-case) country code itself.
 */
export function jurisdictionOf(country: string): string {
  const code = country.toUpperCase();
  if (EU_MEMBER_STATES.has(code)) return EU;
  if (EEA_NON_EU_STATES.has(code)) return EEA;
  return code;
}

/**
 * Whose law binds the operator of `partition`.
 * @throws Error for a partition the catalogue does not know.
 */
export function operatorJurisdictionOf(partition: string): string {
  const operator = OPERATOR_JURISDICTION_BY_PARTITION[partition];
  if (operator === undefined) {
    throw new Error(`unknown partition "${partition}": no operator jurisdiction recorded`);
  }
  return operator;
}

/** The hand-written facts of a region; the legal fields and the continent are derived by {@link defineRegion}. */
export type RegionSpec = Omit<Region, "jurisdiction" | "operatorJurisdiction" | "continent">;

/**
 * Builds a frozen {@link Region} from its spec, deriving `jurisdiction` and `continent` from the
 * country and `operatorJurisdiction` from the partition.
 */
export function defineRegion(spec: RegionSpec): Region {
  return Object.freeze({
    cloud: spec.cloud,
    name: spec.name,
    displayName: spec.displayName,
    city: spec.city,
    country: spec.country,
    latitude: spec.latitude,
    longitude: spec.longitude,
    partition: spec.partition,
    jurisdiction: jurisdictionOf(spec.country),
    operatorJurisdiction: operatorJurisdictionOf(spec.partition),
    continent: continentOf(spec.country),
  });
}

/** A compact constructor of the regions of one cloud partition, for the data files. */
export function regionFactory(cloud: Region["cloud"], partition: string) {
  return (name: string, displayName: string, city: string, country: string, latitude: number, longitude: number): Region =>
    defineRegion({ cloud, partition, name, displayName, city, country, latitude, longitude });
}
