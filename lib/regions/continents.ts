/**
 * Continents, as the Azure priority-replication condition "same continent" needs them.
 *
 * Microsoft promises priority object replication's SLA (99.0% of objects within 15 minutes) only
 * "when a replication's source and destination account are within the same continent"
 * (MicrosoftDocs/azure-docs articles/storage/blobs/object-replication-priority-replication.md,
 * ms.date 10/22/2025: "Object Replication Policies where the Source Storage Account and Destination
 * Storage Account aren't within the same continent" are excluded from the SLA). Neither that page nor
 * the SLA it links defines "continent". Two readings are available, and they differ at the edges:
 *  - the conventional continents (the UN M49 standard's regions: Africa, Americas, Asia, Europe,
 *    Oceania; the Americas split into North America, with Central America and the Caribbean, and
 *    South America), which put Israel, the UAE, Qatar and Bahrain in Asia and Australia and New
 *    Zealand in Oceania;
 *  - Microsoft's own grouping of its regions (MicrosoftDocs/reliability-docs
 *    articles/reliability/regions-list.md, tabs Americas, Europe, Middle East, Africa, Asia Pacific),
 *    which keeps the Middle East apart from Asia, puts Australia and New Zealand in Asia Pacific, and
 *    joins North and South America.
 *
 * A promise must hold under either reading, so two regions share a continent here only when they
 * share it under both: the table is the finer of the two groupings.
 *  - Europe: every European region, the UK, Switzerland and Norway included (both readings agree).
 *  - Middle East: Israel, the United Arab Emirates, Qatar, Bahrain. Geographically Western Asia,
 *    grouped apart by Microsoft; never Europe under either reading, so France Central to Israel
 *    Central is not "same continent".
 *  - Asia: the rest of Microsoft's Asia Pacific group that is conventionally Asia (Japan, Korea, Hong
 *    Kong, Taiwan, Singapore, India, Indonesia, Malaysia, Thailand).
 *  - Oceania: Australia and New Zealand (conventionally Oceania; in Microsoft's Asia Pacific group).
 *  - North America: the United States, Canada, Mexico; South America: Brazil, Chile (Microsoft's one
 *    Americas group, conventionally two continents).
 *  - Africa: South Africa.
 * Erring this way only ever withholds the 15-minute promise (a link is then planned at 24 hours);
 * it never makes a promise one reading of Microsoft's condition would deny.
 *
 * The table is by country (every catalogue country lies in one continent: no region stands on a
 * country's overseas territory), so a region gets its continent from its country in
 * `defineRegion`, and a region in a country missing here fails loudly when the catalogue loads.
 */

/** A continent in the sense above. */
export type Continent = "Africa" | "Asia" | "Europe" | "Middle East" | "North America" | "Oceania" | "South America";

/** Every continent, for tests and messages. */
export const CONTINENTS: readonly Continent[] = Object.freeze(["Africa", "Asia", "Europe", "Middle East", "North America", "Oceania", "South America"]);

const BY_CONTINENT: Readonly<Record<Continent, readonly string[]>> = {
  Africa: ["ZA"],
  Asia: ["HK", "ID", "IN", "JP", "KR", "MY", "SG", "TH", "TW"],
  Europe: ["AT", "BE", "CH", "DE", "DK", "ES", "FR", "GB", "IE", "IS", "IT", "NL", "NO", "PL", "SE"],
  "Middle East": ["AE", "BH", "IL", "QA"],
  "North America": ["CA", "MX", "US"],
  Oceania: ["AU", "NZ"],
  "South America": ["BR", "CL"],
};

/** Continent by ISO 3166-1 alpha-2 country code (upper case). */
export const CONTINENT_BY_COUNTRY: ReadonlyMap<string, Continent> = new Map(
  (Object.entries(BY_CONTINENT) as [Continent, readonly string[]][]).flatMap(([continent, countries]) => countries.map((c) => [c, continent] as const)),
);

/**
 * The continent of `country` (ISO 3166-1 alpha-2, any case).
 * @throws Error for a country the table does not place yet (add it to BY_CONTINENT, with the reading above).
 */
export function continentOf(country: string): Continent {
  const continent = CONTINENT_BY_COUNTRY.get(country.toUpperCase());
  if (continent === undefined) {
    throw new Error(`no continent recorded for country "${country}": add it to lib/regions/continents.ts (see there how "same continent" is read)`);
  }
  return continent;
}
