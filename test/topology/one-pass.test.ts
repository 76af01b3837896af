import { join } from "node:path";
import { loadTopologyFile, parseTopologyText } from "../../lib/topology/load";
import { TopologyError } from "../../lib/topology/problems";
import { awsDoc, azureOnlyDoc, PROJECT_ROOT, problemsOf, topologyOf } from "../fixtures";

/** `path (line n): message` of every problem of a topology that must fail. */
function linesOf(load: () => unknown): string[] {
  try {
    load();
  } catch (e) {
    if (!(e instanceof TopologyError)) throw e;
    return e.problems.map((p) => `${p.path}${p.line === undefined ? "" : ` (line ${p.line})`}: ${p.message}`);
  }
  throw new Error("expected the topology to be rejected, but it was accepted");
}

describe("every problem of a topology in one pass", () => {
  test("a file with many mistakes of both kinds reports them all at once", () => {
    // GIVEN a file with shape mistakes (a bad name, custody, rule, CIDR, number, key typo and
    // schedule) and semantic ones (a region typo, a foreign site too near, overlapping CIDRs, a
    // short retention, a reserved id, an unknown registry and site, a chained link, two sites no
    // link reaches, a repeated address)
    const file = join(PROJECT_ROOT, "test", "topology", "many-mistakes.yaml");
    // THEN all are reported together: the shape problems first, then the semantic ones, and only
    // the rules that need a broken part are skipped (no "custody.azure is missing" for the Azure
    // sites while custody.azure is broken; no "not a site id" for es-embassy, whose CIDR is broken;
    // no foreign-copy rule while rules.requireForeignCopy is unreadable).
    expect(linesOf(() => loadTopologyFile(file))).toEqual([
      'name (line 5): must match [a-z][a-z0-9-]{1,30} (lower case, starts with a letter), got "NL_Embassy"',
      'custody.azure.tenantId (line 8): must be a UUID, got "not-a-uuid"',
      'rules.requireForeignCopy (line 10): must be true or false, got "yes"',
      "sites[3].cidr (line 17): site 'es-embassy': must be an IPv4 CIDR such as 10.10.0.0/16, got \"10.30.0.0/33\"",
      "registries[1].rpoMinutes (line 26): registry 'logs': must be a whole number, got \"60\"",
      "registries[2] (line 27): registry 'hr': unknown key 'retentionDayz' (did you mean 'retentionDays'?): unknown keys are not ignored",
      "links[2].everyMinutes (line 31): link 'nl-primary -> de-embassy': must be at least 1, got 0",
      "sites[1].region (line 15): site 'nl-second': 'northeurop' is not a known azure region; did you mean 'northeurope', 'westeurope', 'northcentralus'?",
      "sites[2].region (line 16): foreign site 'de-embassy' (germanywestcentral, DE) is 364 km from domestic site 'nl-primary' (westeurope), less than rules.minForeignDistanceKm 500",
      "sites[2].region (line 16): foreign site 'de-embassy' (germanywestcentral, DE) is 227 km from domestic site 'odc-zuid' (Maastricht), less than rules.minForeignDistanceKm 500",
      "sites[2].cidr (line 16): sites 'nl-primary' (10.10.0.0/16) and 'de-embassy' (10.10.0.0/16) have overlapping CIDRs",
      "registries[0].retentionDays (line 25): retentionDays must be at least 30 (rules.minRetentionDays), got 7 for registry 'brp'",
      "registries[1].id (line 26): registry id 'logs' is reserved for the site's own access-log bucket; choose another id",
      "links[0].registries (line 29): link 'nl-primary -> es-embassy': 'kvk' is not a registry id (known: brp, logs, hr)",
      "links[1].to (line 30): link 'nl-primary -> de-embasy': to 'de-embasy' is not a site id (known: nl-primary, nl-second, de-embassy, es-embassy, se-spare, odc-zuid)",
      "links[4].from (line 33): link 'nl-second -> de-embassy': starts at 'nl-second', which is not the primary 'nl-primary'; replication services do not re-replicate replicas (S3 skips objects that are themselves replicas), so every link must start at the primary",
      "sites[4] (line 18): azure site 'se-spare' is not the target of any link: it would get a network, keys and monitoring, and hold no registry copy; add a link from the primary 'nl-primary' to it, or remove the site",
      "sites[5] (line 19): on-premises site 'odc-zuid' is not the target of any link: it would hold no registry copy, yet count as a failover site in the review; add a link from the primary 'nl-primary' to it, or remove the site",
      "alerts.emails[1] (line 12): 'SOC@example.nl' is listed more than once",
    ]);
  });

  test("a link whose shape is broken still gets the checks of its ends", () => {
    const doc = awsDoc();
    doc.links = [
      { from: "es-primary", to: "se-embassy" },
      { from: "se-embassy", to: "es-primary", everyMinutes: "often" },
      { from: "es-primary", to: "xx-nowhere", registries: "brp" },
    ];
    expect(problemsOf(doc)).toEqual([
      "links[1].everyMinutes: link 'se-embassy -> es-primary': must be a whole number, got \"often\"",
      'links[2].registries: link \'es-primary -> xx-nowhere\': Invalid input: expected array, received string, got "brp"',
      "links[1].to: link 'se-embassy -> es-primary': ends at the primary site 'es-primary'; a copy must never replicate back over the primary",
      "links[2].to: link 'es-primary -> xx-nowhere': to 'xx-nowhere' is not a site id (known: es-primary, se-embassy)",
    ]);
  });

  test("a site whose shape is broken still counts: its id for links and uniqueness, its primary flag", () => {
    const doc = awsDoc();
    doc.sites[0].cidr = "10.10.0.0/8x";
    doc.sites.push({ id: "se-embassy", role: "foreign", cloud: "aws", region: "eu-west-3", cidr: "10.50.0.0/16", primary: "no" });
    expect(problemsOf(doc)).toEqual([
      "sites[0].cidr: site 'es-primary': must be an IPv4 CIDR such as 10.10.0.0/16, got \"10.10.0.0/8x\"",
      "sites[2].primary: site 'se-embassy': must be true or false, got \"no\"",
      "sites[2].id: site id 'se-embassy' is used more than once",
    ]);
    // Two primaries are two primaries, even when one of them is otherwise broken.
    doc.sites[1].primary = true;
    doc.sites[1].role = "domestic";
    doc.sites[2].primary = false;
    expect(problemsOf(doc)).toContain("sites: exactly one site must have primary: true, got 2 ('es-primary', 'se-embassy')");
  });

  test("a list that cannot be read at all skips the rules that need it, and only those", () => {
    const doc = awsDoc();
    doc.sites = "es-primary";
    doc.registries[1].retentionDays = 7;
    expect(problemsOf(doc)).toEqual([
      'sites: Invalid input: expected array, received string, got "es-primary"',
      "registries[1].retentionDays: retentionDays must be at least 30 (rules.minRetentionDays), got 7 for registry 'land'",
    ]);
  });
});

describe("home is an ISO 3166-1 alpha-2 country", () => {
  test("a code that is no country is refused, with the code most likely meant", () => {
    const doc = awsDoc();
    doc.home = "UK";
    // The home-country rules cannot run against a home that is no country: only this problem.
    expect(problemsOf(doc)).toEqual(["home: home 'UK' is not an ISO 3166-1 alpha-2 country code; did you mean 'GB'?"]);
    doc.home = "EU";
    expect(problemsOf(doc)).toEqual(["home: home 'EU' is not an ISO 3166-1 alpha-2 country code ('EU' stands for European Union, not one country)"]);
    doc.home = "NK";
    expect(problemsOf(doc)).toEqual(["home: home 'NK' is not an ISO 3166-1 alpha-2 country code; did you mean 'MK', 'NL'?"]);
  });

  test("a code in the wrong form is a shape problem that names the code", () => {
    const doc = awsDoc();
    for (const [home, code] of [["es", "ES"], ["ESP", "ES"], ["Spain", "ES"], ["724", "ES"]]) {
      doc.home = home;
      expect(problemsOf(doc)).toEqual([`home: must be an ISO 3166-1 alpha-2 country code in upper case, such as NL, got ${JSON.stringify(home)}; did you mean '${code}'?`]);
    }
  });

  test("every country is accepted, with or without a cloud region (Estonia, Antarctica's code too)", () => {
    const doc = awsDoc();
    doc.home = "AQ";
    // AQ is an ISO code without a cloud region: the home-country rules then apply as usual.
    expect(problemsOf(doc)).toEqual([
      "home: AQ has no AWS or Azure region; declare your datacenter as cloud: onprem (a domestic site with its location) to hold the copy at home",
      "sites[0].region: domestic site 'es-primary': region 'eu-south-2' lies in ES, not in the home country AQ",
    ]);
  });
});

describe("every site but the primary is reached by a link", () => {
  test("a cloud site no link reaches is refused, naming it", () => {
    const doc = azureOnlyDoc();
    const spare = { ...doc.sites[1], id: "spare", region: "uaenorth", cidr: "10.90.0.0/16" };
    doc.sites.push(spare);
    expect(problemsOf(doc)).toEqual([
      `sites[${doc.sites.length - 1}]: azure site 'spare' is not the target of any link: it would get a network, keys and monitoring, and hold no registry copy; add a link from the primary '${doc.sites.find((s: any) => s.primary).id}' to it, or remove the site`,
    ]);
  });

  test("a link that fails another rule still reaches its target (that rule reports it)", () => {
    const doc = awsDoc();
    doc.sites.push({ id: "fr-embassy", role: "foreign", cloud: "aws", region: "eu-west-3", cidr: "10.50.0.0/16" });
    doc.links.push({ from: "se-embassy", to: "fr-embassy" });
    expect(problemsOf(doc)).toEqual([
      "links[1].from: link 'se-embassy -> fr-embassy': starts at 'se-embassy', which is not the primary 'es-primary'; replication services do not re-replicate replicas (S3 skips objects that are themselves replicas), so every link must start at the primary",
    ]);
    doc.links[1].from = "es-primary";
    expect(topologyOf(doc).links.map((l) => l.to.id)).toEqual(["se-embassy", "fr-embassy"]);
  });

  test("the inline text loader reports it with its line", () => {
    const text = `version: 1
name: es-embassy
home: ES
custody:
  aws: { accountId: "111111111111", administrators: ["arn:aws:iam::111111111111:role/embassy-admin"] }
sites:
  - { id: es-primary, role: domestic, primary: true, cloud: aws, region: eu-south-2, cidr: 10.10.0.0/16 }
  - { id: se-embassy, role: foreign, cloud: aws, region: eu-north-1, cidr: 10.30.0.0/16 }
  - { id: fr-embassy, role: foreign, cloud: aws, region: eu-west-3, cidr: 10.50.0.0/16 }
registries:
  - { id: brp, title: Population register, rpoMinutes: 15, retentionDays: 365 }
links:
  - { from: es-primary, to: se-embassy }
`;
    expect(linesOf(() => parseTopologyText(text, "t.yaml"))).toEqual([
      "sites[2] (line 9): aws site 'fr-embassy' is not the target of any link: it would get a network, keys and monitoring, and hold no registry copy; add a link from the primary 'es-primary' to it, or remove the site",
    ]);
  });
});
