import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import { DEFAULT_TOPOLOGY } from "../../stacks/main";
import { PROJECT_ROOT } from "../fixtures";

/**
 * The README's commands work when pasted. Every ```sh block of README.md is read, whoever wrote it:
 * - commands that run offline and quickly are run, in order, in a sandbox folder that stands in for
 *   the project root (a copy of the examples, a fresh cdktf.out): npm scripts whose steps are
 *   `node dist/...` (after the build, which this test's compiled tree already is), `npx <our bin>
 *   --help`, and `cp` between relative paths;
 * - everything else is checked for what can be checked without running it: every npm script named
 *   exists, every npx program is installed, every `cdktf deploy|destroy|diff <stack>` and every
 *   `cdktf.out/stacks/<stack>` names a stack in the synth output of the topology that line or block
 *   sets (or of the example whose name prefixes the stack), and every project file named exists.
 * Placeholders (`path/to/...`, `/path/to/...`, `<...>`) are not project files; a topology named by
 * a placeholder is run as a copy of an example.
 */

/** The compiled project this test runs from (`dist/` of the package.json scripts). */
const BUILD = resolve(__dirname, "..", "..");
const PACKAGE = JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")) as { scripts: Record<string, string>; bin?: Record<string, string> };
/** Scripts that are offline but take minutes (a benchmark): checked to exist, never run here. */
const SLOW_SCRIPTS = new Set(["bench"]);
/** Outputs a command may read, and the script that writes them (a README step that follows another). */
const PRODUCERS: readonly (readonly [string, string])[] = [
  ["cdktf.out/review/", "review"],
  ["cdktf.out/", "synth"],
];
/** Generated or installed folders: paths in them are not project files. */
const GENERATED = new Set(["cdktf.out", "dist", "node_modules", ".build"]);

interface Command {
  /** The README line the command starts on. */
  readonly line: number;
  readonly text: string;
  /** Variables set for this command (`A=b cmd`), on top of the block's `export`s. */
  readonly env: Readonly<Record<string, string>>;
  readonly argv: readonly string[];
}

interface Block {
  readonly line: number;
  readonly commands: readonly Command[];
}

/** The ```sh / ```bash / ```shell blocks of a Markdown text, indented ones (in lists) too. */
export function shellBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  for (const m of markdown.matchAll(/^( *)```(?:sh|bash|shell)[^\n]*\n([\s\S]*?)^\1```/gm)) {
    const startLine = markdown.slice(0, m.index).split("\n").length + 1;
    blocks.push({ line: startLine - 1, commands: parseCommands(m[2], startLine) });
  }
  return blocks;
}

/**
 * Splits a block into simple commands: quotes respected, comments dropped, `\` continuations
 * joined, `&&`, `||`, `;` and `|` separating; `$(...)` is read as a command of its own.
 */
function parseCommands(text: string, firstLine: number): Command[] {
  const commands: Command[] = [];
  const lines = text.replace(/\\\n/g, " ").split("\n");
  lines.forEach((raw, i) => {
    const line = firstLine + i;
    const inner: string[] = [];
    const outer = raw.replace(/\$\(([^()]*)\)/g, (_m, cmd: string) => {
      inner.push(cmd);
      return "SUBSTITUTED";
    });
    for (const part of [...inner, outer]) {
      for (const words of splitWords(part)) {
        const env: Record<string, string> = {};
        while (words.length > 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0])) {
          const [k, ...v] = words.shift()!.split("=");
          env[k] = v.join("=");
        }
        if (words.length > 0 || Object.keys(env).length > 0) commands.push({ line, text: raw.trim(), env, argv: words });
      }
    }
  });
  return commands;
}

/** Shell words of one line, grouped into simple commands. */
function splitWords(line: string): string[][] {
  const commands: string[][] = [[]];
  let word: string | undefined;
  let quote: string | undefined;
  const end = () => {
    if (word !== undefined) commands[commands.length - 1].push(word);
    word = undefined;
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = undefined;
      else word = (word ?? "") + c;
    } else if (c === "'" || c === '"') {
      quote = c;
      word = word ?? "";
    } else if (c === "#" && word === undefined) {
      break;
    } else if (/\s/.test(c)) {
      end();
    } else if (c === ";" || c === "|" || (c === "&" && line[i + 1] === "&")) {
      end();
      if (line[i + 1] === c) i++;
      commands.push([]);
    } else {
      word = (word ?? "") + c;
    }
  }
  end();
  return commands.filter((c) => c.length > 0);
}

function isPlaceholder(path: string): boolean {
  return /(^|\/)path\/to\//.test(path) || /[<>]/.test(path);
}

/** The steps of an npm script, `npm run x` expanded, the build dropped (this tree is built). */
function scriptSteps(name: string): string[] {
  const script = PACKAGE.scripts[name];
  if (script === undefined) return [];
  return script.split("&&").flatMap((step) => {
    const s = step.trim();
    const nested = /^npm run ([\w:-]+)$/.exec(s);
    if (nested) return nested[1] === "build" ? [] : scriptSteps(nested[1]);
    return [s];
  });
}

/** Whether every step of a script is `node dist/<file>` (offline, no build, no network). */
function runnableScript(name: string): boolean {
  const steps = scriptSteps(name);
  return !SLOW_SCRIPTS.has(name) && steps.length > 0 && steps.every((s) => /^node dist\/[\w/.-]+\.js( [\w=./-]+)*$/.test(s));
}

const run = promisify(execFile);

/** What checking a README found: problems (empty when all is well), and what was run and checked. */
export interface ReadmeCheck {
  readonly problems: string[];
  readonly ran: string[];
  readonly stacksChecked: string[];
}

/** Runs and checks the shell blocks of `markdown` as described at the top of this file. */
export async function checkReadme(markdown: string): Promise<ReadmeCheck> {
  const problems: string[] = [];
  const ran: string[] = [];
  const stacksChecked: string[] = [];
  const sandbox = mkdtempSync(join(tmpdir(), "embassy-readme-"));
  mkdirSync(join(sandbox, "stacks"));
  for (const f of readdirSync(join(PROJECT_ROOT, "stacks")).filter((f) => f.endsWith(".yaml") || f === "certs")) {
    cpSync(join(PROJECT_ROOT, "stacks", f), join(sandbox, "stacks", f), { recursive: true });
  }
  const examples = readdirSync(join(PROJECT_ROOT, "stacks"))
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => ({ file: `stacks/${f}`, name: /^name: ([\w-]+)$/m.exec(readFileSync(join(PROJECT_ROOT, "stacks", f), "utf8"))?.[1] ?? "" }));
  const stacksOf = new Map<string, Promise<string[] | string>>();

  /** The stack names a synth of `topology` (a project-relative path) writes, or why it failed. */
  const synthStacks = (topology: string): Promise<string[] | string> => {
    if (!stacksOf.has(topology)) {
      const out = mkdtempSync(join(tmpdir(), "embassy-readme-synth-"));
      stacksOf.set(
        topology,
        run(process.execPath, [join(BUILD, "stacks", "main.js")], { cwd: sandbox, env: childEnv({ EMBASSY_TOPOLOGY: topology, CDKTF_OUTDIR: out }) }).then(
          () => readdirSync(join(out, "stacks")).sort(),
          (e: { stderr?: string }) => `synth of ${topology} failed: ${(e.stderr ?? String(e)).trim()}`,
        ),
      );
    }
    return stacksOf.get(topology)!;
  };
  const childEnv = (env: Record<string, string>): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    CHECKPOINT_DISABLE: "1",
    INIT_CWD: sandbox,
    ...env,
  });
  /** Runs an npm script's steps in the sandbox as `npm run` would (from the project root). */
  const runScript = async (name: string, env: Record<string, string>, where: string) => {
    for (const step of scriptSteps(name)) {
      const [, file, ...args] = step.split(" ");
      try {
        await run(process.execPath, [join(BUILD, file.replace(/^dist\//, "")), ...args], { cwd: sandbox, env: childEnv(env) });
        ran.push(`${where}: npm run ${name} (${step})`);
      } catch (e) {
        const err = e as { code?: number; stderr?: string };
        problems.push(`${where}: npm run ${name} exits ${err.code}: ${(err.stderr ?? "").trim().split("\n").slice(0, 3).join(" / ")}`);
        return;
      }
    }
  };
  /** Makes a placeholder topology runnable: a copy of the smallest example at that path. */
  const materialize = (path: string) => {
    if (isPlaceholder(path) && /\.(ya?ml|json)$/.test(path) && !existsSync(join(sandbox, path))) {
      mkdirSync(dirname(join(sandbox, path)), { recursive: true });
      cpSync(join(PROJECT_ROOT, "stacks", "jp-embassy.yaml"), join(sandbox, path));
    }
  };
  /**
   * Checks that `stack` is a stack of the topology in effect: EMBASSY_TOPOLOGY, else (for a command
   * that synthesizes, such as `cdktf deploy`) the app's default; for a folder of an earlier output
   * (`cdktf.out/stacks/<stack>`), the example whose name prefixes the stack.
   */
  const checkStack = async (stack: string, topology: string | undefined, where: string, synthesizes: boolean) => {
    const file = topology ?? (synthesizes ? DEFAULT_TOPOLOGY : examples.find((e) => stack.startsWith(`${e.name}-`))?.file);
    if (file === undefined) {
      problems.push(`${where}: stack '${stack}' belongs to no example, and no EMBASSY_TOPOLOGY is set`);
      return;
    }
    const stacks = await synthStacks(file);
    stacksChecked.push(stack);
    if (typeof stacks === "string") problems.push(`${where}: ${stacks}`);
    else if (!stacks.includes(stack)) {
      const which = topology ? `EMBASSY_TOPOLOGY=${topology}` : synthesizes ? `the default topology ${DEFAULT_TOPOLOGY} (no EMBASSY_TOPOLOGY is set)` : file;
      problems.push(`${where}: stack '${stack}' is not among the stacks of ${which}: ${stacks.join(", ")}`);
    }
  };

  for (const block of shellBlocks(markdown)) {
    const blockEnv: Record<string, string> = {};
    for (const c of block.commands) {
      const where = `README.md line ${c.line}`;
      const [program, ...args] = c.argv;
      if (program === "export") {
        for (const a of args) {
          const [k, ...v] = a.split("=");
          blockEnv[k] = v.join("=");
        }
        continue;
      }
      const env = { ...blockEnv, ...c.env };
      if (env.EMBASSY_TOPOLOGY) materialize(env.EMBASSY_TOPOLOGY);
      // Project files named anywhere in the command.
      for (const token of [...c.argv, ...Object.values(c.env)].flatMap((t) => t.split("="))) {
        if (!/^[\w.@-]+(\/[\w.@*-]*)+$/.test(token) || isPlaceholder(token)) continue;
        const first = token.split("/")[0];
        if (GENERATED.has(first)) {
          const stack = /^cdktf\.out\/stacks\/([\w-]+)/.exec(token)?.[1];
          if (stack) await checkStack(stack, env.EMBASSY_TOPOLOGY, where, false);
          continue;
        }
        if (existsSync(join(PROJECT_ROOT, first)) && !existsSync(join(PROJECT_ROOT, token.replace(/\*.*$/, "")))) problems.push(`${where}: '${token}' does not exist`);
      }
      if (program === "npm" && args[0] === "run") {
        const script = args[1];
        if (PACKAGE.scripts[script] === undefined) problems.push(`${where}: npm script '${script}' does not exist in package.json`);
        else if (runnableScript(script)) await runScript(script, env, where);
      } else if (program === "npm" && ["test", "start"].includes(args[0])) {
        if (PACKAGE.scripts[args[0]] === undefined) problems.push(`${where}: npm script '${args[0]}' does not exist in package.json`);
      } else if (program === "npx") {
        const [bin, ...rest] = args.filter((a) => !a.startsWith("--yes"));
        const ours = PACKAGE.bin?.[bin];
        if (ours === undefined && !existsSync(join(PROJECT_ROOT, "node_modules", ".bin", bin))) problems.push(`${where}: npx '${bin}' is not installed`);
        if (bin === "cdktf" && ["deploy", "destroy", "diff"].includes(rest[0])) {
          for (const stack of rest.slice(1).filter((a) => !a.startsWith("-") && !a.includes("*"))) await checkStack(stack, env.EMBASSY_TOPOLOGY, where, true);
        }
        if (ours !== undefined) {
          const cli = join(BUILD, ours.replace(/^(\.\/)?dist\//, ""));
          try {
            const help = await run(process.execPath, [cli, "--help"], { cwd: sandbox, env: childEnv(env) });
            ran.push(`${where}: npx ${bin} --help`);
            const sub = rest.find((a) => !a.startsWith("-"));
            if (sub !== undefined && !new RegExp(`^\\s+${sub}\\b`, "m").test(help.stdout)) problems.push(`${where}: '${bin} ${sub}' is not a command of ${bin} --help`);
          } catch (e) {
            problems.push(`${where}: ${bin} --help fails: ${(e as Error).message.split("\n")[0]}`);
          }
        }
      } else if (program === "cp" && args.length === 2 && args.every((a) => !a.startsWith("/") && !a.startsWith("-"))) {
        const producer = PRODUCERS.find(([prefix]) => args[0].startsWith(prefix));
        if (producer && !existsSync(join(sandbox, args[0]))) await runScript(producer[1], env, `${where} (to produce ${args[0]})`);
        try {
          cpSync(join(sandbox, args[0]), join(sandbox, args[1]));
          ran.push(`${where}: cp ${args.join(" ")}`);
        } catch (e) {
          problems.push(`${where}: cp ${args.join(" ")} fails: ${(e as Error).message}`);
        }
      }
    }
  }
  return { problems, ran, stacksChecked };
}

describe("the README's commands work when pasted", () => {
  test("every sh block of README.md: what can run offline runs, the rest names scripts, stacks and files that exist", async () => {
    const { problems, ran, stacksChecked } = await checkReadme(readFileSync(join(PROJECT_ROOT, "README.md"), "utf8"));
    expect(problems).toEqual([]);
    // Not vacuous: the synth commands ran, and the deploy examples' stacks were looked up.
    expect(ran.filter((r) => r.includes("npm run synth")).length).toBeGreaterThanOrEqual(3);
    expect(stacksChecked).toEqual(expect.arrayContaining(["jp-embassy-jp-osaka", "jp-embassy-au-embassy", "jp-embassy-jp-tokyo"]));
  }, 180_000);

  test("fails on a deploy of a stack the topology in effect does not have, a missing script, file or program", async () => {
    const markdown = [
      "```sh",
      "npx cdktf deploy jp-embassy-au-embassy              # without EMBASSY_TOPOLOGY: the default (Dutch) topology",
      "EMBASSY_TOPOLOGY=stacks/jp-embassy.yaml npx cdktf deploy jp-embassy-jp-nagoya",
      "npm run synthesize && EMBASSY_TOPOLOGY=stacks/kr-embassy.yaml npx cdktf-typo synth",
      "```",
    ].join("\n");
    const { problems } = await checkReadme(markdown);
    expect(problems).toEqual([
      "README.md line 2: stack 'jp-embassy-au-embassy' is not among the stacks of the default topology stacks/nl-embassy.yaml (no EMBASSY_TOPOLOGY is set): nl-embassy-es-embassy, nl-embassy-nl-azure",
      "README.md line 3: stack 'jp-embassy-jp-nagoya' is not among the stacks of EMBASSY_TOPOLOGY=stacks/jp-embassy.yaml: jp-embassy-au-embassy, jp-embassy-jp-osaka, jp-embassy-jp-tokyo",
      "README.md line 4: npm script 'synthesize' does not exist in package.json",
      "README.md line 4: 'stacks/kr-embassy.yaml' does not exist",
      "README.md line 4: npx 'cdktf-typo' is not installed",
    ]);
  }, 60_000);
});
