import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT } from "../fixtures";

/**
 * `npm run docs` runs TypeDoc with `.typedoc/typedoc.json`. These tests run that same options
 * file on a two-line package, swapping only the entry point, tsconfig and output folder, to prove
 * that the configuration fails on an exported symbol without a doc comment (the full run over
 * lib/ takes about 15 s and is CI's `npm run docs`).
 */
const TYPEDOC_DIR = join(PROJECT_ROOT, ".typedoc");
const TYPEDOC = join(TYPEDOC_DIR, "node_modules", "typedoc", "bin", "typedoc");

beforeAll(() => {
  // The docs tool has its own lock file; CI installs it with `npm run docs`, after `npm test`.
  if (!existsSync(TYPEDOC)) {
    const install = spawnSync("npm", ["ci", "--prefix", TYPEDOC_DIR, "--prefer-offline", "--no-audit", "--no-fund"], { encoding: "utf8" });
    if (install.status !== 0) throw new Error(`npm ci --prefix .typedoc failed: ${install.stderr}`);
  }
}, 120_000);

/** Runs TypeDoc with the project's options on a package whose index.ts is `source`. */
function typedoc(source: string): { status: number | null; output: string; out: string } {
  const dir = mkdtempSync(join(tmpdir(), "embassy-docs-"));
  mkdirSync(join(dir, "src"));
  writeFileSync(join(dir, "src", "index.ts"), source);
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { strict: true, module: "nodenext", target: "es2022", types: [] }, include: ["src"] }));
  const out = join(dir, "api");
  // An options file that extends the project's (TypeDoc reads the tsconfig before command-line
  // flags apply, so `--tsconfig` would not replace the project's); the project's list of
  // internals that are intentionally not exported names nothing of this package.
  writeFileSync(join(dir, "typedoc.json"), JSON.stringify({ extends: [join(TYPEDOC_DIR, "typedoc.json")], tsconfig: "./tsconfig.json", entryPoints: ["./src/index.ts"], out: "./api", intentionallyNotExported: [] }));
  const run = spawnSync(process.execPath, [TYPEDOC, "--options", join(dir, "typedoc.json")], { encoding: "utf8", cwd: dir });
  // TypeDoc colours its log only on a terminal; strip colour codes anyway so the match is exact.
  return { status: run.status, output: `${run.stdout}${run.stderr}`.replace(/\x1b\[[0-9;]*m/g, ""), out };
}

describe("API docs (npm run docs)", () => {
  test("a documented package gives Markdown pages and exit 0", () => {
    const { status, output, out } = typedoc(
      [
        "/** The fixture package. @module */",
        "/** How a store is built. */",
        "export interface StoreProps {",
        "  /**",
        "   * Days every version is kept.",
        "   * @default 30",
        "   */",
        "  readonly retentionDays?: number;",
        "}",
        "/** Builds a store. */",
        "export function store(props: StoreProps = {}): number {",
        "  return props.retentionDays ?? 30;",
        "}",
        "",
      ].join("\n"),
    );
    expect({ status, output }).toEqual({ status: 0, output: "" });
    expect(readFileSync(join(out, "interfaces", "StoreProps.md"), "utf8")).toMatch(/### retentionDays\?\n\n> `readonly` `optional` \*\*retentionDays\?\*\*: `number`\n\nDays every version is kept\.\n\n#### Default\n\n```ts\n30\n```/);
  }, 60_000);

  test("fails when an exported function, a class or a prop has no doc comment, naming each", () => {
    const { status, output } = typedoc(
      [
        "/** The fixture package. @module */",
        "/** How a store is built. */",
        "export interface StoreProps {",
        "  readonly retentionDays?: number;",
        "}",
        "export class Store {",
        "  /** Days every version is kept. */",
        "  public readonly days: number;",
        "  /** Builds a store. */",
        "  constructor(props: StoreProps = {}) {",
        "    this.days = props.retentionDays ?? 30;",
        "  }",
        "}",
        "export function store(): Store {",
        "  return new Store();",
        "}",
        "",
      ].join("\n"),
    );
    expect(status).not.toBe(0);
    const undocumented = [...output.matchAll(/\[warning\] (\S+) \((\w+)\), defined in .*\/src\/index\.ts, does not have any documentation/g)].map((m) => `${m[1]} (${m[2]})`);
    expect(undocumented.sort()).toEqual(["Store (Class)", "StoreProps.retentionDays (Property)", "store (CallSignature)"]);
    expect(output).toMatch(/\[warning\] Found 0 errors and 3 warnings\n$/);
  }, 60_000);
});
