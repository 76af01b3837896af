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
  builtHere: true,
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
  builtHere: true,
};

/**
 * A link from one of the state's datacenters to a cloud site: the state's copy job
 * (`data-embassy push`) sends each registry snapshot, with checksums and a signed manifest, on
 * the link's schedule (../shared/DESIGN.md, "Copy mechanisms and their honest RPO").
 *
 * The promise is the schedule itself: a copy started every `everyMinutes` leaves the newest copy
 * at the target at most that old once each run has finished, and the freshness alarms at the
 * cloud end say when a run did not arrive. Nothing here can promise more than the job's own
 * schedule, so `everyMinutes` is the link's RPO. The clouds' side (the stores, an ingest
 * identity, a VPN) is built here; the job runs in the datacenter.
 */
export function stateCopyJob(everyMinutes: number): LinkMechanism {
  return {
    name: "state-copy-job",
    description: `the state's copy job (\`data-embassy push\`) every ${everyMinutes} minutes, snapshots with SHA-256 checksums and a signed manifest, watched by freshness alarms`,
    achievableRpoMinutes: everyMinutes,
    builtHere: true,
  };
}

/**
 * A link between two of the state's own datacenters: the state's own storage replication, which
 * this project neither builds nor operates. It is validated (places, distance, RPO against the
 * schedule the state declares) and shown in the review, at its `everyMinutes`, so the
 * architect sees the whole failover picture; nothing is synthesized for it.
 */
export function stateStorageReplication(everyMinutes: number): LinkMechanism {
  return {
    name: "state-storage-replication",
    description: `the state's own storage replication between its datacenters (not built here), planned every ${everyMinutes} minutes`,
    achievableRpoMinutes: everyMinutes,
    builtHere: false,
  };
}

export type MechanismChoice =
  | { readonly ok: true; readonly mechanism: LinkMechanism }
  | { readonly ok: false; readonly reason: string };

/**
 * The mechanism for a link between two resolved sites, or why there is none. `everyMinutes` is
 * the schedule of a link from an on-premises site (required there; the validator reports a
 * missing one before asking).
 */
export function mechanismFor(from: Site, to: Site, everyMinutes?: number): MechanismChoice {
  if (from.cloud === "onprem") {
    if (everyMinutes === undefined) {
      return { ok: false, reason: `starts at on-premises site '${from.id}' but has no everyMinutes, the copy job's schedule and so the link's RPO` };
    }
    return { ok: true, mechanism: to.cloud === "onprem" ? stateStorageReplication(everyMinutes) : stateCopyJob(everyMinutes) };
  }
  if (to.cloud === "onprem") {
    // Refused rather than deferred: the copy job runs in the datacenter and pushes out, and no
    // cloud's replication writes into storage outside that cloud, so nothing this project
    // deploys could ever perform this copy. A datacenter is filled from the primary only when
    // the primary is itself a datacenter (the state's own replication, declared as such).
    return {
      ok: false,
      reason: `connects ${from.cloud} site '${from.id}' to on-premises site '${to.id}'; nothing this project deploys copies from a cloud into a datacenter (the copy job runs in the datacenter and sends out), so this link cannot be built; make an on-premises site the primary, or fill '${to.id}' with the state's own tooling outside this topology`,
    };
  }
  if (from.cloud !== to.cloud) {
    return {
      ok: false,
      reason: `connects ${from.cloud} site '${from.id}' to ${to.cloud} site '${to.id}'; no copy between two clouds is built (neither provider's replication writes into the other's storage), so this link cannot be built; declare the state's datacenter as the primary (cloud: onprem), which sends to each cloud directly`,
    };
  }
  if (from.regionInfo.partition !== to.regionInfo.partition) {
    return {
      ok: false,
      reason: `connects partition ${from.regionInfo.partition} ('${from.id}') to partition ${to.regionInfo.partition} ('${to.id}'); native replication cannot cross partitions and no managed copy service is supported yet`,
    };
  }
  return { ok: true, mechanism: from.cloud === "aws" ? S3_REPLICATION_RTC : AZURE_OBJECT_REPLICATION };
}
