import { RegistriesReachForeignSite } from "../../../lib/policy/rules/registries-reach-foreign-site";
import type { Topology } from "../../../lib/topology/model";
import { topologyOf } from "../../fixtures";
import { checkRule } from "../helpers";

const RULE = "EMB-T01";

describe("EMB-T01 RegistriesReachForeignSite", () => {
  test("every registry of the fixture reaches the Swedish site, over 2000 km from Spain", () => {
    const result = checkRule(RULE, () => undefined, { topology: topologyOf() });
    expect(result.findings).toEqual([]);
    expect(result.summary).toMatchObject({ checked: 2, compliant: 2 });
  });

  test("fails when the only foreign site is closer than rules.minForeignDistanceKm, naming the site and its distance", () => {
    // A hand-built topology the validator never saw: the rule must hold on its own.
    const base = topologyOf();
    const strict: Topology = { ...base, rules: { ...base.rules, minForeignDistanceKm: 10_000 } };
    const result = checkRule(RULE, () => undefined, { topology: strict });
    expect(result.findings.map((f) => [f.path, f.resourceType, f.address, f.level])).toEqual([
      ["", "topology", "registry 'brp'", "error"],
      ["", "topology", "registry 'land'", "error"],
    ]);
    expect(result.findings[0].message).toMatch(
      /^\[EMB-T01\] topology 'es-embassy', registry 'brp': registry 'brp' reaches no foreign site at least 10000 km \(rules\.minForeignDistanceKm\) from every domestic site: it reaches only 'se-embassy' \(foreign, SE, \d{4} km from the nearest domestic site\)\. Fix: add a link from the primary/,
    );
  });

  test("fails for a registry no link carries", () => {
    const base = topologyOf();
    const onlyBrp: Topology = { ...base, links: [{ ...base.links[0], registries: [base.registries[0]] }] };
    const outcomes = RegistriesReachForeignSite.evaluate(onlyBrp);
    expect(outcomes[1]).toEqual({
      subject: "registry 'land'",
      outcome: { status: "non-compliant", problems: ["registry 'land' reaches no foreign site at least 500 km (rules.minForeignDistanceKm) from every domestic site: it is copied to no site"] },
    });
  });

  test("is not applicable in a domestic-first phase (requireForeignCopy: false)", () => {
    const base = topologyOf();
    const relaxed: Topology = { ...base, links: [], rules: { ...base.rules, requireForeignCopy: false } };
    expect(RegistriesReachForeignSite.evaluate(relaxed).map((o) => o.outcome.status)).toEqual(["not-applicable", "not-applicable"]);
  });
});
