/** One thing wrong with a topology: where it is, and what is wrong with which value. */
export interface TopologyProblem {
  /** Location in the document, e.g. `sites[1].region`, or `(file)` for a file-level problem. */
  readonly path: string;
  /** What is wrong, naming the site, registry or link and the value received. */
  readonly message: string;
  /** 1-based line in the source file, when known. */
  readonly line?: number;
}

/**
 * Thrown when a topology cannot be used. Carries every problem found, not just the first,
 * so an author can fix them all in one pass.
 */
export class TopologyError extends Error {
  constructor(
    /** The file (or other source) the topology came from. */
    public readonly source: string,
    /**
     * Every problem found (at least one), in the order the checks ran, each with its path in the
     * document and, when known, its line.
     */
    public readonly problems: readonly TopologyProblem[],
  ) {
    super(formatProblems(source, problems));
    this.name = "TopologyError";
  }
}

/** A readable, multi-line report of problems, one per line. */
export function formatProblems(source: string, problems: readonly TopologyProblem[]): string {
  const noun = problems.length === 1 ? "problem" : "problems";
  const lines = problems.map((p) => `  - ${p.path}${p.line !== undefined ? ` (line ${p.line})` : ""}: ${p.message}`);
  return [`topology ${source} has ${problems.length} ${noun}:`, ...lines].join("\n");
}
