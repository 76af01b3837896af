import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Topology } from "../lib/topology/model";
import { parseTopology } from "../lib/topology/load";

/** A minimal valid AWS topology document: Spain at home, a foreign site in Sweden. */
export function awsDoc(): Record<string, any> {
  return {
    version: 1,
    name: "es-embassy",
    home: "ES",
    custody: {
      aws: { accountId: "111111111111", administrators: ["arn:aws:iam::111111111111:role/embassy-admin"] },
    },
    alerts: { emails: ["soc@example.es"] },
    sites: [
      { id: "es-primary", role: "domestic", primary: true, cloud: "aws", region: "eu-south-2", cidr: "10.10.0.0/16" },
      { id: "se-embassy", role: "foreign", cloud: "aws", region: "eu-north-1", cidr: "10.30.0.0/16" },
    ],
    registries: [
      { id: "brp", title: "Population register", rpoMinutes: 15, retentionDays: 365 },
      { id: "land", title: "Land register", rpoMinutes: 60, retentionDays: 90 },
    ],
    links: [{ from: "es-primary", to: "se-embassy" }],
  };
}

/** The validated topology of a document (throws with every problem otherwise). */
export function topologyOf(doc: Record<string, any> = awsDoc()): Topology {
  return parseTopology(doc, "test");
}

/** The problem lines of a topology that must fail; fails the test if it passes. */
export function problemsOf(doc: unknown): string[] {
  try {
    parseTopology(doc, "test");
  } catch (e) {
    const problems = (e as { problems?: { path: string; message: string }[] }).problems;
    if (!problems) throw e;
    return problems.map((p) => `${p.path}: ${p.message}`);
  }
  throw new Error("expected the topology to be rejected, but it was accepted");
}

/** Synthesized JSON of a stack, parsed. */
export type Synth = { resource: Record<string, Record<string, any>>; data?: Record<string, Record<string, any>>; output?: Record<string, any>; terraform?: any; provider?: any };

/** All resources of one type in a synthesized stack. */
export function resources(synth: Synth, type: string): any[] {
  return Object.values(synth.resource?.[type] ?? {});
}

/** The parsed policy document of a resource attribute. */
export function policyOf(json: string): { Statement: any[] } {
  return JSON.parse(json);
}

/** Synthesizes what `build` adds to a fresh test stack, parsed. */
export function synthScope(build: (scope: import("constructs").Construct) => void): Synth {
  const { Testing } = require("cdktf") as typeof import("cdktf");
  return JSON.parse(Testing.synthScope(build));
}

/** The custody every AWS construct test uses. */
export const CUSTODY = { accountId: "111111111111", administrators: ["arn:aws:iam::111111111111:role/embassy-admin"] } as const;

/** The project root (where package.json is), whether tests run from sources or from dist/. */
export const PROJECT_ROOT = ((): string => {
  let dir = __dirname;
  while (!existsSync(join(dir, "package.json"))) {
    if (dirname(dir) === dir) throw new Error(`no package.json above ${__dirname}`);
    dir = dirname(dir);
  }
  return dir;
})();

/**
 * An Azure-only embassy (the Dutch example before datacenters were sites): an Azure West Europe
 * primary object-replicating to Azure Spain Central, with a named reader.
 */
export function azureOnlyDoc(): Record<string, any> {
  return {
    version: 1,
    name: "nl-embassy",
    home: "NL",
    custody: {
      azure: {
        tenantId: "8f6a2c1e-4b7d-4e2a-9c3f-1a2b3c4d5e6f",
        subscriptionId: "2d9e7f10-5a6b-4c8d-9e0f-112233445566",
        administrators: ["5b1e9c2a-7d3f-4a6b-8c9d-0e1f2a3b4c5d", "c3d4e5f6-0718-4293-a4b5-c6d7e8f90a1b"],
        readers: ["c3d4e5f6-0718-4293-a4b5-c6d7e8f90a1b"],
      },
    },
    rules: { minForeignDistanceKm: 1000, minRetentionDays: 30, requireForeignCopy: true },
    sites: [
      { id: "nl-primary", role: "domestic", primary: true, cloud: "azure", region: "westeurope", cidr: "10.10.0.0/16" },
      { id: "es-embassy", role: "foreign", cloud: "azure", region: "spaincentral", cidr: "10.30.0.0/16" },
    ],
    registries: [
      { id: "brp", title: "Basisregistratie Personen", rpoMinutes: 1440, retentionDays: 3650 },
      { id: "brk", title: "Basisregistratie Kadaster", rpoMinutes: 1440, retentionDays: 3650 },
      { id: "hr", title: "Handelsregister", rpoMinutes: 1440, retentionDays: 365 },
    ],
    links: [{ from: "nl-primary", to: "es-embassy" }],
  };
}
