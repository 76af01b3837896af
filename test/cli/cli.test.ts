/**
 * `data-embassy push | verify` against real storage servers on 127.0.0.1: moto (S3 + KMS) for
 * the AWS sites and Azurite for the Azure site, with the stores synth names for the example
 * topologies (nl-embassy: datacenter primary sending to Azure and AWS; jp-embassy: AWS primary).
 * The CLI runs as a child process, so parsing, output and exit codes are the real ones.
 */
import { createHash, generateKeyPairSync } from "node:crypto";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import { type Emulator, projectRoot, startAzurite, startMoto } from "../emulators/harness";
import { AZURITE_KEY, MOTO_ENV, azuriteConnectionString, blobService, createContainer, createSigningKey, createWormBucket, s3Client } from "../emulators/stores";
import { startProxy } from "../emulators/proxy";
import { cli, startCli, synthExample, synthTopology } from "./run-cli";

jest.setTimeout(60_000);
// The SDK warns that Node 20 support ends in 2027; the test output needs no reminder.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

const ROOT = projectRoot();
const NL = join(ROOT, "stacks", "nl-embassy.yaml");
const JP = join(ROOT, "stacks", "jp-embassy.yaml");
const NL_REGION = "eu-south-2";
const JP_REGION = "ap-northeast-1";
const bucketOf = (registry: string) => `nl-embassy-es-embassy-${registry}-111111111111`;
const accountOf = (registry: string) => `nlembassynlazure${registry}5881`;
const JP_BUCKET = "jp-embassy-jp-tokyo-koseki-111111111111";
// The signing keys synth names (aws_kms_alias of the primary's stack / the push plan's `signing`).
const JP_ALIAS = "alias/jp-embassy-jp-tokyo-manifest-signing";
const JP_ALIAS_ARN = `arn:aws:kms:${JP_REGION}:111111111111:${JP_ALIAS}`;
const NL_ES_ALIAS = "alias/nl-embassy-es-embassy-manifest-signing";
const NL_ES_ALIAS_ARN = `arn:aws:kms:${NL_REGION}:111111111111:${NL_ES_ALIAS}`;
const NL_AZURE_KEY = "https://nlembassynlazurekv5881.vault.azure.net/keys/manifest-signing";
const MiB = 1024 * 1024;

let moto: Emulator | undefined;
let azurite: Emulator | undefined;
let nlOut: string;
let jpOut: string;
let keyFile: string;
let otherKeyFile: string;
/** The jp primary's signing key, behind JP_ALIAS. */
let jpKeyArn: string;
/** Another key in the custody account, with no alias: named only inside the manifests it signs. */
let otherKmsKeyArn: string;
/** The nl es-embassy target's signing key, behind NL_ES_ALIAS. */
let nlEsKeyArn: string;
let work: string;

const sha256 = (data: Buffer | string) => createHash("sha256").update(data).digest("hex");

/** A folder of files with known contents. */
function snapshot(files: Record<string, Buffer | string>): string {
  const dir = mkdtempSync(join(work, "snap-"));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

/** Arguments and environment for a registry of the Dutch example, both targets on the emulators. */
function nl(registry: string) {
  return {
    args: ["--topology", NL, "--registry", registry, "--out", nlOut, "--endpoint", `es-embassy=${moto!.url}`, "--endpoint", `nl-azure=${azurite!.url}`],
    env: { ...MOTO_ENV, AWS_ENDPOINT_URL_KMS: moto!.url, AZURE_STORAGE_CONNECTION_STRING: azuriteConnectionString(azurite!.url, accountOf(registry)) },
  };
}

function jp() {
  return { args: ["--topology", JP, "--registry", "koseki", "--out", jpOut, "--endpoint", `jp-tokyo=${moto!.url}`], env: { ...MOTO_ENV, AWS_ENDPOINT_URL_KMS: moto!.url } };
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "cli-test-"));
  const accounts = Object.fromEntries(["brp", "brk", "hr"].map((r) => [accountOf(r), AZURITE_KEY]));
  [moto, azurite, nlOut, jpOut] = await Promise.all([startMoto({ accountId: "111111111111" }), startAzurite({ accounts }), synthExample(ROOT, "nl-embassy.yaml"), synthExample(ROOT, "jp-embassy.yaml")]);
  await Promise.all([
    ...["brp", "brk", "hr"].map((r) => createWormBucket(moto!.url, NL_REGION, bucketOf(r))),
    ...["brp", "brk", "hr"].map((r) => createContainer(azurite!.url, accountOf(r), "registry")),
    createWormBucket(moto!.url, JP_REGION, JP_BUCKET),
  ]);
  [jpKeyArn, otherKmsKeyArn, nlEsKeyArn] = await Promise.all([
    createSigningKey(moto!.url, JP_REGION, JP_ALIAS),
    createSigningKey(moto!.url, JP_REGION),
    createSigningKey(moto!.url, NL_REGION, NL_ES_ALIAS),
  ]);
  for (const [name, set] of [["key.pem", (f: string) => (keyFile = f)], ["other.pem", (f: string) => (otherKeyFile = f)]] as const) {
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const file = join(work, name);
    writeFileSync(file, privateKey.export({ type: "pkcs8", format: "pem" }));
    set(file);
  }
}, 300_000);

afterAll(async () => {
  await Promise.all([moto?.stop(), azurite?.stop()]);
});

describe("help", () => {
  const flags = (text: string) => [...text.matchAll(/^ {2}(?:-\w, )?(--[a-z-]+)/gm)].map((m) => m[1]).sort();

  test("--help lists both commands and exits 0", async () => {
    const r = await cli(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n")[0]).toBe("Usage: data-embassy [options] [command]");
    expect([...r.stdout.matchAll(/^ {2}(\w+) \[options\]/gm)].map((m) => m[1])).toEqual(["push", "verify"]);
  });

  test("push --help lists every push option", async () => {
    const r = await cli(["push", "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n")[0]).toBe("Usage: data-embassy push [options]");
    expect(flags(r.stdout)).toEqual(["--dry-run", "--endpoint", "--from", "--help", "--json", "--out", "--part-size", "--registry", "--signing-key", "--site", "--topology"]);
  });

  test("verify --help lists every verify option", async () => {
    const r = await cli(["verify", "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n")[0]).toBe("Usage: data-embassy verify [options]");
    expect(flags(r.stdout)).toEqual(["--deep", "--endpoint", "--help", "--json", "--manifest", "--out", "--public-key", "--registry", "--site", "--topology"]);
  });
});

describe("usage errors exit 2 with the reason", () => {
  // Every case runs at once (each is a separate CLI process); the table shows which one differs.
  test("each usage error names what is wrong", async () => {
    const nlPush = ["push", "--topology", NL, "--out", nlOut, "--from", work, "--dry-run"];
    const missing = join(work, "no-such-out");
    const envMissing = join(work, "env-out");
    const empty = mkdtempSync(join(work, "empty-out-"));
    const hr = nl("hr");
    const cases: [string, string[], NodeJS.ProcessEnv, string][] = [
      ["a required option is missing", ["push", "--registry", "brp", "--from", work], {}, "error: required option '--topology <file>' not specified\n(add --help for usage)\n"],
      ["an unknown registry", [...nlPush, "--registry", "nope"], {}, "error: registry 'nope' is not in topology 'nl-embassy' (registries: brp, brk, hr)\n"],
      ["a malformed --endpoint", [...nlPush, "--registry", "brp", "--endpoint", "es-embassy"], {}, "error: --endpoint must be SITE=URL with an http(s) URL, got 'es-embassy'\n"],
      [
        "an --endpoint for an unknown site",
        [...nlPush, "--registry", "brp", "--endpoint", "es-embasy=http://127.0.0.1:1"],
        {},
        "error: --endpoint names site 'es-embasy', which is not in topology 'nl-embassy' (sites: odc-noord, odc-haaglanden, nl-azure, es-embassy)\n",
      ],
      ["a --site that is no target", [...nlPush, "--registry", "brp", "--site", "odc-haaglanden"], {}, "error: --site 'odc-haaglanden' is not a push target of registry 'brp' (targets: nl-azure, es-embassy)\n"],
      [
        "a signing key of none of the three kinds",
        [...nlPush, "--registry", "brp", "--signing-key", "alias/embassy"],
        {},
        "error: --signing-key must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), a Key Vault key id (https://VAULT.vault.azure.net/keys/NAME[/VERSION]) or file:PATH, got 'alias/embassy'\n",
      ],
      [
        "no synth output",
        ["push", "--topology", NL, "--registry", "brp", "--from", work, "--out", missing, "--dry-run"],
        {},
        `error: no synth output at '${missing}': run \`npm run synth\` first (or give --out DIR)\n`,
      ],
      [
        "no synth output at CDKTF_OUTDIR (the default of --out)",
        ["push", "--topology", NL, "--registry", "brp", "--from", work, "--dry-run"],
        { CDKTF_OUTDIR: envMissing },
        `error: no synth output at '${envMissing}': run \`npm run synth\` first (or give --out DIR)\n`,
      ],
      [
        "a synth output without the push plan",
        ["push", "--topology", NL, "--registry", "brp", "--from", work, "--out", empty, "--dry-run"],
        {},
        `error: '${join(empty, "onprem", "odc-noord.json")}' is missing (the push plan of datacenter 'odc-noord'): run \`npm run synth\` with this topology first (or give --out DIR)\n`,
      ],
      [
        "a --site of a cloud primary's topology that replication serves",
        ["push", "--topology", JP, "--registry", "koseki", "--out", jpOut, "--from", work, "--site", "jp-osaka", "--dry-run"],
        {},
        "error: --site 'jp-osaka' is not a push target of registry 'koseki' (targets: jp-tokyo) (the primary is a cloud site: its replication carries copies on)\n",
      ],
      [
        "a --part-size below S3's smallest part",
        [...nlPush, "--registry", "brp", "--part-size", "4"],
        {},
        "error: option '--part-size <MiB>' argument '4' is invalid. must be a whole number of MiB from 5 to 4000, got '4'\n(add --help for usage)\n",
      ],
      ["a --from that does not exist", ["push", "--topology", NL, "--out", nlOut, "--registry", "brp", "--from", missing], {}, `error: --from '${missing}' does not exist\n`],
      [
        "a --manifest that is no time",
        ["verify", ...hr.args, "--site", "es-embassy", "--manifest", "yesterday"],
        hr.env,
        "error: --manifest must be 'latest' or a snapshot time such as 2026-01-31T12:00:00.000Z, got 'yesterday'\n",
      ],
      [
        "verify at a datacenter",
        ["verify", ...hr.args, "--site", "odc-haaglanden"],
        hr.env,
        "error: site 'odc-haaglanden' is a datacenter: verify checks cloud sites (the datacenter's own storage is not built here)\n",
      ],
      [
        "verify of a registry the site does not hold",
        ["verify", "--topology", JP, "--registry", "nope", "--out", jpOut, "--site", "jp-osaka"],
        {},
        "error: registry 'nope' is not in topology 'jp-embassy' (registries: koseki, land, corporate)\n",
      ],
    ];
    const results = await Promise.all(cases.map(([, args, env]) => cli(args, env)));
    expect(results.map((r, i) => [cases[i][0], r.code, r.stderr])).toEqual(cases.map(([name, , , stderr]) => [name, 2, stderr]));
  });

  test("no command prints the usage to stderr, exit 2", async () => {
    const r = await cli([]);
    expect([r.code, r.stderr.split("\n")[0]]).toEqual([2, "Usage: data-embassy [options] [command]"]);
  });

  test("an unreachable store is an access error (exit 2) naming the site", async () => {
    const dir = snapshot({ "a.txt": "a" });
    const r = await cli(["push", "--topology", NL, "--registry", "brp", "--out", nlOut, "--from", dir, "--site", "es-embassy", "--endpoint", "es-embassy=http://127.0.0.1:9", "--signing-key", `file:${keyFile}`], MOTO_ENV);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: cannot reach the store at es-embassy \(s3:\/\/nl-embassy-es-embassy-brp-111111111111\/\): .*ECONNREFUSED/);
  });
});

describe("--dry-run", () => {
  test("prints one line per target of a datacenter primary, each target's own signing key on stderr, and sends nothing", async () => {
    const { args, env } = nl("hr");
    const dir = snapshot({ "x.txt": "x" });
    const r = await cli(["push", ...args, "--from", dir, "--dry-run"], env);
    expect([r.code, r.stdout, r.stderr]).toEqual([
      0,
      "nl-azure https://nlembassynlazurehr5881.blob.core.windows.net/registry/\nes-embassy s3://nl-embassy-es-embassy-hr-111111111111/\n",
      `nl-azure manifest signed with ${NL_AZURE_KEY}\nes-embassy manifest signed with ${NL_ES_ALIAS_ARN}\n`,
    ]);
    const listed = await s3Client(moto!.url, NL_REGION).send(new ListObjectsV2Command({ Bucket: bucketOf("hr") }));
    expect(listed.KeyCount).toBe(0);
  });

  test("--json names the key each target's manifest is signed with; --signing-key replaces it for every target", async () => {
    const { args, env } = nl("hr");
    const [own, given] = await Promise.all([
      cli(["push", ...args, "--from", work, "--dry-run", "--json"], env),
      cli(["push", ...args, "--from", work, "--dry-run", "--json", "--signing-key", `file:${keyFile}`], env),
    ]);
    expect([own.code, JSON.parse(own.stdout)]).toEqual([
      0,
      {
        registry: "hr",
        targets: [
          { site: "nl-azure", url: "https://nlembassynlazurehr5881.blob.core.windows.net/registry/", signingKey: NL_AZURE_KEY },
          { site: "es-embassy", url: "s3://nl-embassy-es-embassy-hr-111111111111/", signingKey: NL_ES_ALIAS_ARN },
        ],
      },
    ]);
    expect([given.code, JSON.parse(given.stdout).targets.map((t: { signingKey: string }) => t.signingKey)]).toEqual([0, [`file:${keyFile}`, `file:${keyFile}`]]);
  });

  test("--site narrows the targets", async () => {
    const { args, env } = nl("brp");
    const r = await cli(["push", ...args, "--from", work, "--site", "es-embassy", "--dry-run"], env);
    expect([r.code, r.stdout]).toEqual([0, "es-embassy s3://nl-embassy-es-embassy-brp-111111111111/\n"]);
  });

  test("an Azure cloud primary signs with its custody vault's key, found in its cdk.tf.json", async () => {
    // No example has an Azure primary: a small one, synthesized here.
    const topology = join(work, "az-embassy.yaml");
    writeFileSync(
      topology,
      [
        "version: 1",
        "name: az-embassy",
        "home: NL",
        "alerts: { emails: [soc@example.nl] }",
        "custody:",
        '  azure: { tenantId: "8f6a2c1e-4b7d-4e2a-9c3f-1a2b3c4d5e6f", subscriptionId: "2d9e7f10-5a6b-4c8d-9e0f-112233445566", administrators: ["5b1e9c2a-7d3f-4a6b-8c9d-0e1f2a3b4c5d"] }',
        "sites:",
        "  - { id: nl-main, role: domestic, primary: true, cloud: azure, region: westeurope, cidr: 10.10.0.0/16 }",
        "  - { id: se-embassy, role: foreign, cloud: azure, region: swedencentral, cidr: 10.20.0.0/16 }",
        "registries:",
        "  - { id: brp, title: Basisregistratie Personen, rpoMinutes: 1440, retentionDays: 365 }",
        "links:",
        "  - { from: nl-main, to: se-embassy }",
        "",
      ].join("\n"),
    );
    const out = await synthTopology(topology);
    const r = await cli(["push", "--topology", topology, "--registry", "brp", "--out", out, "--from", work, "--dry-run", "--json"]);
    expect([r.code, JSON.parse(r.stdout)]).toEqual([
      0,
      { registry: "brp", targets: [{ site: "nl-main", url: "https://azembassynlmainbrp5881.blob.core.windows.net/registry/", signingKey: "https://azembassynlmainkv5881.vault.azure.net/keys/manifest-signing" }] },
    ]);
  });

  test("a cloud primary's target is its own store, signed with the primary's key", async () => {
    const { args, env } = jp();
    const r = await cli(["push", ...args, "--from", work, "--dry-run"], env);
    expect([r.code, r.stdout, r.stderr]).toEqual([0, "jp-tokyo s3://jp-embassy-jp-tokyo-koseki-111111111111/\n", `jp-tokyo manifest signed with ${JP_ALIAS_ARN}\n`]);
  });
});

interface PushJson {
  registry: string;
  snapshot: string;
  files: number;
  bytes: number;
  signed: boolean;
  targets: { site: string; url: string; sent: number; sentBytes: number; skipped: number; existed: number; manifest: string; signedWith?: string }[];
}

interface VerifyJson {
  site: string;
  ok: boolean;
  checked: number;
  signature: { status: string; key?: string; checkedWith?: string };
  manifest?: { key: string; snapshot: string; objects: number; bytes: number };
  problems: { kind: string; key: string; path?: string; message: string }[];
}

async function pushJson(args: string[], env: NodeJS.ProcessEnv): Promise<PushJson> {
  const r = await cli(["push", ...args, "--json"], env);
  if (r.code !== 0) throw new Error(`push exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as PushJson;
}

async function verifyJson(args: string[], env: NodeJS.ProcessEnv, expectedCode: number): Promise<VerifyJson> {
  const r = await cli(["verify", ...args, "--json"], env);
  if (r.code !== expectedCode) throw new Error(`verify exited ${r.code}, expected ${expectedCode}: ${r.stdout} ${r.stderr}`);
  return JSON.parse(r.stdout) as VerifyJson;
}

describe("push then verify, datacenter primary to S3 (moto) and Azure Blob (Azurite)", () => {
  const files = { "people/a.csv": "id,name\n1,Anna\n", "people/b.csv": "id,name\n2,Bram\n", "c.bin": Buffer.alloc(3000, 7), "same-as-c.bin": Buffer.alloc(3000, 7), "d.txt": "d" };
  const key = (content: Buffer | string) => `objects/sha256/${sha256(content)}`;
  let dir: string;
  let first: PushJson;

  beforeAll(async () => {
    dir = snapshot(files);
    const { args, env } = nl("brp");
    first = await pushJson([...args, "--from", dir, "--signing-key", `file:${keyFile}`], env);
  });

  test("every distinct content is sent once to each target, with a signed manifest", () => {
    expect(first.files).toBe(5);
    expect(first.signed).toBe(true);
    expect(first.targets.map((t) => [t.site, t.sent, t.skipped, t.existed, t.manifest])).toEqual([
      ["nl-azure", 4, 0, 0, `manifests/${first.snapshot.replace(/:/g, "-")}.json`],
      ["es-embassy", 4, 0, 0, `manifests/${first.snapshot.replace(/:/g, "-")}.json`],
    ]);
  });

  test("objects are stored under their SHA-256 with the checksum S3 keeps, and no lock headers were needed", async () => {
    const s3 = s3Client(moto!.url, NL_REGION);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucketOf("brp") }));
    const keys = (listed.Contents ?? []).map((o) => o.Key).sort();
    expect(keys).toEqual([...new Set(Object.values(files).map(key)), `manifests/${first.snapshot.replace(/:/g, "-")}.json`].sort());
    const object = await s3.send(new GetObjectCommand({ Bucket: bucketOf("brp"), Key: key(files["d.txt"]), ChecksumMode: "ENABLED" }));
    expect([object.ChecksumSHA256, object.ServerSideEncryption, object.ObjectLockMode]).toEqual([createHash("sha256").update("d").digest("base64"), "aws:kms", "COMPLIANCE"]);
  });

  test("verify passes at both sites", async () => {
    const { args, env } = nl("brp");
    const [s3, azure] = await Promise.all(
      ["es-embassy", "nl-azure"].map((site) => verifyJson([...args, "--site", site, "--public-key", `file:${keyFile}`], env, 0)),
    );
    for (const r of [s3, azure]) {
      expect([r.ok, r.checked, r.signature.status, r.problems]).toEqual([true, 4, "valid", []]);
      expect(r.manifest).toEqual({ key: `manifests/${first.snapshot.replace(/:/g, "-")}.json`, snapshot: first.snapshot, objects: 5, bytes: Object.values(files).reduce((n, c) => n + Buffer.byteLength(c), 0) });
    }
  });

  test("a second push of the same files sends nothing", async () => {
    const { args, env } = nl("brp");
    const again = await pushJson([...args, "--from", dir, "--signing-key", `file:${keyFile}`], env);
    expect(again.targets.map((t) => [t.site, t.sent, t.sentBytes, t.skipped])).toEqual([
      ["nl-azure", 0, 0, 4],
      ["es-embassy", 0, 0, 4],
    ]);
  });

  test("the manifest is stored canonical and signed inside the document", async () => {
    const s3 = s3Client(moto!.url, NL_REGION);
    const out = await s3.send(new GetObjectCommand({ Bucket: bucketOf("brp"), Key: first.targets[1].manifest }));
    const doc = JSON.parse(await out.Body!.transformToString());
    expect(doc.objects.map((o: { path: string }) => o.path)).toEqual(["c.bin", "d.txt", "people/a.csv", "people/b.csv", "same-as-c.bin"]);
    expect(doc.objects[1]).toEqual({ path: "d.txt", key: key("d"), size: 1, sha256: sha256("d") });
    expect([doc.format, doc.topology, doc.registry, doc.signature.algorithm, doc.signature.key]).toEqual(["data-embassy-manifest/1", "nl-embassy", "brp", "ECDSA_P256_SHA256", "file"]);
  });

  test("S3: an object overwritten with other bytes and a deleted object are each named, exit 1", async () => {
    const s3 = s3Client(moto!.url, NL_REGION);
    // A compromised writer: new bytes under a's key (S3 keeps a new version), and a delete marker on b.
    await s3.send(new PutObjectCommand({ Bucket: bucketOf("brp"), Key: key(files["people/a.csv"]), Body: "id,name\n1,Evan\n", ChecksumAlgorithm: "SHA256" }));
    await s3.send(new DeleteObjectCommand({ Bucket: bucketOf("brp"), Key: key(files["people/b.csv"]) }));
    const { args, env } = nl("brp");
    const r = await cli(["verify", ...args, "--site", "es-embassy", "--public-key", `file:${keyFile}`], env);
    expect(r.code).toBe(1);
    expect(r.stdout.split("\n").slice(2)).toEqual([
      `${key(files["people/a.csv"])} (people/a.csv): stored SHA-256 ${sha256("id,name\n1,Evan\n")} (service), manifest says ${sha256(files["people/a.csv"])}`,
      `${key(files["people/b.csv"])} (people/b.csv): missing`,
      "FAILED: 2 problems (4 objects checked)",
      "",
    ]);
  });

  test("Azure: an overwritten blob and a deleted blob are named, and --deep finds bytes swapped under copied metadata", async () => {
    const container = blobService(azurite!.url, accountOf("brp")).getContainerClient("registry");
    await container.getBlockBlobClient(key(files["people/a.csv"])).upload("id,name\n1,Evan\n", 15);
    await container.getBlobClient(key(files["people/b.csv"])).delete();
    // Same size, metadata copied from the original: only re-hashing the content shows it.
    const forged = Buffer.alloc(3000, 8);
    await container.getBlockBlobClient(key(files["c.bin"])).upload(forged, forged.length, { metadata: { sha256: sha256(files["c.bin"]) } });
    const { args, env } = nl("brp");
    const shallow = await verifyJson([...args, "--site", "nl-azure", "--public-key", `file:${keyFile}`], env, 1);
    expect(shallow.problems).toEqual([
      { kind: "checksum", key: key(files["people/a.csv"]), path: "people/a.csv", message: "no SHA-256 stored with the object (neither a service checksum nor sha256 metadata): not written by push" },
      { kind: "missing", key: key(files["people/b.csv"]), path: "people/b.csv", message: "missing" },
    ]);
    const deep = await verifyJson([...args, "--site", "nl-azure", "--public-key", `file:${keyFile}`, "--deep"], env, 1);
    expect(deep.problems.map((p) => [p.path, p.kind, p.message])).toEqual([
      ["c.bin", "checksum", `content SHA-256 ${sha256(forged)}, manifest says ${sha256(files["c.bin"])}`],
      ["people/a.csv", "checksum", "no SHA-256 stored with the object (neither a service checksum nor sha256 metadata): not written by push"],
      ["people/b.csv", "missing", "missing"],
    ]);
  });
});

describe("manifest signatures", () => {
  let dir: string;
  let signed: PushJson;
  // Push always signs (with --signing-key or the site's own key): an unsigned manifest is one
  // somebody else wrote, here the signed one without its signature, under an earlier time.
  const unsigned = { snapshot: "2000-01-01T00:00:00.000Z", manifest: "manifests/2000-01-01T00-00-00.000Z.json" };

  beforeAll(async () => {
    dir = snapshot({ "r1.csv": "1", "r2.csv": "22" });
    const { args, env } = nl("hr");
    signed = await pushJson([...args, "--from", dir, "--site", "es-embassy", "--signing-key", `file:${keyFile}`], env);
    const s3 = s3Client(moto!.url, NL_REGION);
    const doc = JSON.parse(await (await s3.send(new GetObjectCommand({ Bucket: bucketOf("hr"), Key: signed.targets[0].manifest }))).Body!.transformToString());
    delete doc.signature;
    await s3.send(new PutObjectCommand({ Bucket: bucketOf("hr"), Key: unsigned.manifest, Body: JSON.stringify({ ...doc, snapshot: unsigned.snapshot }), ChecksumAlgorithm: "SHA256" }));
  });

  test("an unsigned manifest is a problem, exit 1", async () => {
    const { args, env } = nl("hr");
    const r = await verifyJson([...args, "--site", "es-embassy", "--manifest", unsigned.snapshot], env, 1);
    expect([r.signature.status, r.problems]).toEqual(["unsigned", [{ kind: "manifest-unsigned", key: unsigned.manifest, message: "unsigned: nothing shows who wrote this list" }]]);
  });

  test("a manifest signed by another key than the one given is badly signed, exit 1", async () => {
    const { args, env } = nl("hr");
    const r = await cli(["verify", ...args, "--site", "es-embassy", "--public-key", `file:${otherKeyFile}`], env);
    expect(r.code).toBe(1);
    expect(r.stdout.split("\n")[2]).toMatch(
      new RegExp(`^manifest ${signed.targets[0].manifest.replace(/\./g, "\\.")}: signature does not match the manifest: badly signed or changed after signing \\(signed by public key sha256 [0-9a-f]{64}, checked with [0-9a-f]{64}\\)$`),
    );
  });

  test("without --public-key, a manifest signed with a local key is not the site's signing key: a problem by name, exit 1", async () => {
    const { args, env } = nl("hr");
    const r = await verifyJson([...args, "--site", "es-embassy"], env, 1);
    expect([r.signature, r.problems]).toEqual([
      { status: "untrusted", key: "file" },
      [
        {
          kind: "manifest-signature",
          key: signed.targets[0].manifest,
          message: expect.stringMatching(
            new RegExp(`^signed with a local key \\(public key sha256 [0-9a-f]{64}\\), not the site's signing key '${NL_ES_ALIAS_ARN.replace(/[./]/g, "\\$&")}'; pass --public-key to check it against another key$`),
          ),
        },
      ],
    ]);
  });

  test("a manifest changed after signing is reported by name, exit 1", async () => {
    const s3 = s3Client(moto!.url, NL_REGION);
    const manifestKey = signed.targets[0].manifest;
    const original = await s3.send(new GetObjectCommand({ Bucket: bucketOf("hr"), Key: manifestKey }));
    const doc = JSON.parse(await original.Body!.transformToString());
    // Hide a file from the list, keeping the signature.
    doc.objects = doc.objects.slice(1);
    await s3.send(new PutObjectCommand({ Bucket: bucketOf("hr"), Key: manifestKey, Body: JSON.stringify(doc), ChecksumAlgorithm: "SHA256" }));
    const { args, env } = nl("hr");
    const r = await verifyJson([...args, "--site", "es-embassy", "--public-key", `file:${keyFile}`], env, 1);
    expect([r.signature.status, r.problems]).toEqual([
      "invalid",
      [{ kind: "manifest-signature", key: manifestKey, message: "signature does not match the manifest: badly signed or changed after signing" }],
    ]);
  });

  test("a manifest replaced by something that is not a manifest is reported, exit 1", async () => {
    const s3 = s3Client(moto!.url, NL_REGION);
    await s3.send(new PutObjectCommand({ Bucket: bucketOf("hr"), Key: unsigned.manifest, Body: "{}", ChecksumAlgorithm: "SHA256" }));
    const { args, env } = nl("hr");
    const r = await verifyJson([...args, "--site", "es-embassy", "--manifest", unsigned.snapshot.replace(/:/g, "-")], env, 1);
    expect(r.problems.map((p) => [p.kind, p.key])).toEqual([["manifest-invalid", unsigned.manifest]]);
    expect(r.problems[0].message).toBe(
      "not a valid manifest (tampered or damaged): format must be 'data-embassy-manifest/1', got undefined; topology must be a string, got undefined; registry must be a string, got undefined; snapshot must be a string, got undefined; objects must be a list, got undefined",
    );
  });
});

describe("an interrupted push resumes", () => {
  test("killed after the store accepted 3 objects, it leaves no manifest; the next push sends only the rest and verify passes", async () => {
    const files: Record<string, Buffer> = {};
    for (let i = 0; i < 8; i++) files[`part-${i}.bin`] = Buffer.alloc(2000 + i, i);
    // One file above the (lowered) single-PUT limit: S3 multipart with per-part SHA-256, Azure staged blocks.
    files["large.bin"] = Buffer.alloc(11 * MiB + 5, 0xab);
    const dir = snapshot(files);
    const { args, env } = nl("brk");
    const push = [...args, "--from", dir, "--signing-key", `file:${keyFile}`, "--part-size", "5"];
    // The first target (nl-azure) is reached through a proxy that watches Azurite's answers: once
    // it accepted 3 object uploads, the push is killed (SIGKILL: no cleanup) before it sees the third answer.
    let pid = 0;
    let accepted = 0;
    const proxy = await startProxy(azurite!.url, ({ method, url, status }) => {
      if (method === "PUT" && url.includes("/objects/sha256/") && status === 201 && ++accepted === 3) process.kill(pid, "SIGKILL");
    });
    try {
      const run = startCli(["push", ...push, "--endpoint", `nl-azure=${proxy.url}`, "--json"], env);
      pid = run.pid;
      const killed = await run.result;
      expect([killed.code, killed.signal, killed.stdout, accepted >= 3]).toEqual([null, "SIGKILL", "", true]);
    } finally {
      await proxy.stop();
    }
    const before = await verifyJson([...args, "--site", "nl-azure", "--public-key", `file:${keyFile}`], env, 1);
    expect(before.problems.map((p) => [p.kind, p.key])).toEqual([["manifest-missing", "manifests/"]]);
    const resumed = await pushJson(push, env);
    // Uploads run 8 at a time: the server may have accepted more than 3 before the kill; the
    // large file goes after all small ones, so at least it is left.
    const [azureRun, s3Run] = resumed.targets;
    expect([azureRun.site, azureRun.sent + azureRun.skipped, azureRun.skipped >= 3, azureRun.sent >= 1]).toEqual(["nl-azure", 9, true, true]);
    expect([s3Run.site, s3Run.sent, s3Run.skipped]).toEqual(["es-embassy", 9, 0]);
    const [s3, azure] = await Promise.all(["es-embassy", "nl-azure"].map((site) => verifyJson([...args, "--site", site, "--public-key", `file:${keyFile}`, "--deep"], env, 0)));
    expect([s3.checked, s3.problems, azure.checked, azure.problems]).toEqual([9, [], 9, []]);
  });
});

describe("signing keys the stacks create", () => {
  test("cloud primary: push signs with the primary's alias key; verify checks with it without --public-key", async () => {
    const { args, env } = jp();
    const dir = snapshot({ "koseki.csv": "family,register\n", "big/scan.bin": Buffer.alloc(6 * MiB, 1) });
    const pushed = await pushJson([...args, "--from", dir, "--part-size", "5"], env);
    // The manifest names the key ARN KMS reports as the signer, not the (re-pointable) alias.
    expect([pushed.signed, pushed.targets.map((t) => [t.site, t.url, t.sent, t.signedWith])]).toEqual([true, [["jp-tokyo", "s3://jp-embassy-jp-tokyo-koseki-111111111111/", 2, jpKeyArn]]]);
    const r = await verifyJson([...args, "--site", "jp-tokyo"], env, 0);
    expect([r.ok, r.checked, r.signature]).toEqual([true, 2, { status: "valid", key: jpKeyArn, checkedWith: JP_ALIAS_ARN }]);
  });

  test("cloud primary: a manifest whose signature was changed is badly signed, by name, exit 1", async () => {
    const { args, env } = jp();
    const dir = snapshot({ "tampered.csv": "x\n" });
    const pushed = await pushJson([...args, "--from", dir], env);
    const s3 = s3Client(moto!.url, JP_REGION);
    const manifestKey = pushed.targets[0].manifest;
    const doc = JSON.parse(await (await s3.send(new GetObjectCommand({ Bucket: JP_BUCKET, Key: manifestKey }))).Body!.transformToString());
    // A valid signature, but of another statement: the same key signed something else.
    const other = await pushJson([...args, "--from", snapshot({ "other.csv": "y\n" })], env);
    const otherDoc = JSON.parse(await (await s3.send(new GetObjectCommand({ Bucket: JP_BUCKET, Key: other.targets[0].manifest }))).Body!.transformToString());
    await s3.send(new PutObjectCommand({ Bucket: JP_BUCKET, Key: manifestKey, Body: JSON.stringify({ ...doc, signature: otherDoc.signature }), ChecksumAlgorithm: "SHA256" }));
    const r = await verifyJson([...args, "--site", "jp-tokyo", "--manifest", pushed.snapshot], env, 1);
    expect([r.signature, r.problems]).toEqual([
      { status: "invalid", key: jpKeyArn, checkedWith: JP_ALIAS_ARN },
      [{ kind: "manifest-signature", key: manifestKey, message: "signature does not match the manifest: badly signed or changed after signing" }],
    ]);
  });

  test("--signing-key with another custody key: without --public-key verify reports it by name (exit 1), as it would a forger's key; with it, valid", async () => {
    const { args, env } = jp();
    const pushed = await pushJson([...args, "--from", snapshot({ "given.csv": "z\n" }), "--signing-key", otherKmsKeyArn], env);
    expect(pushed.targets.map((t) => t.signedWith)).toEqual([otherKmsKeyArn]);
    const r = await verifyJson([...args, "--site", "jp-tokyo", "--manifest", pushed.snapshot], env, 1);
    expect([r.signature, r.problems]).toEqual([
      { status: "untrusted", key: otherKmsKeyArn },
      [
        {
          kind: "manifest-signature",
          key: pushed.targets[0].manifest,
          message: `signed with '${otherKmsKeyArn}', not the site's signing key '${JP_ALIAS_ARN}'; pass --public-key to check it against another key`,
        },
      ],
    ]);
    const given = await verifyJson([...args, "--site", "jp-tokyo", "--manifest", pushed.snapshot, "--public-key", otherKmsKeyArn], env, 0);
    expect(given.signature).toEqual({ status: "valid", key: otherKmsKeyArn, checkedWith: otherKmsKeyArn });
  });

  test("datacenter primary: the AWS target's manifest is signed with that site's own key, and verifies without --public-key", async () => {
    const { args, env } = nl("hr");
    const pushed = await pushJson([...args, "--from", snapshot({ "own-key.csv": "k\n" }), "--site", "es-embassy"], env);
    expect(pushed.targets.map((t) => [t.site, t.signedWith])).toEqual([["es-embassy", nlEsKeyArn]]);
    const r = await verifyJson([...args, "--site", "es-embassy", "--manifest", pushed.snapshot], env, 0);
    expect([r.ok, r.signature]).toEqual([true, { status: "valid", key: nlEsKeyArn, checkedWith: NL_ES_ALIAS_ARN }]);
  });
});
