/**
 * What got weaker, and what got stronger, between two reviews (review.json, format 1): the
 * baseline an architect approved and the review of the current synth. Every change names its
 * kind, its subject and the values before and after, so that CI can require a second approval
 * when anything weakened a promise (`EMBASSY_REVIEW_STRICT=1`).
 */
import { type Capability, DATA_OR_KEY_CAPABILITIES, type ReviewAccess, type ReviewCopy, type ReviewDocument } from "./review-format";

/** The kinds of change the diff reports. */
export type ChangeKind =
  | "copy-removed"
  | "copy-added"
  | "retention-lowered"
  | "retention-raised"
  | "rule-floor-lowered"
  | "rule-floor-raised"
  | "rpo-loosened"
  | "rpo-tightened"
  | "site-moved-closer"
  | "site-moved-farther"
  | "jurisdiction-changed"
  | "site-removed"
  | "access-added"
  | "access-removed"
  | "custody-widened"
  | "custody-narrowed"
  | "suppression-added"
  | "suppression-removed"
  | "setting-removed"
  | "setting-added"
  | "alarm-removed"
  | "alarm-added"
  | "rule-result-worse"
  | "rule-result-better"
  | "checkov-worse";

/** One change. */
export interface ReviewChange {
  readonly kind: ChangeKind;
  readonly direction: "weaker" | "stronger";
  /** What it is about: `registry 'koseki'`, `site 'au-embassy'`, `rules.minForeignDistanceKm`. */
  readonly subject: string;
  /** One sentence with the values before and after. */
  readonly message: string;
}

/** The result of comparing two reviews. */
export interface ReviewDiff {
  readonly weaker: readonly ReviewChange[];
  readonly stronger: readonly ReviewChange[];
}

const CAPABILITY_WORDS: Readonly<Record<Capability, string>> = {
  administerKeys: "administer the key of",
  useKey: "use the key of",
  read: "read",
  write: "write",
  replicate: "replicate",
  operate: "operate",
  changeGuarantees: "change the guarantees of",
  audit: "audit",
};

const copyKey = (registry: string, site: string) => `${registry}@${site}`;
const list = (xs: readonly string[] | undefined) => (xs === undefined ? "unset" : xs.length === 0 ? "none" : xs.join(", "));

/** Compares a baseline review with the current one. */
export function diffReviews(baseline: ReviewDocument, current: ReviewDocument): ReviewDiff {
  const changes: ReviewChange[] = [];
  const weaker = (kind: ChangeKind, subject: string, message: string) => changes.push({ kind, direction: "weaker", subject, message });
  const stronger = (kind: ChangeKind, subject: string, message: string) => changes.push({ kind, direction: "stronger", subject, message });

  // Rules: the floors every site and copy must meet.
  const r0 = baseline.rules;
  const r1 = current.rules;
  if (r1.minForeignDistanceKm < r0.minForeignDistanceKm) weaker("rule-floor-lowered", "rules.minForeignDistanceKm", `the foreign-distance rule was lowered from ${r0.minForeignDistanceKm} km to ${r1.minForeignDistanceKm} km`);
  if (r1.minForeignDistanceKm > r0.minForeignDistanceKm) stronger("rule-floor-raised", "rules.minForeignDistanceKm", `the foreign-distance rule was raised from ${r0.minForeignDistanceKm} km to ${r1.minForeignDistanceKm} km`);
  if (r1.minRetentionDays < r0.minRetentionDays) weaker("rule-floor-lowered", "rules.minRetentionDays", `the retention floor was lowered from ${r0.minRetentionDays} to ${r1.minRetentionDays} days`);
  if (r1.minRetentionDays > r0.minRetentionDays) stronger("rule-floor-raised", "rules.minRetentionDays", `the retention floor was raised from ${r0.minRetentionDays} to ${r1.minRetentionDays} days`);
  if (r0.requireForeignCopy && !r1.requireForeignCopy) weaker("rule-floor-lowered", "rules.requireForeignCopy", "a foreign copy is no longer required (requireForeignCopy true -> false)");
  if (!r0.requireForeignCopy && r1.requireForeignCopy) stronger("rule-floor-raised", "rules.requireForeignCopy", "a foreign copy is now required (requireForeignCopy false -> true)");

  // Sites: distance abroad and jurisdiction.
  const sites1 = new Map(current.sites.map((s) => [s.id, s]));
  for (const s0 of baseline.sites) {
    const s1 = sites1.get(s0.id);
    const subject = `site '${s0.id}'`;
    if (!s1) {
      weaker("site-removed", subject, `site '${s0.id}' (${s0.role}, ${s0.label}, ${s0.country}) was removed`);
      continue;
    }
    if (s0.jurisdiction !== s1.jurisdiction || s0.country !== s1.country) {
      weaker("jurisdiction-changed", subject, `site '${s0.id}' moved from ${s0.country} (${s0.jurisdiction}) to ${s1.country} (${s1.jurisdiction})`);
    }
    if (s0.role === "foreign" && s1.role === "domestic") weaker("site-moved-closer", subject, `site '${s0.id}' is no longer foreign`);
    const k0 = s0.nearestDomestic?.km;
    const k1 = s1.nearestDomestic?.km;
    if (k0 !== undefined && k1 !== undefined && k1 < k0) weaker("site-moved-closer", subject, `foreign site '${s0.id}' is now ${k1} km from the nearest domestic site ('${s1.nearestDomestic!.site}'), was ${k0} km`);
    if (k0 !== undefined && k1 !== undefined && k1 > k0) stronger("site-moved-farther", subject, `foreign site '${s0.id}' is now ${k1} km from the nearest domestic site, was ${k0} km`);
  }

  // Registries: copies, retention, RPO, alarms.
  const regs1 = new Map(current.registries.map((r) => [r.id, r]));
  const removedCopies = new Set<string>();
  for (const g0 of baseline.registries) {
    const g1 = regs1.get(g0.id);
    const subject = `registry '${g0.id}'`;
    if (!g1) {
      for (const c of g0.copies) removedCopies.add(copyKey(g0.id, c.site));
      weaker("copy-removed", subject, `registry '${g0.id}' was removed with its ${g0.copies.length} copies (${g0.copies.map((c) => c.site).join(", ")})`);
      continue;
    }
    const retentionChanged = g1.retentionDays !== g0.retentionDays;
    if (g1.retentionDays < g0.retentionDays) weaker("retention-lowered", subject, `registry '${g0.id}': WORM retention cut from ${g0.retentionDays} to ${g1.retentionDays} days`);
    if (g1.retentionDays > g0.retentionDays) stronger("retention-raised", subject, `registry '${g0.id}': WORM retention raised from ${g0.retentionDays} to ${g1.retentionDays} days`);
    if (g1.requiredRpoMinutes > g0.requiredRpoMinutes) weaker("rpo-loosened", subject, `registry '${g0.id}': required RPO loosened from ${g0.requiredRpoMinutes} to ${g1.requiredRpoMinutes} minutes`);
    if (g1.requiredRpoMinutes < g0.requiredRpoMinutes) stronger("rpo-tightened", subject, `registry '${g0.id}': required RPO tightened from ${g0.requiredRpoMinutes} to ${g1.requiredRpoMinutes} minutes`);
    const copies1 = new Map(g1.copies.map((c) => [c.site, c]));
    for (const c0 of g0.copies) {
      const c1 = copies1.get(c0.site);
      const where = `registry '${g0.id}' at '${c0.site}'`;
      if (!c1) {
        removedCopies.add(copyKey(g0.id, c0.site));
        weaker("copy-removed", subject, `registry '${g0.id}': the copy at '${c0.site}' was dropped (was ${describeCopy(c0)})`);
        continue;
      }
      if (c0.achievableRpoMinutes !== undefined && c1.achievableRpoMinutes !== undefined) {
        if (c1.achievableRpoMinutes > c0.achievableRpoMinutes) weaker("rpo-loosened", where, `${where}: achievable RPO loosened from ${c0.achievableRpoMinutes} to ${c1.achievableRpoMinutes} minutes (${c1.mechanism})`);
        if (c1.achievableRpoMinutes < c0.achievableRpoMinutes) stronger("rpo-tightened", where, `${where}: achievable RPO tightened from ${c0.achievableRpoMinutes} to ${c1.achievableRpoMinutes} minutes (${c1.mechanism})`);
      }
      const w0 = c0.store?.wormDays;
      const w1 = c1.store?.wormDays;
      // A deployed retention that only follows the registry's (already reported) retention is not repeated.
      const followsRegistry = retentionChanged && w0 === g0.retentionDays && w1 === g1.retentionDays;
      if (w0 !== undefined && w1 !== undefined && !followsRegistry) {
        if (w1 < w0) weaker("retention-lowered", where, `${where}: WORM retention as deployed cut from ${w0} to ${w1} days (${c1.store!.address})`);
        if (w1 > w0) stronger("retention-raised", where, `${where}: WORM retention as deployed raised from ${w0} to ${w1} days`);
      }
      const a1 = new Set(c1.store?.alarms ?? []);
      const a0 = new Set(c0.store?.alarms ?? []);
      // An alarm that watched replication to a dropped copy goes with it (the copy is reported).
      const watchedDropped = (alarm: string) => g0.copies.some((c) => !copies1.has(c.site) && alarm.includes(c.site));
      for (const a of a0) if (!a1.has(a) && !watchedDropped(a)) weaker("alarm-removed", where, `${where}: alarm '${a}' no longer watches the copy`);
      for (const a of a1) if (!a0.has(a)) stronger("alarm-added", where, `${where}: alarm '${a}' now watches the copy`);
    }
    const copies0 = new Set(g0.copies.map((c) => c.site));
    for (const c1 of g1.copies) if (!copies0.has(c1.site)) stronger("copy-added", subject, `registry '${g0.id}': a new copy at '${c1.site}' (${describeCopy(c1)})`);
  }
  for (const g1 of current.registries) {
    if (!baseline.registries.some((g) => g.id === g1.id)) stronger("copy-added", `registry '${g1.id}'`, `registry '${g1.id}' was added with copies at ${g1.copies.map((c) => c.site).join(", ")}`);
  }

  // Custody as declared (before the access it changes).
  diffCustody(baseline, current, weaker, stronger);

  // Access: a new principal with data or key access weakens custody; grouped per principal and capability.
  const rowKey = (a: ReviewAccess) => [a.site, a.registry, a.capability, a.principal].join("|");
  const had = new Set(baseline.access.map(rowKey));
  const has = new Set(current.access.map(rowKey));
  const group = (rows: readonly ReviewAccess[]) => {
    const groups = new Map<string, ReviewAccess[]>();
    for (const a of rows) {
      if (!DATA_OR_KEY_CAPABILITIES.has(a.capability)) continue;
      const k = [a.principal, a.capability, a.via ?? ""].join("|");
      groups.set(k, [...(groups.get(k) ?? []), a]);
    }
    return [...groups.values()];
  };
  for (const rows of group(current.access.filter((a) => !had.has(rowKey(a))))) {
    const a = rows[0];
    weaker("access-added", `principal '${a.name}'`, `new principal with data or key access: '${a.name}' may now ${CAPABILITY_WORDS[a.capability]} ${places(rows)}${a.via ? ` (via role ${a.via})` : ""}${a.usedBy ? `, used by ${a.usedBy}` : ""}`);
  }
  for (const rows of group(baseline.access.filter((a) => !has.has(rowKey(a)) && !removedCopies.has(copyKey(a.registry, a.site))))) {
    const a = rows[0];
    stronger("access-removed", `principal '${a.name}'`, `'${a.name}' may no longer ${CAPABILITY_WORDS[a.capability]} ${places(rows)}`);
  }

  // Suppressions.
  const supKey = (s: { ruleId: string; path: string }) => `${s.ruleId}|${s.path}`;
  const sup0 = new Set(baseline.guarantees.suppressions.map(supKey));
  const sup1 = new Set(current.guarantees.suppressions.map(supKey));
  for (const s of current.guarantees.suppressions) if (!sup0.has(supKey(s))) weaker("suppression-added", `rule ${s.ruleId}`, `suppression of ${s.ruleId} added at '${s.path}': "${s.reason}"`);
  for (const s of baseline.guarantees.suppressions) if (!sup1.has(supKey(s))) stronger("suppression-removed", `rule ${s.ruleId}`, `suppression of ${s.ruleId} at '${s.path}' removed`);

  // Rule results.
  const rules1 = new Map(current.guarantees.rules.map((r) => [r.id, r]));
  for (const r0 of baseline.guarantees.rules) {
    const r1 = rules1.get(r0.id);
    if (!r1) {
      weaker("rule-result-worse", `rule ${r0.id}`, `rule ${r0.id} (${r0.name}) is no longer checked`);
      continue;
    }
    const bad0 = r0.nonCompliant;
    const bad1 = r1.nonCompliant;
    if (bad1 > bad0) weaker("rule-result-worse", `rule ${r0.id}`, `rule ${r0.id} (${r0.name}): ${bad1} non-compliant (${r1.suppressed} suppressed), was ${bad0}`);
    if (bad1 < bad0) stronger("rule-result-better", `rule ${r0.id}`, `rule ${r0.id} (${r0.name}): ${bad1} non-compliant, was ${bad0}`);
  }
  const c0 = baseline.guarantees.checkov;
  const c1 = current.guarantees.checkov;
  if (c0 && c1) {
    const open = (c: typeof c0) => c.failedChecks.filter((f) => !f.accepted).length;
    if (open(c1) > open(c0) || c1.parsingErrors > c0.parsingErrors) weaker("checkov-worse", "Checkov", `Checkov: ${open(c1)} open failed checks and ${c1.parsingErrors} parsing errors, was ${open(c0)} and ${c0.parsingErrors}`);
  }

  // Guarantee-bearing settings: removed or turned off (copies already reported as dropped are not repeated).
  const setKey = (s: { site: string; registry: string; setting: string }) => `${s.site}|${s.registry}|${s.setting}`;
  const set1 = new Map(current.settings.map((s) => [setKey(s), s]));
  const set0 = new Map(baseline.settings.map((s) => [setKey(s), s]));
  for (const s0 of baseline.settings) {
    if (!s0.on || removedCopies.has(copyKey(s0.registry, s0.site))) continue;
    const s1 = set1.get(setKey(s0));
    const where = `registry '${s0.registry}' at '${s0.site}'`;
    if (!s1) weaker("setting-removed", where, `${where}: ${s0.setting} (${s0.detail}) was removed with ${s0.address}`);
    else if (!s1.on) weaker("setting-removed", where, `${where}: ${s0.setting} is off (${s1.detail}), was ${s0.detail} (${s1.address})`);
  }
  for (const s1 of current.settings) {
    const s0 = set0.get(setKey(s1));
    if (s1.on && s0 && !s0.on) stronger("setting-added", `registry '${s1.registry}' at '${s1.site}'`, `registry '${s1.registry}' at '${s1.site}': ${s1.setting} is now on (${s1.detail})`);
  }

  return { weaker: changes.filter((c) => c.direction === "weaker"), stronger: changes.filter((c) => c.direction === "stronger") };
}

function describeCopy(c: ReviewCopy): string {
  const rpo = c.achievableRpoMinutes !== undefined ? `, RPO ${c.achievableRpoMinutes} min` : "";
  return `${c.mechanism}${rpo}${c.store ? `, ${c.store.name}` : ""}`;
}

/** `'koseki', 'land' at 'jp-tokyo'; 'land' at 'jp-osaka'`. */
function places(rows: readonly ReviewAccess[]): string {
  const bySite = new Map<string, string[]>();
  for (const r of rows) bySite.set(r.site, [...(bySite.get(r.site) ?? []), `'${r.registry}'`]);
  return [...bySite].map(([site, regs]) => `${[...new Set(regs)].sort().join(", ")} at '${site}'`).join("; ");
}

type Report = (kind: ChangeKind, subject: string, message: string) => void;

function diffCustody(baseline: ReviewDocument, current: ReviewDocument, weaker: Report, stronger: Report): void {
  const a0 = baseline.custody.aws;
  const a1 = current.custody.aws;
  const z0 = baseline.custody.azure;
  const z1 = current.custody.azure;
  const added = (x: readonly string[] = [], y: readonly string[] = []) => y.filter((p) => !x.includes(p));
  const removed = (x: readonly string[] = [], y: readonly string[] = []) => x.filter((p) => !y.includes(p));
  const compare = (cloud: "aws" | "azure", field: string, x: readonly string[] | undefined, y: readonly string[] | undefined, unsetMeansEveryone: boolean) => {
    const subject = `custody.${cloud}.${field}`;
    if (x !== undefined && y === undefined) {
      if (unsetMeansEveryone) weaker("custody-widened", subject, `${subject} was removed (was ${list(x)}): every administrator may now do what only these could`);
      else stronger("custody-narrowed", subject, `${subject} was removed (was ${list(x)}): nobody has this duty now`);
      return;
    }
    if (x === undefined && y !== undefined) {
      if (unsetMeansEveryone) stronger("custody-narrowed", subject, `${subject} is now set (${list(y)}): no longer every administrator`);
      else weaker("custody-widened", subject, `${subject} is now set: ${list(y)}`);
      return;
    }
    const plus = added(x, y);
    const minus = removed(x, y);
    if (plus.length > 0) weaker("custody-widened", subject, `${subject}: added ${plus.join(", ")}`);
    if (minus.length > 0) stronger("custody-narrowed", subject, `${subject}: removed ${minus.join(", ")}`);
  };
  if (a0 && a1) {
    compare("aws", "administrators", a0.administrators, a1.administrators, false);
    // lib/topology/schema.ts: unset AWS readers/writers means every administrator.
    compare("aws", "readers", a0.readers, a1.readers, true);
    compare("aws", "writers", a0.writers, a1.writers, true);
    compare("aws", "keyRetirers", a0.keyRetirers, a1.keyRetirers, false);
  }
  if (z0 && z1) {
    compare("azure", "administrators", z0.administrators, z1.administrators, false);
    // Unset Azure readers/writers means nobody.
    compare("azure", "readers", z0.readers, z1.readers, false);
    compare("azure", "writers", z0.writers, z1.writers, false);
  }
}
