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
    /**
     * The owning state's AWS account, 12 digits, written as a quoted string (`"111111111111"`; a
     * YAML number would lose leading zeros). Every AWS site is deployed into it (the provider's
     * `allowedAccountIds`), its id is part of each bucket name, and bucket and key policies deny
     * principals of any other account.
     */
    accountId: z.string({ error: "must be a 12-digit AWS account id in quotes (a string, not a number)" }).regex(AWS_ACCOUNT, { error: "must be a 12-digit AWS account id (a quoted string)" }),
    /**
     * IAM role or user ARNs (`arn:aws:iam::<account>:role/<name>`) of the state's people who
     * administer the embassy: they administer the custody keys and, unless `readers`/`writers` say
     * otherwise, may assume every role. At least one; nobody outside custody is granted anything.
     */
    administrators: z
      .array(z.string().regex(AWS_PRINCIPAL_ARN, { error: "must be an IAM role or user ARN" }))
      .min(1, { error: "must list at least one administrator" }),
    /**
     * Administrators (each must also be listed in `administrators`) who may assume the read role
     * at every AWS site to read and restore registry data; once named, they no longer administer
     * keys, and at least one administrator must be neither reader nor writer.
     * @default - every administrator may assume the read role (with a validation warning)
     */
    readers: z
      .array(z.string().regex(AWS_PRINCIPAL_ARN, { error: "must be an IAM role or user ARN" }))
      .optional()
      .describe("Administrators who may assume the read role at AWS sites; they then do not administer keys. Default: every administrator."),
    /**
     * Administrators (each must also be listed in `administrators`) who may assume the write role
     * at an AWS primary to write registry versions; once named, they no longer administer keys.
     * @default - every administrator may assume the write role (with a validation warning when the
     * primary is on AWS)
     */
    writers: z
      .array(z.string().regex(AWS_PRINCIPAL_ARN, { error: "must be an IAM role or user ARN" }))
      .optional()
      .describe("Administrators who may assume the write role at an AWS primary; they then do not administer keys. Default: every administrator."),
    /**
     * Administrators (each must also be listed in `administrators`, never a reader or writer) who
     * may schedule a custody key's deletion, never with less than 30 days' notice, or disable it.
     * @default - nobody: retiring a key first needs a visible key-policy change
     */
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
    /**
     * The owning state's Entra ID tenant (a UUID): the tenant of every Azure site's provider and
     * of the principals granted anything.
     */
    tenantId: z.string().regex(UUID, { error: "must be a UUID" }),
    /**
     * The Azure subscription (a UUID) every Azure site is deployed into; each Azure site exports
     * its activity log with one of the subscription's diagnostic settings.
     */
    subscriptionId: z.string().regex(UUID, { error: "must be a UUID" }),
    /**
     * Entra ID object ids (UUIDs) of the state's users, groups or service principals who administer
     * the embassy's keys and resources. At least one; nobody outside custody is granted anything.
     */
    administrators: z
      .array(z.string().regex(UUID, { error: "must be an Entra ID object id (UUID)" }))
      .min(1, { error: "must list at least one administrator" }),
    /**
     * Administrators (object ids that are also in `administrators`, compared case-insensitively)
     * who may read and restore registry data at every Azure site; they then do not administer keys,
     * and at least one administrator must be neither reader nor writer.
     * @default - nobody reads registry data at Azure sites
     */
    readers: z
      .array(z.string().regex(UUID, { error: "must be an Entra ID object id (UUID)" }))
      .optional()
      .describe("Administrators who may read and restore registry data at Azure sites (they then do not administer keys). Default: nobody."),
    /**
     * Administrators (object ids that are also in `administrators`) who may write registry
     * versions at an Azure primary; they then do not administer keys.
     * @default - nobody writes registry data at an Azure primary
     */
    writers: z
      .array(z.string().regex(UUID, { error: "must be an Entra ID object id (UUID)" }))
      .optional()
      .describe("Administrators who may write registry versions at an Azure primary (they then do not administer keys). Default: nobody."),
    /**
     * Display names for object ids, shown in the architect's review instead of bare GUIDs:
     * `{ "<object id>": "Security officer" }` (1-80 characters each). Labels grant nothing.
     * @default - the review shows bare object ids
     */
    labels: z
      .record(z.string().regex(UUID, { error: "must be an Entra ID object id (UUID)" }), z.string().min(1, { error: "must not be empty" }).max(80, { error: "must be at most 80 characters" }))
      .optional()
      .describe("Names for object ids, shown in the architect's review instead of bare GUIDs, e.g. { \"<object id>\": \"Security officer\" }. Default: none."),
  })
  .describe("The owning state's Entra ID tenant, subscription and administrator object ids.");

export const RulesSchema = z
  .strictObject({
    /**
     * The least great-circle distance, in kilometres (0-20000), between every foreign site and
     * every domestic site, so that one disaster cannot reach both.
     * @default 500
     */
    minForeignDistanceKm: integer(0, 20_000)
      .default(500)
      .describe("Every foreign site at least this far (great-circle km) from every domestic site."),
    /**
     * The floor, in days (1-36500), for every registry's `retentionDays`: the WORM retention of
     * its copies.
     * @default 30
     */
    minRetentionDays: integer(1, 36_500).default(30).describe("WORM retention floor for registry copies, in days."),
    /**
     * Whether every registry must reach a foreign site. Set `false` only for a domestic-first
     * phase: a registry without a foreign copy is then a warning instead of an error (it must still
     * reach one other site).
     * @default true
     */
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
    /** The datacenter's city or area, as the architect's review shows it (1-100 characters), e.g. `Groningen`. */
    city: z.string().min(1, { error: "must not be empty" }).max(100, { error: "must be at most 100 characters" }),
    /**
     * ISO 3166-1 alpha-2 code, upper case (`NL`), of the country the datacenter is in; the
     * coordinates must lie in it (or within 10 km of its border). Decides whether the site may be
     * domestic or foreign.
     */
    country: z
      .string()
      .regex(COUNTRY, { error: "must be an ISO 3166-1 alpha-2 country code in upper case, such as NL" })
      .describe("The country the datacenter is in; its coordinates must lie in it."),
    /**
     * Latitude of the datacenter in decimal degrees, -90 to 90 (north positive); used for the
     * distance rule and the review's map.
     */
    latitude: degrees(90),
    /**
     * Longitude of the datacenter in decimal degrees, -180 to 180 (east positive); used for the
     * distance rule and the review's map.
     */
    longitude: degrees(180),
  })
  .describe("Where an on-premises site is: its country and coordinates give the domestic/foreign and distance rules.");

export const VpnSchema = z
  .strictObject({
    /**
     * The public IPv4 address of the datacenter's VPN device, which each cloud's VPN gateway
     * connects to. Private, shared, loopback and other reserved ranges are refused; a documentation
     * address (RFC 5737, e.g. 198.51.100.10) is accepted with a warning.
     */
    publicIp: z
      .string()
      .regex(IPV4, { error: "must be an IPv4 address such as 192.0.2.10" })
      .describe("The public IPv4 address of the datacenter's VPN device (not private or reserved address space)."),
    /**
     * The BGP autonomous system number of the datacenter's VPN device (0-4294967295): the state's
     * public ASN or a private one (64512-65534, 4200000000-4294967294). Numbers reserved by IANA, or
     * by AWS or Azure for a cloud the site has a VPN to (e.g. 65515), are refused.
     */
    bgpAsn: integer(0, 4_294_967_295).describe("The BGP autonomous system number of the datacenter's VPN device (public, or private 64512-65534 / 4200000000-4294967294)."),
  })
  .describe("The datacenter's VPN device, for a site-to-site VPN to each cloud site it links to.");

export const AwsIdentitySchema = z
  .strictObject({
    /**
     * Path of a PEM file, relative to the topology file, holding the one CA certificate that issues
     * the copy job's client certificates: the IAM Roles Anywhere trust anchor. It must be a CA
     * certificate and not expired.
     */
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
    /**
     * The issuer (`iss` claim) of the tokens the copy job presents, an https URL of at most 600
     * characters compared as written, e.g. `https://sts.example.nl`.
     */
    issuer: z
      .string()
      .regex(HTTPS_URL, { error: "must be an https URL without spaces, such as https://sts.example.nl" })
      .max(600, { error: "must be at most 600 characters" })
      .describe("The issuer (iss) of the tokens the copy job presents."),
    /**
     * The subject (`sub` claim) of the tokens the copy job presents, 1-600 characters, e.g.
     * `embassy-push`; with `issuer` it names the one workload the federated credential trusts.
     */
    subject: z
      .string()
      .min(1, { error: "must not be empty" })
      .max(600, { error: "must be at most 600 characters" })
      .describe("The subject (sub) of the tokens the copy job presents."),
  })
  .describe("How the copy job proves who it is to Azure: a federated credential on a user-assigned identity.");

export const IdentitySchema = z
  .strictObject({
    /**
     * IAM Roles Anywhere trust for the copy job; required when the site links to an AWS site.
     * @default - the site cannot send to AWS sites
     */
    aws: AwsIdentitySchema.optional(),
    /**
     * A federated credential for the copy job; required when the site links to an Azure site.
     * @default - the site cannot send to Azure sites
     */
    azure: AzureIdentitySchema.optional(),
  })
  .describe("How an on-premises site's copy job proves who it is; required for each cloud it sends to.");

export const SiteSchema = z.strictObject({
  /**
   * Unique site id, 2-21 characters of `[a-z0-9-]` starting with a letter (`nl-primary`):
   * the site's stack and the prefix of its resource names are `<name>-<id>`; links refer to it.
   */
  id: siteId.describe("Unique site id; prefixes the site's stack and resource names."),
  /**
   * `domestic`: in the home country (the primary must be domestic). `foreign`: abroad, at least
   * `rules.minForeignDistanceKm` from every domestic site: the embassy.
   */
  role: z.enum(["domestic", "foreign"], { error: "must be 'domestic' or 'foreign'" }),
  /**
   * Whether registries are written here; exactly one site is the primary and every link
   * starts at it.
   * @default false
   */
  primary: z
    .boolean({ error: "must be true or false" })
    .default(false)
    .describe("Exactly one site is the primary: where registries are written."),
  /**
   * Who runs the site: `aws` or `azure` (stacks are deployed in that cloud's `region`), or
   * `onprem` for a datacenter the state runs itself (nothing is deployed there; give its `location`).
   */
  cloud: z
    .enum(["aws", "azure", "onprem"], { error: "must be 'aws', 'azure' or 'onprem'" })
    .describe("The cloud the site runs on, or onprem for a datacenter the state runs itself."),
  /**
   * Region name of the site's cloud (`eu-south-2`, `westeurope`), which must be in the region
   * catalogue; it gives the site's country, coordinates, partition and jurisdiction. Required for
   * `aws` and `azure` sites, refused for `onprem` sites; no two sites share one.
   * @default - none: an `onprem` site has a `location` instead
   */
  region: z
    .string()
    .min(1, { error: "must not be empty" })
    .optional()
    .describe("A region name of the site's cloud; required for aws and azure sites, refused for onprem sites."),
  /**
   * Where a datacenter is. Required for `onprem` sites, refused for cloud sites (whose place
   * comes from their region).
   * @default - none: a cloud site's place comes from its region
   */
  location: LocationSchema.optional().describe("Required for onprem sites, refused for cloud sites."),
  /**
   * The site's private IPv4 address space (`10.10.0.0/16`): within RFC 1918, no host bits set,
   * overlapping no other site's; /16 to /24 for a cloud site (two subnets, one per zone must fit).
   */
  cidr: z
    .string()
    .regex(IPV4_CIDR, { error: "must be an IPv4 CIDR such as 10.10.0.0/16" })
    .describe("Private address space of the site; no two sites may overlap."),
  /**
   * `onprem` sites only: the datacenter's VPN device, for a site-to-site VPN to each cloud site
   * it links to. Azure stores are reachable only through private endpoints, so a datacenter that
   * sends to Azure needs it.
   * @default - no VPN: the copy job reaches AWS stores over their public endpoints
   */
  vpn: VpnSchema.optional().describe("onprem sites only: a site-to-site VPN to each cloud site it links to."),
  /**
   * `onprem` sites only: how the site's copy job proves who it is, one entry for each cloud it
   * sends to (required there).
   * @default - none: the site sends to no cloud
   */
  identity: IdentitySchema.optional().describe("onprem sites only: required for each cloud the site sends to."),
});

export const RegistrySchema = z.strictObject({
  /**
   * Unique registry id, 2-21 characters of `[a-z0-9-]` starting with a letter (`brp`): part of
   * the store and bucket names at every site, and links refer to it. `logs` and `trail` are reserved.
   */
  id: siteId.describe("Unique registry id."),
  /**
   * Human-readable name of the registry (1-200 characters), e.g. `Basisregistratie Personen`; shown
   * in the review.
   */
  title: z.string().min(1, { error: "must not be empty" }).max(200, { error: "must be at most 200 characters" }),
  /**
   * Recovery point objective in minutes (1-10080): the newest copy at every target is at most
   * this old. Every link that carries the registry must achieve it.
   */
  rpoMinutes: integer(1, 10_080).describe("The newest copy at every target is at most this many minutes old."),
  /**
   * WORM retention, in days (1-36500, at least `rules.minRetentionDays`), of every version of the
   * registry at every site: S3 Object Lock in compliance mode, Azure version-level immutability.
   */
  retentionDays: integer(1, 36_500).describe("WORM retention of every version at every site, in days."),
});

export const LinkSchema = z.strictObject({
  /** Id of the site the copy is taken from: always the primary (replicas are never re-replicated). */
  from: z.string().describe("Source site id (the primary)."),
  /** Id of the site that receives the copy: any site but the primary, and each pair at most once. */
  to: z.string().describe("Target site id."),
  /**
   * Ids of the registries this link carries (at least one when given).
   * @default - every registry of the topology
   */
  registries: z
    .array(z.string())
    .min(1, { error: "must list at least one registry (omit the key to carry all registries)" })
    .optional()
    .describe("Registries this link carries; default: all registries."),
  /**
   * How often, in minutes (1-10080), the datacenter's copy job runs: the link's RPO, at most
   * every carried registry's `rpoMinutes`. Required on links from an `onprem` site, refused on
   * links from a cloud site (whose replication mechanism sets the RPO).
   * @default - none: a link from a cloud site takes its RPO from its mechanism
   */
  everyMinutes: integer(1, 10_080)
    .optional()
    .describe("Links from an onprem site only, and required there: how often the copy job runs, which is the link's RPO."),
});

export const AlertsSchema = z
  .strictObject({
    /**
     * Email addresses (at least one, each once) notified by every cloud site's alarms: freshness,
     * replication, tampering.
     */
    emails: z
      .array(z.email({ error: "must be an email address" }))
      .min(1, { error: "must list at least one address (omit alerts to name no one)" })
      .describe("Who is told when a promise is at risk."),
  })
  .describe("Optional: who is told when a promise is at risk.");

export const TopologySchema = z
  .strictObject({
    /** Version of the topology file format; `1`, the only version this tool reads. */
    version: z.literal(1, { error: "must be 1 (the only version this tool reads)" }),
    /**
     * Name of the embassy, 2-31 characters of `[a-z0-9-]` starting with a letter (`nl-embassy`):
     * prefixes every stack and resource name, so changing it replaces everything.
     */
    name: z
      .string()
      .regex(TOPOLOGY_NAME, { error: "must match [a-z][a-z0-9-]{1,30} (lower case, starts with a letter)" })
      .describe("Prefixes stack and resource names."),
    /**
     * ISO 3166-1 alpha-2 code, upper case (`NL`), of the owning state: domestic sites lie in it,
     * foreign sites do not.
     */
    home: z
      .string()
      .regex(COUNTRY, { error: "must be an ISO 3166-1 alpha-2 country code in upper case, such as NL" })
      .describe("The owning state."),
    /**
     * The owning state's identities per cloud; nobody else is granted anything. Required for each
     * cloud that has a site.
     */
    custody: z.strictObject({
      /**
       * The AWS account and IAM principals; required when any site is on AWS.
       * @default - none: allowed only when no site is on AWS
       */
      aws: AwsCustodySchema.optional(),
      /**
       * The Entra ID tenant, subscription and object ids; required when any site is on Azure.
       * @default - none: allowed only when no site is on Azure
       */
      azure: AzureCustodySchema.optional(),
    }),
    /**
     * Overrides of the validation rules.
     * @default - every rule at its default
     */
    rules: RulesSchema.prefault({}),
    /** The sites (at least one): cloud regions and the state's own datacenters. */
    sites: z.array(SiteSchema).min(1, { error: "must list at least one site" }),
    /** The registries (at least one) copied from the primary to the other sites. */
    registries: z.array(RegistrySchema).min(1, { error: "must list at least one registry" }),
    /**
     * Replication links, each from the primary to one other site.
     * @default - no links (then every registry lacks a copy and validation fails)
     */
    links: z.array(LinkSchema).default([]),
    /**
     * Who is told when a promise is at risk.
     * @default - nobody is emailed: every alarm still fires and shows in its cloud's console (with
     * a validation warning)
     */
    alerts: AlertsSchema.optional(),
  })
  .describe("Data embassy topology, version 1.");

/** A topology document after shape validation and defaults, before semantic validation. */
export type TopologyDocument = z.output<typeof TopologySchema>;
/**
 * One entry of the topology file's `sites`, shape-checked with defaults applied (`primary` is then
 * always set); region, location and custody are not yet checked.
 */
export type SiteDocument = TopologyDocument["sites"][number];
/**
 * One entry of the topology file's `registries`, shape-checked; `retentionDays` against
 * `rules.minRetentionDays` is not yet checked.
 */
export type RegistryDocument = TopologyDocument["registries"][number];
/**
 * One entry of the topology file's `links`, shape-checked; its ends and registries are still ids,
 * resolved by the validator.
 */
export type LinkDocument = TopologyDocument["links"][number];
/**
 * The owning state's AWS account and the IAM principals that administer, read, write and may retire
 * keys (`custody.aws`).
 */
export type AwsCustody = z.output<typeof AwsCustodySchema>;
/**
 * The owning state's Entra ID tenant, subscription and the object ids that administer, read and
 * write (`custody.azure`).
 */
export type AzureCustody = z.output<typeof AzureCustodySchema>;
/**
 * The validation rules with every default applied (`rules`): foreign distance, retention floor,
 * whether a foreign copy is required.
 */
export type TopologyRules = z.output<typeof RulesSchema>;
/** Where an on-premises site is, as the topology file declares it (`sites[].location`). */
export type LocationDocument = z.output<typeof LocationSchema>;
/** An on-premises site's VPN device, as the topology file declares it (`sites[].vpn`). */
export type VpnDocument = z.output<typeof VpnSchema>;
/**
 * The token issuer and subject an on-premises copy job presents to Azure
 * (`sites[].identity.azure`), for a federated credential.
 */
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
