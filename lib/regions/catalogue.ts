/**
 * Region catalogue: the AWS and Azure regions a data-embassy site may be placed in, with
 * their approximate location and the legal areas that govern the data and the operator.
 *
 * The data lives in `aws.ts` and `azure.ts`; legal-area rules in `jurisdictions.ts`.
 */
import { distance } from "fastest-levenshtein";

import { AWS_REGIONS } from "./aws";
import { AZURE_REGIONS } from "./azure";
import type { Continent } from "./continents";

export type { Continent } from "./continents";

/** The clouds the catalogue covers. */
export type Cloud = "aws" | "azure";

/** One cloud region and where, legally and physically, it is. */
export interface Region {
  /** The cloud the region belongs to. */
  readonly cloud: Cloud;
  /** Programmatic name as Terraform takes it: "eu-south-2", "westeurope". */
  readonly name: string;
  /** Human-readable name: "Europe (Spain)", "West Europe". */
  readonly displayName: string;
  /** Approximate location (city or area): "Aragón", "Amsterdam". */
  readonly city: string;
  /** ISO 3166-1 alpha-2 country code, upper case ("GB" for the UK). */
  readonly country: string;
  /** Approximate latitude in decimal degrees (city level). */
  readonly latitude: number;
  /** Approximate longitude in decimal degrees (city level). */
  readonly longitude: number;
  /** Cloud partition: "aws", "aws-eusc" or "azure". */
  readonly partition: string;
  /**
   * Legal area of the data location: "EU" for EU member states, "EEA" for Norway, Iceland
   * and Liechtenstein, otherwise the country code ("CH", "GB", "US", ...).
   */
  readonly jurisdiction: string;
  /** Whose law binds the operator: "US" for AWS commercial and Azure public, "EU" for aws-eusc. */
  readonly operatorJurisdiction: string;
  /**
   * The continent, as Azure priority replication's "same continent" condition is read here
   * (lib/regions/continents.ts): "Europe", "Middle East", "Asia", ...
   */
  readonly continent: Continent;
}

/** A point on the Earth's surface, in decimal degrees. */
export interface Coordinates {
  /** Latitude in decimal degrees, -90 to 90, north positive. */
  readonly latitude: number;
  /** Longitude in decimal degrees, -180 to 180, east positive. */
  readonly longitude: number;
}

/** Every region in the catalogue: AWS first, then Azure, each sorted by name. */
export const REGIONS: readonly Region[] = Object.freeze([...AWS_REGIONS, ...AZURE_REGIONS]);

const REGIONS_BY_CLOUD: Readonly<Record<Cloud, readonly Region[]>> = Object.freeze({
  aws: AWS_REGIONS,
  azure: AZURE_REGIONS,
});

const INDEX_BY_CLOUD: Readonly<Record<Cloud, ReadonlyMap<string, Region>>> = Object.freeze({
  aws: indexByName(AWS_REGIONS),
  azure: indexByName(AZURE_REGIONS),
});

function indexByName(regions: readonly Region[]): ReadonlyMap<string, Region> {
  const index = new Map<string, Region>();
  for (const region of regions) {
    if (index.has(region.name)) {
      throw new Error(`duplicate ${region.cloud} region "${region.name}" in the region catalogue`);
    }
    index.set(region.name, region);
  }
  return index;
}

/**
 * Looks a region up by its exact programmatic name (case-sensitive: "westeurope", not
 * "WestEurope"). Returns undefined when the cloud has no such region.
 */
export function findRegion(cloud: Cloud, name: string): Region | undefined {
  return INDEX_BY_CLOUD[cloud].get(name);
}

/** All regions of one cloud, sorted by name. */
export function regionsOf(cloud: Cloud): readonly Region[] {
  return REGIONS_BY_CLOUD[cloud];
}

/** Up to this much is taken off a candidate's score for sharing the query's prefix. */
const PREFIX_BONUS = 2;
/** A shared prefix shorter than this earns no bonus. */
const MIN_PREFIX = 3;
/** Penalty for a match found only after dropping punctuation ("eu-west-1" vs "euwest1"). */
const NORMALISATION_PENALTY = 0.5;
/** Base score of a candidate that contains the query (or is contained in it). */
const CONTAINMENT_BASE = 1;
/** Added to a containment score per character the two strings differ in length. */
const CONTAINMENT_PER_CHAR = 0.25;

/** Lower case and keep only letters and digits: "EU-West 1" becomes "euwest1". */
function normalise(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]/g, "");
}

function commonPrefixLength(a: string, b: string): number {
  const limit = Math.min(a.length, b.length);
  let i = 0;
  while (i < limit && a[i] === b[i]) i++;
  return i;
}

/** Lower is better; an exact match scores lowest. `plainQuery` is `normalise(query)`. */
function suggestionScore(query: string, plainQuery: string, candidate: string): number {
  const plainCandidate = normalise(candidate);
  let score = Math.min(distance(query, candidate), distance(plainQuery, plainCandidate) + NORMALISATION_PENALTY);
  if (plainQuery.length >= 2 && plainCandidate.includes(plainQuery)) {
    score = Math.min(score, CONTAINMENT_BASE + CONTAINMENT_PER_CHAR * (plainCandidate.length - plainQuery.length));
  } else if (plainCandidate.length >= 4 && plainQuery.includes(plainCandidate)) {
    score = Math.min(score, CONTAINMENT_BASE + CONTAINMENT_PER_CHAR * (plainQuery.length - plainCandidate.length));
  }
  const prefix = commonPrefixLength(plainQuery, plainCandidate);
  if (prefix >= MIN_PREFIX) {
    score -= (PREFIX_BONUS * prefix) / Math.max(plainQuery.length, plainCandidate.length);
  }
  return score;
}

/**
 * Region names of `cloud` closest to a (mistyped) `name`, best first, for "did you mean"
 * messages. Ranks by Levenshtein distance (also on the names with punctuation dropped),
 * with names that contain the input, or share a long prefix with it, moved up. Always
 * returns the `max` closest names (default 3) even when none is close; ties go to the
 * longer shared prefix, then alphabetical order.
 */
export function suggestRegions(cloud: Cloud, name: string, max = 3): string[] {
  const limit = Math.floor(max);
  if (!(limit > 0)) return [];
  const query = name.trim().toLowerCase();
  const plainQuery = normalise(query);
  return regionsOf(cloud)
    .map((region) => ({
      name: region.name,
      score: suggestionScore(query, plainQuery, region.name),
      prefix: commonPrefixLength(plainQuery, normalise(region.name)),
    }))
    .sort((a, b) => a.score - b.score || b.prefix - a.prefix || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .slice(0, limit)
    .map((candidate) => candidate.name);
}

/** Mean Earth radius (IUGG), in kilometres. */
const EARTH_RADIUS_KM = 6371.0088;

function toRadians(degrees: number): number {
  return (degrees * Math.PI) / 180;
}

/** Great-circle distance between two points in kilometres (haversine, mean Earth radius 6371.0088 km). */
export function greatCircleKm(a: Coordinates, b: Coordinates): number {
  const phi1 = toRadians(a.latitude);
  const phi2 = toRadians(b.latitude);
  const dPhi = toRadians(b.latitude - a.latitude);
  const dLambda = toRadians(b.longitude - a.longitude);
  const h = Math.sin(dPhi / 2) ** 2 + Math.cos(phi1) * Math.cos(phi2) * Math.sin(dLambda / 2) ** 2;
  // Rounding can push h a hair outside [0, 1] for (near-)antipodal points.
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.sqrt(Math.min(1, Math.max(0, h))));
}
