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
  return { ok: false, reason: `connects two ${from.cloud} sites; replication on ${from.cloud} is not supported yet` };
}
