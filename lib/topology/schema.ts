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
const IPV4 = /^(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])){3}$/;
/** An https URL without whitespace: Entra compares a federated credential's issuer with the token's `iss` claim as written. */
const HTTPS_URL = /^https:\/\/[^\s/?#]+[^\s]*$/;

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
    keyRetirers: z
      .array(z.string().regex(AWS_PRINCIPAL_ARN, { error: "must be an IAM role or user ARN" }))
      .optional()
      .describe(
        "Administrators who may schedule a custody key's deletion (never with less than 30 days' notice) or disable it; never readers or writers. Default: nobody, so retiring a key first needs a visible key-policy change.",
      ),
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
    labels: z
      .record(z.string().regex(UUID, { error: "must be an Entra ID object id (UUID)" }), z.string().min(1, { error: "must not be empty" }).max(80, { error: "must be at most 80 characters" }))
      .optional()
      .describe("Names for object ids, shown in the architect's review instead of bare GUIDs, e.g. { \"<object id>\": \"Security officer\" }. Default: none."),
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

const degrees = (limit: number) =>
  z
    .number({ error: "must be a number of decimal degrees" })
    .min(-limit, { error: `must be between -${limit} and ${limit} (decimal degrees)` })
    .max(limit, { error: `must be between -${limit} and ${limit} (decimal degrees)` });

export const LocationSchema = z
  .strictObject({
    city: z.string().min(1, { error: "must not be empty" }).max(100, { error: "must be at most 100 characters" }),
    country: z
      .string()
      .regex(COUNTRY, { error: "must be an ISO 3166-1 alpha-2 country code in upper case, such as NL" })
      .describe("The country the datacenter is in; its coordinates must lie in it."),
    latitude: degrees(90),
    longitude: degrees(180),
  })
  .describe("Where an on-premises site is: its country and coordinates give the domestic/foreign and distance rules.");

export const VpnSchema = z
  .strictObject({
    publicIp: z
      .string()
      .regex(IPV4, { error: "must be an IPv4 address such as 192.0.2.10" })
      .describe("The public IPv4 address of the datacenter's VPN device (not private or reserved address space)."),
    bgpAsn: integer(0, 4_294_967_295).describe("The BGP autonomous system number of the datacenter's VPN device (public, or private 64512-65534 / 4200000000-4294967294)."),
  })
  .describe("The datacenter's VPN device, for a site-to-site VPN to each cloud site it links to.");

export const AwsIdentitySchema = z
  .strictObject({
    trustAnchorCertificate: z
      .string()
      .min(1, { error: "must not be empty" })
      .describe("PEM file, relative to the topology file, of the CA that issues the copy job's certificates (an IAM Roles Anywhere trust anchor)."),
  })
  .describe("How the copy job proves who it is to AWS: IAM Roles Anywhere.");

export const AzureIdentitySchema = z
  .strictObject({
    // "issuer ... has a character limit of 600 characters"; "subject ... has a character limit of
    // 600 characters" (learn.microsoft.com/entra/workload-id/workload-identity-federation-considerations).
    issuer: z
      .string()
      .regex(HTTPS_URL, { error: "must be an https URL without spaces, such as https://sts.example.nl" })
      .max(600, { error: "must be at most 600 characters" })
      .describe("The issuer (iss) of the tokens the copy job presents."),
    subject: z
      .string()
      .min(1, { error: "must not be empty" })
      .max(600, { error: "must be at most 600 characters" })
      .describe("The subject (sub) of the tokens the copy job presents."),
  })
  .describe("How the copy job proves who it is to Azure: a federated credential on a user-assigned identity.");

export const IdentitySchema = z
  .strictObject({
    aws: AwsIdentitySchema.optional(),
    azure: AzureIdentitySchema.optional(),
  })
  .describe("How an on-premises site's copy job proves who it is; required for each cloud it sends to.");

export const SiteSchema = z.strictObject({
  id: siteId.describe("Unique site id; prefixes the site's stack and resource names."),
  role: z.enum(["domestic", "foreign"], { error: "must be 'domestic' or 'foreign'" }),
  primary: z
    .boolean({ error: "must be true or false" })
    .default(false)
    .describe("Exactly one site is the primary: where registries are written."),
  cloud: z
    .enum(["aws", "azure", "onprem"], { error: "must be 'aws', 'azure' or 'onprem'" })
    .describe("The cloud the site runs on, or onprem for a datacenter the state runs itself."),
  region: z
    .string()
    .min(1, { error: "must not be empty" })
    .optional()
    .describe("A region name of the site's cloud; required for aws and azure sites, refused for onprem sites."),
  location: LocationSchema.optional().describe("Required for onprem sites, refused for cloud sites."),
  cidr: z
    .string()
    .regex(IPV4_CIDR, { error: "must be an IPv4 CIDR such as 10.10.0.0/16" })
    .describe("Private address space of the site; no two sites may overlap."),
  vpn: VpnSchema.optional().describe("onprem sites only: a site-to-site VPN to each cloud site it links to."),
  identity: IdentitySchema.optional().describe("onprem sites only: required for each cloud the site sends to."),
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
  everyMinutes: integer(1, 10_080)
    .optional()
    .describe("Links from an onprem site only, and required there: how often the copy job runs, which is the link's RPO."),
});

export const AlertsSchema = z
  .strictObject({
    emails: z
      .array(z.email({ error: "must be an email address" }))
      .min(1, { error: "must list at least one address (omit alerts to name no one)" })
      .describe("Who is told when a promise is at risk."),
  })
  .describe("Optional: who is told when a promise is at risk.");

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
    alerts: AlertsSchema.optional(),
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
export type LocationDocument = z.output<typeof LocationSchema>;
export type VpnDocument = z.output<typeof VpnSchema>;
export type AzureIdentityDocument = z.output<typeof AzureIdentitySchema>;

/** The JSON Schema of the topology file as an author writes it (defaults optional). */
export function topologyJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(TopologySchema, { io: "input" }) as Record<string, any>;
  // What zod cannot say about a site, for editors: a cloud site has a region and none of the
  // on-premises keys; an on-premises site has a location and no region. validate.ts says the
  // same with messages that name the site.
  Object.assign(schema.properties.sites.items, {
    if: { properties: { cloud: { const: "onprem" } }, required: ["cloud"] },
    then: { required: ["location"], not: { required: ["region"] } },
    else: { required: ["region"], properties: { location: false, vpn: false, identity: false } },
  });
  return { ...schema, title: "Data embassy topology, version 1" };
}
