import { AWS_REGIONS } from "../lib/regions/aws";
import { AZURE_REGIONS } from "../lib/regions/azure";
import {
  type Cloud,
  type Region,
  REGIONS,
  findRegion,
  greatCircleKm,
  regionsOf,
  suggestRegions,
} from "../lib/regions/catalogue";
import {
  EEA_NON_EU_STATES,
  EU_MEMBER_STATES,
  defineRegion,
  jurisdictionOf,
  operatorJurisdictionOf,
} from "../lib/regions/jurisdictions";

const CLOUDS: readonly Cloud[] = ["aws", "azure"];
const countryNames = new Intl.DisplayNames(["en"], { type: "region" });

function mustFind(cloud: Cloud, name: string): Region {
  const region = findRegion(cloud, name);
  if (region === undefined) throw new Error(`expected ${cloud} region ${name}`);
  return region;
}

describe("region data", () => {
  it("has both clouds, AWS first then Azure", () => {
    expect(REGIONS).toEqual([...AWS_REGIONS, ...AZURE_REGIONS]);
    expect(AWS_REGIONS.length).toBeGreaterThanOrEqual(35);
    expect(AZURE_REGIONS.length).toBeGreaterThanOrEqual(55);
    expect(AWS_REGIONS.every((r) => r.cloud === "aws")).toBe(true);
    expect(AZURE_REGIONS.every((r) => r.cloud === "azure")).toBe(true);
  });

  it.each(CLOUDS)("%s names are unique and sorted", (cloud) => {
    const names = regionsOf(cloud).map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual([...names].sort());
  });

  it("names look like programmatic names", () => {
    for (const r of AWS_REGIONS) expect(r.name).toMatch(/^[a-z]{2,4}(-[a-z]+)+-\d$/);
    for (const r of AZURE_REGIONS) expect(r.name).toMatch(/^[a-z]+\d?$/);
  });

  it("every country is a real upper-case ISO 3166-1 alpha-2 code", () => {
    for (const r of REGIONS) {
      expect(r.country).toMatch(/^[A-Z]{2}$/);
      // Intl echoes a code back unchanged (or says "Unknown Region") when it does not know it.
      const countryName = countryNames.of(r.country);
      expect([r.country, "Unknown Region"]).not.toContain(countryName);
    }
  });

  it("coordinates are finite and in range", () => {
    for (const r of REGIONS) {
      expect(Number.isFinite(r.latitude)).toBe(true);
      expect(Number.isFinite(r.longitude)).toBe(true);
      expect(Math.abs(r.latitude)).toBeLessThanOrEqual(90);
      expect(Math.abs(r.longitude)).toBeLessThanOrEqual(180);
    }
  });

  it("text fields are filled in", () => {
    for (const r of REGIONS) {
      expect(r.displayName.trim()).not.toBe("");
      expect(r.city.trim()).not.toBe("");
    }
  });

  it("regions are immutable", () => {
    expect(Object.isFrozen(REGIONS)).toBe(true);
    expect(Object.isFrozen(AWS_REGIONS)).toBe(true);
    expect(Object.isFrozen(AZURE_REGIONS)).toBe(true);
    expect(REGIONS.every((r) => Object.isFrozen(r))).toBe(true);
  });

  it("has no GovCloud, China, ISO or logical/staging regions", () => {
    for (const r of AWS_REGIONS) expect(r.name).not.toMatch(/^(us-gov|cn-|us-iso|eu-isoe)/);
    for (const r of AZURE_REGIONS) {
      expect(r.name).not.toMatch(/^(usgov|usdod|china|germanycentral|germanynortheast)/);
      expect(r.name).not.toMatch(/(euap|stage|stg)$/);
    }
    for (const logical of ["global", "europe", "unitedstates", "asia", "uk", "eastus2euap"]) {
      expect(findRegion("azure", logical)).toBeUndefined();
    }
  });

  it("partitions are aws, aws-eusc and azure, with only eusc-de-east-1 in aws-eusc", () => {
    expect(new Set(REGIONS.map((r) => r.partition))).toEqual(new Set(["aws", "aws-eusc", "azure"]));
    expect(AWS_REGIONS.filter((r) => r.partition === "aws-eusc").map((r) => r.name)).toEqual(["eusc-de-east-1"]);
    expect(AZURE_REGIONS.every((r) => r.partition === "azure")).toBe(true);
  });

  it("includes the recent AWS regions", () => {
    for (const name of ["ap-east-2", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "ca-west-1", "il-central-1", "mx-central-1"]) {
      expect(findRegion("aws", name)).toBeDefined();
    }
  });

  it("includes the recent and the access-restricted Azure regions", () => {
    for (const name of [
      "westeurope", "northeurope", "swedencentral", "polandcentral", "italynorth", "spaincentral",
      "mexicocentral", "newzealandnorth", "israelcentral", "qatarcentral", "austriaeast", "belgiumcentral",
      "malaysiawest", "indonesiacentral", "chilecentral", "germanynorth", "norwaywest", "switzerlandwest",
      "francesouth", "uaecentral", "southafricawest", "australiacentral2", "jioindiawest", "swedensouth",
      "brazilsoutheast",
    ]) {
      expect(findRegion("azure", name)).toBeDefined();
    }
  });
});

describe("specific facts", () => {
  it("places regions in the right country", () => {
    expect(mustFind("azure", "westeurope").country).toBe("NL");
    expect(mustFind("azure", "northeurope").country).toBe("IE");
    expect(mustFind("aws", "eu-south-2").country).toBe("ES");
    expect(mustFind("aws", "eu-west-2").country).toBe("GB");
    expect(mustFind("azure", "uksouth").country).toBe("GB");
    expect(mustFind("aws", "eu-central-2").country).toBe("CH");
    expect(mustFind("aws", "ap-east-2").country).toBe("TW");
    expect(mustFind("aws", "ap-southeast-6").country).toBe("NZ");
  });

  it("eusc-de-east-1 is the EU-operated sovereign region in Germany", () => {
    const eusc = mustFind("aws", "eusc-de-east-1");
    expect(eusc.country).toBe("DE");
    expect(eusc.partition).toBe("aws-eusc");
    expect(eusc.jurisdiction).toBe("EU");
    expect(eusc.operatorJurisdiction).toBe("EU");
  });

  it("derives the data jurisdiction from the country", () => {
    expect(mustFind("azure", "westeurope").jurisdiction).toBe("EU");
    expect(mustFind("aws", "eu-south-2").jurisdiction).toBe("EU");
    expect(mustFind("azure", "switzerlandnorth").jurisdiction).toBe("CH");
    expect(mustFind("azure", "norwayeast").jurisdiction).toBe("EEA");
    expect(mustFind("azure", "norwaywest").jurisdiction).toBe("EEA");
    expect(mustFind("aws", "eu-west-2").jurisdiction).toBe("GB");
    expect(mustFind("aws", "us-east-1").jurisdiction).toBe("US");
    for (const r of REGIONS) {
      if (EU_MEMBER_STATES.has(r.country)) expect(r.jurisdiction).toBe("EU");
      else if (EEA_NON_EU_STATES.has(r.country)) expect(r.jurisdiction).toBe("EEA");
      else expect(r.jurisdiction).toBe(r.country);
    }
  });

  it("US companies operate AWS commercial and Azure public cloud", () => {
    for (const r of REGIONS) {
      expect(r.operatorJurisdiction).toBe(r.partition === "aws-eusc" ? "EU" : "US");
    }
  });

  it("regions in the same city are close together", () => {
    // Frankfurt on both clouds; Dublin on both clouds; Zurich on both clouds.
    expect(greatCircleKm(mustFind("aws", "eu-central-1"), mustFind("azure", "germanywestcentral"))).toBeLessThan(50);
    expect(greatCircleKm(mustFind("aws", "eu-west-1"), mustFind("azure", "northeurope"))).toBeLessThan(50);
    expect(greatCircleKm(mustFind("aws", "eu-central-2"), mustFind("azure", "switzerlandnorth"))).toBeLessThan(50);
  });
});

describe("jurisdictions", () => {
  it("has the 27 EU member states and 3 EEA-only states, disjoint", () => {
    expect(EU_MEMBER_STATES.size).toBe(27);
    expect([...EEA_NON_EU_STATES].sort()).toEqual(["IS", "LI", "NO"]);
    for (const code of EEA_NON_EU_STATES) expect(EU_MEMBER_STATES.has(code)).toBe(false);
    expect(EU_MEMBER_STATES.has("GB")).toBe(false);
    expect(EU_MEMBER_STATES.has("CH")).toBe(false);
  });

  it("maps countries and partitions", () => {
    expect(jurisdictionOf("de")).toBe("EU");
    expect(jurisdictionOf("IS")).toBe("EEA");
    expect(jurisdictionOf("CH")).toBe("CH");
    expect(operatorJurisdictionOf("aws")).toBe("US");
    expect(operatorJurisdictionOf("aws-eusc")).toBe("EU");
    expect(operatorJurisdictionOf("azure")).toBe("US");
    expect(() => operatorJurisdictionOf("aws-cn")).toThrow(/unknown partition/);
  });

  it("defineRegion derives the legal fields", () => {
    const r = defineRegion({
      cloud: "aws", name: "eu-test-1", displayName: "Test", city: "Reykjavík", country: "IS",
      latitude: 64.15, longitude: -21.94, partition: "aws",
    });
    expect(r.jurisdiction).toBe("EEA");
    expect(r.operatorJurisdiction).toBe("US");
    expect(Object.isFrozen(r)).toBe(true);
  });
});

describe("findRegion", () => {
  it("finds by exact name", () => {
    expect(findRegion("azure", "westeurope")?.displayName).toBe("West Europe");
    expect(findRegion("aws", "eu-south-2")?.displayName).toBe("Europe (Spain)");
  });

  it("is case-sensitive and exact", () => {
    expect(findRegion("azure", "WestEurope")).toBeUndefined();
    expect(findRegion("azure", "West Europe")).toBeUndefined();
    expect(findRegion("azure", " westeurope")).toBeUndefined();
    expect(findRegion("aws", "EU-SOUTH-2")).toBeUndefined();
  });

  it("does not cross clouds and returns undefined for unknown names", () => {
    expect(findRegion("aws", "westeurope")).toBeUndefined();
    expect(findRegion("azure", "eu-south-2")).toBeUndefined();
    expect(findRegion("aws", "mars-north-1")).toBeUndefined();
    expect(findRegion("azure", "")).toBeUndefined();
  });

  it("agrees with regionsOf", () => {
    for (const cloud of CLOUDS) {
      for (const r of regionsOf(cloud)) expect(findRegion(cloud, r.name)).toBe(r);
    }
  });
});

describe("suggestRegions", () => {
  it("puts the nearest spelling first", () => {
    expect(suggestRegions("azure", "westeuropa")[0]).toBe("westeurope");
    expect(suggestRegions("azure", "swedencentrl")[0]).toBe("swedencentral");
    expect(suggestRegions("aws", "eu-south-3")).toContain("eu-south-2");
  });

  it("ranks an exact name first, case-insensitively", () => {
    expect(suggestRegions("azure", "westus")[0]).toBe("westus");
    expect(suggestRegions("azure", "WestEurope")[0]).toBe("westeurope");
  });

  it("ranks names that contain the input", () => {
    expect(suggestRegions("azure", "germany").slice(0, 2).sort()).toEqual(["germanynorth", "germanywestcentral"]);
    expect(suggestRegions("azure", "norway").slice(0, 2).sort()).toEqual(["norwayeast", "norwaywest"]);
    expect(suggestRegions("aws", "eu-west").sort()).toEqual(["eu-west-1", "eu-west-2", "eu-west-3"]);
  });

  it("tolerates missing punctuation", () => {
    expect(suggestRegions("aws", "euwest1")[0]).toBe("eu-west-1");
    expect(suggestRegions("aws", "eu central 2")[0]).toBe("eu-central-2");
  });

  it("returns at most max names, default 3, and only names of that cloud", () => {
    expect(suggestRegions("azure", "x")).toHaveLength(3);
    expect(suggestRegions("aws", "eu", 5)).toHaveLength(5);
    expect(suggestRegions("aws", "eu", 0)).toEqual([]);
    expect(suggestRegions("aws", "eu", -1)).toEqual([]);
    expect(suggestRegions("aws", "eu", 1000)).toHaveLength(AWS_REGIONS.length);
    for (const name of suggestRegions("aws", "westeurope", 10)) expect(findRegion("aws", name)).toBeDefined();
  });

  it("is deterministic", () => {
    expect(suggestRegions("aws", "eu-south-3", 5)).toEqual(suggestRegions("aws", "eu-south-3", 5));
  });
});

describe("greatCircleKm", () => {
  const amsterdam = { latitude: 52.37, longitude: 4.9 };
  const luxembourg = { latitude: 49.61, longitude: 6.13 };

  it("measures Amsterdam to Luxembourg at about 320 km", () => {
    expect(Math.abs(greatCircleKm(amsterdam, luxembourg) - 320)).toBeLessThanOrEqual(15);
  });

  it("is symmetric and zero for the same point", () => {
    expect(greatCircleKm(amsterdam, luxembourg)).toBeCloseTo(greatCircleKm(luxembourg, amsterdam), 9);
    expect(greatCircleKm(amsterdam, amsterdam)).toBe(0);
  });

  it("uses the mean Earth radius", () => {
    // A quarter of a great circle: pole to equator.
    expect(greatCircleKm({ latitude: 90, longitude: 0 }, { latitude: 0, longitude: 0 })).toBeCloseTo(
      (Math.PI / 2) * 6371.0088,
      6,
    );
    // Antipodal points: half the circumference, without NaN from rounding.
    expect(greatCircleKm({ latitude: 0, longitude: 0 }, { latitude: 0, longitude: 180 })).toBeCloseTo(
      Math.PI * 6371.0088,
      6,
    );
  });

  it("handles the antimeridian", () => {
    const west = { latitude: 0, longitude: 179.5 };
    const east = { latitude: 0, longitude: -179.5 };
    expect(greatCircleKm(west, east)).toBeCloseTo((Math.PI / 180) * 6371.0088, 6);
  });
});
