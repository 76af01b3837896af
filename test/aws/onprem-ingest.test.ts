import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import type { Construct } from "constructs";
import { EncryptedStore, type IVpcEndpointRef } from "../../lib/aws/encrypted-store";
import { LogBucket } from "../../lib/aws/log-bucket";
import { OnPremIngest, type OnPremIngestProps } from "../../lib/aws/onprem-ingest";
import { applyEmbassyPack } from "../../lib/policy/embassy-pack";
import { parseTopology } from "../../lib/topology/load";
import type { AwsSite, OnPremSite, Topology } from "../../lib/topology/model";
import { AwsSiteStack } from "../../stacks/aws-site-stack";
import { type AwsPolicies, collectAwsPolicies, synthesizeApp } from "../access/aws-policies";
import { AwsAccess, externalCaller, OBJECT_KEY, type Outcome, roleCaller } from "../access/aws-requests";
import { CUSTODY, policyOf, resources, type Synth, synthScope } from "../fixtures";
import { certFolder, dutchDoc, estoniaDoc, LEAF_PEM, STATE_CA_PEM } from "../topology/onprem-fixtures";

/** Two stores of a site and, optionally, the ingest of a datacenter writing into both. */
function build(scope: Construct, props: Partial<OnPremIngestProps> = {}): OnPremIngest {
  const logBucket = new LogBucket(scope, "Logs", { custody: CUSTODY, bucketName: "site-logs" });
  const stores = ["brp", "brk"].map(
    (r) => new EncryptedStore(scope, `Store-${r}`, { custody: CUSTODY, registryId: r, bucketName: `site-${r}`, region: "eu-south-2", retentionDays: 365, logBucket }),
  );
  return new OnPremIngest(scope, "Ingest", {
    custody: CUSTODY,
    name: "nl-embassy-es-embassy-odc-noord-ingest",
    roleName: "nl-embassy-es-embassy-odc-noord-ingest",
    certificatePem: STATE_CA_PEM,
    stores,
    ...props,
  });
}

/** Every action the role's policies allow, and every action they deny. */
function roleActions(synth: Synth): { allowed: string[]; denied: string[] } {
  const statements = resources(synth, "aws_iam_role_policy").flatMap((p) => policyOf(p.policy).Statement);
  const of = (effect: string) => statements.filter((s) => s.Effect === effect).flatMap((s) => [s.Action].flat() as string[]);
  return { allowed: of("Allow"), denied: of("Deny") };
}

const bucketPolicy = (synth: Synth, registry: string) =>
  policyOf(resources(synth, "aws_s3_bucket_policy").find((p) => p.bucket.includes(`Store-${registry}_`)).policy).Statement;

describe("OnPremIngest", () => {
  const synth = synthScope((scope) => build(scope));

  test("a trust anchor holds the state's CA certificate as it was read from the topology", () => {
    expect(resources(synth, "aws_rolesanywhere_trust_anchor")).toEqual([
      {
        name: "nl-embassy-es-embassy-odc-noord-ingest",
        enabled: true,
        source: { source_type: "CERTIFICATE_BUNDLE", source_data: { x509_certificate_data: STATE_CA_PEM } },
      },
    ]);
  });

  test("a profile hands out the ingest role only, for one-hour sessions", () => {
    const [profile] = resources(synth, "aws_rolesanywhere_profile");
    expect(profile).toEqual({
      name: "nl-embassy-es-embassy-odc-noord-ingest",
      enabled: true,
      role_arns: [expect.stringMatching(/^\$\{aws_iam_role\.Ingest_Role_\w+\.arn\}$/)],
      duration_seconds: 3600,
    });
    expect(resources(synth, "aws_iam_role")[0].name).toBe("nl-embassy-es-embassy-odc-noord-ingest");
  });

  test("the role trusts IAM Roles Anywhere for certificates checked against this trust anchor, exactly as the user guide writes it", () => {
    const [role] = resources(synth, "aws_iam_role");
    expect(policyOf(role.assume_role_policy)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "RolesAnywhereWithThisTrustAnchor",
          Effect: "Allow",
          Principal: { Service: "rolesanywhere.amazonaws.com" },
          Action: ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
          Condition: { ArnEquals: { "aws:SourceArn": [expect.stringMatching(/^\$\{aws_rolesanywhere_trust_anchor\.Ingest_TrustAnchor_\w+\.arn\}$/)] } },
        },
      ],
    });
    expect(role.max_session_duration).toBe(3600);
  });

  test("the role may only write new versions into the carried stores, list their key names and use their keys through S3", () => {
    const statements = resources(synth, "aws_iam_role_policy").flatMap((p) => policyOf(p.policy).Statement);
    const allows = statements.filter((s) => s.Effect === "Allow");
    expect(allows).toEqual([
      {
        Sid: "WriteStores",
        Effect: "Allow",
        Action: ["s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
        Resource: [
          expect.stringMatching(/Store-brp_\w+\.arn\}$/),
          expect.stringMatching(/Store-brp_\w+\.arn\}\/\*$/),
          expect.stringMatching(/Store-brk_\w+\.arn\}$/),
          expect.stringMatching(/Store-brk_\w+\.arn\}\/\*$/),
        ],
      },
      {
        Sid: "WriteStoreKeys",
        Effect: "Allow",
        Action: ["kms:Encrypt", "kms:GenerateDataKey", "kms:Decrypt", "kms:DescribeKey"],
        Resource: [expect.stringMatching(/Store-brp_Key_\w+\.arn\}$/), expect.stringMatching(/Store-brk_Key_\w+\.arn\}$/)],
      },
      {
        // Key names and sizes of the carried buckets (ListObjectsV2), on the bucket ARNs only: no object ARN, no content.
        Sid: "ListStores",
        Effect: "Allow",
        Action: ["s3:ListBucket"],
        Resource: [expect.stringMatching(/Store-brp_\w+\.arn\}$/), expect.stringMatching(/Store-brk_\w+\.arn\}$/)],
      },
    ]);
    const { allowed, denied } = roleActions(synth);
    expect(allowed.filter((a) => /^s3:(Delete|PutObjectRetention|PutObjectLegalHold|BypassGovernanceRetention|Get)/.test(a))).toEqual([]);
    // And explicitly denied, so a broader grant added later still cannot destroy or read copies.
    expect(denied).toEqual(
      expect.arrayContaining([
        "s3:DeleteObject",
        "s3:DeleteObjectVersion",
        "s3:PutObjectRetention",
        "s3:PutObjectLegalHold",
        "s3:BypassGovernanceRetention",
        "s3:PutBucketPolicy",
        "s3:PutBucketObjectLockConfiguration",
        "s3:GetObject",
        "s3:GetObjectVersion",
      ]),
    );
  });

  test("each store's key lets the role encrypt only through S3 of the store's region", () => {
    for (const key of resources(synth, "aws_kms_key")) {
      const use = policyOf(key.policy).Statement.find((s) => s.Sid === "UseNlEmbassyEsEmbassyOdcNoordIngest");
      expect(use).toMatchObject({
        Effect: "Allow",
        Action: ["kms:Encrypt", "kms:GenerateDataKey", "kms:Decrypt", "kms:DescribeKey"],
        Condition: {
          ArnEquals: { "aws:PrincipalArn": "arn:aws:iam::111111111111:role/nl-embassy-es-embassy-odc-noord-ingest" },
          StringEquals: { "kms:ViaService": "s3.eu-south-2.amazonaws.com" },
        },
      });
    }
  });

  test("without an endpoint no store ties the role to one (it writes over S3's public endpoint, TLS only)", () => {
    for (const r of ["brp", "brk"]) {
      const statements = bucketPolicy(synth, r);
      expect(JSON.stringify(statements)).not.toContain("aws:SourceVpce");
      expect(statements.find((s) => s.Sid === "DenyInsecureTransport")).toMatchObject({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } });
    }
  });

  test("with an endpoint every store denies the role every request that does not come through it", () => {
    const endpoint: IVpcEndpointRef = { endpointId: "vpce-0123456789abcdef0" };
    const withEndpoint = synthScope((scope) => build(scope, { endpoint }));
    for (const r of ["brp", "brk"]) {
      const deny = bucketPolicy(withEndpoint, r).find((s) => s.Sid === "DenyNlEmbassyEsEmbassyOdcNoordIngestOutsideEndpoint");
      expect(deny).toEqual({
        Sid: "DenyNlEmbassyEsEmbassyOdcNoordIngestOutsideEndpoint",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [expect.stringMatching(new RegExp(`Store-${r}_\\w+\\.arn\\}$`)), expect.stringMatching(new RegExp(`Store-${r}_\\w+\\.arn\\}/\\*$`))],
        Condition: {
          ArnEquals: { "aws:PrincipalArn": "arn:aws:iam::111111111111:role/nl-embassy-es-embassy-odc-noord-ingest" },
          StringNotEquals: { "aws:SourceVpce": "vpce-0123456789abcdef0" },
        },
      });
    }
  });

  test("a shorter session can be asked for", () => {
    const short = synthScope((scope) => build(scope, { sessionDurationSeconds: 900 }));
    expect(resources(short, "aws_rolesanywhere_profile")[0].duration_seconds).toBe(900);
  });

  test("fails when the name, certificate, stores or session are unusable, naming each", () => {
    expect(() =>
      synthScope((scope) =>
        build(scope, { name: "odc/noord", certificatePem: STATE_CA_PEM + LEAF_PEM, sessionDurationSeconds: 7200 }),
      ),
    ).toThrow(
      [
        "name must be 1-255 characters of letters, digits, spaces, - and _ (IAM Roles Anywhere names), got 'odc/noord'",
        "certificatePem must hold exactly one PEM certificate (-----BEGIN CERTIFICATE-----), got 2 for ingest 'odc/noord'",
        "sessionDurationSeconds must be a whole number from 900 to 3600 (the role's maximum session), got 7200 for ingest 'odc/noord'",
      ].join("\n"),
    );
    expect(() => synthScope((scope) => build(scope, { certificatePem: `${STATE_CA_PEM}-----BEGIN PRIVATE KEY-----\nMIG\n-----END PRIVATE KEY-----\n` }))).toThrow(
      "certificatePem holds a private key; give the CA's certificate only for ingest 'nl-embassy-es-embassy-odc-noord-ingest'",
    );
    expect(() => synthScope((scope) => build(scope, { stores: [] }))).toThrow(
      "stores must list at least one store for ingest 'nl-embassy-es-embassy-odc-noord-ingest', got none",
    );
  });

  test("fails when a role would be tied to two endpoints on one store", () => {
    expect(() =>
      synthScope((scope) => {
        const ingest = build(scope, { endpoint: { endpointId: "vpce-aaaaaaaaaaaaaaaaa" } });
        const store = scope.node.findChild("Store-brp") as EncryptedStore;
        store.restrictToEndpoint(ingest.role, { endpointId: "vpce-bbbbbbbbbbbbbbbbb" });
      }),
    ).toThrow("role 'arn:aws:iam::111111111111:role/nl-embassy-es-embassy-odc-noord-ingest' is already restricted to another endpoint on store 'brp': a second one would deny it everywhere");
  });
});

/** A validated topology whose datacenters read their CA certificate from a fixture folder. */
function topologyFrom(doc: Record<string, any>): Topology {
  return parseTopology(doc, "test", { baseDir: certFolder() });
}

/**
 * The AWS stacks of a topology with every datacenter's ingest added, and the embassy pack checking
 * them (an error finding fails synth). Returns each stack's synthesized JSON by site id.
 */
function synthIngest(topology: Topology): Map<string, Synth> {
  const outdir = mkdtempSync(join(tmpdir(), "onprem-ingest-"));
  const app = new App({ outdir });
  const stacks = new Map<string, AwsSiteStack>();
  for (const site of topology.sites.filter((s): s is AwsSite => s.cloud === "aws")) {
    stacks.set(site.id, new AwsSiteStack(app, `${topology.name}-${site.id}`, { topology, site, backend: { kind: "local" } }));
  }
  for (const link of topology.links) {
    const stack = stacks.get(link.to.id);
    if (link.from.cloud === "onprem" && stack) stack.ingestFrom(link.from, link.registries.map((r) => r.id), link.everyMinutes ?? 0);
  }
  applyEmbassyPack(app, { topology });
  app.synth();
  return new Map([...stacks.keys()].map((id) => [id, JSON.parse(readFileSync(join(outdir, "stacks", `${topology.name}-${id}`, "cdk.tf.json"), "utf8"))]));
}

/** The Dutch topology without Azure: Groningen sends to the AWS site only, and has no VPN. */
function dutchWithoutVpnDoc(): Record<string, any> {
  const doc = dutchDoc();
  const groningen = doc.sites.find((s: any) => s.id === "odc-noord");
  delete groningen.vpn;
  delete groningen.identity.azure;
  doc.sites = doc.sites.filter((s: any) => s.id !== "nl-azure");
  doc.links = doc.links.filter((l: any) => l.to !== "nl-azure");
  delete doc.custody.azure;
  return doc;
}

const ownOutputs = (synth: Synth) => Object.fromEntries(Object.entries(synth.output ?? {}).filter(([id]) => id.startsWith("onprem-")));

describe("AwsSiteStack.ingestFrom", () => {
  test("a datacenter without a VPN gets the ingest identity and its outputs, and no VPN", () => {
    const synth = synthIngest(topologyFrom(dutchWithoutVpnDoc())).get("es-embassy")!;
    expect(resources(synth, "aws_rolesanywhere_trust_anchor")).toHaveLength(1);
    for (const type of ["aws_vpn_gateway", "aws_customer_gateway", "aws_vpn_connection", "aws_vpn_gateway_route_propagation"]) {
      expect(resources(synth, type)).toEqual([]);
    }
    expect(resources(synth, "aws_vpc_endpoint").filter((e) => e.vpc_endpoint_type === "Interface" && e.service_name.endsWith(".s3"))).toEqual([]);
    const outputs = ownOutputs(synth);
    expect(Object.keys(outputs).sort()).toEqual(["onprem-odc-noord-ingest-role-arn", "onprem-odc-noord-profile-arn", "onprem-odc-noord-trust-anchor-arn"]);
    // The push plan names the role at synth: a plain ARN, not a reference.
    expect(outputs["onprem-odc-noord-ingest-role-arn"].value).toBe("arn:aws:iam::111111111111:role/nl-embassy-es-embassy-odc-noord-ingest");
    expect(outputs["onprem-odc-noord-trust-anchor-arn"].value).toMatch(/^\$\{aws_rolesanywhere_trust_anchor\.OnPrem_odc-noord_Ingest_TrustAnchor_\w+\.arn\}$/);
    expect(outputs["onprem-odc-noord-profile-arn"].value).toMatch(/^\$\{aws_rolesanywhere_profile\.OnPrem_odc-noord_Ingest_Profile_\w+\.arn\}$/);
    expect(outputs["onprem-odc-noord-ingest-role-arn"].description).toMatch(/brp, brk|brk, brp/);
    expect(outputs["onprem-odc-noord-ingest-role-arn"].description).toMatch(/every 15 minutes/);
    expect(resources(synth, "aws_rolesanywhere_profile")[0].tags).toEqual({ "embassy:datacenter": "odc-noord", "embassy:every-minutes": "15" });
  });

  test("a datacenter with a VPN also gets a connection and an S3 endpoint, and its role is tied to that endpoint", () => {
    const synth = synthIngest(topologyFrom(estoniaDoc())).get("de-aws")!;
    const outputs = ownOutputs(synth);
    expect(Object.keys(outputs).sort()).toEqual([
      "onprem-ee-tallinn-ingest-role-arn",
      "onprem-ee-tallinn-profile-arn",
      "onprem-ee-tallinn-s3-endpoint-dns-name",
      "onprem-ee-tallinn-trust-anchor-arn",
      "onprem-ee-tallinn-vpn-connection-id",
    ]);
    expect(outputs["onprem-ee-tallinn-vpn-connection-id"].value).toMatch(/^\$\{aws_vpn_connection\.OnPrem_Vpn_ee-tallinn_Connection_\w+\.id\}$/);
    expect(outputs["onprem-ee-tallinn-s3-endpoint-dns-name"].value).toMatch(
      /^\$\{trimprefix\(aws_vpc_endpoint\.OnPrem_Vpn_ee-tallinn_S3Endpoint_\w+\.dns_entry\[0\]\.dns_name, "\*\."\)\}$/,
    );
    expect(resources(synth, "aws_customer_gateway")).toEqual([
      expect.objectContaining({ bgp_asn: "65010", ip_address: "203.0.113.10", type: "ipsec.1" }),
    ]);
    const [endpoint] = resources(synth, "aws_vpc_endpoint").filter((e) => e.vpc_endpoint_type === "Interface" && e.service_name === "com.amazonaws.eu-central-1.s3");
    for (const registry of ["population", "land"]) {
      const deny = bucketPolicy(synth, registry).find((s) => s.Sid === "DenyEeEmbassyDeAwsEeTallinnIngestOutsideEndpoint");
      expect(deny.Condition).toEqual({
        ArnEquals: { "aws:PrincipalArn": "arn:aws:iam::111111111111:role/ee-embassy-de-aws-ee-tallinn-ingest" },
        StringNotEquals: { "aws:SourceVpce": expect.stringMatching(/^\$\{aws_vpc_endpoint\.OnPrem_Vpn_ee-tallinn_S3Endpoint_\w+\.id\}$/) },
      });
      expect(deny.Condition.StringNotEquals["aws:SourceVpce"]).toBe(`\${aws_vpc_endpoint.${Object.keys(synth.resource.aws_vpc_endpoint).find((k) => synth.resource.aws_vpc_endpoint[k] === endpoint)}.id}`);
    }
  });

  test("the VPN gateway takes the next private ASN when a datacenter uses the default 64512", () => {
    const doc = estoniaDoc();
    doc.sites.find((s: any) => s.id === "ee-tallinn").vpn.bgpAsn = 64512;
    const synth = synthIngest(topologyFrom(doc)).get("de-aws")!;
    expect(resources(synth, "aws_vpn_gateway").map((g) => g.amazon_side_asn)).toEqual(["64513"]);
    expect(resources(synth, "aws_customer_gateway").map((g) => g.bgp_asn)).toEqual(["64512"]);
  });

  test("fails when the datacenter has no AWS identity, a registry has no store here, or it is called twice", () => {
    const topology = topologyFrom(dutchDoc());
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), "onprem-ingest-")) });
    const site = topology.sites.find((s): s is AwsSite => s.id === "es-embassy")!;
    const stack = new AwsSiteStack(app, "s", { topology, site, backend: { kind: "local" } });
    const dc = topology.sites.find((s): s is OnPremSite => s.id === "odc-noord")!;
    const anonymous: OnPremSite = { ...dc, identity: {} };
    expect(() => stack.ingestFrom(anonymous, ["brp", "kvk"], 0)).toThrow(
      [
        "datacenter 'odc-noord' -> 'es-embassy': the datacenter has no identity.aws (trustAnchorCertificate), which an AWS site needs to trust its copy job",
        "datacenter 'odc-noord' -> 'es-embassy': no store here for registry 'kvk' (have: brp, brk)",
        "datacenter 'odc-noord' -> 'es-embassy': everyMinutes must be a whole number of minutes, at least 1, got 0",
      ].join("\n"),
    );
    stack.ingestFrom(dc, ["brp"], 15);
    expect(() => stack.ingestFrom(dc, ["brk"], 15)).toThrow("datacenter 'odc-noord' -> 'es-embassy': ingestFrom was already called for this datacenter");
  });
});

describe("the ingest role, decided by an IAM evaluator over the synthesized stack", () => {
  const ACCOUNT = "111111111111";
  const evaluate = (doc: Record<string, any>) => {
    const topology = topologyFrom(doc);
    const app = synthesizeApp((a) => {
      for (const site of topology.sites.filter((s): s is AwsSite => s.cloud === "aws")) {
        const stack = new AwsSiteStack(a, `${topology.name}-${site.id}`, { topology, site, backend: { kind: "local" } });
        for (const link of topology.links.filter((l) => l.to.id === site.id && l.from.cloud === "onprem")) {
          stack.ingestFrom(link.from as OnPremSite, link.registries.map((r) => r.id), link.everyMinutes ?? 0);
        }
      }
    });
    const model = collectAwsPolicies(app, { accountId: ACCOUNT });
    return { model, access: new AwsAccess(model) };
  };
  const storeOf = (model: AwsPolicies, stack: string, registry: string) => model.buckets.find((b) => b.stack === stack && b.tags["embassy:registry"] === registry)!;
  const denied = (outcome: Outcome) => outcome.steps.find((s) => s.decision !== "Allowed");

  describe("with a VPN (Tallinn -> Frankfurt)", () => {
    const stack = "ee-embassy-de-aws";
    const { model, access } = evaluate(estoniaDoc());
    const ingest = roleCaller(model, "arn:aws:iam::111111111111:role/ee-embassy-de-aws-ee-tallinn-ingest");
    const endpoint = model.endpoints.find((e) => e.stack === stack && e.service === "s3" && e.type === "Interface")!;
    const gateway = model.endpoints.find((e) => e.stack === stack && e.service === "s3" && e.type === "Gateway")!;
    const population = storeOf(model, stack, "population");

    test("the trust policy the evaluator reads names the trust anchor", () => {
      expect(model.role(ingest.arn).trustPolicy.Statement).toEqual([
        expect.objectContaining({ Condition: { ArnEquals: { "aws:SourceArn": [expect.stringMatching(/^arn:aws:rolesanywhere:eu-central-1:111111111111:trust-anchor\//)] } } }),
      ]);
    });

    test("can PutObject with default headers, and with the store's key named, through its endpoint", async () => {
      for (const registry of ["population", "land"]) {
        const bucket = storeOf(model, stack, registry);
        const plain = await access.putObject(ingest, bucket.name, { endpoint });
        expect(plain.steps.map((s) => [s.call, s.decision])).toEqual([
          ["s3:PutObject", "Allowed"],
          ["kms:GenerateDataKey", "Allowed"],
        ]);
        expect((await access.putObject(ingest, bucket.name, { endpoint, sse: "aws:kms", sseKmsKeyId: bucket.defaultEncryption!.keyArn })).allowed).toBe(true);
      }
    });

    test("cannot write anywhere but through its endpoint: not over the public endpoint, not through the site's gateway endpoint", async () => {
      for (const options of [{}, { endpoint: gateway }]) {
        const outcome = await access.putObject(ingest, population.name, options);
        expect(outcome.allowed).toBe(false);
        expect(denied(outcome)).toMatchObject({ decision: "ExplicitlyDenied", denyingStatements: ["resource:DenyEeEmbassyDeAwsEeTallinnIngestOutsideEndpoint"] });
      }
    });

    test("cannot delete, change retention or legal holds, or read, even through its endpoint", async () => {
      const object = `${population.arn}/${OBJECT_KEY}`;
      for (const action of ["s3:DeleteObject", "s3:DeleteObjectVersion", "s3:PutObjectRetention", "s3:PutObjectLegalHold", "s3:BypassGovernanceRetention", "s3:GetObject", "s3:GetObjectVersion"]) {
        const step = await access.s3(ingest, action, object, { endpoint, ...(action.endsWith("Version") ? { versionId: "3HL4kqtJlcpXroDTDmJ" } : {}) });
        // Its own deny refuses each; deletes and lock changes are also refused to everyone by the store's bucket policy.
        const everyone = /^s3:(Delete|PutObjectRetention|PutObjectLegalHold|BypassGovernanceRetention)/.test(action);
        expect([action, step.decision, step.deniedBy]).toEqual([action, "ExplicitlyDenied", everyone ? ["identity", "resource"] : ["identity"]]);
      }
      expect((await access.getObject(ingest, population.name, { endpoint })).allowed).toBe(false);
    });

    test("another account's principal gets nothing through the endpoint", async () => {
      const outsider = externalCaller("arn:aws:iam::999999999999:role/intruder");
      const outcome = await access.putObject(outsider, population.name, { endpoint });
      expect(outcome.allowed).toBe(false);
      expect(denied(outcome)!.deniedBy).toEqual(expect.arrayContaining(["resource"]));
    });
  });

  describe("without a VPN (Groningen -> Spain)", () => {
    const stack = "nl-embassy-es-embassy";
    const { model, access } = evaluate(dutchWithoutVpnDoc());
    const ingest = roleCaller(model, "arn:aws:iam::111111111111:role/nl-embassy-es-embassy-odc-noord-ingest");
    const brp = storeOf(model, stack, "brp");

    test("can PutObject over S3's public endpoint with TLS, and not without it", async () => {
      expect((await access.putObject(ingest, brp.name)).allowed).toBe(true);
      const plainHttp = await access.putObject(ingest, brp.name, { secureTransport: false });
      expect(denied(plainHttp)).toMatchObject({ decision: "ExplicitlyDenied", denyingStatements: expect.arrayContaining(["resource:DenyInsecureTransport"]) });
    });

    test("still cannot delete or read", async () => {
      for (const action of ["s3:DeleteObject", "s3:PutObjectRetention", "s3:GetObject"]) {
        expect((await access.s3(ingest, action, `${brp.arn}/${OBJECT_KEY}`)).decision).toBe("ExplicitlyDenied");
      }
    });
  });
});
