import type { Registry, Site, Topology } from "./model";

/** The registries a site holds: all at the primary, the carried ones at a target. */
export function registriesAt(topology: Topology, site: Site): Registry[] {
  if (site.primary) return [...topology.registries];
  const carried = new Set(topology.links.filter((l) => l.to.id === site.id).flatMap((l) => l.registries.map((r) => r.id)));
  return topology.registries.filter((r) => carried.has(r.id));
}
