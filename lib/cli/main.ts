#!/usr/bin/env node
/**
 * `data-embassy`: the data path of an embassy. `push` sends a registry snapshot to its targets
 * with SHA-256 checksums and a signed manifest; `verify` checks one site against a manifest.
 * Exit codes: 0 all well, 1 a problem found (verify), 2 a usage or access error.
 * Arguments are parsed by commander (https://github.com/tj/commander.js), the transfers use the
 * AWS SDK v3 and @azure/storage-blob, and the progress bars cli-progress.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { loadTopologyFile } from "../topology/load";
import type { Topology } from "../topology/model";
import { TopologyError } from "../topology/problems";
import { AccessError, EXIT_OK, EXIT_PROBLEM, EXIT_USAGE, UsageError } from "./errors";
import { openStore } from "./open-store";
import { progressFor } from "./progress";
import { push, signingKeyFor } from "./push";
import { type KeyRef, parseKeyRef } from "./signing";
import { PART_SIZE_MIB, transferOptions } from "./store";
import { pushTargets, storeAt, synthDir } from "./targets";
import { formatReport, verify } from "./verify";

/** Where the CLI writes; a test may pass its own. */
export interface Io {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WriteStream;
  readonly env: NodeJS.ProcessEnv;
}

function packageVersion(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, "package.json")) && dirname(dir) !== dir) dir = dirname(dir);
  try {
    return (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version: string }).version;
  } catch {
    return "unknown";
  }
}

const collect = (value: string, previous: string[]) => [...previous, value];

function partSize(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < PART_SIZE_MIB.min || n > PART_SIZE_MIB.max) {
    throw new InvalidArgumentError(`must be a whole number of MiB from ${PART_SIZE_MIB.min} to ${PART_SIZE_MIB.max}, got '${value}'`);
  }
  return n;
}

interface Common {
  readonly topology: string;
  readonly registry: string;
  readonly endpoint: string[];
  readonly out?: string;
  readonly json?: boolean;
}
interface PushOptions extends Common {
  readonly from: string;
  readonly site: string[];
  readonly signingKey?: string;
  readonly partSize?: number;
  readonly dryRun?: boolean;
}
interface VerifyOptions extends Common {
  readonly site: string;
  readonly manifest: string;
  readonly publicKey?: string;
  readonly deep?: boolean;
}

function loadTopology(path: string): Topology {
  try {
    return loadTopologyFile(path);
  } catch (e) {
    if (e instanceof TopologyError) throw new UsageError(e.message);
    throw e;
  }
}

/** `--endpoint SITE=URL`, each naming a site of the topology and an http(s) URL. */
function endpointsOf(values: readonly string[], topology: Topology): Map<string, string> {
  const map = new Map<string, string>();
  for (const value of values) {
    const at = value.indexOf("=");
    const site = value.slice(0, at);
    const url = value.slice(at + 1);
    if (at <= 0 || !/^https?:\/\/[^/\s]+/.test(url)) throw new UsageError(`--endpoint must be SITE=URL with an http(s) URL, got '${value}'`);
    if (!topology.sites.some((s) => s.id === site)) {
      throw new UsageError(`--endpoint names site '${site}', which is not in topology '${topology.name}' (sites: ${topology.sites.map((s) => s.id).join(", ")})`);
    }
    map.set(site, url);
  }
  return map;
}

function program(io: Io, chosen: (verb: "push" | "verify", options: PushOptions | VerifyOptions) => void): Command {
  const root = new Command("data-embassy")
    .description("Send registry snapshots to an embassy's sites with signed manifests, and check any site against them.\nExit codes: 0 all well, 1 a problem found, 2 a usage or access error.")
    .version(packageVersion())
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showHelpAfterError("(add --help for usage)");
  const common = (cmd: Command) =>
    cmd
      .requiredOption("--topology <file>", "the topology file (YAML or JSON)")
      .requiredOption("--registry <id>", "the registry")
      .option("--endpoint <site=url>", "send that site's storage calls to an S3- or Blob-compatible endpoint (repeatable)", collect, [])
      .addOption(new Option("--out <dir>", "the synth output to read targets from").default(undefined, "$CDKTF_OUTDIR or cdktf.out"))
      .option("--json", "print the result as JSON");
  common(
    root
      .command("push")
      .description(
        "Upload every file under --from as one snapshot of the registry: to the primary's store (a cloud primary's replication carries it on) or, for a datacenter primary, to every cloud site it links to. Each file is stored once under objects/sha256/<hex> with its SHA-256 checksum, never over an existing object; then a manifest (signed with --signing-key) goes to manifests/<time>.json.",
      ),
  )
    .requiredOption("--from <dir>", "the folder holding the snapshot's files")
    .option("--site <id>", "only this target site (repeatable)", collect, [])
    .option(
      "--signing-key <ref>",
      "sign every target's manifest with this key: a KMS key ARN, a Key Vault key id (https://VAULT.vault.azure.net/keys/NAME[/VERSION]) or file:PATH to a PEM private key (default: the signing key the stacks create: a datacenter primary signs each target's manifest with that site's key, a cloud primary with its own)",
    )
    .option("--part-size <MiB>", `send files larger than this in parts (S3 multipart, Azure blocks) of this size, ${PART_SIZE_MIB.min} to ${PART_SIZE_MIB.max} (default: 16 MiB parts for files over 64 MiB)`, partSize)
    .option("--dry-run", "print '<site> <url>' for each target (and on stderr the key that would sign its manifest) and send nothing")
    .action((options: PushOptions) => chosen("push", options));
  common(root.command("verify").description("Check a site's store against a manifest: its signature, and every object present with the manifest's size and SHA-256."))
    .requiredOption("--site <id>", "the site to check")
    .option("--manifest <latest|time>", "the manifest to check against: latest, or a snapshot time (2026-01-31T12:00:00.000Z)", "latest")
    .option("--public-key <ref>", "check the signature with this key: file:PATH to a PEM key, a KMS key ARN or a Key Vault key id (default: the site's signing key that the synth output names, when the manifest was signed with it; else the key the manifest names, only if it is in the topology's custody)")
    .option("--deep", "re-hash every object's content instead of trusting the stored checksum")
    .action((options: VerifyOptions) => chosen("verify", options));
  return root;
}

/** Runs the CLI with `argv` (the user's arguments); resolves to the exit code. */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  let verb: "push" | "verify" | undefined;
  let options: PushOptions | VerifyOptions | undefined;
  try {
    await program(io, (v, o) => {
      verb = v;
      options = o;
    }).parseAsync([...argv], { from: "user" });
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help or version asked for: 0. Anything else (commander already printed why): usage error.
      return e.code === "commander.helpDisplayed" || e.code === "commander.version" ? EXIT_OK : EXIT_USAGE;
    }
    throw e;
  }
  if (!verb || !options) return EXIT_USAGE;
  try {
    return verb === "push" ? await runPush(options as PushOptions, io) : await runVerify(options as VerifyOptions, io);
  } catch (e) {
    if (e instanceof UsageError || e instanceof AccessError) {
      io.stderr.write(`error: ${e.message}\n`);
      return EXIT_USAGE;
    }
    throw e;
  }
}

async function runPush(o: PushOptions, io: Io): Promise<number> {
  const topology = loadTopology(o.topology);
  const endpoints = endpointsOf(o.endpoint, topology);
  const signingKey: KeyRef | undefined = o.signingKey !== undefined ? parseKeyRef(o.signingKey, "--signing-key") : undefined;
  const targets = pushTargets(topology, synthDir(o.out, io.env), o.registry, o.site);
  if (o.dryRun) {
    const keyOf = (t: (typeof targets)[number]) => signingKeyFor({ signingKey }, t)?.ref ?? null;
    if (o.json) io.stdout.write(`${JSON.stringify({ registry: o.registry, targets: targets.map((t) => ({ site: t.site, url: t.url, signingKey: keyOf(t) })) }, null, 2)}\n`);
    else {
      for (const t of targets) io.stdout.write(`${t.site} ${t.url}\n`);
      // The keys go to stderr, so the '<site> <url>' lines on stdout stay what scripts read.
      for (const t of targets) io.stderr.write(`${t.site} manifest ${keyOf(t) ? `signed with ${keyOf(t)}` : "unsigned: no --signing-key and no key in the synth output"}\n`);
    }
    return EXIT_OK;
  }
  const progress = progressFor(io.stderr, !o.json);
  try {
    const transfer = transferOptions(o.partSize);
    const result = await push({ topology, registry: o.registry, from: o.from, targets, endpoints, signingKey, transfer, env: io.env, progress, warn: (m) => io.stderr.write(`warning: ${m}\n`) });
    progress.stop();
    if (o.json) io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else {
      io.stdout.write(`pushed ${result.registry} snapshot ${result.snapshot}: ${result.files} files, ${result.bytes} bytes, manifest ${result.signed ? "signed" : "unsigned"}\n`);
      for (const t of result.targets) {
        io.stdout.write(`${t.site} ${t.url}: ${t.sent} sent (${t.sentBytes} bytes), ${t.skipped + t.existed} already there; manifest ${t.manifest}${t.signedWith ? ` signed with ${t.signedWith}` : " unsigned"}\n`);
      }
    }
    return EXIT_OK;
  } finally {
    progress.stop();
  }
}

async function runVerify(o: VerifyOptions, io: Io): Promise<number> {
  const topology = loadTopology(o.topology);
  const endpoints = endpointsOf(o.endpoint, topology);
  const publicKey = o.publicKey !== undefined ? parseKeyRef(o.publicKey, "--public-key") : undefined;
  const out = synthDir(o.out, io.env);
  const ref = storeAt(topology, out, o.site, o.registry);
  const store = openStore(ref, transferOptions(), io.env, endpoints.get(o.site));
  const report = await verify({ topology, registry: o.registry, store, manifest: o.manifest, publicKey, deep: o.deep === true });
  io.stdout.write(o.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
  return report.ok ? EXIT_OK : EXIT_PROBLEM;
}

if (require.main === module) {
  run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`error: ${e instanceof Error ? (process.env.EMBASSY_DEBUG ? e.stack : e.message) : String(e)}\n`);
      process.exitCode = EXIT_USAGE;
    },
  );
}
