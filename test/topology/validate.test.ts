import { awsDoc, problemsOf, topologyOf } from "../fixtures";

describe("topology validation", () => {
  test("a valid topology resolves regions, the primary and the link mechanism", () => {
    const t = topologyOf();
    expect(t.primary.id).toBe("es-primary");
    expect(t.sites.map((s) => [s.id, s.place.country, s.cloud !== "onprem" && s.regionInfo.partition])).toEqual([
      ["es-primary", "ES", "aws"],
      ["se-embassy", "SE", "aws"],
    ]);
    expect(t.links).toHaveLength(1);
    expect(t.links[0].mechanism.name).toBe("s3-replication-rtc");
    expect(t.links[0].mechanism.achievableRpoMinutes).toBe(15);
    expect(t.links[0].registries.map((r) => r.id)).toEqual(["brp", "land"]);
    expect(t.rules).toEqual({ minForeignDistanceKm: 500, minRetentionDays: 30, requireForeignCopy: true });
    expect(t.warnings).toEqual([
      "custody.aws.readers is not set: every administrator may assume the read role and also administer keys; name readers to separate data access from key custody",
      "custody.aws.writers is not set: every administrator may assume the write role at the primary and also administer keys; name writers to separate data access from key custody",
    ]);
  });

  test("naming AWS readers separates duties and silences the warning; readers must be administrators", () => {
    const doc = awsDoc();
    const restore = "arn:aws:iam::111111111111:role/registry-restore";
    doc.custody.aws.administrators.push(restore);
    doc.custody.aws.readers = [restore];
    doc.custody.aws.writers = [restore];
    expect(topologyOf(doc).warnings).toEqual([]);
    doc.custody.aws.writers = ["arn:aws:iam::111111111111:role/not-an-admin"];
    expect(problemsOf(doc)).toEqual([
      "custody.aws.writers[0]: 'arn:aws:iam::111111111111:role/not-an-admin' is not in custody.aws.administrators; only the owning state's administrators are ever granted anything",
    ]);
    doc.custody.aws.writers = ["arn:aws:iam::111111111111:role/embassy-admin"];
    expect(problemsOf(doc)).toEqual([
      "custody.aws: every administrator is a reader or writer; at least one must be neither, to administer the keys (separation of duties)",
    ]);
  });

  test("AWS key retirers are administrators without data access", () => {
    const doc = awsDoc();
    const restore = "arn:aws:iam::111111111111:role/registry-restore";
    const retire = "arn:aws:iam::111111111111:role/key-retire";
    doc.custody.aws.administrators.push(restore, retire);
    doc.custody.aws.readers = [restore];
    doc.custody.aws.writers = [restore];
    doc.custody.aws.keyRetirers = [retire];
    expect(topologyOf(doc).custody.aws?.keyRetirers).toEqual([retire]);
    doc.custody.aws.keyRetirers = [restore, "arn:aws:iam::111111111111:role/not-an-admin"];
    expect(problemsOf(doc)).toEqual([
      "custody.aws.keyRetirers[0]: 'arn:aws:iam::111111111111:role/registry-restore' is also a reader or writer; whoever can retire keys must not hold data access (separation of duties)",
      "custody.aws.keyRetirers[1]: 'arn:aws:iam::111111111111:role/not-an-admin' is not in custody.aws.administrators; only the owning state's administrators are ever granted anything",
    ]);
  });

  test("fails when a domestic site lies outside the home country", () => {
    const doc = awsDoc();
    doc.sites.push({ id: "es-backup", role: "domestic", cloud: "aws", region: "eu-west-3", cidr: "10.20.0.0/16" });
    expect(problemsOf(doc)).toContainEqual(
      "sites[2].region: domestic site 'es-backup': region 'eu-west-3' lies in FR, not in the home country ES",
    );
  });

  test("fails when a foreign site is in the home country", () => {
    const doc = awsDoc();
    doc.home = "SE";
    doc.sites[0].role = "foreign";
    doc.sites[0].primary = false;
    doc.sites[1].role = "foreign";
    expect(problemsOf(doc)).toContainEqual(
      "sites[1].region: foreign site 'se-embassy': region 'eu-north-1' lies in the home country SE; a foreign site must be abroad",
    );
  });

  test("fails when a foreign site is closer than minForeignDistanceKm, naming both sites and the distance", () => {
    const doc = awsDoc();
    doc.rules = { minForeignDistanceKm: 5000 };
    expect(problemsOf(doc)).toEqual([
      expect.stringMatching(
        /^sites\[1\]\.region: foreign site 'se-embassy' \(eu-north-1, SE\) is \d+ km from domestic site 'es-primary' \(eu-south-2\), less than rules.minForeignDistanceKm 5000$/,
      ),
    ]);
  });

  test("fails when no site or two sites are the primary", () => {
    const none = awsDoc();
    none.sites[0].primary = false;
    expect(problemsOf(none)).toContain("sites: exactly one site must have primary: true, got none");
    const two = awsDoc();
    two.sites[1].primary = true;
    expect(problemsOf(two)).toContain("sites: exactly one site must have primary: true, got 2 ('es-primary', 'se-embassy')");
  });

  test("fails when the primary is foreign", () => {
    const doc = awsDoc();
    doc.sites[0].role = "foreign";
    expect(problemsOf(doc)).toContain(
      "sites[0].role: site 'es-primary' is the primary but has role 'foreign'; registries are written at home, so the primary must be domestic",
    );
  });

  test("fails on an unknown region and suggests the closest names", () => {
    const doc = awsDoc();
    doc.sites[1].region = "eu-nort-1";
    expect(problemsOf(doc)).toContainEqual(expect.stringMatching(/^sites\[1\]\.region: site 'se-embassy': 'eu-nort-1' is not a known aws region; did you mean 'eu-north-1'/));
  });

  test("says GovCloud and China regions are unsupported, not unknown", () => {
    const doc = awsDoc();
    doc.sites[1].region = "cn-north-1";
    expect(problemsOf(doc)).toContain(
      "sites[1].region: site 'se-embassy': 'cn-north-1' is in an isolated partition (GovCloud, China or ISO), which this library does not support",
    );
  });

  test("fails on overlapping, public, oddly sized or misaligned CIDRs", () => {
    const doc = awsDoc();
    doc.sites[1].cidr = "10.10.128.0/17";
    expect(problemsOf(doc)).toContain("sites[1].cidr: sites 'es-primary' (10.10.0.0/16) and 'se-embassy' (10.10.128.0/17) have overlapping CIDRs");
    doc.sites[1].cidr = "8.8.0.0/16";
    expect(problemsOf(doc)).toContain(
      "sites[1].cidr: site 'se-embassy': CIDR '8.8.0.0/16' is not private address space (use 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16)",
    );
    doc.sites[1].cidr = "10.0.0.0/8";
    expect(problemsOf(doc)).toContainEqual(expect.stringContaining("CIDR '10.0.0.0/8' has prefix /8; use a prefix from /16 to /24"));
    doc.sites[1].cidr = "10.30.1.0/16";
    expect(problemsOf(doc)).toContain("sites[1].cidr: site 'se-embassy': CIDR '10.30.1.0/16' has host bits set; the network address is 10.30.0.0/16");
  });

  test("fails on duplicate site and registry ids", () => {
    const doc = awsDoc();
    doc.sites.push({ ...doc.sites[1], cidr: "10.40.0.0/16", region: "eu-west-1" });
    doc.registries.push({ ...doc.registries[0] });
    const problems = problemsOf(doc);
    expect(problems).toContain("sites[2].id: site id 'se-embassy' is used more than once");
    expect(problems).toContain("registries[2].id: registry id 'brp' is used more than once");
  });

  test("fails when two sites share a region", () => {
    const doc = awsDoc();
    doc.sites.push({ id: "es-backup", role: "domestic", cloud: "aws", region: "eu-south-2", cidr: "10.20.0.0/16" });
    doc.links.push({ from: "es-primary", to: "es-backup" });
    expect(problemsOf(doc)).toContain(
      "sites[2].region: sites 'es-primary' and 'es-backup' are both in aws region 'eu-south-2'; failover sites must be geographically separate",
    );
  });

  test("fails when retentionDays is below the floor", () => {
    const doc = awsDoc();
    doc.registries[1].retentionDays = 7;
    expect(problemsOf(doc)).toEqual([
      "registries[1].retentionDays: retentionDays must be at least 30 (rules.minRetentionDays), got 7 for registry 'land'",
    ]);
  });

  test("fails on links to unknown sites or registries, self links and duplicates", () => {
    const doc = awsDoc();
    doc.links = [
      { from: "es-primary", to: "nowhere" },
      { from: "es-primary", to: "se-embassy", registries: ["brp", "tax"] },
      { from: "es-primary", to: "se-embassy" },
      { from: "es-primary", to: "es-primary" },
    ];
    const problems = problemsOf(doc);
    expect(problems).toContain("links[0].to: link 'es-primary -> nowhere': to 'nowhere' is not a site id (known: es-primary, se-embassy)");
    expect(problems).toContain("links[1].registries: link 'es-primary -> se-embassy': 'tax' is not a registry id (known: brp, land)");
    expect(problems).toContain("links[2]: link 'es-primary -> se-embassy' is declared more than once; list all its registries in one link");
    expect(problems).toContain("links[3]: link 'es-primary -> es-primary': a link must connect two different sites");
  });

  test("fails on a link into the primary and a link that does not start at the primary", () => {
    const doc = awsDoc();
    doc.sites.push({ id: "pt-embassy", role: "foreign", cloud: "aws", region: "eu-west-2", cidr: "10.40.0.0/16" });
    doc.links.push({ from: "se-embassy", to: "es-primary" }, { from: "se-embassy", to: "pt-embassy" });
    const problems = problemsOf(doc);
    expect(problems).toContain(
      "links[1].to: link 'se-embassy -> es-primary': ends at the primary site 'es-primary'; a copy must never replicate back over the primary",
    );
    expect(problems).toContainEqual(
      expect.stringMatching(/^links\[2\]\.from: link 'se-embassy -> pt-embassy': starts at 'se-embassy', which is not the primary 'es-primary'; replication services do not re-replicate replicas/),
    );
  });

  test("fails when a link cannot meet a registry's RPO", () => {
    const doc = awsDoc();
    doc.registries[0].rpoMinutes = 5;
    expect(problemsOf(doc)).toEqual([
      "links[0]: link 'es-primary -> se-embassy' (s3-replication-rtc) achieves an RPO of 15 minutes, but registry 'brp' requires rpoMinutes 5; raise its rpoMinutes to at least 15 or carry it on a faster link",
    ]);
  });

  test("fails when a link connects two clouds, saying exactly that and suggesting an on-premises primary", () => {
    const doc = awsDoc();
    doc.custody.azure = {
      tenantId: "8f6a2c1e-4b7d-4e2a-9c3f-1a2b3c4d5e6f",
      subscriptionId: "2d9e7f10-5a6b-4c8d-9e0f-112233445566",
      administrators: ["5b1e9c2a-7d3f-4a6b-8c9d-0e1f2a3b4c5d"],
    };
    doc.sites[1] = { id: "se-embassy", role: "foreign", cloud: "azure", region: "swedencentral", cidr: "10.30.0.0/16" };
    expect(problemsOf(doc)).toEqual([
      "links[0]: link 'es-primary -> se-embassy': connects aws site 'es-primary' to azure site 'se-embassy'; no copy between two clouds is built (neither provider's replication writes into the other's storage), so this link cannot be built; declare the state's datacenter as the primary (cloud: onprem), which sends to each cloud directly",
    ]);
  });

  test("fails when a link crosses AWS partitions", () => {
    const doc = awsDoc();
    doc.home = "DE";
    doc.sites[0] = { id: "de-primary", role: "domestic", primary: true, cloud: "aws", region: "eu-central-1", cidr: "10.10.0.0/16" };
    doc.sites.push({ id: "de-sovereign", role: "domestic", cloud: "aws", region: "eusc-de-east-1", cidr: "10.20.0.0/16" });
    doc.links = [{ from: "de-primary", to: "se-embassy" }, { from: "de-primary", to: "de-sovereign" }];
    expect(problemsOf(doc)).toEqual([
      "sites[2].region: site 'de-sovereign': region 'eusc-de-east-1' is in partition aws-eusc, whose service endpoints and principals the aws constructs do not support yet (supported: aws, azure)",
      "links[1]: link 'de-primary -> de-sovereign': connects partition aws ('de-primary') to partition aws-eusc ('de-sovereign'); native replication cannot cross partitions and no managed copy service is supported yet",
    ]);
  });

  test("fails when a registry reaches no other site, or no foreign site", () => {
    const doc = awsDoc();
    doc.links = [{ from: "es-primary", to: "se-embassy", registries: ["brp"] }];
    expect(problemsOf(doc)).toEqual([
      "links: registry 'land' is not copied from the primary 'es-primary' to any other site; add a link that carries it",
    ]);
    doc.sites[1] = { id: "es-backup", role: "domestic", cloud: "aws", region: "eu-west-1", cidr: "10.30.0.0/16" };
    doc.home = "ES";
    doc.links = [{ from: "es-primary", to: "es-backup" }];
    const problems = problemsOf(doc);
    expect(problems).toContainEqual(
      "links: registry 'brp' reaches no foreign site (copied only to 'es-backup'); add a link from 'es-primary' to a foreign site (or set rules.requireForeignCopy: false for a domestic-first phase)",
    );
  });

  test("a registry without a foreign copy is a warning when requireForeignCopy is false", () => {
    const doc = awsDoc();
    doc.home = "JP";
    doc.sites = [
      { id: "jp-tokyo", role: "domestic", primary: true, cloud: "aws", region: "ap-northeast-1", cidr: "10.10.0.0/16" },
      { id: "jp-osaka", role: "domestic", cloud: "aws", region: "ap-northeast-3", cidr: "10.20.0.0/16" },
    ];
    doc.links = [{ from: "jp-tokyo", to: "jp-osaka" }];
    expect(problemsOf(doc)).toContain(
      "links: registry 'brp' reaches no foreign site (copied only to 'jp-osaka'); add a link from 'jp-tokyo' to a foreign site (or set rules.requireForeignCopy: false for a domestic-first phase)",
    );
    doc.rules = { requireForeignCopy: false };
    expect(topologyOf(doc).warnings.filter((w) => w.startsWith("registry"))).toEqual([
      "registry 'brp' reaches no foreign site (copied only to 'jp-osaka'); add a link from 'jp-tokyo' to a foreign site (allowed because rules.requireForeignCopy is false)",
      "registry 'land' reaches no foreign site (copied only to 'jp-osaka'); add a link from 'jp-tokyo' to a foreign site (allowed because rules.requireForeignCopy is false)",
    ]);
  });

  test("fails when Azure readers or writers are not administrators, or no administrator is left for the keys", () => {
    const doc = awsDoc();
    const admin = "5b1e9c2a-7d3f-4a6b-8c9d-0e1f2a3b4c5d";
    const stranger = "99999999-7d3f-4a6b-8c9d-0e1f2a3b4c5d";
    doc.custody.azure = {
      tenantId: "8f6a2c1e-4b7d-4e2a-9c3f-1a2b3c4d5e6f",
      subscriptionId: "2d9e7f10-5a6b-4c8d-9e0f-112233445566",
      administrators: [admin],
      readers: [admin],
      writers: [stranger],
    };
    expect(problemsOf(doc)).toEqual([
      `custody.azure.writers[0]: '${stranger}' is not in custody.azure.administrators; only the owning state's administrators are ever granted anything`,
      "custody.azure: every administrator is a reader or writer; at least one must be neither, to administer the keys (separation of duties)",
    ]);
  });

  test("fails when a site's cloud has no custody", () => {
    const doc = awsDoc();
    delete doc.custody.aws;
    expect(problemsOf(doc)).toContain("custody.aws: site 'es-primary' is on aws, but custody.aws is missing: say who holds the keys there");
  });

  test("reports every problem at once", () => {
    const doc = awsDoc();
    doc.registries[1].retentionDays = 1;
    doc.sites[1].cidr = "10.10.0.0/16";
    doc.registries[0].rpoMinutes = 1;
    expect(problemsOf(doc)).toHaveLength(3);
  });
});

test("warns when no one is told: alarms exist without alerts.emails", () => {
  const doc = awsDoc();
  delete doc.alerts;
  expect(topologyOf(doc).warnings).toContain(
    "alerts.emails is not set: every site's alarms (freshness, replication, tampering) exist but notify nobody; name who is told when a promise is at risk",
  );
});

test("fails when a registry id would collide with a site's own buckets", () => {
  const doc = awsDoc();
  doc.registries[0].id = "logs";
  doc.registries[1].id = "trail";
  doc.links[0].registries = undefined;
  expect(problemsOf(doc)).toEqual([
    "registries[0].id: registry id 'logs' is reserved for the site's own access-log bucket; choose another id",
    "registries[1].id: registry id 'trail' is reserved for the site's own audit-trail bucket; choose another id",
  ]);
});
