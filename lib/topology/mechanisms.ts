import type { Region } from "../regions/catalogue";
import type { LinkMechanism, Site } from "./model";

/**
 * The replication mechanisms this library can build, and what each can promise.
 * A link gets the mechanism its two ends allow; a pair no mechanism serves is a
 * validation error that says why (never silently skipped).
 */

/**
 * S3 Cross-Region Replication with Replication Time Control (lib/aws/replication-link.ts).
 *
 * What AWS promises: "S3 RTC replicates most objects that you upload to Amazon S3 in seconds, and
 * 99.99 percent of those objects within 15 minutes" (Amazon S3 User Guide, "Meeting compliance
 * requirements with S3 Replication Time Control", replication-time-control.html): that is the
 * design figure. The financially backed figure is lower: the Amazon S3 Replication Time Control
 * Feature Service Level Agreement (aws.amazon.com/s3/sla-rtc, last updated May 4, 2022) credits a
 * month whose "Monthly 15-minute Replication Percentage" is below 99.9%, per region pair and
 * account. Conditions: both buckets in one partition; replication metrics on (so a late replica
 * raises an event; EMB-R01 checks both on every rule).
 */
export const S3_REPLICATION_RTC: LinkMechanism = {
  name: "s3-replication-rtc",
  description:
    "S3 replication with Replication Time Control: 15 minutes (99.99% of objects by design, 99.9% under the S3 SLA), replicas re-encrypted with the target key; watched by replication metrics with a 15-minute threshold",
  achievableRpoMinutes: 15,
  builtHere: true,
};

/**
 * Azure object replication without priority (lib/azure/replication-link.ts): no time promise.
 *
 * "Object replication (OR) currently copies all operations from a source storage account to one or
 * more destination accounts asynchronously, with no guaranteed completion time"
 * (MicrosoftDocs/azure-docs articles/storage/blobs/object-replication-priority-replication.md,
 * ms.date 10/22/2025; the overview says the same: "There's currently no SLA on how long it takes to
 * replicate data to the destination account").
 *
 * So the figure below is a planning bound, not a promise: 24 hours. It is the edge of the last
 * bounded bucket (8-24 hours) of Azure's own object-replication metrics before "more than 24
 * hours" (articles/storage/blobs/object-replication-overview.md, "Replication metrics"), i.e. the
 * point at which Microsoft's tooling itself treats a pending operation as an outlier, and the daily
 * cadence at which an operator is expected to check replication status. A registry that needs a
 * fresher copy between two Azure sites must get priority replication ({@link AZURE_PRIORITY_REPLICATION})
 * or fails validation, rather than being given a promise the platform does not make.
 */
export const AZURE_OBJECT_REPLICATION_RPO_MINUTES = 24 * 60;

/**
 * "A source account can replicate to no more than two destination accounts, with one policy for
 * each destination account" (articles/storage/blobs/object-replication-overview.md, "Replication
 * policies"): with or without priority, the same limit per source account.
 */
export const AZURE_OBJECT_REPLICATION_MAX_TARGETS = 2;

/** What both Azure object replication mechanisms are, for the per-source-account target limit. */
export const AZURE_OBJECT_REPLICATION_FAMILY = "azure-object-replication";

/**
 * Azure object replication without priority (lib/azure/replication-link.ts): every blob version
 * into the target's locked WORM container, re-encrypted with the target's key, planned at
 * {@link AZURE_OBJECT_REPLICATION_RPO_MINUTES} (no time SLA), at most
 * {@link AZURE_OBJECT_REPLICATION_MAX_TARGETS} targets per source account. What an Azure link gets
 * when {@link priorityReplicationBlocker} names a reason, or when its source account's one
 * priority policy is taken.
 */
export const AZURE_OBJECT_REPLICATION: LinkMechanism = {
  name: AZURE_OBJECT_REPLICATION_FAMILY,
  description:
    "Azure object replication of every blob version into a locked version-level WORM container, replicas encrypted with the target key; no time SLA (planning bound 24 h)",
  achievableRpoMinutes: AZURE_OBJECT_REPLICATION_RPO_MINUTES,
  maxTargetsPerSource: AZURE_OBJECT_REPLICATION_MAX_TARGETS,
  builtHere: true,
};

/**
 * Azure object replication with priority replication (lib/azure/priority-replication-policy.ts).
 *
 * What Microsoft promises (MicrosoftDocs/azure-docs
 * articles/storage/blobs/object-replication-priority-replication.md, ms.date 10/22/2025, generally
 * available): "When a replication's source and destination account are within the same continent,
 * OR priority replication also replicates 99.0% of objects within 15 minutes for supported
 * workloads". Conditions, each from that page:
 *  - both accounts on the same continent (lib/regions/continents.ts says how that is read);
 *  - "priority replication can only be enabled on one object replication policy per source storage
 *    account": a registry's store replicates to at most two targets, and only one of them can have
 *    priority ({@link MechanismPlanner} gives it to the first link in topology order);
 *  - excluded from the SLA: objects larger than 5 GB, objects modified more than 10 times per
 *    second, accounts larger than 5 PB or with more than 10 billion blobs, periods in which the
 *    account or policy exceeds 1 Gbps or 1,000 PUT/DELETE operations per second and the backlog
 *    they cause, and the replication of existing blobs after a policy is created or changed (about
 *    100 TB a day);
 *  - offered "in all public cloud regions with the following exceptions: West India, Switzerland
 *    West" (learn.microsoft.com/azure/storage/blobs/object-replication-priority-replication, as
 *    published with that list; an earlier revision of the include object-replication-alert.md says
 *    "all public cloud regions"): {@link PRIORITY_REPLICATION_EXCLUDED_REGIONS}, the stricter reading.
 * Enabling it "automatically enables OR metrics" (pending operations and bytes by time bucket),
 * which the lag alert watches (lib/azure/replication-lag-alert.ts). It is billed per GB of new data,
 * and for 30 days after it is switched off.
 *
 * azurerm 4.55 (@cdktf/provider-azurerm 14.23) cannot set it; the policy is created through azapi
 * with `properties.priorityReplication.enabled` (Microsoft.Storage API 2025-06-01).
 */
export const AZURE_PRIORITY_REPLICATION: LinkMechanism = {
  name: "azure-object-replication-priority",
  description:
    "Azure object replication with priority replication: 15 minutes for 99% of objects (same continent; objects up to 5 GB; bursts above 1 Gbps or 1,000 writes/s and the backlog after a policy change excluded), every blob version into a locked version-level WORM container, replicas encrypted with the target key; watched by a lag alert on the pending-operations metric",
  achievableRpoMinutes: 15,
  maxTargetsPerSource: AZURE_OBJECT_REPLICATION_MAX_TARGETS,
  builtHere: true,
};

/** Azure regions where priority replication is not offered (see {@link AZURE_PRIORITY_REPLICATION}). */
export const PRIORITY_REPLICATION_EXCLUDED_REGIONS: ReadonlyMap<string, string> = new Map([
  ["westindia", "West India"],
  ["switzerlandwest", "Switzerland West"],
]);

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

/**
 * The mechanism chosen for a link, or why no mechanism can serve it. Narrow on `ok`: a refusal's
 * `reason` completes a message that starts with the link's name.
 */
export type MechanismChoice =
  | {
      /** The link can be built (or, between two datacenters, validated): `mechanism` says how. */
      readonly ok: true;
      /** The best mechanism the link qualifies for, with its achievable RPO. */
      readonly mechanism: LinkMechanism;
      /**
       * Why the link did not get a faster mechanism of its clouds (an Azure link that cannot have
       * priority replication), for messages: "japaneast (Asia) is on another continent than
       * francecentral (Europe) ...". Absent when the mechanism is the best its ends allow.
       */
      readonly slowerBecause?: string;
    }
  | {
      /** No mechanism serves the link: it cannot be built, and validation fails. */
      readonly ok: false;
      /**
       * Why, and what to do instead, e.g. "connects aws site 'a' to azure site 'b'; no copy between
       * two clouds is built ...; declare the state's datacenter as the primary".
       */
      readonly reason: string;
    };

/**
 * Why an Azure link from `from` to `to` cannot have priority replication by where its ends are,
 * or undefined when it can (both on one continent, in regions where it is offered). The one rule
 * for it: the validator asks through {@link mechanismFor}, the replication link construct asks
 * before it enables priority.
 */
export function priorityReplicationBlocker(from: Region, to: Region): string | undefined {
  for (const end of [from, to]) {
    const display = PRIORITY_REPLICATION_EXCLUDED_REGIONS.get(end.name);
    if (display !== undefined) {
      return `priority replication is not offered in ${end.name} (Microsoft lists ${[...PRIORITY_REPLICATION_EXCLUDED_REGIONS.values()].join(" and ")} as exceptions)`;
    }
  }
  if (from.continent !== to.continent) {
    return `${to.name} (${to.continent}) is on another continent than ${from.name} (${from.continent}), and priority replication's 15-minute SLA covers only accounts on the same continent`;
  }
  return undefined;
}

/**
 * The mechanism for a link between two resolved sites, taken alone, or why there is none.
 * `everyMinutes` is the schedule of a link from an on-premises site (required there; the validator
 * reports a missing one before asking). An Azure link that qualifies by place gets priority
 * replication here; whether its source accounts still have their one priority policy free is the
 * topology's question ({@link MechanismPlanner}).
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
  if (from.cloud === "aws") return { ok: true, mechanism: S3_REPLICATION_RTC };
  const blocker = priorityReplicationBlocker(from.regionInfo, to.regionInfo);
  return blocker === undefined ? { ok: true, mechanism: AZURE_PRIORITY_REPLICATION } : { ok: true, mechanism: AZURE_OBJECT_REPLICATION, slowerBecause: blocker };
}

/**
 * The family of a mechanism whose targets per source are limited: both Azure object replication
 * mechanisms count against the same two destination accounts per source account.
 */
export function mechanismFamily(mechanism: LinkMechanism): string {
  return mechanism === AZURE_PRIORITY_REPLICATION || mechanism === AZURE_OBJECT_REPLICATION ? AZURE_OBJECT_REPLICATION_FAMILY : mechanism.name;
}

/**
 * Chooses the mechanism of each link of a topology, in topology order, where one link's choice
 * limits another's: Azure allows priority replication on one policy per source account, and a
 * registry's store at the primary is that account. The first link (in topology order) that
 * qualifies by place gets priority replication for every registry it carries; a later Azure link
 * that shares a registry with it is planned without priority (a link gets priority for all its
 * registries or for none, so what it promises is one figure), and the validator then refuses any
 * registry whose rpoMinutes that link cannot meet, saying which link holds the priority policy.
 */
export class MechanismPlanner {
  /** `<source site>/<registry>` -> the link (as messages name it) that holds its priority policy. */
  private readonly priorityHolders = new Map<string, string>();

  /**
   * The mechanism for the link `name` from `from` to `to` carrying `registryIds`, given the links
   * already chosen.
   */
  public choose(name: string, from: Site, to: Site, registryIds: readonly string[], everyMinutes?: number): MechanismChoice {
    const alone = mechanismFor(from, to, everyMinutes);
    if (!alone.ok || alone.mechanism !== AZURE_PRIORITY_REPLICATION) return alone;
    for (const registry of registryIds) {
      const holder = this.priorityHolders.get(`${from.id}/${registry}`);
      if (holder !== undefined) {
        return {
          ok: true,
          mechanism: AZURE_OBJECT_REPLICATION,
          slowerBecause: `the source account of registry '${registry}' at '${from.id}' already has its one priority replication policy, on ${holder} (Azure allows priority replication on one policy per source account)`,
        };
      }
    }
    for (const registry of registryIds) this.priorityHolders.set(`${from.id}/${registry}`, name);
    return alone;
  }
}
