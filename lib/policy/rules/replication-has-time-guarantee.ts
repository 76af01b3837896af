import { asNumber, asString, blocks, field, show } from "../private/json";
import { outcomeOf, type ResourceRule } from "../rule";

/** S3 Replication Time Control's fixed promise, in minutes. */
export const RTC_MINUTES = 15;

/**
 * EMB-R01. Replication comes with a time guarantee, without which no registry's rpoMinutes can
 * be promised: every enabled rule of an `aws_s3_bucket_replication_configuration` has
 * Replication Time Control (15 minutes) and replication metrics (15-minute threshold), so a late
 * replica raises an event.
 */
export const ReplicationHasTimeGuarantee: ResourceRule = {
  kind: "resource",
  name: "ReplicationHasTimeGuarantee",
  description: "Every replication rule has Replication Time Control and metrics, so each registry's RPO is promised and watched.",
  resourceTypes: ["aws_s3_bucket_replication_configuration"],
  evaluate: (resource) => {
    const rules = blocks(resource.attributes.rule);
    if (rules.length === 0) return outcomeOf(["has no replication rule"]);
    const problems = rules
      .filter((r) => asString(r.status) !== "Disabled")
      .flatMap((r, i) => {
        const name = `rule ${show(r.id ?? `#${i + 1}`)}`;
        const destination = field(r, "destination");
        const rtc = field(destination, "replication_time");
        const metrics = field(destination, "metrics");
        const out: string[] = [];
        if (asString(field(rtc, "status")) !== "Enabled" || asNumber(field(rtc, "time", "minutes")) !== RTC_MINUTES) {
          out.push(`${name} has replication_time ${show(rtc)}, not { status: 'Enabled', time: { minutes: ${RTC_MINUTES} } }`);
        }
        if (asString(field(metrics, "status")) !== "Enabled") out.push(`${name} has metrics ${show(metrics)}, not status 'Enabled'`);
        return out;
      });
    return outcomeOf(problems);
  },
};
