import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { promisify } from "node:util";
import { PROJECT_ROOT } from "../fixtures";

/**
 * The synthesized output is the same on every machine: no absolute path of the build machine in
 * any file, byte-identical output from two different folders, and local state that still works
 * for cross-stack references when every path is resolved the way Terraform resolves it (from the
 * stack's folder, cdktf.out/stacks/<stack>/, where the cdktf CLI runs terraform).
 */

/** The compiled app (this test runs from the compiled tree, next to it). */
const MAIN = resolve(__dirname, "..", "..", "stacks", "main.js");
const EXAMPLES = ["nl-embassy", "ee-embassy", "jp-embassy"];

interface Run {
  /** Where the topology file and its certificates were copied: a stand-in for a clone at another place. */
  readonly project: string;
  readonly outdirs: Readonly<Record<string, string>>;
}

/**
 * Copies the examples (and their certificates) into a fresh folder, as a clone elsewhere would
 * have them, and synthesizes each from there with a relative EMBASSY_TOPOLOGY and the given
 * output folder name (relative to the copy, or absolute elsewhere).
 */
async function synthEverywhere(outdirOf: (project: string, example: string) => string): Promise<Run> {
  const project = join(mkdtempSync(join(tmpdir(), "embassy-clone-")), "some", "where");
  mkdirSync(join(project, "stacks"), { recursive: true });
  cpSync(join(PROJECT_ROOT, "stacks", "certs"), join(project, "stacks", "certs"), { recursive: true });
  const outdirs: Record<string, string> = {};
  for (const example of EXAMPLES) {
    cpSync(join(PROJECT_ROOT, "stacks", `${example}.yaml`), join(project, "stacks", `${example}.yaml`));
    outdirs[example] = outdirOf(project, example);
    // One process at a time keeps a 2-core machine usable; each is about 2 s.
    await promisify(execFile)(process.execPath, [MAIN], {
      cwd: project,
      env: { PATH: process.env.PATH, EMBASSY_TOPOLOGY: `stacks/${example}.yaml`, CDKTF_OUTDIR: outdirs[example] },
    });
  }
  return { project, outdirs };
}

/** Every file under `dir`, by path relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => statSync(join(dir, f)).isFile())
    .sort();
}

let first: Run;
let second: Run;

beforeAll(async () => {
  // Two places that share nothing: a relative output folder under one copy, and an absolute one
  // elsewhere (under another parent) for the other.
  first = await synthEverywhere((_project, example) => join("cdktf.out", example));
  const elsewhere = mkdtempSync(join(tmpdir(), "embassy-out-"));
  second = await synthEverywhere((_project, example) => join(elsewhere, "deeper", "still", example));
}, 120_000);

describe("machine-independent output", () => {
  test.each(EXAMPLES)("%s: every file synthesized in two different folders is byte-identical", (example) => {
    const a = resolve(first.project, first.outdirs[example]);
    const b = second.outdirs[example];
    const files = filesUnder(a);
    expect(filesUnder(b)).toEqual(files);
    // The stacks, the policy report and (for datacenters) the push plans.
    expect(files.filter((f) => f.endsWith("cdk.tf.json")).length).toBeGreaterThanOrEqual(2);
    expect(files).toContain("policy-report.json");
    if (example !== "jp-embassy") expect(files.some((f) => f.startsWith("onprem/"))).toBe(true);
    const differing = files.filter((f) => !readFileSync(join(a, f)).equals(readFileSync(join(b, f))));
    expect(differing).toEqual([]);
  });

  test.each(EXAMPLES)("%s: no file names a path of the machine that built it", (example) => {
    const out = second.outdirs[example];
    const machinePaths = [second.project, out, PROJECT_ROOT, tmpdir(), process.env.HOME ?? PROJECT_ROOT];
    const leaks = filesUnder(out).flatMap((f) => {
      const text = readFileSync(join(out, f), "utf8");
      return machinePaths.filter((p) => text.includes(p)).map((p) => `${f}: ${p}`);
    });
    expect(leaks).toEqual([]);
  });
});

describe("local state, resolved as Terraform resolves it", () => {
  /**
   * The CLI's manifest names each stack's working directory (where cdktf runs terraform); the
   * local backend's path and every terraform_remote_state path are resolved from there.
   */
  function stateFiles(outdir: string) {
    const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")) as {
      stacks: Record<string, { workingDirectory: string; synthesizedStackPath: string; dependencies: string[] }>;
    };
    return Object.entries(manifest.stacks).map(([name, stack]) => {
      const folder = join(outdir, stack.workingDirectory);
      const json = JSON.parse(readFileSync(join(outdir, stack.synthesizedStackPath), "utf8"));
      const backendPath: string = json.terraform.backend.local.path;
      const remote = Object.entries<{ backend: string; config: { path: string } }>(json.data?.terraform_remote_state ?? {}).map(([id, r]) => ({
        id,
        backend: r.backend,
        path: r.config.path,
        file: resolve(folder, r.config.path),
      }));
      return { name, folder, dependencies: stack.dependencies, backendPath, state: resolve(folder, backendPath), remote };
    });
  }

  test.each(EXAMPLES)("%s: every stack's state and every remote state it reads is the named stack's state file, beside the output", (example) => {
    for (const run of [first, second]) {
      const outdir = resolve(run.project, run.outdirs[example]);
      const stacks = stateFiles(outdir);
      for (const s of stacks) {
        // GIVEN the folder terraform runs in, THEN the backend's file is the stack's own state file,
        // next to the output folder (every synth replaces the output folder; state must survive it).
        expect(s.backendPath.startsWith("/")).toBe(false);
        expect(s.state).toBe(join(dirname(outdir), `terraform.${s.name}.tfstate`));
        expect(relative(outdir, s.state).startsWith("..")).toBe(true);
        // AND every stack it reads outputs from is read from that stack's state file.
        for (const r of s.remote) {
          const named = r.id.replace(/^cross-stack-reference-input-/, "");
          const source = stacks.find((o) => o.name === named);
          expect({ id: r.id, backend: r.backend, names: source?.name }).toEqual({ id: r.id, backend: "local", names: named });
          expect(r.file).toBe(source?.state);
          expect(s.dependencies).toContain(named);
        }
      }
      // The Japanese primary reads its two targets' outputs: the references exist at all.
      if (example === "jp-embassy") {
        expect(stacks.find((s) => s.name === "jp-embassy-jp-tokyo")?.remote.map((r) => r.id).sort()).toEqual([
          "cross-stack-reference-input-jp-embassy-au-embassy",
          "cross-stack-reference-input-jp-embassy-jp-osaka",
        ]);
      }
    }
  });

  test("a state folder given explicitly is named relative to each stack's folder too", () => {
    // The default (beside the output) is covered above; the explicit folder resolves the same way.
    const { App } = require("cdktf") as typeof import("cdktf");
    const { TerraformStack } = require("cdktf") as typeof import("cdktf");
    const { applyBackend } = require("../../stacks/backend") as typeof import("../../stacks/backend");
    const outdir = join(mkdtempSync(join(tmpdir(), "embassy-state-")), "out");
    const app = new App({ outdir });
    const stack = new TerraformStack(app, "s-one");
    applyBackend(stack, "s-one", { kind: "local", directory: join(dirname(outdir), "state") });
    app.synth();
    const json = JSON.parse(readFileSync(join(outdir, "stacks", "s-one", "cdk.tf.json"), "utf8"));
    expect(json.terraform.backend.local.path).toBe("../../../state/terraform.s-one.tfstate");
    expect(existsSync(join(outdir, "stacks", "s-one"))).toBe(true);
  });
});
