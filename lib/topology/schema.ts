import { z } from "zod";

/**
 * Version 1 of the topology file: the public contract for architects and tests
 * (../shared/DESIGN.md, "Topology file, version 1"). JSON and YAML are the same document.
 *
 * This schema checks shape only (types, patterns, unknown keys). Rules that need the whole
 * document (regions, distances, links, RPO) live in `validate.ts`.
 */

const SITE_ID = /^[a-z][a-z0-9-]{1,20}$/;
const TOPOLOGY_NAME = /^[a-z][a-z0-9-]{1,30}$/;
const COUNTRY = /^[A-Z]{2}$/;
const AWS_ACCOUNT = /^[0-9]{12}$/;
const AWS_PRINCIPAL_ARN = /^arn:aws(-[a-z]+)*:iam::[0-9]{12}:(role|user)\/[\w+=,.@/-]{1,512}$/;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const IPV4_CIDR = /^(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])){3}\/([0-9]|[12][0-9]|3[0-2])$/;

const siteId = z
  .string()
  .regex(SITE_ID, { error: "must match [a-z][a-z0-9-]{1,20} (lower case, starts with a letter, 2-21 characters)" });

const integer = (min: number, max: number) =>
  z
    .number({ error: "must be a whole number" })
    .int({ error: "must be a whole number" })
    .min(min, { error: `must be at least ${min}` })
    .max(max, { error: `must be at most ${max}` });

export const AwsCustodySchema = z
  .strictObject({
    accountId: z.string({ error: "must be a 12-digit AWS account id in quotes (a string, not a number)" }).regex(AWS_ACCOUNT, { error: "must be a 12-digit AWS account id (a quoted string)" }),
    administrators: z
      .array(z.string().regex(AWS_PRINCIPAL_ARN, { error: "must be an IAM role or user ARN" }))
      .min(1, { error: "must list at least one administrator" }),
    readers: z
      .array(z.string().regex(AWS_PRINCIPAL_ARN, { error: "must be an IAM role or user ARN" }))
      .optional()
      .describe("Administrators who may assume the read role at AWS sites; they then do not administer keys. Default: every administrator."),
    writers: z
      .array(z.string().regex(AWS_PRINCIPAL_ARN, { error: "must be an IAM role or user ARN" }))
      .optional()
      .describe("Administrators who may assume the write role at an AWS primary; they then do not administer keys. Default: every administrator."),
  })
  .describe("The owning state's AWS account and the IAM principals that administer the embassy.");

export const AzureCustodySchema = z
  .strictObject({
    tenantId: z.string().regex(UUID, { error: "must be a UUID" }),
    subscriptionId: z.string().regex(UUID, { error: "must be a UUID" }),
    administrators: z
      .array(z.string().regex(UUID, { error: "must be an Entra ID object id (UUID)" }))
      .min(1, { error: "must list at least one administrator" }),
    readers: z
      .array(z.string().regex(UUID, { error: "must be an Entra ID object id (UUID)" }))
      .optional()
      .describe("Administrators who may read and restore registry data at Azure sites (they then do not administer keys). Default: nobody."),
    writers: z
      .array(z.string().regex(UUID, { error: "must be an Entra ID object id (UUID)" }))
      .optional()
      .describe("Administrators who may write registry versions at an Azure primary (they then do not administer keys). Default: nobody."),
  })
  .describe("The owning state's Entra ID tenant, subscription and administrator object ids.");

export const RulesSchema = z
  .strictObject({
    minForeignDistanceKm: integer(0, 20_000)
      .default(500)
      .describe("Every foreign site at least this far (great-circle km) from every domestic site."),
    minRetentionDays: integer(1, 36_500).default(30).describe("WORM retention floor for registry copies, in days."),
    requireForeignCopy: z
      .boolean({ error: "must be true or false" })
      .default(true)
      .describe("false only for a domestic-first phase: a registry without a foreign copy is then a warning."),
  })
  .describe("Rule overrides; every key is optional.");

export const SiteSchema = z.strictObject({
  id: siteId.describe("Unique site id; prefixes the site's stack and resource names."),
  role: z.enum(["domestic", "foreign"], { error: "must be 'domestic' or 'foreign'" }),
  primary: z
    .boolean({ error: "must be true or false" })
    .default(false)
    .describe("Exactly one site is the primary: where registries are written."),
  cloud: z.enum(["aws", "azure"], { error: "must be 'aws' or 'azure'" }),
  region: z.string().min(1, { error: "must not be empty" }).describe("A region name of the site's cloud."),
  cidr: z
    .string()
    .regex(IPV4_CIDR, { error: "must be an IPv4 CIDR such as 10.10.0.0/16" })
    .describe("Private address space of the site; no two sites may overlap."),
});

export const RegistrySchema = z.strictObject({
  id: siteId.describe("Unique registry id."),
  title: z.string().min(1, { error: "must not be empty" }).max(200, { error: "must be at most 200 characters" }),
  rpoMinutes: integer(1, 10_080).describe("The newest copy at every target is at most this many minutes old."),
  retentionDays: integer(1, 36_500).describe("WORM retention of every version at every site, in days."),
});

export const LinkSchema = z.strictObject({
  from: z.string().describe("Source site id (the primary)."),
  to: z.string().describe("Target site id."),
  registries: z
    .array(z.string())
    .min(1, { error: "must list at least one registry (omit the key to carry all registries)" })
    .optional()
    .describe("Registries this link carries; default: all registries."),
});

export const TopologySchema = z
  .strictObject({
    version: z.literal(1, { error: "must be 1 (the only version this tool reads)" }),
    name: z
      .string()
      .regex(TOPOLOGY_NAME, { error: "must match [a-z][a-z0-9-]{1,30} (lower case, starts with a letter)" })
      .describe("Prefixes stack and resource names."),
    home: z
      .string()
      .regex(COUNTRY, { error: "must be an ISO 3166-1 alpha-2 country code in upper case, such as NL" })
      .describe("The owning state."),
    custody: z.strictObject({
      aws: AwsCustodySchema.optional(),
      azure: AzureCustodySchema.optional(),
    }),
    rules: RulesSchema.prefault({}),
    sites: z.array(SiteSchema).min(1, { error: "must list at least one site" }),
    registries: z.array(RegistrySchema).min(1, { error: "must list at least one registry" }),
    links: z.array(LinkSchema).default([]),
  })
  .describe("Data embassy topology, version 1.");

/** A topology document after shape validation and defaults, before semantic validation. */
export type TopologyDocument = z.output<typeof TopologySchema>;
export type SiteDocument = TopologyDocument["sites"][number];
export type RegistryDocument = TopologyDocument["registries"][number];
export type LinkDocument = TopologyDocument["links"][number];
export type AwsCustody = z.output<typeof AwsCustodySchema>;
export type AzureCustody = z.output<typeof AzureCustodySchema>;
export type TopologyRules = z.output<typeof RulesSchema>;

/** The JSON Schema of the topology file as an author writes it (defaults optional). */
export function topologyJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(TopologySchema, { io: "input" }),
    title: "Data embassy topology, version 1",
  };
}
