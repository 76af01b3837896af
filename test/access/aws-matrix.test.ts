/**
 * Who can do what on AWS, decided by an IAM policy evaluator over what synth really writes:
 * every cell of the matrix is a request evaluated across the caller's identity policies, the
 * bucket policy (and the site's S3 endpoint policy where the request goes through it) and the
 * key policy, for the KMS calls S3 makes on the caller's behalf. A request is allowed only when
 * S3 authorizes the S3 action and KMS authorizes every call S3 makes for it.
 *
 * Run for every AWS example topology under stacks/ and for generated topologies of each primary
 * kind the matrix knows: an AWS primary (its writer role writes, S3 replication copies to the
 * other AWS sites) and a datacenter primary (`cloud: onprem`: its copy job writes into each AWS
 * site it links to through an ingest role that IAM Roles Anywhere hands out for the datacenter's
 * CA, through the datacenter's S3 interface endpoint when it has a VPN).
 * Stores are found by the registry their bucket is tagged with (`embassy:registry`), roles by
 * their purpose (the access policy names them `<topology>-<site>-<purpose>`), by the
 * replication configurations that name them and, for a datacenter's ingest, by the stack outputs
 * its push plan reads (`onprem-<datacenter>-{ingest-role-arn, trust-anchor-arn, profile-arn,
 * s3-endpoint-dns-name}`); custody administrators come from the topology. Principals the synth
 * does not create (custody administrators, an administrator of the custody account whom custody
 * does not name, an intruder) are given AdministratorAccess: what they can still not do is what
 * the resource policies refuse. Log delivery and IAM Roles Anywhere are decided for the AWS
 * service principals themselves.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { buildEmbassy } from "../../stacks/embassy";
import { loadTopologyFile, parseTopology } from "../../lib/topology/load";
import type { Link, OnPremSite, Site, Topology } from "../../lib/topology/model";
import { PROJECT_ROOT, topologyOf } from "../fixtures";
import { certFolder } from "../topology/onprem-fixtures";
import { type AwsPolicies, type BucketModel, collectAwsPolicies, type EndpointModel, fakeKeyId, type KeyModel, synthesizeApp } from "./aws-policies";
import { ADMINISTRATOR_ACCESS, AwsAccess, type Caller, externalCaller, OBJECT_KEY, type Outcome, roleCaller, type S3RequestOptions, type Step } from "./aws-requests";

/** An account that is not the custody account. */
const OUTSIDER_ACCOUNT = "999999999999";

/** Deleting an object or a version: nobody may, in any bucket (stores and log buckets). */
const OBJECT_DELETES = ["s3:DeleteObject", "s3:DeleteObjectVersion"];
/** Changing a version's lock in a store (Object Lock buckets): nobody may. */
const LOCK_CHANGES = ["s3:PutObjectRetention", "s3:PutObjectLegalHold", "s3:BypassGovernanceRetention"];
/** Changing a bucket's policy or a configuration that carries a guarantee, or deleting it: custodians only. */
const CONFIGURATION_CHANGES = [
  "s3:PutBucketPolicy",
  "s3:DeleteBucketPolicy",
  "s3:PutBucketObjectLockConfiguration",
  "s3:PutReplicationConfiguration",
  "s3:PutBucketLogging",
  "s3:PutLifecycleConfiguration",
  "s3:PutEncryptionConfiguration",
  "s3:PutBucketVersioning",
  "s3:PutBucketPublicAccessBlock",
  "s3:PutBucketOwnershipControls",
  "s3:PutBucketNotification",
  "s3:DeleteBucket",
];

/** IAM Roles Anywhere's service principal: it assumes an ingest role for a certificate holder. */
const ROLES_ANYWHERE = "rolesanywhere.amazonaws.com";

/** A generated AWS topology: three domestic sites in the US and three foreign ones, one of which carries one registry only. */
function sixSiteDoc(): Record<string, unknown> {
  const account = "333333333333";
  const role = (name: string) => `arn:aws:iam::${account}:role/${name}`;
  const site = (id: string, role: "domestic" | "foreign", region: string, n: number, primary = false) => ({
    id,
    role,
    ...(primary ? { primary: true } : {}),
    cloud: "aws",
    region,
    cidr: `10.${n}.0.0/16`,
  });
  return {
    version: 1,
    name: "us-six",
    home: "US",
    custody: {
      aws: {
        accountId: account,
        // A custody user next to roles: both kinds of principal must be handled.
        administrators: [role("embassy-admin"), `arn:aws:iam::${account}:user/break-glass`, role("registry-restore"), role("registry-ingest")],
        readers: [role("registry-restore")],
        writers: [role("registry-ingest")],
      },
    },
    sites: [
      site("us-virginia", "domestic", "us-east-1", 1, true),
      site("us-ohio", "domestic", "us-east-2", 2),
      site("us-oregon", "domestic", "us-west-2", 3),
      site("ie-embassy", "foreign", "eu-west-1", 4),
      site("jp-embassy", "foreign", "ap-northeast-1", 5),
      site("ca-embassy", "foreign", "ca-central-1", 6),
    ],
    registries: [
      { id: "population", title: "Population register", rpoMinutes: 15, retentionDays: 3650 },
      { id: "land", title: "Land register", rpoMinutes: 60, retentionDays: 365 },
    ],
    links: [
      { from: "us-virginia", to: "us-ohio" },
      { from: "us-virginia", to: "us-oregon" },
      { from: "us-virginia", to: "ie-embassy" },
      { from: "us-virginia", to: "jp-embassy" },
      { from: "us-virginia", to: "ca-embassy", registries: ["population"] },
    ],
  };
}

/**
 * A generated topology with a datacenter primary (Berlin) sending to two AWS sites, a domestic one
 * (Frankfurt, two of the three registries) and a foreign one (Spain, all three), and replicating
 * to a second datacenter by the state's own storage (nothing built). With `vpn`, Berlin reaches
 * both AWS sites over site-to-site VPNs; without, its copy job writes over S3's public endpoints.
 * Its CA certificate is read from `certFolder()` like a topology file's `certs/` folder.
 */
function datacenterDoc(vpn: boolean): Record<string, unknown> {
  const account = "444444444444";
  const role = (name: string) => `arn:aws:iam::${account}:role/${name}`;
  return {
    version: 1,
    name: vpn ? "de-vpn" : "de-internet",
    home: "DE",
    custody: { aws: { accountId: account, administrators: [role("embassy-admin"), role("registry-restore")], readers: [role("registry-restore")] } },
    sites: [
      {
        id: "de-berlin",
        role: "domestic",
        primary: true,
        cloud: "onprem",
        location: { city: "Berlin", country: "DE", latitude: 52.52, longitude: 13.405 },
        cidr: "10.40.0.0/16",
        ...(vpn ? { vpn: { publicIp: "198.51.100.20", bgpAsn: 65020 } } : {}),
        identity: { aws: { trustAnchorCertificate: "certs/state-ca.pem" } },
      },
      { id: "de-bonn", role: "domestic", cloud: "onprem", location: { city: "Bonn", country: "DE", latitude: 50.737, longitude: 7.098 }, cidr: "10.41.0.0/16" },
      { id: "de-frankfurt", role: "domestic", cloud: "aws", region: "eu-central-1", cidr: "10.50.0.0/16" },
      { id: "es-embassy", role: "foreign", cloud: "aws", region: "eu-south-2", cidr: "10.60.0.0/16" },
    ],
    registries: [
      { id: "population", title: "Population register", rpoMinutes: 15, retentionDays: 3650 },
      { id: "land", title: "Land register", rpoMinutes: 60, retentionDays: 365 },
      { id: "business", title: "Business register", rpoMinutes: 60, retentionDays: 365 },
    ],
    links: [
      { from: "de-berlin", to: "de-bonn", everyMinutes: 5 },
      { from: "de-berlin", to: "de-frankfurt", everyMinutes: 15, registries: ["population", "land"] },
      { from: "de-berlin", to: "es-embassy", everyMinutes: 15 },
    ],
  };
}

/** Every topology file under stacks/ (the JSON schema next to them is not one). */
const EXAMPLES: Topology[] = readdirSync(join(PROJECT_ROOT, "stacks"))
  .filter((f) => /\.(ya?ml|json)$/.test(f) && f !== "topology.schema.json")
  .map((f) => loadTopologyFile(join(PROJECT_ROOT, "stacks", f)));
const AWS_EXAMPLES = EXAMPLES.filter((t) => t.sites.some((s) => s.cloud === "aws"));

/**
 * Where registries are written, as far as the matrix knows how they reach AWS stores: at an AWS
 * primary (its writer role, then S3 replication) or at a datacenter (its copy job, through an
 * ingest role per AWS site). An Azure primary cannot reach AWS sites (cross-cloud links are refused).
 */
const KNOWN_PRIMARY_KINDS: readonly Site["cloud"][] = ["aws", "onprem"];

/** Every topology the matrix runs, by name. */
const MATRIX: readonly (readonly [string, Topology])[] = [
  ...AWS_EXAMPLES.map((t) => [t.name, t] as const),
  ["a generated six-site topology", topologyOf(sixSiteDoc())],
  ["a generated datacenter primary sending to two AWS sites over VPNs", parseTopology(datacenterDoc(true), "test", { baseDir: certFolder() })],
  ["a generated datacenter primary sending to two AWS sites without a VPN", parseTopology(datacenterDoc(false), "test", { baseDir: certFolder() })],
];

test("the matrix covers every AWS example topology by a primary kind it knows (aws or onprem), and runs every kind it knows, a datacenter with and without a VPN", () => {
  expect(AWS_EXAMPLES.map((t) => t.name)).toEqual(expect.arrayContaining(["jp-embassy", "ee-embassy"]));
  // A primary of another kind writes through paths the matrix does not evaluate: extend the matrix before adding such an example.
  expect(AWS_EXAMPLES.filter((t) => !KNOWN_PRIMARY_KINDS.includes(t.primary.cloud)).map((t) => `${t.name} (primary on ${t.primary.cloud})`)).toEqual([]);
  expect(MATRIX.map(([name]) => name)).toEqual(expect.arrayContaining(AWS_EXAMPLES.map((t) => t.name)));
  expect([...new Set(MATRIX.map(([, t]) => t.primary.cloud))].sort()).toEqual([...KNOWN_PRIMARY_KINDS].sort());
  const datacenterPrimaries = MATRIX.map(([, t]) => t.primary).filter((p): p is OnPremSite => p.cloud === "onprem");
  expect([...new Set(datacenterPrimaries.map((p) => p.vpn !== undefined))].sort()).toEqual([false, true]);
});

/** What a cell expects: allowed, denied at any step, or refused outright by the resource's own policy. */
type Expectation = "allowed" | "denied" | "refused by the resource policy";

interface Cell {
  readonly what: string;
  readonly expected: Expectation;
  readonly outcome: Outcome;
}

const show = (s: Step) => `${s.call} on ${s.resource}: ${s.decision}${s.denyingStatements.length > 0 ? ` (${s.denyingStatements.join(", ")})` : ""}`;

/** A cell as AWS would decide it, or a description of how it differs from what is required. */
function mismatch(cell: Cell): string | undefined {
  const first = cell.outcome.steps[0];
  const met =
    cell.expected === "allowed"
      ? cell.outcome.allowed
      : cell.expected === "denied"
        ? !cell.outcome.allowed
        : first.decision === "ExplicitlyDenied" && first.deniedBy.includes("resource");
  return met ? undefined : `${cell.what}: expected ${cell.expected}, got ${cell.outcome.steps.map(show).join(" -> ")}`;
}

/** Asserts every cell; a failure lists each cell that differs from the required behaviour. */
function expectCells(cells: readonly Cell[], count: number): void {
  expect(cells).toHaveLength(count);
  expect(cells.map(mismatch).filter((m) => m !== undefined)).toEqual([]);
}

const single = (step: Step): Outcome => ({ allowed: step.decision === "Allowed", steps: [step] });

interface SiteView {
  readonly site: Site;
  readonly stack: string;
  /** The stores at the site, by registry id. */
  readonly stores: ReadonlyMap<string, BucketModel>;
  /** The site's role for a purpose (`read`, `write`, `operate`, `administer-keys`, `audit`). */
  role(purpose: string): Caller;
  /** Every role the site's stack creates. */
  readonly allRoles: readonly Caller[];
  /** The registries the topology puts at the site, and those its stack's buckets are tagged with. */
  readonly holds: readonly string[];
  readonly tagged: readonly string[];
}

/** What one datacenter's copy job uses at one AWS site it links to, found through the outputs its push plan reads. */
interface IngestView {
  readonly datacenter: OnPremSite;
  readonly link: Link;
  readonly site: SiteView;
  /** `ingest <datacenter> -> <site>`, for the cells. */
  readonly who: string;
  readonly role: Caller;
  readonly trustAnchorArn: string;
  readonly profileArn: string;
  /** The site's stores of the registries the link carries. */
  readonly carried: readonly BucketModel[];
  /** The S3 interface endpoint the copy job writes through: a datacenter with a VPN only. */
  readonly endpoint?: EndpointModel;
}

describe.each(MATRIX)(
  "who can do what on AWS: %s",
  (_name, topology) => {
    const primaryKind = topology.primary.cloud;
    let model: AwsPolicies;
    let access: AwsAccess;
    let sites: SiteView[];
    let custodians: Caller[];
    let dataPeople: Caller[];
    /** A principal of the custody account with AdministratorAccess that the custody does not name (an account-wide admin role). */
    let accountAdmin: Caller;
    /** Every datacenter's ingest at every AWS site it links to. */
    let ingests: IngestView[];

    beforeAll(() => {
      const custody = topology.custody.aws!;
      const stackOf = new Map<string, string>();
      const app = synthesizeApp((a) => {
        for (const [siteId, stack] of buildEmbassy(a, topology)) stackOf.set(siteId, stack.node.id);
      });
      model = collectAwsPolicies(app, { accountId: custody.accountId });
      access = new AwsAccess(model);
      // What each site must hold, from the topology: the primary every registry, each target what its links carry.
      const holds = new Map<string, Set<string>>(topology.sites.map((s) => [s.id, new Set(s.primary ? topology.registries.map((r) => r.id) : [])]));
      for (const link of topology.links) link.registries.forEach((r) => holds.get(link.to.id)!.add(r.id));
      sites = topology.sites
        .filter((s) => s.cloud === "aws")
        .map((site) => {
          const stack = stackOf.get(site.id)!;
          const tagged = model.buckets.filter((b) => b.stack === stack && b.tags["embassy:registry"] !== undefined);
          const stores = new Map(tagged.map((b) => [b.tags["embassy:registry"], b]));
          const allRoles = model.roles.filter((r) => r.stack === stack).map((r) => roleCaller(model, r.arn));
          const role = (purpose: string) => {
            const found = model.roles.filter((r) => r.stack === stack && r.name === `${stack}-${purpose}`);
            if (found.length !== 1) throw new Error(`expected one '${purpose}' role in ${stack}, found ${found.length} (roles: ${allRoles.map((r) => r.arn).join(", ")})`);
            return roleCaller(model, found[0].arn);
          };
          return { site, stack, stores, role, allRoles, holds: [...holds.get(site.id)!].sort(), tagged: tagged.map((b) => b.tags["embassy:registry"]).sort() };
        });
      const data = new Set([...(custody.readers ?? []), ...(custody.writers ?? [])]);
      custodians = custody.administrators.filter((a) => !data.has(a)).map((a) => externalCaller(a));
      dataPeople = custody.administrators.filter((a) => data.has(a)).map((a) => externalCaller(a));
      accountAdmin = externalCaller(`arn:aws:iam::${custody.accountId}:role/account-admin`);
      if (custody.administrators.includes(accountAdmin.arn)) throw new Error(`${accountAdmin.arn} must not be a custody administrator in this test`);
      ingests = topology.links.flatMap((link): IngestView[] => {
        if (link.from.cloud !== "onprem" || link.to.cloud !== "aws") return [];
        const datacenter = link.from;
        const site = sites.find((s) => s.site.id === link.to.id)!;
        const output = (suffix: string) => model.output(site.stack, `onprem-${datacenter.id}-${suffix}`);
        const carried = link.registries.map((r) => {
          const store = site.stores.get(r.id);
          if (!store) throw new Error(`no store of '${r.id}' at ${site.site.id} for the link from ${datacenter.id}`);
          return store;
        });
        return [
          {
            datacenter,
            link,
            site,
            who: `ingest ${datacenter.id} -> ${site.site.id}`,
            role: roleCaller(model, output("ingest-role-arn")),
            trustAnchorArn: output("trust-anchor-arn"),
            profileArn: output("profile-arn"),
            carried,
            ...(datacenter.vpn ? { endpoint: model.endpointOfOutput(site.stack, `onprem-${datacenter.id}-s3-endpoint-dns-name`) } : {}),
          },
        ];
      });
    }, 120_000);

    /** The ingest roles at a site. */
    const ingestRolesAt = (site: SiteView) => ingests.filter((i) => i.site === site).map((i) => i.role);

    const primary = () => sites.find((s) => s.site.primary)!;
    const storeCount = () => sites.reduce((n, s) => n + s.stores.size, 0);
    /** The stores' keys: the key each store's default encryption names. */
    const keyOf = (bucket: BucketModel) => bucket.defaultEncryption!.keyArn!;

    test("every AWS site has exactly one store per registry the topology puts there", () => {
      expect(sites.length).toBe(topology.sites.filter((s) => s.cloud === "aws").length);
      sites.forEach((s) => expect({ site: s.site.id, stores: s.tagged }).toEqual({ site: s.site.id, stores: s.holds }));
    });

    test("every store is encrypted by default with its own custody key, in its own region", () => {
      const keys = sites.flatMap((s) => [...s.stores.values()].map((b) => ({ bucket: b.name, algorithm: b.defaultEncryption?.algorithm, keyRegion: model.key(keyOf(b)).region, region: b.region })));
      expect(keys).toHaveLength(storeCount());
      keys.forEach((k) => expect(k).toEqual({ bucket: k.bucket, algorithm: "aws:kms", keyRegion: k.region, region: k.region }));
      expect(new Set(sites.flatMap((s) => [...s.stores.values()].map(keyOf))).size).toBe(storeCount());
    });

    if (primaryKind === "aws") {
      test("the writer at the primary can PutObject with only the SDK's default headers (bucket default encryption) and with SSE-KMS naming the store's key", async () => {
        const site = primary();
        const writer = site.role("write");
        const cells: Cell[] = [];
        for (const [registry, bucket] of site.stores) {
          const at = `writer@${site.site.id} PutObject '${registry}'`;
          cells.push({ what: `${at} with default headers`, expected: "allowed", outcome: await access.putObject(writer, bucket.name) });
          cells.push({
            what: `${at} with default headers through the site's S3 endpoint`,
            expected: "allowed",
            outcome: await access.putObject(writer, bucket.name, { endpoint: model.endpoint(site.stack, "s3") }),
          });
          cells.push({ what: `${at} with SSE-KMS and the store's key`, expected: "allowed", outcome: await access.putObject(writer, bucket.name, { sse: "aws:kms", sseKmsKeyId: keyOf(bucket) }) });
        }
        expectCells(cells, 3 * site.stores.size);
        // The default-header upload is encrypted under the store's own key, through S3 in the store's region.
        const upload = await access.putObject(writer, [...site.stores.values()][0].name);
        expect(upload.steps.map((s) => [s.call, s.resource])).toEqual([
          ["s3:PutObject", `${[...site.stores.values()][0].arn}/${OBJECT_KEY}`],
          ["kms:GenerateDataKey", keyOf([...site.stores.values()][0])],
        ]);
      });

      test("the bucket policy refuses the writer's uploads with another key, with aws:kms but no key id, with SSE-S3, and without TLS", async () => {
        const site = primary();
        const writer = site.role("write");
        const allKeys = model.keys.map((k) => k.arn);
        const cells: Cell[] = [];
        for (const [registry, bucket] of site.stores) {
          const at = `writer@${site.site.id} PutObject '${registry}'`;
          // Another store's key at the same site where there is one: a key the writer may use, so only the bucket policy stands in the way.
          const siblings = [...site.stores.values()].filter((b) => b !== bucket).map(keyOf);
          const other = siblings[0] ?? allKeys.find((k) => k !== keyOf(bucket))!;
          const refused = (what: string, outcome: Outcome): Cell => ({ what: `${at} ${what}`, expected: "refused by the resource policy", outcome });
          cells.push(refused("with SSE-KMS and another key's ARN", await access.putObject(writer, bucket.name, { sse: "aws:kms", sseKmsKeyId: other })));
          cells.push(refused("with aws:kms but no key id (S3 would use aws/s3)", await access.putObject(writer, bucket.name, { sse: "aws:kms" })));
          cells.push(refused("with SSE-S3 (AES256)", await access.putObject(writer, bucket.name, { sse: "AES256" })));
          cells.push(refused("without TLS, headers otherwise right", await access.putObject(writer, bucket.name, { sse: "aws:kms", sseKmsKeyId: keyOf(bucket), secureTransport: false })));
          cells.push(refused("without TLS, default headers", await access.putObject(writer, bucket.name, { secureTransport: false })));
        }
        expectCells(cells, 5 * site.stores.size);
      });
    }

    if (primaryKind === "onprem") {
      /** The path an ingest's copy job writes by: its S3 interface endpoint with a VPN, S3's public endpoint (over TLS) without. */
      const pathOf = (ingest: IngestView): S3RequestOptions => (ingest.endpoint ? { endpoint: ingest.endpoint } : {});
      const pathName = (ingest: IngestView) => (ingest.endpoint ? "through its S3 interface endpoint" : "over S3's public endpoint");

      test("each datacenter has one ingest per AWS site it links to: a role that its profile alone hands out, for certificates of the datacenter's CA, and an S3 interface endpoint exactly when it has a VPN", () => {
        const links = topology.links.filter((l) => l.from.cloud === "onprem" && l.to.cloud === "aws");
        expect(links.length).toBeGreaterThan(0);
        expect(ingests.map((i) => i.who)).toEqual(links.map((l) => `ingest ${l.from.id} -> ${l.to.id}`));
        for (const ingest of ingests) {
          const anchor = model.trustAnchor(ingest.trustAnchorArn);
          expect({ who: ingest.who, stack: anchor.stack, enabled: anchor.enabled, sourceType: anchor.sourceType, pem: anchor.certificatePem }).toEqual({
            who: ingest.who,
            stack: ingest.site.stack,
            enabled: true,
            sourceType: "CERTIFICATE_BUNDLE",
            pem: ingest.datacenter.identity.aws!.certificatePem,
          });
          const profile = model.profile(ingest.profileArn);
          expect({ who: ingest.who, stack: profile.stack, enabled: profile.enabled, roleArns: profile.roleArns }).toEqual({ who: ingest.who, stack: ingest.site.stack, enabled: true, roleArns: [ingest.role.arn] });
          expect(model.profiles.filter((p) => p.roleArns.includes(ingest.role.arn)).map((p) => p.arn)).toEqual([ingest.profileArn]);
          // The role's name, as the push plan's operators see it: `<topology>-<site>-<datacenter>-ingest`.
          expect(model.role(ingest.role.arn).name).toBe(`${ingest.site.stack}-${ingest.datacenter.id}-ingest`);
          if (ingest.endpoint) expect({ who: ingest.who, service: ingest.endpoint.service, type: ingest.endpoint.type, region: ingest.endpoint.region }).toEqual({ who: ingest.who, service: "s3", type: "Interface", region: ingest.carried[0].region });
        }
        for (const site of sites) {
          const withVpn = ingests.filter((i) => i.site === site && i.datacenter.vpn !== undefined);
          const interfaces = model.endpoints.filter((e) => e.stack === site.stack && e.service === "s3" && e.type === "Interface");
          expect({ site: site.site.id, interfaces: interfaces.map((e) => e.id).sort() }).toEqual({ site: site.site.id, interfaces: withVpn.map((i) => i.endpoint!.id).sort() });
        }
      });

      test("only IAM Roles Anywhere, for the datacenter's own trust anchor, can assume an ingest role: not for another trust anchor or none, not another service, not any custody principal, account administrator or outsider (with AdministratorAccess); and that trust anchor reaches no other role", async () => {
        const account = topology.custody.aws!.accountId;
        const cells: Cell[] = [];
        let expected = 0;
        const name = topology.custody.aws!.administrators[0].split("/").pop();
        const intruder = externalCaller(`arn:aws:iam::${OUTSIDER_ACCOUNT}:role/${name}`);
        for (const ingest of ingests) {
          const region = ingest.carried[0].region;
          const fromRolesAnywhere = async (action: string, sourceArn: string | undefined, service = ROLES_ANYWHERE, roleArn = ingest.role.arn) =>
            single(await access.decideAsService(service, action, roleArn, region, sourceArn === undefined ? {} : { "aws:SourceArn": sourceArn, "aws:SourceAccount": sourceArn.split(":")[4] }));
          for (const action of ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"]) {
            expected++;
            cells.push({ what: `${ROLES_ANYWHERE} ${action} on ${ingest.who} for its trust anchor`, expected: "allowed", outcome: await fromRolesAnywhere(action, ingest.trustAnchorArn) });
          }
          const otherAnchors = [
            ...model.trustAnchors.filter((t) => t.arn !== ingest.trustAnchorArn).map((t) => t.arn),
            `arn:aws:rolesanywhere:${region}:${account}:trust-anchor/00000000-0000-4000-8000-000000000000`,
            `arn:aws:rolesanywhere:${region}:${OUTSIDER_ACCOUNT}:trust-anchor/${ingest.trustAnchorArn.split("/").pop()}`,
          ];
          for (const anchor of otherAnchors) {
            expected++;
            cells.push({ what: `${ROLES_ANYWHERE} sts:AssumeRole on ${ingest.who} for trust anchor ${anchor}`, expected: "denied", outcome: await fromRolesAnywhere("sts:AssumeRole", anchor) });
          }
          expected += 2;
          cells.push({ what: `${ROLES_ANYWHERE} sts:AssumeRole on ${ingest.who} with no trust anchor`, expected: "denied", outcome: await fromRolesAnywhere("sts:AssumeRole", undefined) });
          cells.push({ what: `ec2.amazonaws.com sts:AssumeRole on ${ingest.who} naming its trust anchor`, expected: "denied", outcome: await fromRolesAnywhere("sts:AssumeRole", ingest.trustAnchorArn, "ec2.amazonaws.com") });
          for (const caller of [...custodians, ...dataPeople, accountAdmin, intruder]) {
            expected++;
            cells.push({ what: `${caller.arn} (AdministratorAccess) sts:AssumeRole on ${ingest.who}`, expected: "denied", outcome: single(await access.assumeRole(caller, ingest.role.arn, region)) });
          }
          for (const other of model.roles.filter((r) => r.arn !== ingest.role.arn)) {
            expected++;
            cells.push({ what: `${ROLES_ANYWHERE} sts:AssumeRole on ${other.arn} for ${ingest.who}'s trust anchor`, expected: "denied", outcome: await fromRolesAnywhere("sts:AssumeRole", ingest.trustAnchorArn, ROLES_ANYWHERE, other.arn) });
          }
        }
        expect(custodians.length).toBeGreaterThan(0);
        expectCells(cells, expected);
      });

      test("each ingest role writes every carried store with default headers and with the store's key, through its datacenter's S3 interface endpoint (with a VPN) or over S3's public endpoint with TLS (without); with a VPN the bucket policy refuses it over the public endpoint and through the site's gateway endpoint", async () => {
        const cells: Cell[] = [];
        let expected = 0;
        for (const ingest of ingests) {
          for (const bucket of ingest.carried) {
            const at = `${ingest.who} PutObject '${bucket.tags["embassy:registry"]}'`;
            expected += 2;
            cells.push({ what: `${at} with default headers ${pathName(ingest)}`, expected: "allowed", outcome: await access.putObject(ingest.role, bucket.name, pathOf(ingest)) });
            cells.push({ what: `${at} with SSE-KMS and the store's key ${pathName(ingest)}`, expected: "allowed", outcome: await access.putObject(ingest.role, bucket.name, { ...pathOf(ingest), sse: "aws:kms", sseKmsKeyId: keyOf(bucket) }) });
            if (ingest.endpoint) {
              const gateway = model.endpoint(ingest.site.stack, "s3", "Gateway");
              expected += 3;
              cells.push({ what: `${at} with default headers over S3's public endpoint`, expected: "refused by the resource policy", outcome: await access.putObject(ingest.role, bucket.name) });
              cells.push({ what: `${at} with the store's key over S3's public endpoint`, expected: "refused by the resource policy", outcome: await access.putObject(ingest.role, bucket.name, { sse: "aws:kms", sseKmsKeyId: keyOf(bucket) }) });
              cells.push({ what: `${at} with default headers through the site's gateway endpoint`, expected: "refused by the resource policy", outcome: await access.putObject(ingest.role, bucket.name, { endpoint: gateway }) });
            }
          }
          // The default-header upload is encrypted under the store's own key, through S3 in the store's region.
          const first = ingest.carried[0];
          const upload = await access.putObject(ingest.role, first.name, pathOf(ingest));
          expect(upload.steps.map((s) => [s.call, s.resource, s.decision])).toEqual([
            ["s3:PutObject", `${first.arn}/${OBJECT_KEY}`, "Allowed"],
            ["kms:GenerateDataKey", keyOf(first), "Allowed"],
          ]);
        }
        expect(ingests.length).toBeGreaterThan(0);
        expectCells(cells, expected);
      });

      test("the bucket policy refuses an ingest role's uploads with another key, with aws:kms but no key id, with SSE-S3, and without TLS", async () => {
        const cells: Cell[] = [];
        let expected = 0;
        for (const ingest of ingests) {
          const path = pathOf(ingest);
          for (const bucket of ingest.carried) {
            const at = `${ingest.who} PutObject '${bucket.tags["embassy:registry"]}' ${pathName(ingest)}`;
            // Another carried store's key where there is one: a key the role may use, so only the bucket policy stands in the way.
            const other = ingest.carried.filter((b) => b !== bucket).map(keyOf)[0] ?? model.keys.find((k) => k.arn !== keyOf(bucket))!.arn;
            const refused = (what: string, outcome: Outcome): Cell => ({ what: `${at} ${what}`, expected: "refused by the resource policy", outcome });
            expected += 5;
            cells.push(refused("with SSE-KMS and another key's ARN", await access.putObject(ingest.role, bucket.name, { ...path, sse: "aws:kms", sseKmsKeyId: other })));
            cells.push(refused("with aws:kms but no key id (S3 would use aws/s3)", await access.putObject(ingest.role, bucket.name, { ...path, sse: "aws:kms" })));
            cells.push(refused("with SSE-S3 (AES256)", await access.putObject(ingest.role, bucket.name, { ...path, sse: "AES256" })));
            cells.push(refused("without TLS, headers otherwise right", await access.putObject(ingest.role, bucket.name, { ...path, sse: "aws:kms", sseKmsKeyId: keyOf(bucket), secureTransport: false })));
            cells.push(refused("without TLS, default headers", await access.putObject(ingest.role, bucket.name, { ...path, secureTransport: false })));
          }
        }
        expectCells(cells, expected);
      });

      test("an ingest role cannot read, delete, change a version's lock or a bucket's policy, nor decrypt directly, through its own path: as synthesized, nor with AdministratorAccess attached", async () => {
        const cells: Cell[] = [];
        let expected = 0;
        for (const ingest of ingests) {
          const path = pathOf(ingest);
          const asAdmin: Caller = { arn: ingest.role.arn, policies: [...ingest.role.policies, ADMINISTRATOR_ACCESS] };
          for (const [how, caller] of [["", ingest.role], [" (AdministratorAccess attached)", asAdmin]] as const) {
            for (const bucket of ingest.carried) {
              const object = `${bucket.arn}/${OBJECT_KEY}`;
              const at = `${ingest.who}${how} '${bucket.tags["embassy:registry"]}' ${pathName(ingest)}`;
              const version = { versionId: "3HL4kqtJlcpXroDTDmJ" };
              expected += 10;
              cells.push({ what: `${at} GetObject`, expected: "denied", outcome: await access.getObject(caller, bucket.name, path) });
              cells.push({ what: `${at} GetObjectVersion`, expected: "denied", outcome: await access.getObject(caller, bucket.name, { ...path, version: true }) });
              for (const [action, options] of [
                ["s3:DeleteObject", {}],
                ["s3:DeleteObjectVersion", version],
                ["s3:PutObjectRetention", {}],
                ["s3:PutObjectLegalHold", {}],
                ["s3:BypassGovernanceRetention", {}],
              ] as const) {
                cells.push({ what: `${at} ${action}`, expected: "denied", outcome: single(await access.s3(caller, action, object, { ...path, ...options })) });
              }
              cells.push({ what: `${at} s3:PutBucketPolicy`, expected: "denied", outcome: single(await access.s3(caller, "s3:PutBucketPolicy", bucket.arn, path)) });
              cells.push({ what: `${at} kms:Decrypt called directly`, expected: "denied", outcome: single(await access.kmsDirect(caller, "kms:Decrypt", keyOf(bucket))) });
              cells.push({ what: `${at} kms:ScheduleKeyDeletion (30 days)`, expected: "denied", outcome: single(await access.kmsDirect(caller, "kms:ScheduleKeyDeletion", keyOf(bucket), { "kms:ScheduleKeyDeletionPendingWindowInDays": "30" })) });
            }
          }
        }
        expectCells(cells, expected);
      });

      test("an ingest role writes into no bucket it is not sent to: no store of a registry its link does not carry, no store or log bucket at its site or any other", async () => {
        const cells: Cell[] = [];
        for (const ingest of ingests) {
          for (const bucket of model.buckets.filter((b) => !ingest.carried.includes(b))) {
            const where = `'${bucket.name}'${bucket.stack === ingest.site.stack ? " at its site" : ` at ${bucket.stack}`}`;
            const headers = bucket.defaultEncryption?.keyArn ? { sse: "aws:kms", sseKmsKeyId: bucket.defaultEncryption.keyArn } : {};
            cells.push({ what: `${ingest.who} PutObject ${where} over S3's public endpoint`, expected: "denied", outcome: await access.putObject(ingest.role, bucket.name, headers) });
            if (ingest.endpoint && bucket.stack === ingest.site.stack) {
              cells.push({ what: `${ingest.who} PutObject ${where} through its S3 interface endpoint`, expected: "denied", outcome: await access.putObject(ingest.role, bucket.name, { ...headers, endpoint: ingest.endpoint }) });
            }
          }
        }
        const perIngest = (i: IngestView) => model.buckets.filter((b) => !i.carried.includes(b)).reduce((n, b) => n + (i.endpoint && b.stack === i.site.stack ? 2 : 1), 0);
        // At least the site's log bucket, which no ingest is sent to.
        ingests.forEach((i) => expect(perIngest(i)).toBeGreaterThan(0));
        expectCells(cells, ingests.reduce((n, i) => n + perIngest(i), 0));
      });
    }

    /**
     * How the copy job uploads a content-addressed object (`objects/sha256/<hex>`): its SHA-256 sent as
     * `x-amz-checksum-sha256` in a trailer (so the request signs STREAMING-UNSIGNED-PAYLOAD-TRAILER),
     * create-only with `If-None-Match: *`.
     */
    const CREATE_ONLY_WITH_SHA256: S3RequestOptions = { ifNoneMatch: "*", contentSha256: "STREAMING-UNSIGNED-PAYLOAD-TRAILER" };

    /** Who copies into which stores, from the topology: the writer at an AWS primary, else each datacenter's ingest role at the site. */
    const copyJobs = () =>
      primaryKind === "aws"
        ? [{ who: `writer@${primary().site.id}`, caller: primary().role("write"), buckets: [...primary().stores.values()], path: {} as S3RequestOptions }]
        : ingests.map((i) => ({ who: i.who, caller: i.role, buckets: [...i.carried], path: (i.endpoint ? { endpoint: i.endpoint } : {}) as S3RequestOptions }));

    test("each copy job (the writer at an AWS primary, a datacenter's ingest role) lists the key names of the stores it writes and uploads create-only with a SHA-256 checksum; it lists no version history and no other bucket", async () => {
      const cells: Cell[] = [];
      let expected = 0;
      for (const job of copyJobs()) {
        for (const bucket of job.buckets) {
          const at = `${job.who} '${bucket.tags["embassy:registry"]}'`;
          expected += 4;
          cells.push({ what: `${at} ListBucket (ListObjectsV2)`, expected: "allowed", outcome: single(await access.s3(job.caller, "s3:ListBucket", bucket.arn, job.path)) });
          cells.push({ what: `${at} ListBucketVersions`, expected: "denied", outcome: single(await access.s3(job.caller, "s3:ListBucketVersions", bucket.arn, job.path)) });
          cells.push({ what: `${at} PutObject with If-None-Match: * and a SHA-256 trailer`, expected: "allowed", outcome: await access.putObject(job.caller, bucket.name, { ...job.path, ...CREATE_ONLY_WITH_SHA256 }) });
          cells.push({
            what: `${at} PutObject with If-None-Match: *, a SHA-256 trailer and the store's key`,
            expected: "allowed",
            outcome: await access.putObject(job.caller, bucket.name, { ...job.path, ...CREATE_ONLY_WITH_SHA256, sse: "aws:kms", sseKmsKeyId: keyOf(bucket) }),
          });
        }
        for (const bucket of model.buckets.filter((b) => !job.buckets.includes(b))) {
          expected++;
          cells.push({ what: `${job.who} ListBucket '${bucket.name}' (not a store it writes)`, expected: "denied", outcome: single(await access.s3(job.caller, "s3:ListBucket", bucket.arn)) });
        }
      }
      expect(copyJobs().length).toBeGreaterThan(0);
      expectCells(cells, expected);
    });

    test("manifest signing: only the copy job signs, with the key of the site it writes to; everyone in custody and the readers, operators and auditors of the sites it serves verify; key administrators administer it and, like every other role and person, cannot sign", async () => {
      // Where keys are, from the topology: at an AWS primary, or at every AWS site a datacenter primary sends to.
      const keySites = primaryKind === "aws" ? [primary()] : sites.filter((s) => ingests.some((i) => i.site === s));
      const signing = { "kms:SigningAlgorithm": "ECDSA_SHA_256", "kms:MessageType": "DIGEST" };
      const cells: Cell[] = [];
      let expected = 0;
      for (const site of keySites) {
        const keyArn = model.output(site.stack, "signing-key-arn");
        expect({ keyArn, region: model.key(keyArn).region }).toEqual({ keyArn, region: site.stores.values().next().value!.region });
        const signers = primaryKind === "aws" ? [site.role("write")] : ingests.filter((i) => i.site === site).map((i) => i.role);
        const servedSites = primaryKind === "aws" ? sites.filter((s) => s.stores.size > 0) : [site];
        const at = `signing key of ${site.site.id}`;
        for (const signer of signers) {
          expected += 3;
          cells.push({ what: `${at}: ${signer.arn} kms:Sign`, expected: "allowed", outcome: single(await access.kmsDirect(signer, "kms:Sign", keyArn, signing)) });
          cells.push({ what: `${at}: ${signer.arn} kms:GetPublicKey`, expected: "allowed", outcome: single(await access.kmsDirect(signer, "kms:GetPublicKey", keyArn)) });
          cells.push({ what: `${at}: ${signer.arn} kms:PutKeyPolicy`, expected: "denied", outcome: single(await access.kmsDirect(signer, "kms:PutKeyPolicy", keyArn)) });
        }
        for (const role of model.roles.filter((r) => !signers.some((sg) => sg.arn === r.arn))) {
          expected++;
          cells.push({ what: `${at}: ${role.arn} kms:Sign`, expected: "denied", outcome: single(await access.kmsDirect(roleCaller(model, role.arn), "kms:Sign", keyArn, signing)) });
        }
        for (const person of [...custodians, ...dataPeople, accountAdmin]) {
          expected++;
          cells.push({ what: `${at}: ${person.arn} (AdministratorAccess) kms:Sign`, expected: "refused by the resource policy", outcome: single(await access.kmsDirect(person, "kms:Sign", keyArn, signing)) });
        }
        for (const served of servedSites) {
          for (const purpose of ["read", "operate", "audit"]) {
            expected += 2;
            cells.push({ what: `${at}: ${purpose}@${served.site.id} kms:Verify`, expected: "allowed", outcome: single(await access.kmsDirect(served.role(purpose), "kms:Verify", keyArn, signing)) });
            cells.push({ what: `${at}: ${purpose}@${served.site.id} kms:GetPublicKey`, expected: "allowed", outcome: single(await access.kmsDirect(served.role(purpose), "kms:GetPublicKey", keyArn)) });
          }
        }
        for (const person of [...custodians, ...dataPeople]) {
          expected++;
          cells.push({ what: `${at}: ${person.arn} (in custody) kms:Verify`, expected: "allowed", outcome: single(await access.kmsDirect(person, "kms:Verify", keyArn, signing)) });
        }
        const keyAdmin = site.role("administer-keys");
        expected += 3;
        cells.push({ what: `${at}: ${accountAdmin.arn} (AdministratorAccess, not in custody) kms:Verify`, expected: "denied", outcome: single(await access.kmsDirect(accountAdmin, "kms:Verify", keyArn, signing)) });
        cells.push({ what: `${at}: administer-keys@${site.site.id} kms:PutKeyPolicy`, expected: "allowed", outcome: single(await access.kmsDirect(keyAdmin, "kms:PutKeyPolicy", keyArn)) });
        cells.push({ what: `${at}: custodian with AdministratorAccess kms:ScheduleKeyDeletion 7 days`, expected: "refused by the resource policy", outcome: single(await access.kmsDirect(custodians[0], "kms:ScheduleKeyDeletion", keyArn, { "kms:ScheduleKeyDeletionPendingWindowInDays": "7" })) });
        // The alias verifiers find the key by stays on it: moving or deleting it needs the action on
        // the current key, which its policy refuses to everyone (custodians with AdministratorAccess too).
        for (const action of ["kms:UpdateAlias", "kms:DeleteAlias"]) {
          for (const who of [custodians[0], keyAdmin]) {
            expected++;
            cells.push({ what: `${at}: ${who.arn} ${action} on the key`, expected: "refused by the resource policy", outcome: single(await access.kmsDirect(who, action, keyArn)) });
          }
        }
      }
      expect(keySites.length).toBeGreaterThan(0);
      expectCells(cells, expected);
    });

    test("verifying is bound to the signing key itself: the readers, operators and auditors who verify with it cannot use another key of the account, a forger's key with the default key policy included, whatever its alias", async () => {
      // Where keys are, as in the signing test above; whoever verifies them, at every site with stores.
      const keySites = primaryKind === "aws" ? [primary()] : sites.filter((s) => ingests.some((i) => i.site === s));
      const servedBy = (site: SiteView) => (primaryKind === "aws" ? sites.filter((s) => s.stores.size > 0) : [site]);
      const signing = { "kms:SigningAlgorithm": "ECDSA_SHA_256", "kms:MessageType": "DIGEST" };
      const cells: Cell[] = [];
      let expected = 0;
      for (const site of keySites) {
        const keyArn = model.output(site.stack, "signing-key-arn");
        const key = model.key(keyArn);
        // The alias other sites' grants require is really the key's (aws_kms_alias of its own stack).
        const alias = `alias/${topology.name}-${site.site.id}-manifest-signing`;
        expect(key.aliases).toEqual([alias]);
        const [, partition, , region, account] = keyArn.split(":");
        const elsewhere = region === "eu-central-1" ? "eu-west-1" : "eu-central-1";
        // Keys a principal of the account could create (the default key policy lets IAM policies grant their use:
        // KMS Developer Guide, "Default key policy"); alias names are unique per account and region, so the real
        // alias name can only be copied in another region.
        const forged = (id: string, keyRegion: string, aliases: string[]): KeyModel => ({
          stack: "(created outside the synth)",
          address: `aws_kms_key.${id}`,
          arn: `arn:${partition}:kms:${keyRegion}:${account}:key/${fakeKeyId("forger", `${id}-${keyRegion}`)}`,
          keyId: fakeKeyId("forger", `${id}-${keyRegion}`),
          region: keyRegion,
          policy: { Version: "2012-10-17", Statement: [{ Sid: "Enable IAM User Permissions", Effect: "Allow", Principal: { AWS: `arn:${partition}:iam::${account}:root` }, Action: "kms:*", Resource: "*" }] },
          aliases,
        });
        const others = [
          { what: "a key without an alias in its region", key: forged("plain", region, []) },
          { what: "a key with another alias in its region", key: forged("aliased", region, ["alias/forged-manifest-signing"]) },
          { what: `a key in ${elsewhere} with the same alias name`, key: forged("copied", elsewhere, [alias]) },
        ];
        const withForged = new AwsAccess(model.withKeys(others.map((o) => o.key)));
        // And the other keys the synth creates in that region (where the grant's ARN pattern points): refused too.
        const synthesized = model.keys.filter((k) => k.arn !== keyArn && k.region === region);
        for (const served of servedBy(site)) {
          for (const purpose of ["read", "operate", "audit"]) {
            const who = `${purpose}@${served.site.id}`;
            expected++;
            cells.push({ what: `${who} kms:Verify with the signing key of ${site.site.id}`, expected: "allowed", outcome: single(await withForged.kmsDirect(served.role(purpose), "kms:Verify", keyArn, signing)) });
            for (const other of others) {
              // The auditors read every key's metadata in the region by design (AccessPolicy's AuditKeys): DescribeKey is no use of a key.
              for (const action of purpose === "audit" ? ["kms:Verify", "kms:GetPublicKey"] : ["kms:Verify", "kms:GetPublicKey", "kms:DescribeKey"]) {
                expected++;
                cells.push({
                  what: `${who} ${action} with ${other.what} (${other.key.arn})`,
                  expected: "denied",
                  outcome: single(await withForged.kmsDirect(served.role(purpose), action, other.key.arn, action === "kms:Verify" ? signing : {})),
                });
              }
            }
            for (const k of synthesized) {
              expected++;
              cells.push({ what: `${who} kms:Verify with ${k.address} (${k.stack})`, expected: "denied", outcome: single(await access.kmsDirect(served.role(purpose), "kms:Verify", k.arn, signing)) });
            }
          }
        }
      }
      expect(keySites.length).toBeGreaterThan(0);
      expectCells(cells, expected);
    });

    test("the reader at every site can GetObject and GetObjectVersion of each store there, decrypting through S3 in that region only", async () => {
      const cells: Cell[] = [];
      for (const site of sites) {
        const reader = site.role("read");
        for (const [registry, bucket] of site.stores) {
          const at = `reader@${site.site.id} '${registry}'`;
          cells.push({ what: `${at} GetObject`, expected: "allowed", outcome: await access.getObject(reader, bucket.name) });
          cells.push({ what: `${at} GetObjectVersion`, expected: "allowed", outcome: await access.getObject(reader, bucket.name, { version: true }) });
          cells.push({ what: `${at} GetObject through the site's S3 endpoint`, expected: "allowed", outcome: await access.getObject(reader, bucket.name, { endpoint: model.endpoint(site.stack, "s3") }) });
          cells.push({ what: `${at} kms:Decrypt via S3 in ${bucket.region}`, expected: "allowed", outcome: single(await access.kmsViaS3(reader, "kms:Decrypt", keyOf(bucket), bucket.region)) });
          const elsewhere = bucket.region === "eu-central-1" ? "eu-west-1" : "eu-central-1";
          cells.push({ what: `${at} kms:Decrypt via S3 in ${elsewhere}`, expected: "denied", outcome: single(await access.kmsViaS3(reader, "kms:Decrypt", keyOf(bucket), elsewhere)) });
          cells.push({ what: `${at} kms:Decrypt called directly`, expected: "denied", outcome: single(await access.kmsDirect(reader, "kms:Decrypt", keyOf(bucket))) });
        }
      }
      expectCells(cells, 6 * storeCount());
    });

    test("readers cannot PutObject anywhere, and a site's reader reads no other site's stores", async () => {
      const cells: Cell[] = [];
      for (const site of sites) {
        const reader = site.role("read");
        for (const other of sites) {
          for (const [registry, bucket] of other.stores) {
            const at = `reader@${site.site.id} '${registry}'@${other.site.id}`;
            cells.push({ what: `${at} PutObject with the store's key`, expected: "denied", outcome: await access.putObject(reader, bucket.name, { sse: "aws:kms", sseKmsKeyId: keyOf(bucket) }) });
            if (other !== site) cells.push({ what: `${at} GetObject`, expected: "denied", outcome: await access.getObject(reader, bucket.name) });
          }
        }
      }
      expectCells(cells, sites.length * storeCount() + (sites.length - 1) * storeCount());
    });

    test("away from the primary no role of the site but a datacenter's ingest role can write its stores", async () => {
      const cells: Cell[] = [];
      let expected = 0;
      for (const site of sites.filter((s) => !s.site.primary)) {
        const ingestArns = new Set(ingestRolesAt(site).map((r) => r.arn));
        const roles = site.allRoles.filter((r) => !ingestArns.has(r.arn));
        expect(roles.length).toBeGreaterThan(0);
        for (const role of roles) {
          for (const [registry, bucket] of site.stores) {
            expected++;
            cells.push({ what: `${role.arn} PutObject '${registry}'@${site.site.id}`, expected: "denied", outcome: await access.putObject(role, bucket.name, { sse: "aws:kms", sseKmsKeyId: keyOf(bucket) }) });
          }
        }
      }
      expectCells(cells, expected);
    });

    test("key administrators, operators, auditors and the custodians (even with AdministratorAccess) cannot GetObject nor kms:Decrypt", async () => {
      const cells: Cell[] = [];
      let expected = 0;
      for (const site of sites) {
        const callers = [...["administer-keys", "operate", "audit"].map((p) => ({ who: `${p}@${site.site.id}`, caller: site.role(p) })), ...custodians.map((c) => ({ who: c.arn, caller: c }))];
        for (const { who, caller } of callers) {
          for (const [registry, bucket] of site.stores) {
            const at = `${who} '${registry}'@${site.site.id}`;
            expected += 4;
            cells.push({ what: `${at} GetObject`, expected: "denied", outcome: await access.getObject(caller, bucket.name) });
            cells.push({ what: `${at} GetObjectVersion`, expected: "denied", outcome: await access.getObject(caller, bucket.name, { version: true }) });
            cells.push({ what: `${at} kms:Decrypt via S3`, expected: "denied", outcome: single(await access.kmsViaS3(caller, "kms:Decrypt", keyOf(bucket), bucket.region)) });
            cells.push({ what: `${at} kms:Decrypt directly`, expected: "denied", outcome: single(await access.kmsDirect(caller, "kms:Decrypt", keyOf(bucket))) });
          }
        }
      }
      expect(custodians.length).toBeGreaterThan(0);
      expectCells(cells, expected);
    });

    test("each replication role replicates its registry to every link target, re-encrypting with the target's key, and deletes nothing", async () => {
      const awsLinks = topology.links.filter((l) => l.from.cloud === "aws" && l.to.cloud === "aws");
      const siteView = (id: string) => sites.find((s) => s.site.id === id)!;
      const cells: Cell[] = [];
      let pairs = 0;
      for (const link of awsLinks) {
        for (const registry of link.registries) {
          pairs++;
          const source = siteView(link.from.id).stores.get(registry.id)!;
          const target = siteView(link.to.id).stores.get(registry.id)!;
          const configs = model.replications.filter((r) => r.sourceBucket === source.name);
          expect(configs).toHaveLength(1);
          const rule = configs[0].rules.find((r) => r.destinationBucketArn === target.arn);
          expect(rule).toEqual(expect.objectContaining({ status: "Enabled", deleteMarkerReplication: "Disabled", replicaKeyArn: keyOf(target) }));
          const role = roleCaller(model, configs[0].roleArn);
          const at = `replication of '${registry.id}' ${link.from.id} -> ${link.to.id}`;
          cells.push({ what: at, expected: "allowed", outcome: await access.replicate(role, source.name, target.arn, rule!.replicaKeyArn!) });
          for (const [action, bucket] of [
            ["s3:ReplicateDelete", target],
            ["s3:DeleteObject", target],
            ["s3:DeleteObjectVersion", target],
            ["s3:DeleteObject", source],
            ["s3:DeleteObjectVersion", source],
          ] as const) {
            cells.push({ what: `${at}: ${action} on ${bucket.name}`, expected: "denied", outcome: single(await access.s3(role, action, `${bucket.arn}/${OBJECT_KEY}`)) });
          }
        }
      }
      // Exactly the links' replication, nothing else: one rule per (link, registry). A datacenter
      // primary sends to every cloud site itself, so there is no replication at all then.
      expect(model.replications.reduce((n, r) => n + r.rules.length, 0)).toBe(pairs);
      if (primaryKind === "aws") expect(pairs).toBeGreaterThan(0);
      else expect(model.replications).toEqual([]);
      expectCells(cells, 6 * pairs);
    });

    test(`no principal outside the custody account can do anything: a role in ${OUTSIDER_ACCOUNT} with AdministratorAccess is refused by every bucket and key policy`, async () => {
      // Named like a custody administrator, in another account: a name is not an identity.
      const name = topology.custody.aws!.administrators[0].split("/").pop();
      const intruder = externalCaller(`arn:aws:iam::${OUTSIDER_ACCOUNT}:role/${name}`);
      const cells: Cell[] = [];
      const refused = (what: string, step: Step): Cell => ({ what: `intruder ${what}`, expected: "refused by the resource policy", outcome: single(step) });
      for (const bucket of model.buckets) {
        const object = `${bucket.arn}/${OBJECT_KEY}`;
        for (const action of ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion", "s3:PutObjectRetention", "s3:PutObjectLegalHold"]) {
          cells.push(refused(`${action} on ${object}`, await access.s3(intruder, action, object)));
        }
        for (const action of ["s3:ListBucket", "s3:ListBucketVersions", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy", "s3:PutBucketVersioning", "s3:PutReplicationConfiguration", "s3:PutEncryptionConfiguration"]) {
          cells.push(refused(`${action} on ${bucket.arn}`, await access.s3(intruder, action, bucket.arn)));
        }
      }
      for (const key of model.keys) {
        for (const action of ["kms:Decrypt", "kms:GenerateDataKey", "kms:Encrypt"]) {
          cells.push(refused(`${action} via S3 on ${key.arn}`, await access.kmsViaS3(intruder, action, key.arn, key.region)));
        }
        for (const action of ["kms:Decrypt", "kms:PutKeyPolicy", "kms:CreateGrant", "kms:DisableKey", "kms:DescribeKey", "kms:Sign"]) {
          cells.push(refused(`${action} on ${key.arn}`, await access.kmsDirect(intruder, action, key.arn)));
        }
        cells.push(refused(`kms:ScheduleKeyDeletion (30 days) on ${key.arn}`, await access.kmsDirect(intruder, "kms:ScheduleKeyDeletion", key.arn, { "kms:ScheduleKeyDeletionPendingWindowInDays": "30" })));
      }
      expectCells(cells, 14 * model.buckets.length + 10 * model.keys.length);
    });

    test("nobody can schedule a key's deletion with a 7-day window (the key policy refuses it); at 30 days the window is not what refuses it", async () => {
      // kms:ScheduleKeyDeletionPendingWindowInDays is 7 to 30, default 30 (KMS API reference,
      // ScheduleKeyDeletion). A window shorter than 30 days must be refused by the key policy itself,
      // whoever asks, even a custodian with AdministratorAccess. At 30 days (the window every key is
      // created with) a scheduled deletion stays cancellable for a month: the key policy may let its
      // key administrators (or a separate retiring purpose) start one, but no deny on the window may
      // apply; and no data role, operator, auditor, replication or ingest role, reader or writer may do it.
      const cells: Cell[] = [];
      let expected = 0;
      const schedule = async (caller: Caller, keyArn: string, days: number) =>
        single(await access.kmsDirect(caller, "kms:ScheduleKeyDeletion", keyArn, { "kms:ScheduleKeyDeletionPendingWindowInDays": String(days) }));
      const replicationRoles = model.replications.map((r) => roleCaller(model, r.roleArn));
      for (const site of sites) {
        const keyAdmins = [{ who: `administer-keys@${site.site.id}`, caller: site.role("administer-keys") }, ...custodians.map((c) => ({ who: `${c.arn} (AdministratorAccess)`, caller: c }))];
        const others = [
          ...["read", "operate", "audit", ...(site.site.primary ? ["write"] : [])].map((p) => ({ who: `${p}@${site.site.id}`, caller: site.role(p) })),
          ...ingestRolesAt(site).map((r) => ({ who: r.arn, caller: r })),
          ...replicationRoles.map((r) => ({ who: r.arn, caller: r })),
          ...dataPeople.map((c) => ({ who: `${c.arn} (AdministratorAccess)`, caller: c })),
        ];
        for (const keyArn of [...site.stores.values()].map(keyOf)) {
          for (const { who, caller } of [...keyAdmins, ...others]) {
            expected++;
            cells.push({ what: `${who} ScheduleKeyDeletion 7 days on ${keyArn}`, expected: "refused by the resource policy", outcome: await schedule(caller, keyArn, 7) });
          }
          for (const { who, caller } of keyAdmins) {
            const at30 = await schedule(caller, keyArn, 30);
            expected++;
            cells.push({
              what: `${who} ScheduleKeyDeletion 30 days on ${keyArn} is not explicitly denied`,
              expected: "allowed",
              outcome: { allowed: at30.steps[0].decision !== "ExplicitlyDenied", steps: at30.steps },
            });
          }
          for (const { who, caller } of others) {
            expected++;
            cells.push({ what: `${who} ScheduleKeyDeletion 30 days on ${keyArn}`, expected: "denied", outcome: await schedule(caller, keyArn, 30) });
          }
        }
      }
      expectCells(cells, expected);
    });

    /** Every bucket with who is asked about it: the site's own roles, the replication roles, and the people (each with AdministratorAccess). */
    const bucketsWithCallers = () => {
      const replicationRoles = model.replications.map((r) => ({ who: r.roleArn, caller: roleCaller(model, r.roleArn) }));
      const people = [
        ...custodians.map((c) => ({ who: `custodian ${c.arn} (AdministratorAccess)`, caller: c, custodian: true })),
        ...dataPeople.map((c) => ({ who: `reader/writer ${c.arn} (AdministratorAccess)`, caller: c, custodian: false })),
        { who: `account admin ${accountAdmin.arn} (AdministratorAccess)`, caller: accountAdmin, custodian: false },
      ];
      return sites.flatMap((site) =>
        model.buckets
          .filter((b) => b.stack === site.stack)
          .map((bucket) => ({
            bucket,
            isStore: bucket.tags["embassy:registry"] !== undefined,
            people,
            roles: [...site.allRoles.map((r) => ({ who: r.arn, caller: r })), ...replicationRoles],
          })),
      );
    };

    test("nobody deletes an object or version in any bucket, or changes a store version's lock: custodians, readers and writers and an in-account administrator (all with AdministratorAccess) and every role are refused by the bucket policy", async () => {
      const cells: Cell[] = [];
      for (const { bucket, isStore, people, roles } of bucketsWithCallers()) {
        const object = `${bucket.arn}/${OBJECT_KEY}`;
        for (const { who, caller } of [...people, ...roles]) {
          for (const action of [...OBJECT_DELETES, ...(isStore ? LOCK_CHANGES : [])]) {
            const options = action === "s3:DeleteObjectVersion" ? { versionId: "3HL4kqtJlcpXroDTDmJ" } : {};
            cells.push({ what: `${who} ${action} on ${object}`, expected: "refused by the resource policy", outcome: single(await access.s3(caller, action, object, options)) });
          }
        }
      }
      const buckets = bucketsWithCallers();
      expect(buckets.filter((b) => b.isStore)).toHaveLength(storeCount());
      expect(buckets.filter((b) => !b.isStore).length).toBeGreaterThanOrEqual(sites.length);
      expectCells(cells, buckets.reduce((n, b) => n + (b.people.length + b.roles.length) * (OBJECT_DELETES.length + (b.isStore ? LOCK_CHANGES.length : 0)), 0));
    });

    test("only the custodians change a bucket's policy or configuration: an in-account administrator, readers and writers (with AdministratorAccess) and every role are refused by the bucket policy, custodians are allowed", async () => {
      const cells: Cell[] = [];
      let expected = 0;
      for (const { bucket, people, roles } of bucketsWithCallers()) {
        for (const { who, caller, custodian } of [...people, ...roles.map((r) => ({ ...r, custodian: false }))]) {
          for (const action of CONFIGURATION_CHANGES) {
            // A custodian is not refused anything here; deleting a bucket is left out of its cells, as S3 refuses a non-empty bucket anyway.
            if (custodian && action === "s3:DeleteBucket") continue;
            expected++;
            cells.push({
              what: `${who} ${action} on ${bucket.arn}`,
              expected: custodian ? "allowed" : "refused by the resource policy",
              outcome: single(await access.s3(caller, action, bucket.arn)),
            });
          }
        }
      }
      expect(custodians.length).toBeGreaterThan(0);
      expectCells(cells, expected);
    });

    /** Each site's audit trail bucket: the one bucket tagged `embassy:purpose = audit-trail`. */
    const trailBucketOf = (site: SiteView) => {
      const found = model.buckets.filter((b) => b.stack === site.stack && b.tags["embassy:purpose"] === "audit-trail");
      if (found.length !== 1) throw new Error(`expected one audit-trail bucket in ${site.stack}, found ${found.length}`);
      return found[0];
    };
    /** The trail's key: the key CloudTrail may generate data keys with for this site's trail (by its aws:SourceArn condition). */
    const trailKeyOf = (site: SiteView) => {
      const trailArn = trailArnOf(site);
      const found = model.keys.filter((k) => JSON.stringify(k.policy).includes(JSON.stringify(trailArn)));
      if (found.length !== 1) throw new Error(`expected one key naming ${trailArn}, found ${found.length}`);
      return found[0];
    };
    /** The ARN of a site's trail, as its bucket policy names it to CloudTrail. */
    const trailArnOf = (site: SiteView) => {
      const statements = [trailBucketOf(site).policy!.Statement].flat() as Record<string, any>[];
      const write = statements.find((st) => st.Principal?.Service === "cloudtrail.amazonaws.com" && st.Action === "s3:PutObject");
      return write!.Condition.StringEquals["aws:SourceArn"] as string;
    };

    test("the audit role can read its site's audit trail (decrypting the log files through S3) and access logs, and still no registry store", async () => {
      const cells: Cell[] = [];
      let expected = 0;
      for (const site of sites) {
        const auditor = site.role("audit");
        const trail = trailBucketOf(site);
        const logs = model.buckets.filter((b) => b.stack === site.stack && b.tags["embassy:registry"] === undefined && b.tags["embassy:purpose"] === undefined);
        expect(logs).toHaveLength(1);
        const at = `audit@${site.site.id}`;
        expected += 6;
        cells.push({ what: `${at} GetObject on the audit trail bucket`, expected: "allowed", outcome: await access.getObject(auditor, trail.name) });
        cells.push({ what: `${at} GetObjectVersion on the audit trail bucket`, expected: "allowed", outcome: await access.getObject(auditor, trail.name, { version: true }) });
        cells.push({ what: `${at} ListBucketVersions on the audit trail bucket`, expected: "allowed", outcome: single(await access.s3(auditor, "s3:ListBucketVersions", trail.arn)) });
        // CloudTrail writes log files under the trail's key: reading one makes S3 call kms:Decrypt on it.
        cells.push({ what: `${at} kms:Decrypt of a log file via S3`, expected: "allowed", outcome: single(await access.kmsViaS3(auditor, "kms:Decrypt", trailKeyOf(site).arn, trail.region)) });
        cells.push({ what: `${at} kms:Decrypt of a log file called directly`, expected: "denied", outcome: single(await access.kmsDirect(auditor, "kms:Decrypt", trailKeyOf(site).arn)) });
        cells.push({ what: `${at} GetObject on the log bucket`, expected: "allowed", outcome: await access.getObject(auditor, logs[0].name) });
        for (const [registry, bucket] of site.stores) {
          expected += 2;
          cells.push({ what: `${at} GetObject on store '${registry}'`, expected: "denied", outcome: await access.getObject(auditor, bucket.name) });
          cells.push({ what: `${at} kms:Decrypt of store '${registry}' via S3`, expected: "denied", outcome: single(await access.kmsViaS3(auditor, "kms:Decrypt", keyOf(bucket), bucket.region)) });
        }
        for (const other of sites.filter((o) => o !== site)) {
          expected++;
          cells.push({ what: `${at} GetObject on ${other.site.id}'s audit trail bucket`, expected: "denied", outcome: await access.getObject(auditor, trailBucketOf(other).name) });
        }
      }
      expectCells(cells, expected);
    });

    test("CloudTrail delivers each site's trail into its own audit bucket and key only: not for another trail, another account, nor outside AWSLogs/<account>/; and no principal deletes a log file", async () => {
      const account = topology.custody.aws!.accountId;
      const cells: Cell[] = [];
      let expected = 0;
      const asCloudTrail = (bucket: BucketModel, action: string, resource: string, trailArn: string, extra: Record<string, string> = {}) =>
        access.decideAsService("cloudtrail.amazonaws.com", action, resource, bucket.region, { "aws:SourceArn": trailArn, "aws:SourceAccount": trailArn.split(":")[4], ...extra });
      for (const site of sites) {
        const bucket = trailBucketOf(site);
        const trailArn = trailArnOf(site);
        const key = trailKeyOf(site);
        const otherTrail = `arn:aws:cloudtrail:${bucket.region}:${account}:trail/someone-elses-trail`;
        const outsider = `arn:aws:cloudtrail:${bucket.region}:${OUTSIDER_ACCOUNT}:trail/${trailArn.split("/").pop()}`;
        const logFile = `${bucket.arn}/AWSLogs/${account}/CloudTrail/${bucket.region}/2026/01/01/log.json.gz`;
        const acl = { "s3:x-amz-acl": "bucket-owner-full-control" };
        const at = `audit bucket ${bucket.name}`;
        expected += 8;
        cells.push({ what: `${at}: CloudTrail reads the bucket ACL for its trail`, expected: "allowed", outcome: single(await asCloudTrail(bucket, "s3:GetBucketAcl", bucket.arn, trailArn)) });
        cells.push({ what: `${at}: CloudTrail puts a log file for its trail`, expected: "allowed", outcome: single(await asCloudTrail(bucket, "s3:PutObject", logFile, trailArn, acl)) });
        cells.push({ what: `${at}: CloudTrail puts a log file for another trail`, expected: "denied", outcome: single(await asCloudTrail(bucket, "s3:PutObject", logFile, otherTrail, acl)) });
        cells.push({ what: `${at}: CloudTrail puts a log file for a trail in account ${OUTSIDER_ACCOUNT}`, expected: "denied", outcome: single(await asCloudTrail(bucket, "s3:PutObject", logFile, outsider, acl)) });
        cells.push({ what: `${at}: CloudTrail puts outside AWSLogs/${account}/`, expected: "denied", outcome: single(await asCloudTrail(bucket, "s3:PutObject", `${bucket.arn}/elsewhere/x`, trailArn, acl)) });
        cells.push({ what: `${at}: CloudTrail deletes a log file`, expected: "refused by the resource policy", outcome: single(await asCloudTrail(bucket, "s3:DeleteObject", logFile, trailArn)) });
        cells.push({ what: `trail key of ${site.site.id}: CloudTrail generates a data key for its trail`, expected: "allowed", outcome: single(await access.decideAsService("cloudtrail.amazonaws.com", "kms:GenerateDataKey", key.arn, key.region, { "aws:SourceArn": trailArn, "aws:SourceAccount": account })) });
        cells.push({ what: `trail key of ${site.site.id}: CloudTrail generates a data key for another trail`, expected: "denied", outcome: single(await access.decideAsService("cloudtrail.amazonaws.com", "kms:GenerateDataKey", key.arn, key.region, { "aws:SourceArn": otherTrail, "aws:SourceAccount": account })) });
      }
      expectCells(cells, expected);
    });

    test("log delivery still works: S3 server access logging and VPC flow logs of the custody account write into every site's log bucket, the same services for another account do not", async () => {
      const account = topology.custody.aws!.accountId;
      const cells: Cell[] = [];
      const logBuckets = sites.flatMap((site) => model.buckets.filter((b) => b.stack === site.stack && b.tags["embassy:registry"] === undefined && b.tags["embassy:purpose"] === undefined));
      expect(logBuckets).toHaveLength(sites.length);
      // Decided for the service principal itself, against the log bucket's policy alone.
      const serviceRequest = (bucket: BucketModel, service: string, action: string, resource: string, context: Record<string, string>) =>
        access.decideAsService(service, action, resource, bucket.region, context);
      for (const log of logBuckets) {
        const store = model.buckets.find((b) => b.stack === log.stack && b.tags["embassy:registry"] !== undefined);
        if (!store) throw new Error(`no store next to ${log.name} to log`);
        const from = (sourceAccount: string, sourceArn: string) => ({ "aws:SourceAccount": sourceAccount, "aws:SourceArn": sourceArn, "aws:ResourceAccount": account });
        const flowArn = (acct: string) => `arn:aws:ec2:${log.region}:${acct}:vpc-flow-log/fl-0123456789abcdef0`;
        const accessLog = `${log.arn}/access/${store.tags["embassy:registry"]}/2026-01-01-00-00-00-0123456789ABCDEF`;
        const flowLog = (acct: string) => `${log.arn}/flow/AWSLogs/${acct}/vpcflowlogs/${log.region}/2026/01/01/flow.log.gz`;
        const acl = { "s3:x-amz-acl": "bucket-owner-full-control" };
        const at = `log bucket ${log.name}`;
        cells.push({
          what: `${at}: S3 server access logging of ${store.name} puts a log`,
          expected: "allowed",
          outcome: single(await serviceRequest(log, "logging.s3.amazonaws.com", "s3:PutObject", accessLog, from(account, store.arn))),
        });
        cells.push({
          what: `${at}: VPC flow logs put a log`,
          expected: "allowed",
          outcome: single(await serviceRequest(log, "delivery.logs.amazonaws.com", "s3:PutObject", flowLog(account), { ...from(account, flowArn(account)), ...acl })),
        });
        cells.push({
          what: `${at}: VPC flow logs read the bucket ACL`,
          expected: "allowed",
          outcome: single(await serviceRequest(log, "delivery.logs.amazonaws.com", "s3:GetBucketAcl", log.arn, from(account, flowArn(account)))),
        });
        cells.push({
          what: `${at}: VPC flow logs of account ${OUTSIDER_ACCOUNT} put a log`,
          expected: "denied",
          outcome: single(await serviceRequest(log, "delivery.logs.amazonaws.com", "s3:PutObject", flowLog(OUTSIDER_ACCOUNT), { ...from(OUTSIDER_ACCOUNT, flowArn(OUTSIDER_ACCOUNT)), ...acl })),
        });
        cells.push({
          what: `${at}: S3 server access logging of a bucket in account ${OUTSIDER_ACCOUNT} puts a log`,
          expected: "denied",
          outcome: single(await serviceRequest(log, "logging.s3.amazonaws.com", "s3:PutObject", accessLog, from(OUTSIDER_ACCOUNT, "arn:aws:s3:::someone-elses-bucket"))),
        });
      }
      expectCells(cells, 5 * logBuckets.length);
    });
  },
);
