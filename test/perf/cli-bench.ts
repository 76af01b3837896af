/**
 * Throughput and peak memory of `data-embassy push` and `verify` against the emulators (moto for
 * S3, Azurite for Blob) on 127.0.0.1: 1,000 files of 100 KiB, and one 1 GiB file; median of 3
 * runs, each on freshly started emulators (so every push really sends everything). Peak memory
 * is the CLI process's maximum resident set size as GNU time reports it (`/usr/bin/time -v`).
 * Usage (after a build): node <build>/test/perf/cli-bench.js [--runs 3] [--skip-large]
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { projectRoot, startAzurite, startMoto } from "../emulators/harness";
import { AZURITE_KEY, MOTO_ENV, azuriteConnectionString, createContainer, createWormBucket } from "../emulators/stores";
import { CLI, synthExample } from "../cli/run-cli";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
const ROOT = projectRoot();
const NL = join(ROOT, "stacks", "nl-embassy.yaml");
const REGION = "eu-south-2";
const BUCKET = "nl-embassy-es-embassy-brp-111111111111";
const ACCOUNT = "nlembassynlazurebrp5881";

interface Measured {
  readonly seconds: number;
  readonly maxRssMiB: number;
}

/** Runs the CLI under /usr/bin/time -v; returns wall time and peak RSS. */
function timed(args: readonly string[], env: NodeJS.ProcessEnv): Promise<Measured> {
  return new Promise((ok, fail) => {
    const start = process.hrtime.bigint();
    const child = spawn("/usr/bin/time", ["-v", process.execPath, CLI, ...args], { env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    let stdout = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("close", (code) => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
      if (code !== 0 || !rss) fail(new Error(`data-embassy ${args.join(" ")} exited ${code}:\n${stdout}\n${stderr}`));
      else ok({ seconds, maxRssMiB: Number(rss[1]) / 1024 });
    });
  });
}

async function writeRandomFile(path: string, bytes: number): Promise<void> {
  const out = createWriteStream(path);
  const chunk = 8 * 1024 * 1024;
  for (let written = 0; written < bytes; written += chunk) {
    const buf = randomBytes(Math.min(chunk, bytes - written));
    if (!out.write(buf)) await new Promise<void>((r) => out.once("drain", () => r()));
  }
  await new Promise<void>((r, f) => out.end((e?: Error | null) => (e ? f(e) : r())));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const runs = Number(process.argv[process.argv.indexOf("--runs") + 1]) || 3;
  const skipLarge = process.argv.includes("--skip-large");
  const work = mkdtempSync(join(tmpdir(), "cli-bench-"));
  try {
    const out = await synthExample(ROOT, "nl-embassy.yaml");
    const keyFile = join(work, "key.pem");
    const { generateKeyPairSync } = await import("node:crypto");
    writeFileSync(keyFile, generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" }));
    const small = join(work, "small");
    mkdirSync(small);
    for (let i = 0; i < 1000; i++) writeFileSync(join(small, `f${String(i).padStart(4, "0")}.bin`), randomBytes(100 * 1024));
    const large = join(work, "large");
    mkdirSync(large);
    if (!skipLarge) await writeRandomFile(join(large, "one.bin"), 1024 * 1024 * 1024);
    const datasets: [string, string, number][] = [["1,000 x 100 KiB", small, 1000 * 100 * 1024]];
    if (!skipLarge) datasets.push(["1 x 1 GiB", large, 1024 * 1024 * 1024]);
    const rows: string[] = [];
    for (const [name, dir, bytes] of datasets) {
      for (const [site, label] of [["es-embassy", "S3 (moto)"], ["nl-azure", "Blob (Azurite)"]] as const) {
        const push: Measured[] = [];
        const verify: Measured[] = [];
        const deep: Measured[] = [];
        for (let run = 0; run < runs; run++) {
          const [moto, azurite] = await Promise.all([startMoto({ accountId: "111111111111" }), startAzurite({ accounts: { [ACCOUNT]: AZURITE_KEY } })]);
          try {
            await Promise.all([createWormBucket(moto.url, REGION, BUCKET), createContainer(azurite.url, ACCOUNT, "registry")]);
            const args = ["--topology", NL, "--registry", "brp", "--out", out, "--endpoint", `es-embassy=${moto.url}`, "--endpoint", `nl-azure=${azurite.url}`];
            const env = { ...MOTO_ENV, AZURE_STORAGE_CONNECTION_STRING: azuriteConnectionString(azurite.url, ACCOUNT) };
            push.push(await timed(["push", ...args, "--site", site, "--from", dir, "--signing-key", `file:${keyFile}`, "--json"], env));
            verify.push(await timed(["verify", ...args, "--site", site, "--public-key", `file:${keyFile}`, "--json"], env));
            deep.push(await timed(["verify", ...args, "--site", site, "--public-key", `file:${keyFile}`, "--deep", "--json"], env));
          } finally {
            await Promise.all([moto.stop(), azurite.stop()]);
          }
        }
        for (const [verb, ms] of [["push", push], ["verify", verify], ["verify --deep", deep]] as const) {
          const s = median(ms.map((m) => m.seconds));
          const mibps = bytes / 1048576 / s;
          rows.push(`| ${name} | ${label} | ${verb} | ${s.toFixed(1)} s | ${mibps.toFixed(1)} MiB/s | ${Math.max(...ms.map((m) => m.maxRssMiB)).toFixed(0)} MiB |`);
          console.error(rows[rows.length - 1]);
        }
      }
    }
    console.log(`| data | store | command | median of ${runs} | throughput | peak RSS (max of runs) |\n|---|---|---|---|---|---|\n${rows.join("\n")}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
