/**
 * Real storage servers for the CLI's tests and benchmark, on 127.0.0.1 and random free ports:
 * moto in server mode (S3 and KMS; PyPI, installed into .venv-moto/ by .ci/moto, which this
 * harness runs when the venv is missing) and Azurite's blob service (npm devDependency). Each
 * server runs in its own process group and is stopped with its children, also when a test fails
 * or the test process exits early.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, request } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";

/** A running emulator. */
export interface Emulator {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Stops the server and every process it started; idempotent. */
  stop(): Promise<void>;
}

/** The project root: the folder holding package.json, above this file in sources or in any build folder. */
export function projectRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, "package.json")) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/** A TCP port nobody listens on right now (the OS picks it). */
export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.on("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => ok(port));
    });
  });
}

/** Resolves once an HTTP request to `url` gets any answer (a 403 or 404 means the server is up). */
async function waitForHttp(url: string, child: ChildProcess, name: string, log: () => string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before it answered on ${url}:\n${log()}`);
    }
    const answered = await new Promise<boolean>((ok) => {
      const req = request(url, { method: "GET", timeout: 1000 }, (res) => {
        res.resume();
        ok(true);
      });
      req.on("error", () => ok(false));
      req.on("timeout", () => {
        req.destroy();
        ok(false);
      });
      req.end();
    });
    if (answered) return;
    if (Date.now() > deadline) throw new Error(`${name} did not answer on ${url} within ${timeoutMs} ms:\n${log()}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Kills the process group of `child` (negative pid): the server and whatever it spawned. */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

async function startServer(name: string, command: string, args: readonly string[], env: NodeJS.ProcessEnv, readyUrl: string, url: string, cleanup: () => void = () => {}): Promise<Emulator> {
  if (!exitHookInstalled) {
    // Last resort when the test process ends without afterAll (a crash, a timeout kill).
    process.on("exit", () => {
      for (const child of running) killGroup(child, "SIGKILL");
    });
    exitHookInstalled = true;
  }
  let output = "";
  // detached: the child leads a new process group, so stop() reaches its children too.
  const child = spawn(command, args, { env: { ...process.env, ...env }, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  running.add(child);
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= new Promise<void>((ok) => {
      running.delete(child);
      if (child.exitCode !== null || child.signalCode !== null) {
        cleanup();
        ok();
        return;
      }
      const force = setTimeout(() => killGroup(child, "SIGKILL"), 3000);
      child.once("exit", () => {
        clearTimeout(force);
        cleanup();
        ok();
      });
      killGroup(child, "SIGTERM");
    });
    return stopped;
  };
  try {
    await waitForHttp(readyUrl, child, name, () => output);
  } catch (e) {
    await stop();
    throw e;
  }
  return { url, stop };
}

/** Installs moto into .venv-moto/ through .ci/moto when it is not there yet; returns moto_server's path. */
export function ensureMoto(): string {
  const root = projectRoot();
  const server = join(root, ".venv-moto", "bin", "moto_server");
  if (!existsSync(server)) execFileSync("bash", [join(root, ".ci", "moto")], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
  return server;
}

/**
 * moto in server mode: S3 and KMS on one port. `accountId` is the account moto answers as (its
 * `MOTO_ACCOUNT_ID`), so KMS key ARNs can carry the topology's custody account.
 */
export async function startMoto(options: { readonly accountId?: string } = {}): Promise<Emulator> {
  const server = ensureMoto();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = options.accountId ? { MOTO_ACCOUNT_ID: options.accountId } : {};
  return startServer("moto", server, ["-H", "127.0.0.1", "-p", String(port)], env, `${url}/moto-api/`, url);
}

/**
 * Azurite's blob service with its data in a fresh temporary folder (removed on stop). `accounts`
 * maps extra account names to base64 keys (Azurite's AZURITE_ACCOUNTS), so the stores can keep
 * the account names synth gave them.
 */
export async function startAzurite(options: { readonly accounts?: Readonly<Record<string, string>> } = {}): Promise<Emulator> {
  const root = projectRoot();
  const port = await freePort();
  const location = mkdtempSync(join(tmpdir(), "azurite-"));
  const url = `http://127.0.0.1:${port}`;
  const accounts = Object.entries(options.accounts ?? {}).map(([name, key]) => `${name}:${key}`);
  const env: NodeJS.ProcessEnv = accounts.length > 0 ? { AZURITE_ACCOUNTS: accounts.join(";") } : {};
  const bin = resolve(root, "node_modules", ".bin", "azurite-blob");
  // --disableTelemetry: Azurite otherwise reports to Application Insights over the internet.
  const args = ["--blobHost", "127.0.0.1", "--blobPort", String(port), "--location", location, "--silent", "--skipApiVersionCheck", "--loose", "--disableTelemetry"];
  return startServer("azurite", bin, args, env, `${url}/devstoreaccount1?comp=list`, url, () => rmSync(location, { recursive: true, force: true }));
}

/** Reads a JSON file (small helper for tests reading synth output). */
export function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, "utf8")) as T;
}
