import type { LinkMechanism, Site } from "./model";

/**
 * The replication mechanisms this library can build, and what each can promise.
 * A link gets the mechanism its two ends allow; a pair no mechanism serves is a
 * validation error that says why (never silently skipped).
 */

/** S3 Cross-Region Replication with Replication Time Control: 99.99% of objects within 15 minutes (AWS SLA). */
export const S3_REPLICATION_RTC: LinkMechanism = {
  name: "s3-replication-rtc",
  description: "S3 replication with Replication Time Control (15-minute SLA), replicas re-encrypted with the target key",
  achievableRpoMinutes: 15,
};

/**
 * Azure object replication between two storage accounts (lib/azure/replication-link.ts).
 *
 * What Microsoft promises: nothing about time. "Object replication (OR) currently copies all
 * operations from a source storage account to one or more destination accounts asynchronously,
 * with no guaranteed completion time" (learn.microsoft.com/azure/storage/blobs/
 * object-replication-priority-replication, 2025-10-22; the overview says the same: "There's
 * currently no SLA on how long it takes to replicate data to the destination account"). Only the
 * optional priority replication carries an SLA (99.0% of new objects within 15 minutes, and
 * only when both accounts are on the same continent, below 1 Gbps and 1,000 writes/s), and
 * azurerm 4.55 (@cdktf/provider-azurerm 14.23) cannot enable it.
 *
 * So the figure below is a planning bound, not a promise: 24 hours. It is the edge of the last
 * bounded bucket (8-24 hours) of Azure's own object-replication metrics before "more than 24
 * hours", i.e. the point at which Microsoft's tooling itself treats a pending operation as an
 * outlier, and the daily cadence at which an operator is expected to check replication status.
 * A registry that needs a fresher copy between two Azure sites fails validation instead of
 * being given a promise the platform does not make. Lower it to 15 only together with priority
 * replication, for same-continent links.
 */
export const AZURE_OBJECT_REPLICATION_RPO_MINUTES = 24 * 60;

export const AZURE_OBJECT_REPLICATION: LinkMechanism = {
  name: "azure-object-replication",
  description:
    "Azure object replication of every blob version into a locked version-level WORM container, replicas encrypted with the target key; no time SLA (planning bound 24 h)",
  achievableRpoMinutes: AZURE_OBJECT_REPLICATION_RPO_MINUTES,
  // "A source account can replicate to at most two destination accounts" (object replication overview).
  maxTargetsPerSource: 2,
};

export type MechanismChoice =
  | { readonly ok: true; readonly mechanism: LinkMechanism }
  | { readonly ok: false; readonly reason: string };

/** The mechanism for a link between two resolved sites, or why there is none yet. */
export function mechanismFor(from: Site, to: Site): MechanismChoice {
  if (from.cloud !== to.cloud) {
    return {
      ok: false,
      reason: `connects ${from.cloud} site '${from.id}' to ${to.cloud} site '${to.id}'; cross-cloud replication is not supported yet, so this link cannot be built`,
    };
  }
  if (from.regionInfo.partition !== to.regionInfo.partition) {
    return {
      ok: false,
      reason: `connects partition ${from.regionInfo.partition} ('${from.id}') to partition ${to.regionInfo.partition} ('${to.id}'); native replication cannot cross partitions and no managed copy service is supported yet`,
    };
  }
  if (from.cloud === "aws") return { ok: true, mechanism: S3_REPLICATION_RTC };
  if (from.cloud === "azure") return { ok: true, mechanism: AZURE_OBJECT_REPLICATION };
  return { ok: false, reason: `connects two ${from.cloud} sites; replication on ${from.cloud} is not supported yet` };
}
