import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parse } from "yaml";
import { loadTopologyFile } from "../../lib/topology/load";
import type { Topology } from "../../lib/topology/model";
import { run } from "../../stacks/main";
import type { PushPlan } from "../../stacks/push-plan";
import { PROJECT_ROOT, resources, type Synth } from "../fixtures";

// The two examples whose primary is a state datacenter (issue: on-premises sites), synthesized
// through the entry point as `npm run synth` does: what each cloud site gets from the
// datacenter that sends to it, and the push plan the datacenter's copy job follows.

const sink = () => {
  const s = { text: "", write: (chunk: string) => ((s.text += chunk), true) };
  return s;
};

interface Synthesized {
  readonly topology: Topology;
  readonly outdir: string;
  stack(site: string): Synth;
  plan(datacenter: string): PushPlan;
}

function synthesize(example: string): Synthesized {
  const file = join(PROJECT_ROOT, "stacks", example);
  const outdir = join(mkdtempSync(join(tmpdir(), "embassy-dc-")), "out");
  const err = sink();
  expect(run({ EMBASSY_TOPOLOGY: file, CDKTF_OUTDIR: outdir }, sink(), err)).toBe(0);
  const topology = loadTopologyFile(file);
  return {
    topology,
    outdir,
    stack: (site) => JSON.parse(readFileSync(join(outdir, "stacks", `${topology.name}-${site}`, "cdk.tf.json"), "utf8")),
    plan: (dc) => JSON.parse(readFileSync(join(outdir, "onprem", `${dc}.json`), "utf8")),
  };
}

describe.each([
  ["nl-embassy.yaml", "odc-noord", { aws: "es-embassy", azure: "nl-azure" }, "odc-haaglanden"],
  ["ee-embassy.yaml", "ee-tallinn", { aws: "de-embassy", azure: "fr-embassy" }, "ee-tartu"],
])("the example %s (a datacenter primary)", (example, datacenter, sites, twin) => {
  const s = synthesize(example);
  const registries = s.topology.registries.map((r) => r.id);

  test("one stack per cloud site, none for a datacenter, and one push plan for the sending datacenter", () => {
    expect(readdirSync(join(s.outdir, "stacks")).sort()).toEqual([`${s.topology.name}-${sites.aws}`, `${s.topology.name}-${sites.azure}`].sort());
    expect(readdirSync(join(s.outdir, "onprem"))).toEqual([`${datacenter}.json`]);
    const report = JSON.parse(readFileSync(join(s.outdir, "policy-report.json"), "utf8"));
    expect(report).toMatchObject({ passed: true, summary: { errors: 0 } });
  });

  test("the AWS site trusts the datacenter's CA, gives its ingest role writes only, and connects its VPN", () => {
    const aws = s.stack(sites.aws);
    const pem = readFileSync(join(PROJECT_ROOT, "stacks", parse(readFileSync(join(PROJECT_ROOT, "stacks", example), "utf8")).sites[0].identity.aws.trustAnchorCertificate), "utf8");
    const [anchor] = resources(aws, "aws_rolesanywhere_trust_anchor");
    expect(anchor.source[0] ?? anchor.source).toMatchObject({ source_type: "CERTIFICATE_BUNDLE" });
    expect(JSON.stringify(anchor.source)).toContain(JSON.stringify(pem.trim()).slice(1, 60));
    expect(resources(aws, "aws_rolesanywhere_profile")).toHaveLength(1);
    const role = resources(aws, "aws_iam_role").find((r) => r.name === `${s.topology.name}-${sites.aws}-${datacenter}-ingest`);
    expect(JSON.parse(role.assume_role_policy).Statement[0].Principal).toEqual({ Service: "rolesanywhere.amazonaws.com" });
    // One store per registry, each Object Lock COMPLIANCE with the registry's retention.
    // (The audit trail's bucket is locked too; stores are the buckets tagged with a registry.)
    const storeBuckets = new Set(Object.entries(aws.resource.aws_s3_bucket).filter(([, b]) => b.tags?.["embassy:registry"] !== undefined).map(([name]) => `\${aws_s3_bucket.${name}.bucket}`));
    const locks = resources(aws, "aws_s3_bucket_object_lock_configuration").filter((l) => storeBuckets.has(l.bucket)).map((l) => l.rule.default_retention.days).sort();
    expect(locks).toEqual(s.topology.registries.map((r) => r.retentionDays).sort());
    // VPN: customer gateway with the datacenter's ASN and address, a BGP connection, an S3 interface endpoint.
    const dc = s.topology.sites.find((x) => x.id === datacenter)!;
    if (dc.cloud !== "onprem" || !dc.vpn) throw new Error("the example's datacenter has a VPN");
    expect(resources(aws, "aws_customer_gateway")).toEqual([expect.objectContaining({ bgp_asn: String(dc.vpn.bgpAsn), ip_address: dc.vpn.publicIp, type: "ipsec.1" })]);
    expect(resources(aws, "aws_vpn_connection")).toEqual([expect.objectContaining({ static_routes_only: false })]);
    expect(resources(aws, "aws_vpc_endpoint").filter((e) => e.vpc_endpoint_type === "Interface" && String(e.service_name).endsWith(".s3"))).toHaveLength(1);
  });

  test("the Azure site gives the datacenter a federated identity that may only write, and a VPN", () => {
    const azure = s.stack(sites.azure);
    const dc = s.topology.sites.find((x) => x.id === datacenter)!;
    if (dc.cloud !== "onprem" || !dc.identity.azure || !dc.vpn) throw new Error("the example's datacenter sends to Azure over a VPN");
    expect(resources(azure, "azurerm_user_assigned_identity").filter((i) => String(i.name).includes(datacenter))).toHaveLength(1);
    expect(resources(azure, "azurerm_federated_identity_credential")).toEqual([
      expect.objectContaining({ issuer: dc.identity.azure.issuer, subject: dc.identity.azure.subject, audience: ["api://AzureADTokenExchange"] }),
    ]);
    const ingestRole = resources(azure, "azurerm_role_definition").find((r) => String(r.name).endsWith("-ingest"));
    expect(ingestRole.permissions[0].data_actions.sort()).toEqual([
      "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action",
      "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write",
    ]);
    expect(resources(azure, "azurerm_local_network_gateway")).toEqual([expect.objectContaining({ gateway_address: dc.vpn.publicIp, address_space: [dc.cidr] })]);
    expect(resources(azure, "azurerm_virtual_network_gateway")).toHaveLength(1);
    expect(resources(azure, "azurerm_storage_container_immutability_policy").map((p) => p.locked)).toEqual(registries.map(() => true));
  });

  test("the push plan names, for every cloud site and registry, where to send, the credentials and the schedule", () => {
    const plan = s.plan(datacenter);
    expect(plan).toMatchObject({ version: 1, topology: s.topology.name, datacenter });
    const links = s.topology.links.filter((l) => l.from.id === datacenter);
    expect(plan.targets.map((t) => [t.site, t.cloud, t.everyMinutes])).toEqual(
      links.filter((l) => l.to.cloud !== "onprem").map((l) => [l.to.id, l.to.cloud, l.everyMinutes]),
    );
    for (const target of plan.targets) {
      expect(target.registries.map((r) => r.id)).toEqual(registries);
      if (target.cloud === "aws") {
        expect(target.credentials.roleArn).toBe(`arn:aws:iam::111111111111:role/${s.topology.name}-${sites.aws}-${datacenter}-ingest`);
        target.registries.forEach((r) => expect(r.url).toBe(`s3://${r.bucket}/`));
        expect(target.network.kind).toBe("vpn");
        // Every deployed value names an output that the stack really has.
        const outputs = Object.keys(s.stack(target.site).output ?? {});
        expect(outputs).toEqual(expect.arrayContaining([target.credentials.profileArn.output, target.credentials.trustAnchorArn.output, ...target.registries.map((r) => r.keyArn.output)]));
        // The copy job signs this target's manifests with the target's own KMS key (by its output, after deploy).
        expect(target.signing).toEqual({
          kind: "aws-kms",
          keyArn: { stack: target.stack, output: "signing-key-arn" },
          keyAlias: `alias/${s.topology.name}-${target.site}-manifest-signing`,
          region: target.region,
          algorithm: "ECDSA_SHA_256",
          jose: "ES256",
        });
        const signingKey = s.stack(target.site).output?.["signing-key-arn"];
        expect(signingKey?.value).toMatch(/^\$\{aws_kms_key\.Signing_\w+\.arn\}$/);
        const [kmsKey] = Object.entries(s.stack(target.site).resource.aws_kms_key).filter(([id]) => signingKey.value.includes(`.${id}.`)).map(([, k]) => k);
        expect(kmsKey).toMatchObject({ key_usage: "SIGN_VERIFY", customer_master_key_spec: "ECC_NIST_P256" });
        const alias = resources(s.stack(target.site), "aws_kms_alias").find((a) => a.name === target.signing.keyAlias);
        expect(alias?.target_key_id).toMatch(/^\$\{aws_kms_key\.Signing_\w+\.key_id\}$/);
        // Its ingest role may sign with it, and list its carried stores' key names (no content).
        const role = resources(s.stack(target.site), "aws_iam_role_policy").find((p) => p.name === `${s.topology.name}-${sites.aws}-${datacenter}-ingest-policy`);
        const statements = JSON.parse(role.policy).Statement;
        expect(statements.find((st: { Sid: string }) => st.Sid === "SignManifests")).toEqual({ Sid: "SignManifests", Effect: "Allow", Action: ["kms:Sign", "kms:GetPublicKey", "kms:DescribeKey"], Resource: [signingKey.value] });
        expect(statements.find((st: { Sid: string }) => st.Sid === "ListStores")).toMatchObject({ Action: ["s3:ListBucket"] });
        expect(target.upload.operations).toMatch(/ListObjectsV2 \(key names and sizes\)/);
        expect(target.upload.egress).toContain(`kms.${target.region}.amazonaws.com (signing)`);
      } else {
        expect(target.credentials).toMatchObject({ kind: "federated-credential", audience: "api://AzureADTokenExchange" });
        target.registries.forEach((r) => expect(r.url).toBe(`https://${r.account}.blob.core.windows.net/${r.container}/`));
        const accounts = resources(s.stack(target.site), "azurerm_storage_account").map((a) => a.name);
        expect(accounts).toEqual(expect.arrayContaining(target.registries.map((r) => r.account)));
        expect(Object.keys(s.stack(target.site).output ?? {})).toEqual(expect.arrayContaining([target.credentials.clientId.output, ...target.registries.map((r) => r.endpointIp.output)]));
        // The VPN device must match the site's network and the connection's IPsec policy.
        expect(target.network).toMatchObject({ siteCidr: s.topology.sites.find((x) => x.id === target.site)!.cidr, ipsecPolicy: { ikeVersion: "IKEv2" } });
        // The copy job signs this target's manifests with the target's own Key Vault key, reached through the vault's private endpoint.
        const vault = resources(s.stack(target.site), "azurerm_key_vault")[0].name;
        expect(target.signing).toEqual({
          kind: "azure-key-vault",
          keyId: { stack: target.stack, output: "signing-key-id" },
          keyVault: vault,
          keyName: "manifest-signing",
          algorithm: "ES256",
          endpointIp: { stack: target.stack, output: "signing-key-vault-endpoint-ip" },
        });
        expect(Object.keys(s.stack(target.site).output ?? {})).toEqual(expect.arrayContaining([target.signing.keyId.output, target.signing.endpointIp.output]));
        const key = resources(s.stack(target.site), "azapi_resource").find((k) => k.name === "manifest-signing");
        expect(key).toMatchObject({ body: { properties: { kty: "EC-HSM", curveName: "P-256", keyOps: ["sign", "verify"] } } });
        // The ingest identity signs with that key, and only with it.
        const identity = Object.entries(s.stack(target.site).resource.azurerm_user_assigned_identity).find(([, i]) => String(i.name).includes(datacenter))![0];
        const signs = resources(s.stack(target.site), "azurerm_role_assignment").filter((a) => a.principal_id === `\${azurerm_user_assigned_identity.${identity}.principal_id}` && String(a.role_definition_id).includes("SignerRole"));
        expect(signs.map((a) => a.scope)).toEqual([expect.stringMatching(/^\$\{azapi_resource\.Signing_\w+\.id\}$/)]);
      }
    }
    expect(plan.notBuiltHere).toEqual([{ site: twin, everyMinutes: 15, registries, mechanism: expect.stringContaining("not built here") }]);
  });
});

test("an invalid datacenter topology is refused with every problem, and the previous output stays as it was", () => {
  const base = mkdtempSync(join(tmpdir(), "embassy-dc-"));
  const outdir = join(base, "out");
  expect(run({ CDKTF_OUTDIR: outdir }, sink(), sink())).toBe(0);
  const fingerprint = () =>
    readdirSync(outdir, { recursive: true, encoding: "utf8" })
      .map((f) => join(outdir, f))
      .filter((f) => statSync(f).isFile())
      .map((f) => `${f}:${createHash("sha256").update(readFileSync(f)).digest("hex")}:${statSync(f).mtimeMs}`)
      .sort();
  const before = fingerprint();

  const doc = parse(readFileSync(join(PROJECT_ROOT, "stacks", "nl-embassy.yaml"), "utf8"));
  doc.sites[2].location = { city: "Amsterdam", country: "NL", latitude: 52.37, longitude: 4.9 }; // a location on a cloud site
  doc.sites[1].location.latitude = 50.85; // Brussels: a domestic datacenter abroad
  doc.sites[1].location.longitude = 4.35;
  delete doc.links[1].everyMinutes; // a copy job without a schedule
  doc.links[2].everyMinutes = 120; // slower than brp's 15-minute RPO
  delete doc.sites[0].identity.aws; // sends to AWS without a trust anchor
  const bad = join(dirname(join(PROJECT_ROOT, "stacks", "nl-embassy.yaml")), `.bad-${process.pid}.json`);
  writeFileSync(bad, JSON.stringify(doc));
  const err = sink();
  try {
    expect(run({ CDKTF_OUTDIR: outdir, EMBASSY_TOPOLOGY: bad }, sink(), err)).toBe(1);
  } finally {
    require("node:fs").rmSync(bad, { force: true });
  }
  for (const expected of [
    /sites\[2\]\.location .*: .*nl-azure/,
    /sites\[1\]\.location .*: on-premises site 'odc-haaglanden': latitude 50.85, longitude 4.35 lies in BE, not in NL/,
    /links\[1\]\.everyMinutes .*: link 'odc-noord -> nl-azure' .* needs everyMinutes/,
    /links\[2\].*120.*brp.*15/,
    /sites\[0\]\.identity\.aws .*: on-premises site 'odc-noord' sends to aws site 'es-embassy' but has no identity\.aws/,
  ]) {
    expect(err.text).toMatch(expected);
  }
  expect(fingerprint()).toEqual(before);
});
