import { AWS_REGIONS } from "../lib/regions/aws";
import { AZURE_REGIONS } from "../lib/regions/azure";
import { REGIONS, findRegion, type Cloud } from "../lib/regions/catalogue";
import { CONTINENTS, CONTINENT_BY_COUNTRY, continentOf } from "../lib/regions/continents";
import { defineRegion } from "../lib/regions/jurisdictions";

function continent(cloud: Cloud, name: string): string {
  const r = findRegion(cloud, name);
  if (!r) throw new Error(`no ${cloud} region ${name}`);
  return r.continent;
}

describe("continents of the region catalogue", () => {
  test("every AWS and Azure region has a continent, one of the seven", () => {
    expect(REGIONS.length).toBe(AWS_REGIONS.length + AZURE_REGIONS.length);
    for (const r of REGIONS) expect(CONTINENTS).toContain(r.continent);
    // And it is its country's: a region never disagrees with the table.
    for (const r of REGIONS) expect(r.continent).toBe(CONTINENT_BY_COUNTRY.get(r.country));
  });

  test("the table places each country once", () => {
    const countries = [...CONTINENT_BY_COUNTRY.keys()];
    expect(new Set(countries).size).toBe(countries.length);
    for (const c of countries) expect(c).toMatch(/^[A-Z]{2}$/);
  });

  test("Europe holds the EU, EEA, Swiss and British regions", () => {
    for (const name of ["westeurope", "northeurope", "francecentral", "polandcentral", "swedencentral", "norwayeast", "switzerlandnorth", "uksouth", "italynorth", "spaincentral", "austriaeast", "belgiumcentral", "denmarkeast"]) {
      expect(continent("azure", name)).toBe("Europe");
    }
    for (const name of ["eu-central-1", "eu-central-2", "eu-west-2", "eusc-de-east-1"]) expect(continent("aws", name)).toBe("Europe");
  });

  test("Israel, the UAE, Qatar and Bahrain are the Middle East: neither Europe nor the rest of Asia", () => {
    for (const name of ["israelcentral", "uaenorth", "uaecentral", "qatarcentral"]) expect(continent("azure", name)).toBe("Middle East");
    for (const name of ["il-central-1", "me-central-1", "me-south-1"]) expect(continent("aws", name)).toBe("Middle East");
  });

  test("Asia, Oceania, the two Americas and Africa", () => {
    expect(["japaneast", "koreacentral", "eastasia", "southeastasia", "centralindia", "jioindiawest", "indonesiacentral", "malaysiawest"].map((n) => continent("azure", n))).toEqual(Array(8).fill("Asia"));
    expect(["ap-east-2", "ap-southeast-7"].map((n) => continent("aws", n))).toEqual(["Asia", "Asia"]);
    expect(["australiaeast", "newzealandnorth"].map((n) => continent("azure", n))).toEqual(["Oceania", "Oceania"]);
    expect(["eastus", "canadacentral", "mexicocentral"].map((n) => continent("azure", n))).toEqual(["North America", "North America", "North America"]);
    expect(["brazilsouth", "chilecentral"].map((n) => continent("azure", n))).toEqual(["South America", "South America"]);
    expect(["southafricanorth", "southafricawest"].map((n) => continent("azure", n))).toEqual(["Africa", "Africa"]);
    expect(continent("aws", "af-south-1")).toBe("Africa");
  });

  test("defineRegion derives the continent from the country, and refuses a country the table does not place", () => {
    expect(defineRegion({ cloud: "aws", name: "eu-test-1", displayName: "Test", city: "Reykjavík", country: "IS", latitude: 64.15, longitude: -21.94, partition: "aws" }).continent).toBe("Europe");
    expect(continentOf("jp")).toBe("Asia");
    expect(() => continentOf("TR")).toThrow(/^no continent recorded for country "TR": add it to lib\/regions\/continents\.ts/);
  });
});
