import type { IConstruct } from "constructs";

/** The construct metadata type a suppression is stored under (like cdk-nag's `cdk_nag`). */
export const SUPPRESSION_METADATA = "data-embassy:policy-suppression";

/** A suppression as stored: which rule, why, and on which construct (it covers the construct's subtree). */
export interface StoredSuppression {
  readonly ruleId: string;
  readonly reason: string;
  readonly path: string;
}

/** Records a suppression on `scope` (already validated by the public API). */
export function storeSuppression(scope: IConstruct, ruleId: string, reason: string): void {
  scope.node.addMetadata(SUPPRESSION_METADATA, { ruleId, reason });
}

/** The suppressions stored on `scope` itself. */
export function suppressionsOn(scope: IConstruct): StoredSuppression[] {
  const out: StoredSuppression[] = [];
  for (const entry of scope.node.metadata) {
    if (entry.type !== SUPPRESSION_METADATA) continue;
    const data: unknown = entry.data;
    if (typeof data !== "object" || data === null) continue;
    const { ruleId, reason } = data as { ruleId?: unknown; reason?: unknown };
    if (typeof ruleId === "string" && typeof reason === "string") out.push({ ruleId, reason, path: scope.node.path });
  }
  return out;
}

/** The nearest suppression of `ruleId` on `scope` or one of its ancestors. */
export function suppressionCovering(scope: IConstruct, ruleId: string): StoredSuppression | undefined {
  for (const node of [...scope.node.scopes].reverse()) {
    const found = suppressionsOn(node).find((s) => s.ruleId === ruleId);
    if (found) return found;
  }
  return undefined;
}

/** Every suppression in the tree under `root` (including `root`), in tree order. */
export function allSuppressions(root: IConstruct): StoredSuppression[] {
  return root.node.findAll().flatMap(suppressionsOn);
}
