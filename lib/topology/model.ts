import type { Region } from "../regions/catalogue";
import type { AwsCustody, AzureCustody, AzureIdentityDocument, LocationDocument, RegistryDocument, TopologyRules, VpnDocument } from "./schema";

/**
 * Where a site is, whoever runs it: from the region catalogue for a cloud site, from its declared
 * location for an on-premises site. The domestic/foreign and distance rules read this.
 */
export interface Place {
  /** City or area: "Amsterdam", "Groningen". */
  readonly city: string;
  /** ISO 3166-1 alpha-2 country code, upper case. */
  readonly country: string;
  /** Latitude in decimal degrees. */
  readonly latitude: number;
  /** Longitude in decimal degrees. */
  readonly longitude: number;
  /** Legal area of the data location: "EU", "EEA" or the country code (see regions/jurisdictions.ts). */
  readonly jurisdiction: string;
}

/** What every site has, whatever runs it. */
interface SiteBase {
  /**
   * The site's unique id from the topology file (`nl-primary`); its stack and resource-name prefix
   * are `<topology name>-<id>`.
   */
  readonly id: string;
  /**
   * `domestic`: in the home country. `foreign`: abroad and at least `rules.minForeignDistanceKm`
   * from every domestic site.
   */
  readonly role: "domestic" | "foreign";
  /** Whether registries are written here; exactly one site is the primary. */
  readonly primary: boolean;
  /** Private address space of the site. */
  readonly cidr: string;
  /** Where the site is. */
  readonly place: Place;
}

/** An AWS site, with the facts derived from its region: country, coordinates, partition, jurisdiction. */
export interface AwsSite extends SiteBase {
  /** Discriminant: an AWS region site. */
  readonly cloud: "aws";
  /** The AWS region name as Terraform takes it, e.g. `eu-south-2`. */
  readonly region: string;
  /** The catalogue entry of `region`: partition, country, coordinates, jurisdiction, continent. */
  readonly regionInfo: Region;
}

/** An Azure site, with the facts derived from its region. */
export interface AzureSite extends SiteBase {
  /** Discriminant: an Azure region site. */
  readonly cloud: "azure";
  /** The Azure region name as Terraform takes it, e.g. `westeurope`. */
  readonly region: string;
  /** The catalogue entry of `region`: partition, country, coordinates, jurisdiction, continent. */
  readonly regionInfo: Region;
}

/** A site in a cloud region: the sites this project deploys stacks for. */
export type CloudSite = AwsSite | AzureSite;

/** The datacenter's VPN device (validated: a public address, a usable ASN). */
export type SiteVpn = VpnDocument;

/** Where an on-premises site is, as declared (validated: the coordinates lie in the country). */
export type SiteLocation = LocationDocument;

/** How an on-premises site's copy job proves who it is to each cloud it sends to. */
export interface OnPremIdentity {
  /** IAM Roles Anywhere: present when the site sends to an AWS site. */
  readonly aws?: {
    /** The PEM file as the topology names it, relative to the topology file. */
    readonly trustAnchorCertificate: string;
    /** The CA certificate's PEM block read from that file (checked: the only one, a CA, not expired). */
    readonly certificatePem: string;
  };
  /** A federated credential on a user-assigned identity: present when the site sends to an Azure site. */
  readonly azure?: AzureIdentityDocument;
}

/**
 * A datacenter the state runs itself. Nothing is deployed in it; the clouds' side of each link
 * from it is, and its copy job gets a push plan.
 */
export interface OnPremSite extends SiteBase {
  /** Discriminant: a datacenter the state runs itself. */
  readonly cloud: "onprem";
  /** The datacenter's city, country and coordinates as declared (also its `place`). */
  readonly location: SiteLocation;
  /**
   * The datacenter's VPN device: each cloud site it links to gets a site-to-site VPN to it.
   * @default - no VPN: its copy job reaches AWS stores over their public endpoints, and it cannot
   * send to Azure
   */
  readonly vpn?: SiteVpn;
  /** Empty when the site sends to no cloud. */
  readonly identity: OnPremIdentity;
}

/**
 * A validated site. Narrow on `cloud` before reading cloud-only facts:
 * `if (site.cloud !== "onprem") site.regionInfo.partition`.
 */
export type Site = CloudSite | OnPremSite;

/**
 * A registry as the topology file declares it: id, title, `rpoMinutes` and `retentionDays`
 * (validated: retention at least `rules.minRetentionDays`).
 */
export type Registry = RegistryDocument;

/** How a link moves data, and the freshness it can promise. */
export interface LinkMechanism {
  /** Short machine-readable name, e.g. `s3-replication-rtc`. */
  readonly name: string;
  /** One line for the architect's review. */
  readonly description: string;
  /** The worst-case age, in minutes, of the newest copy at the target. */
  readonly achievableRpoMinutes: number;
  /** How many targets one source store may replicate to with this mechanism, if limited. */
  readonly maxTargetsPerSource?: number;
  /**
   * Whether this project deploys anything for a link of this kind: the native replication
   * between two cloud sites, or the clouds' side (stores, ingest identity, VPN) of a datacenter's
   * copy job. False for the state's own storage replication between two of its datacenters,
   * which is validated and reported but never synthesized.
   */
  readonly builtHere: boolean;
}

/** A replication link between two validated sites, with the registries it carries. */
export interface Link {
  /** The site the copy is taken from: always the primary. */
  readonly from: Site;
  /** The site that receives the copy; never the primary. */
  readonly to: Site;
  /**
   * The registries the link carries (all of the topology's when the file named none); each one's
   * `rpoMinutes` is at least the mechanism's achievable RPO.
   */
  readonly registries: readonly Registry[];
  /**
   * How the link copies (S3 replication with RTC, Azure object replication, the state's copy job,
   * ...) and the RPO it can promise.
   */
  readonly mechanism: LinkMechanism;
  /** The schedule of a link from an on-premises site, in minutes (its RPO); absent on links from cloud sites. */
  readonly everyMinutes?: number;
}

/** The owning state's identities per cloud (the topology's `custody`): nobody else is granted anything. */
export interface Custody {
  /**
   * The AWS account and IAM principals; present whenever a site is on AWS.
   * @default - none: the topology has no AWS site
   */
  readonly aws?: AwsCustody;
  /**
   * The Entra ID tenant, subscription and object ids; present whenever a site is on Azure.
   * @default - none: the topology has no Azure site
   */
  readonly azure?: AzureCustody;
}

/** Who is told when a promise is at risk. */
export interface Alerts {
  /** Email addresses; empty when the topology names no one. */
  readonly emails: readonly string[];
}

/** A topology that passed every rule: what the stacks are built from. */
export interface Topology {
  /** Version of the topology file format: always 1. */
  readonly version: 1;
  /** The embassy's name (`nl-embassy`): prefixes every stack and resource name. */
  readonly name: string;
  /** ISO 3166-1 alpha-2 code of the owning state (`NL`), a real country code. */
  readonly home: string;
  /** The owning state's identities per cloud. */
  readonly custody: Custody;
  /** The validation rules the topology passed, defaults applied. */
  readonly rules: TopologyRules;
  /** Every site, in file order: cloud sites get a stack each, on-premises sites none. */
  readonly sites: readonly Site[];
  /** The one site where registries are written; every link starts here. */
  readonly primary: Site;
  /** Every registry, in file order; all are held at the primary. */
  readonly registries: readonly Registry[];
  /** Every link, in file order, each with its chosen mechanism. */
  readonly links: readonly Link[];
  /** Who is told when a promise is at risk (no one when the file has no `alerts`). */
  readonly alerts: Alerts;
  /** Things allowed but worth an architect's attention (e.g. no foreign copy yet). */
  readonly warnings: readonly string[];
}
