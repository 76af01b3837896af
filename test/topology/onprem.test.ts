import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { greatCircleKm } from "../../lib/regions/catalogue";
import { loadTopologyFile, parseTopology } from "../../lib/topology/load";
import type { OnPremSite, Site, Topology } from "../../lib/topology/model";
import { BORDER_TOLERANCE_KM, liesIn } from "../../lib/topology/onprem";
import { TopologyError } from "../../lib/topology/problems";
import { topologyJsonSchema } from "../../lib/topology/schema";
import { certFolder, dutchDoc, estoniaDoc, STATE_CA_PEM } from "./onprem-fixtures";

/** A folder with `certs/state-ca.pem` and unusable trust anchors, as the fixtures' paths expect. */
const DIR = certFolder();

function topologyOf(doc: Record<string, any>): Topology {
  return parseTopology(doc, "test", { baseDir: DIR });
}

/** The problem lines of a topology that must fail; fails the test if it passes. */
function problemsOf(doc: Record<string, any>): string[] {
  try {
    topologyOf(doc);
  } catch (e) {
    if (!(e instanceof TopologyError)) throw e;
    return e.problems.map((p) => `${p.path}: ${p.message}`);
  }
  throw new Error("expected the topology to be rejected, but it was accepted");
}

function site(t: Topology, id: string): Site {
  const s = t.sites.find((x) => x.id === id);
  if (!s) throw new Error(`no site '${id}'`);
  return s;
}

function onprem(t: Topology, id: string): OnPremSite {
  const s = site(t, id);
  if (s.cloud !== "onprem") throw new Error(`site '${id}' is on ${s.cloud}`);
  return s;
}

describe("on-premises sites", () => {
  test("an Estonia-like topology: the Tallinn datacenter is the primary and sends to AWS, Azure and its own embassy", () => {
    const t = topologyOf(estoniaDoc());

    expect(t.primary.id).toBe("ee-tallinn");
    expect(t.sites.map((s) => [s.id, s.cloud, s.role, s.place.country, s.place.jurisdiction])).toEqual([
      ["ee-tallinn", "onprem", "domestic", "EE", "EU"],
      ["lu-embassy", "onprem", "foreign", "LU", "EU"],
      ["de-aws", "aws", "foreign", "DE", "EU"],
      ["nl-azure", "azure", "foreign", "NL", "EU"],
    ]);
    // A datacenter's place is its declared location; only cloud sites carry region facts.
    const tallinn = onprem(t, "ee-tallinn");
    expect(tallinn.place).toEqual({ city: "Tallinn", country: "EE", latitude: 59.437, longitude: 24.754, jurisdiction: "EU" });
    expect("regionInfo" in tallinn).toBe(false);
    expect("region" in tallinn).toBe(false);
    expect(tallinn.vpn).toEqual({ publicIp: "203.0.113.10", bgpAsn: 65010 });
    expect(tallinn.identity.aws).toEqual({ trustAnchorCertificate: "certs/state-ca.pem", certificatePem: STATE_CA_PEM });
    expect(tallinn.identity.azure).toEqual({ issuer: "https://sts.ria.example.ee", subject: "embassy-push" });
    expect(onprem(t, "lu-embassy").identity).toEqual({});

    expect(
      t.links.map((l) => [l.from.id, l.to.id, l.mechanism.name, l.mechanism.achievableRpoMinutes, l.everyMinutes, l.mechanism.builtHere, l.registries.map((r) => r.id)]),
    ).toEqual([
      ["ee-tallinn", "de-aws", "state-copy-job", 15, 15, true, ["population", "land"]],
      ["ee-tallinn", "nl-azure", "state-copy-job", 15, 15, true, ["population", "land"]],
      ["ee-tallinn", "lu-embassy", "state-storage-replication", 60, 60, false, ["land"]],
    ]);
    expect(t.links[0].mechanism.description).toMatch(/^the state's copy job \(`data-embassy push`\) every 15 minutes/);
    expect(t.links[2].mechanism.description).toBe("the state's own storage replication between its datacenters (not built here), planned every 60 minutes");
    expect(t.alerts).toEqual({ emails: ["soc@ria.example.ee", "registries@ria.example.ee"] });
    // The VPN address in the fixture is a documentation address: allowed, and said.
    expect(t.warnings).toEqual([
      "on-premises site 'ee-tallinn': vpn.publicIp 203.0.113.10 is a documentation address (RFC 5737); replace it with the public address of the datacenter's VPN device before deploying",
    ]);
  });

  test("a Dutch-like topology: two domestic datacenters, Azure at home, AWS abroad farther than Luxembourg", () => {
    const t = topologyOf(dutchDoc());

    expect(t.sites.filter((s) => s.role === "domestic").map((s) => [s.id, s.cloud])).toEqual([
      ["odc-noord", "onprem"],
      ["odc-zuid", "onprem"],
      ["nl-azure", "azure"],
    ]);
    // rules.minForeignDistanceKm is 1000, and Luxembourg is about 400 km from Groningen: the
    // foreign site must be (and is) farther from every domestic site, datacenters included.
    const luxembourg = { latitude: 49.61, longitude: 6.13 };
    const spain = site(t, "es-embassy").place;
    for (const d of t.sites.filter((s) => s.role === "domestic")) {
      expect(greatCircleKm(spain, d.place)).toBeGreaterThan(1000);
      expect(greatCircleKm(luxembourg, d.place)).toBeLessThan(1000);
    }
    expect(t.links.map((l) => [l.to.id, l.mechanism.name, l.mechanism.builtHere, l.everyMinutes])).toEqual([
      ["odc-zuid", "state-storage-replication", false, 5],
      ["nl-azure", "state-copy-job", true, 15],
      ["es-embassy", "state-copy-job", true, 15],
    ]);
    expect(t.alerts).toEqual({ emails: ["soc@example.nl"] });
    expect(t.warnings).toEqual([
      "on-premises site 'odc-noord': vpn.publicIp 203.0.113.40 is a documentation address (RFC 5737); replace it with the public address of the datacenter's VPN device before deploying",
    ]);
  });

  test("fails when a datacenter sends to Azure without a VPN: private endpoints are the only way in", () => {
    const doc = dutchDoc();
    delete doc.sites[0].vpn;
    expect(problemsOf(doc)).toEqual([
      "sites[0].vpn: on-premises site 'odc-noord' sends to azure site 'nl-azure' but has no vpn; Azure stores are reachable only through their private endpoints, so give vpn { publicIp, bgpAsn } of the datacenter's VPN device",
    ]);
  });

  test("the loader reads the trust anchor relative to the topology file, wherever the command runs", () => {
    const file = join(DIR, "ee-embassy.yaml");
    writeFileSync(file, stringify(estoniaDoc()));
    expect(process.cwd()).not.toBe(DIR);
    expect(onprem(loadTopologyFile(file), "ee-tallinn").identity.aws?.certificatePem).toBe(STATE_CA_PEM);

    // And names the line of a problem inside a site's identity.
    const doc = estoniaDoc();
    doc.sites[0].identity.aws.trustAnchorCertificate = "certs/missing.pem";
    writeFileSync(file, stringify(doc));
    const err = (() => {
      try {
        loadTopologyFile(file);
      } catch (e) {
        return e as TopologyError;
      }
      throw new Error("expected a TopologyError");
    })();
    expect(err.problems).toEqual([
      {
        path: "sites[0].identity.aws.trustAnchorCertificate",
        line: expect.any(Number),
        message: `on-premises site 'ee-tallinn': cannot read trust anchor certificate 'certs/missing.pem': ENOENT: no such file or directory, open '${join(DIR, "certs", "missing.pem")}'`,
      },
    ]);
    const lines = readFileSync(file, "utf8").split("\n");
    expect(lines[err.problems[0].line! - 1]).toContain("trustAnchorCertificate: certs/missing.pem");
  });

  test("accepts a datacenter just across a border (within the tolerance), refuses one well inside the neighbour", () => {
    expect(BORDER_TOLERANCE_KM).toBe(10);
    // Valka, Latvia, on the border with Valga, Estonia: about 1 km outside Estonia's border.
    expect(liesIn({ latitude: 57.77, longitude: 26.03 }, "EE")).toBe(true);
    // Valmiera, Latvia: tens of km from Estonia.
    expect(liesIn({ latitude: 57.54, longitude: 25.43 }, "EE")).toBe(false);
    const doc = estoniaDoc();
    doc.sites[0].location = { city: "Valga", country: "EE", latitude: 57.77, longitude: 26.03 };
    expect(topologyOf(doc).primary.place.city).toBe("Valga");
  });

  test("fails when an on-premises site has no location", () => {
    const doc = estoniaDoc();
    delete doc.sites[0].location;
    expect(problemsOf(doc)).toEqual([
      "sites[0].location: on-premises site 'ee-tallinn' needs a location { city, country, latitude, longitude }: its country and coordinates decide the domestic, foreign and distance rules",
    ]);
  });

  test("fails when a domestic datacenter is placed abroad: coordinates outside its country, or a foreign country", () => {
    const doc = estoniaDoc();
    doc.sites[0].location = { city: "Tallinn", country: "EE", latitude: 59.33, longitude: 18.07 };
    expect(problemsOf(doc)).toEqual([
      "sites[0].location: on-premises site 'ee-tallinn': latitude 59.33, longitude 18.07 lies in SE, not in EE (location.country), nor within 10 km of it; check the coordinates (decimal degrees, north and east positive)",
    ]);
    doc.sites[0].location = { city: "Tallinn", country: "EE", latitude: 24.754, longitude: 59.437 };
    expect(problemsOf(doc)).toEqual([
      "sites[0].location: on-premises site 'ee-tallinn': latitude 24.754, longitude 59.437 lies in no country (at sea, or outside every border), not in EE (location.country), nor within 10 km of it; latitude and longitude look swapped",
    ]);
    doc.sites[0].location = { city: "Stockholm", country: "SE", latitude: 59.33, longitude: 18.07 };
    expect(problemsOf(doc)).toEqual(["sites[0].location: domestic site 'ee-tallinn': location.country is SE, not the home country EE"]);
  });

  test("fails when a location names no country, or an alias of one", () => {
    const doc = estoniaDoc();
    doc.sites[1].location.country = "XX";
    doc.sites[0].location.country = "EU";
    expect(problemsOf(doc)).toEqual([
      "sites[0].location: on-premises site 'ee-tallinn': location.country 'EU' is not an ISO 3166-1 alpha-2 code of a country or territory",
      "sites[1].location: on-premises site 'lu-embassy': location.country 'XX' is not an ISO 3166-1 alpha-2 code of a country or territory",
      "sites[0].location: domestic site 'ee-tallinn': location.country is EU, not the home country EE",
    ]);
  });

  test("fails when a link from a datacenter has no everyMinutes", () => {
    const doc = estoniaDoc();
    delete doc.links[0].everyMinutes;
    expect(problemsOf(doc)).toEqual([
      "links[0].everyMinutes: link 'ee-tallinn -> de-aws' starts at on-premises site 'ee-tallinn' and needs everyMinutes: how often the state's copy job runs, which is this link's RPO",
    ]);
  });

  test("fails when a copy job runs less often than a carried registry's RPO, naming the link, the registry and both numbers", () => {
    const doc = estoniaDoc();
    doc.links[1].everyMinutes = 30;
    doc.links[2].registries = ["population", "land"];
    expect(problemsOf(doc)).toEqual([
      "links[1].everyMinutes: link 'ee-tallinn -> nl-azure' runs every 30 minutes (everyMinutes), but registry 'population' requires rpoMinutes 15; set everyMinutes to at most 15",
      "links[2].everyMinutes: link 'ee-tallinn -> lu-embassy' runs every 60 minutes (everyMinutes), but registry 'population' requires rpoMinutes 15; set everyMinutes to at most 15",
    ]);
  });

  test("fails when a datacenter sends to a cloud without an identity there", () => {
    const doc = estoniaDoc();
    delete doc.sites[0].identity.azure;
    expect(problemsOf(doc)).toEqual([
      "sites[0].identity.azure: on-premises site 'ee-tallinn' sends to azure site 'nl-azure' but has no identity.azure; give identity.azure { issuer, subject }, the https issuer and the subject of the tokens its copy job presents (a federated credential)",
    ]);
    doc.sites.push({ id: "ie-aws", role: "foreign", cloud: "aws", region: "eu-west-1", cidr: "10.70.0.0/16" });
    doc.links.push({ from: "ee-tallinn", to: "ie-aws", everyMinutes: 15 });
    delete doc.sites[0].identity;
    expect(problemsOf(doc)).toEqual([
      "sites[0].identity.aws: on-premises site 'ee-tallinn' sends to aws sites 'de-aws', 'ie-aws' but has no identity.aws; give identity.aws.trustAnchorCertificate, the PEM file of the CA that issues its copy job's certificates (IAM Roles Anywhere)",
      "sites[0].identity.azure: on-premises site 'ee-tallinn' sends to azure site 'nl-azure' but has no identity.azure; give identity.azure { issuer, subject }, the https issuer and the subject of the tokens its copy job presents (a federated credential)",
    ]);
  });

  test("keeps only the certificate of a trust anchor file that also carries text (as openssl x509 -text writes)", () => {
    const doc = estoniaDoc();
    doc.sites[0].identity.aws.trustAnchorCertificate = "certs/annotated.pem";
    expect(readFileSync(join(DIR, "certs", "annotated.pem"), "utf8")).not.toBe(STATE_CA_PEM);
    expect(onprem(topologyOf(doc), "ee-tallinn").identity.aws?.certificatePem).toBe(STATE_CA_PEM);
  });

  test("fails when the trust anchor is not one CA certificate, or holds a key", () => {
    const cases: [string, string][] = [
      ["certs/leaf.pem", "is not a CA certificate (basic constraints CA:TRUE missing; subject C=EE, O=Test State, CN=embassy-push); IAM Roles Anywhere trusts only CA certificates as trust anchors"],
      ["certs/chain.pem", "holds 2 certificates; give exactly one CA certificate per trust anchor"],
      ["certs/with-key.pem", "holds a private key; give the CA's certificate only, and keep its key out of the topology"],
      ["certs/notes.txt", "is not a PEM certificate (no -----BEGIN CERTIFICATE----- block)"],
    ];
    for (const [file, why] of cases) {
      const doc = estoniaDoc();
      doc.sites[0].identity.aws.trustAnchorCertificate = file;
      expect(problemsOf(doc)).toEqual([`sites[0].identity.aws.trustAnchorCertificate: on-premises site 'ee-tallinn': trust anchor certificate '${file}' ${why}`]);
    }
  });

  test("fails when a cloud site declares a location, a VPN or an identity, or has no region", () => {
    const doc = estoniaDoc();
    doc.sites[2].location = { city: "Frankfurt", country: "DE", latitude: 50.11, longitude: 8.68 };
    doc.sites[2].vpn = { publicIp: "198.51.100.20", bgpAsn: 65020 };
    doc.sites[3].identity = { azure: { issuer: "https://sts.example.ee", subject: "x" } };
    delete doc.sites[3].region;
    expect(problemsOf(doc)).toEqual([
      "sites[2].location: aws site 'de-aws': location is only for on-premises sites (cloud: onprem), got Frankfurt, DE (50.11, 8.68); a cloud site's place comes from its region",
      "sites[2].vpn: aws site 'de-aws': vpn describes an on-premises site's VPN device, got publicIp 198.51.100.20; remove it here and declare it on the datacenter that connects to this site",
      "sites[3].identity: azure site 'nl-azure': identity says how an on-premises site's copy job proves who it is, got keys azure; remove it here",
      "sites[3].region: azure site 'nl-azure' needs a region: the azure region it runs in, such as westeurope",
    ]);
  });

  test("fails when an on-premises site names a region", () => {
    const doc = estoniaDoc();
    doc.sites[0].region = "eu-north-1";
    expect(problemsOf(doc)).toEqual([
      "sites[0].region: on-premises site 'ee-tallinn': region is only for cloud sites, got 'eu-north-1'; an on-premises site's place comes from its location",
    ]);
  });

  test("fails when the home country has no cloud region and no datacenter is declared", () => {
    const doc = estoniaDoc();
    doc.sites = [
      { id: "ee-primary", role: "domestic", primary: true, cloud: "aws", region: "eu-north-1", cidr: "10.40.0.0/16" },
      { id: "de-aws", role: "foreign", cloud: "aws", region: "eu-central-1", cidr: "10.50.0.0/16" },
    ];
    doc.links = [{ from: "ee-primary", to: "de-aws" }];
    doc.registries[0].rpoMinutes = 15;
    expect(problemsOf(doc)).toEqual([
      "home: EE has no AWS or Azure region; declare your datacenter as cloud: onprem (a domestic site with its location) to hold the copy at home",
      "sites[0].region: domestic site 'ee-primary': region 'eu-north-1' lies in SE, not in the home country EE",
    ]);
  });

  test("fails on a cross-cloud link from a cloud primary, suggesting an on-premises primary", () => {
    const doc = dutchDoc();
    doc.sites = [
      { id: "nl-azure", role: "domestic", primary: true, cloud: "azure", region: "westeurope", cidr: "10.10.0.0/16" },
      { id: "es-embassy", role: "foreign", cloud: "aws", region: "eu-south-2", cidr: "10.30.0.0/16" },
    ];
    doc.links = [{ from: "nl-azure", to: "es-embassy" }];
    doc.registries.forEach((r: { rpoMinutes: number }) => (r.rpoMinutes = 1440));
    expect(problemsOf(doc)).toEqual([
      "links[0]: link 'nl-azure -> es-embassy': connects azure site 'nl-azure' to aws site 'es-embassy'; no copy between two clouds is built (neither provider's replication writes into the other's storage), so this link cannot be built; declare the state's datacenter as the primary (cloud: onprem), which sends to each cloud directly",
    ]);
  });

  test("fails on a link from a cloud primary into a datacenter: nothing deployed here could perform it", () => {
    const doc = dutchDoc();
    doc.sites[0].primary = false;
    doc.sites[2].primary = true;
    doc.links = [
      { from: "nl-azure", to: "odc-noord" },
      { from: "nl-azure", to: "es-embassy", everyMinutes: 15 },
    ];
    const problems = problemsOf(doc);
    expect(problems).toContain(
      "links[0]: link 'nl-azure -> odc-noord': connects azure site 'nl-azure' to on-premises site 'odc-noord'; nothing this project deploys copies from a cloud into a datacenter (the copy job runs in the datacenter and sends out), so this link cannot be built; make an on-premises site the primary, or fill 'odc-noord' with the state's own tooling outside this topology",
    );
    expect(problems).toContain(
      "links[1].everyMinutes: link 'nl-azure -> es-embassy': everyMinutes is only for links from an on-premises site (the copy job's schedule), got 15; a link from a cloud site runs that cloud's replication, whose RPO the mechanism sets",
    );
  });

  test("fails on a link between two datacenters that does not start at the primary", () => {
    const doc = dutchDoc();
    doc.sites.push({ id: "odc-west", role: "domestic", cloud: "onprem", location: { city: "Den Haag", country: "NL", latitude: 52.08, longitude: 4.3 }, cidr: "10.42.0.0/16" });
    doc.links.push({ from: "odc-zuid", to: "odc-west", everyMinutes: 5 });
    expect(problemsOf(doc)).toEqual([
      "links[3].from: link 'odc-zuid -> odc-west': starts at 'odc-zuid', which is not the primary 'odc-noord'; registries are written at the primary and a copy of a copy would be as old as both schedules together, so every link must start at the primary",
    ]);
  });

  test("fails on a VPN device without a public address, or with an ASN that is reserved (for a cloud it connects to)", () => {
    const doc = estoniaDoc();
    doc.sites[0].vpn = { publicIp: "10.1.2.3", bgpAsn: 23456 };
    expect(problemsOf(doc)).toEqual([
      "sites[0].vpn.publicIp: on-premises site 'ee-tallinn': vpn.publicIp 10.1.2.3 is private address space (RFC 1918), not a public address; give the public IPv4 address of the datacenter's VPN device",
      "sites[0].vpn.bgpAsn: on-premises site 'ee-tallinn': vpn.bgpAsn 23456 is AS_TRANS, the stand-in for 4-byte ASNs (RFC 6793); use the state's own public ASN or a private one (64512-65534 or 4200000000-4294967294) that no cloud reserves",
    ]);
    doc.sites[0].vpn = { publicIp: "100.64.0.1", bgpAsn: 0 };
    expect(problemsOf(doc)).toEqual([
      "sites[0].vpn.publicIp: on-premises site 'ee-tallinn': vpn.publicIp 100.64.0.1 is shared carrier-grade NAT space (RFC 6598), not a public address; give the public IPv4 address of the datacenter's VPN device",
      "sites[0].vpn.bgpAsn: on-premises site 'ee-tallinn': vpn.bgpAsn 0 is reserved (RFC 7607); use the state's own public ASN or a private one (64512-65534 or 4200000000-4294967294) that no cloud reserves",
    ]);
    // 65515 is Azure's own: refused while the datacenter connects to Azure, fine without.
    doc.sites[0].vpn = { publicIp: "145.1.2.3", bgpAsn: 65515 };
    expect(problemsOf(doc)).toEqual([
      "sites[0].vpn.bgpAsn: on-premises site 'ee-tallinn': vpn.bgpAsn 65515 is reserved by Azure (its VPN gateways' own default ASN); use the state's own public ASN or a private one (64512-65534 or 4200000000-4294967294) that no cloud reserves",
    ]);
    doc.links = doc.links.filter((l: { to: string }) => l.to !== "nl-azure");
    doc.sites = doc.sites.filter((s: { id: string }) => s.id !== "nl-azure");
    delete doc.sites[0].identity.azure;
    expect(onprem(topologyOf(doc), "ee-tallinn").vpn).toEqual({ publicIp: "145.1.2.3", bgpAsn: 65515 });
    // 7224 is AWS's.
    doc.sites[0].vpn.bgpAsn = 7224;
    expect(problemsOf(doc)).toEqual([
      "sites[0].vpn.bgpAsn: on-premises site 'ee-tallinn': vpn.bgpAsn 7224 is reserved by AWS; use the state's own public ASN or a private one (64512-65534 or 4200000000-4294967294) that no cloud reserves",
    ]);
  });

  test("fails on shape errors in the new keys, naming the site and the value", () => {
    const doc = estoniaDoc();
    doc.sites[0].location.latitude = 95;
    doc.sites[0].identity.azure.issuer = "http://sts.ria.example.ee";
    doc.sites[1].cloud = "datacenter";
    doc.links[0].everyMinutes = 0;
    doc.alerts.emails.push("soc at ria");
    const messages = (() => {
      try {
        topologyOf(doc);
      } catch (e) {
        return (e as TopologyError).problems.map((p) => `${p.path}: ${p.message}`);
      }
      throw new Error("expected a TopologyError");
    })();
    expect(messages).toEqual([
      "sites[0].location.latitude: site 'ee-tallinn': must be between -90 and 90 (decimal degrees), got 95",
      "sites[0].identity.azure.issuer: site 'ee-tallinn': must be an https URL without spaces, such as https://sts.example.nl, got \"http://sts.ria.example.ee\"",
      "sites[1].cloud: site 'lu-embassy': must be 'aws', 'azure' or 'onprem', got \"datacenter\"",
      "links[0].everyMinutes: link 'ee-tallinn -> de-aws': must be at least 1, got 0",
      "alerts.emails[2]: must be an email address, got \"soc at ria\"",
    ]);
  });

  test("a misspelt key inside a location is named with the key it likely means", () => {
    const doc = estoniaDoc();
    doc.sites[0].location.lattitude = doc.sites[0].location.latitude;
    delete doc.sites[0].location.latitude;
    expect(problemsOf(doc)).toEqual([
      "sites[0].location: site 'ee-tallinn': unknown key 'lattitude' (did you mean 'latitude'?): unknown keys are not ignored",
    ]);
  });

  test("fails when an alert address is listed twice", () => {
    const doc = dutchDoc();
    doc.alerts = { emails: ["soc@example.nl", "SOC@example.nl"] };
    expect(problemsOf(doc)).toEqual(["alerts.emails[1]: 'SOC@example.nl' is listed more than once"]);
  });

  test("reports every problem at once", () => {
    const doc = estoniaDoc();
    delete doc.sites[1].location; // the embassy datacenter has no location
    doc.sites[0].region = "eu-north-1"; // a region on a datacenter
    doc.sites[2].location = { city: "Frankfurt", country: "DE", latitude: 50.11, longitude: 8.68 }; // a location on a cloud site
    delete doc.sites[0].identity.aws; // no identity for AWS
    delete doc.links[1].everyMinutes; // no schedule
    doc.links[0].everyMinutes = 45; // a schedule slower than the population register's RPO
    expect(problemsOf(doc)).toEqual([
      "sites[0].region: on-premises site 'ee-tallinn': region is only for cloud sites, got 'eu-north-1'; an on-premises site's place comes from its location",
      "sites[0].identity.aws: on-premises site 'ee-tallinn' sends to aws site 'de-aws' but has no identity.aws; give identity.aws.trustAnchorCertificate, the PEM file of the CA that issues its copy job's certificates (IAM Roles Anywhere)",
      "sites[1].location: on-premises site 'lu-embassy' needs a location { city, country, latitude, longitude }: its country and coordinates decide the domestic, foreign and distance rules",
      "sites[2].location: aws site 'de-aws': location is only for on-premises sites (cloud: onprem), got Frankfurt, DE (50.11, 8.68); a cloud site's place comes from its region",
      "links[0].everyMinutes: link 'ee-tallinn -> de-aws' runs every 45 minutes (everyMinutes), but registry 'population' requires rpoMinutes 15; set everyMinutes to at most 15",
      "links[1].everyMinutes: link 'ee-tallinn -> nl-azure' starts at on-premises site 'ee-tallinn' and needs everyMinutes: how often the state's copy job runs, which is this link's RPO",
    ]);
  });

  test("the published JSON Schema tells editors which keys belong to which kind of site", () => {
    const sites = (topologyJsonSchema() as any).properties.sites.items;
    expect(sites.properties.cloud.enum).toEqual(["aws", "azure", "onprem"]);
    expect(sites.required).toEqual(["id", "role", "cloud", "cidr"]);
    expect(sites.if).toEqual({ properties: { cloud: { const: "onprem" } }, required: ["cloud"] });
    expect(sites.then).toEqual({ required: ["location"], not: { required: ["region"] } });
    expect(sites.else).toEqual({ required: ["region"], properties: { location: false, vpn: false, identity: false } });
  });

  test("country borders are loaded only when a topology has an on-premises site", () => {
    // A fresh process: jest's module registry would hide what Node itself loaded.
    const load = JSON.stringify(join(__dirname, "..", "..", "lib", "topology", "load"));
    const loaded = `String(Object.keys(require.cache).some((k) => k.includes("country-coder")))`;
    const parse = (doc: unknown) => `parseTopology(${JSON.stringify(doc)}, "t", { baseDir: ${JSON.stringify(DIR)} });`;
    const run = (first: unknown, second: unknown) =>
      spawnSync(
        process.execPath,
        ["-e", `const { parseTopology } = require(${load}); ${parse(first)} const before = ${loaded}; ${parse(second)} process.stdout.write(before + " " + ${loaded});`],
        { encoding: "utf8" },
      );
    const cloudOnly = dutchDoc();
    cloudOnly.sites = [
      { id: "nl-azure", role: "domestic", primary: true, cloud: "azure", region: "westeurope", cidr: "10.10.0.0/16" },
      { id: "se-embassy", role: "foreign", cloud: "azure", region: "swedencentral", cidr: "10.30.0.0/16" },
    ];
    cloudOnly.links = [{ from: "nl-azure", to: "se-embassy" }];
    cloudOnly.registries.forEach((r: { rpoMinutes: number }) => (r.rpoMinutes = 1440));
    expect(run(cloudOnly, dutchDoc())).toMatchObject({ status: 0, stdout: "false true" });
  });
});
