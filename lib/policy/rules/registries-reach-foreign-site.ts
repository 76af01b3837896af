import { greatCircleKm } from "../../regions/catalogue";
import type { Site, Topology } from "../../topology/model";
import { NOT_APPLICABLE, outcomeOf, type TopologyRule } from "../rule";

/** The smallest distance, in whole km, from `site` to any domestic site of the topology. */
function nearestDomesticKm(site: Site, topology: Topology): number {
  const domestic = topology.sites.filter((s) => s.role === "domestic");
  return Math.min(...domestic.map((d) => Math.round(greatCircleKm(site.place, d.place))));
}

/**
 * EMB-T01. Every registry reaches, through links from the primary, at least one foreign site
 * outside the home country that lies at least rules.minForeignDistanceKm from every domestic
 * site. Not applicable while rules.requireForeignCopy is false (a domestic-first phase, which
 * the topology reports as a warning). The topology validator enforces the same; this rule
 * keeps the guarantee visible in the policy report and holds for hand-built topologies too.
 */
export const RegistriesReachForeignSite: TopologyRule = {
  kind: "topology",
  name: "RegistriesReachForeignSite",
  description: "Every registry is copied to a foreign site at the required distance from every domestic site.",
  evaluate: (topology) =>
    topology.registries.map((registry) => {
      const subject = `registry '${registry.id}'`;
      if (!topology.rules.requireForeignCopy) return { subject, outcome: NOT_APPLICABLE };
      const min = topology.rules.minForeignDistanceKm;
      const targets = topology.links.filter((l) => l.from.id === topology.primary.id && l.registries.some((r) => r.id === registry.id)).map((l) => l.to);
      const qualifies = (s: Site) => s.role === "foreign" && s.place.country !== topology.home && nearestDomesticKm(s, topology) >= min;
      if (targets.some(qualifies)) return { subject, outcome: outcomeOf([]) };
      const reached =
        targets.length === 0
          ? "it is copied to no site"
          : `it reaches only ${targets
              .map((t) => `'${t.id}' (${t.role}, ${t.place.country}, ${nearestDomesticKm(t, topology)} km from the nearest domestic site)`)
              .join(", ")}`;
      return { subject, outcome: outcomeOf([`${subject} reaches no foreign site at least ${min} km (rules.minForeignDistanceKm) from every domestic site: ${reached}`]) };
    }),
};
