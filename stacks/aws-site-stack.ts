import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { AccessPolicy, type VerifyKeys } from "../lib/aws/access-policy";
import { AlertTopic } from "../lib/aws/alert-topic";
import { AuditTrail } from "../lib/aws/audit-trail";
import type { AwsCustody } from "../lib/aws/custody";
import { EncryptedStore } from "../lib/aws/encrypted-store";
import { FreshnessAlarms, freshnessWindowWithGrace } from "../lib/aws/freshness-alarms";
import { LogBucket } from "../lib/aws/log-bucket";
import { Network } from "../lib/aws/network";
import { OnPremIngest } from "../lib/aws/onprem-ingest";
import { ReplicationAlarms } from "../lib/aws/replication-alarms";
import { ReplicationLink } from "../lib/aws/replication-link";
import { MANIFEST_SIGNING_ALGORITHM, SigningKey } from "../lib/aws/signing-key";
import { type DatacenterConnection, SiteVpn } from "../lib/aws/site-vpn";
import { globalEventsRegion, TamperRules } from "../lib/aws/tamper-rules";
import { physicalName } from "../lib/private/names";
import { registriesAt } from "../lib/topology/holdings";
import type { AwsSite, OnPremSite, Site, Topology } from "../lib/topology/model";
import { applyBackend, type BackendConfig } from "./backend";
import { type AwsPushTarget, type IngestingStack, JOSE_MANIFEST_ALGORITHM, SIGNING_KEY_OUTPUT, signingKeySiteIds } from "./push-plan";

/**
 * How an {@link AwsSiteStack} is built: the validated topology, the AWS site it builds, and where
 * Terraform keeps its state.
 */
export interface AwsSiteStackProps {
  /**
   * The validated topology the site belongs to: its name prefixes every resource name, its custody
   * and rules apply, and its links and registries decide what the site holds.
   */
  readonly topology: Topology;
  /** The AWS site this stack builds. */
  readonly site: AwsSite;
  /** Where Terraform keeps this stack's state (see `backendFromEnv`). */
  readonly backend: BackendConfig;
}

/**
 * Everything one AWS site needs: a provider pinned to the site's region and the custody
 * account, a protected log bucket, the private network, one encrypted store per registry the
 * site holds, and the per-purpose roles. The primary also gets the replication links, added
 * by {@link AwsSiteStack.replicateTo} once every target stack exists.
 *
 * And what lets a person watch the promises (under `Monitoring/`, and `Audit`): an encrypted alert
 * topic with the topology's `alerts.emails` subscribed; a freshness alarm per store ("no new object
 * for longer than the store's window", see `freshnessWindowMinutes` in this file); two replication alarms
 * per replication rule at the primary (latency above the link's RPO, any failed object); tamper
 * rules for the site's keys, buckets, roles, IAM Roles Anywhere trust and the watchers themselves;
 * and an audit trail (management events, the stores' object reads and writes) into a locked bucket
 * that the audit role may read. The stack outputs `alert-topic-arn` and `audit-bucket-name`.
 */
export class AwsSiteStack extends TerraformStack implements IngestingStack {
  /** The AWS site this stack builds. */
  public readonly site: AwsSite;
  /**
   * The site's encrypted store (S3 bucket with its custody key) for each registry it holds, by
   * registry id: every registry at the primary, the carried ones at a target.
   */
  public readonly stores: ReadonlyMap<string, EncryptedStore>;
  private readonly custody: AwsCustody;
  private readonly namePrefix: string;
  private readonly links = new Map<string, ReplicationLink>();
  private readonly topology: Topology;
  private readonly network: Network;
  /** Namespace of everything built for the state's datacenters; made on the first one. */
  private onPrem?: Construct;
  private vpn?: SiteVpn;
  private readonly ingests = new Map<string, OnPremIngest>();
  /** The stores each datacenter writes into, by datacenter id. */
  private readonly ingestStores = new Map<string, readonly EncryptedStore[]>();
  /** Namespace of the alarms, rules and topic. */
  private readonly monitoring: Construct;
  /**
   * The site's encrypted alert topic, with the topology's `alerts.emails` subscribed; every alarm
   * and tamper rule of the site publishes to it (output `alert-topic-arn`).
   */
  public readonly alerts: AlertTopic;
  /**
   * The site's audit trail: management events and the stores' object reads and writes, into a
   * locked bucket the audit role may read (output `audit-bucket-name`).
   */
  public readonly audit: AuditTrail;
  /**
   * The key that signs snapshot manifests written here (see `signingKeySiteIds` (stacks/push-plan.ts)), or
   * undefined where this site has none.
   */
  public readonly signing?: SigningKey;
  private readonly tamper: TamperRules;

  constructor(scope: Construct, id: string, props: AwsSiteStackProps) {
    super(scope, id);
    const { topology, site } = props;
    const custodyDoc = topology.custody.aws;
    if (!custodyDoc) throw new Error(`site '${site.id}' is on aws, but the topology has no custody.aws`);
    this.site = site;
    this.topology = topology;
    this.custody = { ...custodyDoc, partition: site.regionInfo.partition };
    this.namePrefix = `${topology.name}-${site.id}`;
    applyBackend(this, id, props.backend);

    new AwsProvider(this, "aws", {
      region: site.region,
      allowedAccountIds: [this.custody.accountId],
      defaultTags: [{ tags: { "embassy:topology": topology.name, "embassy:site": site.id, "embassy:role": site.role, "managed-by": "data-embassy" } }],
    });

    const logBucketName = physicalName([this.namePrefix, "logs", this.custody.accountId], 63);
    const logBucket = new LogBucket(this, "Logs", { custody: this.custody, bucketName: logBucketName });
    this.network = new Network(this, "Network", { custody: this.custody, cidr: site.cidr, region: site.region, logBucket });

    const stores = new Map<string, EncryptedStore>();
    for (const registry of registriesAt(topology, site)) {
      stores.set(
        registry.id,
        new EncryptedStore(this, `Store-${registry.id}`, {
          custody: this.custody,
          registryId: registry.id,
          bucketName: physicalName([this.namePrefix, registry.id, this.custody.accountId], 63),
          region: site.region,
          retentionDays: registry.retentionDays,
          minRetentionDays: topology.rules.minRetentionDays,
          logBucket,
        }),
      );
    }
    this.stores = stores;
    if (stores.size > 0 && signingKeySiteIds(topology).includes(site.id)) {
      this.signing = new SigningKey(this, "Signing", {
        custody: this.custody,
        region: site.region,
        description: `Signs the snapshot manifests of the registries written to ${site.id}`,
        alias: manifestSigningAlias(topology, site).slice("alias/".length),
      });
      // Every other AWS site's readers, operators and auditors check the manifests replicated there
      // with this key (their identity grant is AccessPolicy's verifyKeys; this is the key's half).
      for (const other of topology.sites) {
        if (other.cloud !== "aws" || other.id === site.id || other.regionInfo.partition !== site.regionInfo.partition) continue;
        if (registriesAt(topology, other).length === 0) continue;
        for (const purpose of ["read", "operate", "audit"] as const) {
          this.signing.allowVerify({ roleArn: AccessPolicy.roleArnFor(this.custody, `${topology.name}-${other.id}`, purpose) });
        }
      }
    }

    this.monitoring = new Construct(this, "Monitoring");
    this.alerts = new AlertTopic(this.monitoring, "Alerts", {
      custody: this.custody,
      region: site.region,
      topicName: physicalName([this.namePrefix, "alerts"], 256),
      emails: topology.alerts.emails,
    });
    const partition = site.regionInfo.partition;
    const multiRegion = accountTrailSiteId(topology, partition) === site.id;
    const trailBucketName = physicalName([this.namePrefix, "trail", this.custody.accountId], 63);
    this.audit = new AuditTrail(this, "Audit", {
      custody: this.custody,
      region: site.region,
      trailName: physicalName([this.namePrefix, "audit"], 128),
      bucketName: trailBucketName,
      stores: [...stores.values()],
      logBucket,
      multiRegion,
      includeGlobalServiceEvents: multiRegion || site.region === globalEventsRegion(partition),
    });
    const freshness = new FreshnessAlarms(this.monitoring, "Freshness", { topic: this.alerts, namePrefix: this.namePrefix });
    for (const [registryId, store] of stores) freshness.watch(store, freshnessWindowMinutes(topology, site, registryId));
    this.tamper = new TamperRules(this.monitoring, "Tamper", {
      custody: this.custody,
      region: site.region,
      topic: this.alerts,
      namePrefix: this.namePrefix,
      siteLabel: site.id,
      keyArns: [...[...stores.values()].map((st) => st.key.keyArn), this.alerts.key.keyArn, this.audit.key.keyArn, ...(this.signing ? [this.signing.keyArn] : [])],
      bucketNames: [...[...stores.values()].map((st) => st.stableName), logBucketName, trailBucketName],
      // Every role of the site is named `<topology>-<site>-...` (physicalName keeps the head).
      roleNamePrefix: `${this.namePrefix}-`,
    });
    new TerraformOutput(this, "alert-topic-arn", {
      value: this.alerts.topicArn,
      description: `ARN of the SNS topic every alarm and tamper rule of ${site.id} notifies. Each email subscriber must confirm the subscription SNS mails them before anything is delivered`,
    });
    new TerraformOutput(this, "audit-bucket-name", {
      value: this.audit.bucketName,
      description: `Bucket holding the audit trail of ${site.id} (CloudTrail log and digest files, Object Lock), readable by the audit role`,
    });

    if (stores.size > 0) {
      const access = new AccessPolicy(this, "Access", {
        custody: this.custody,
        namePrefix: this.namePrefix,
        stores: [...stores.values()],
        writable: site.primary,
        // Every bucket of this site is named `<topology>-<site>-...` (physicalName keeps the head).
        bucketNamePrefix: `${this.namePrefix}-`,
        auditEvidence: [this.audit, logBucket],
        siteKeys: [this.alerts.key, this.audit.key],
        ...(this.signing ? { signingKey: this.signing } : {}),
        ...verifyElsewhere(topology, site, this.custody.accountId),
      });
      for (const [purpose, role] of access.roles) {
        new TerraformOutput(this, `role-${purpose}-arn`, { value: role.roleArn, description: `ARN of the role for '${purpose}' at ${site.id}` });
      }
    }
    // Per store, what a reader or writer needs: which bucket, and the one key ARN the bucket
    // policy accepts in x-amz-server-side-encryption-aws-kms-key-id (no SSE header at all is the
    // simplest: the bucket default then encrypts with this key). Ids derive from the registry id.
    // Every store has Object Lock, and S3 refuses a PUT to such a bucket without Content-MD5 or an
    // x-amz-checksum-* header (S3 User Guide, "Object Lock considerations", Uploading objects to an
    // Object Lock enabled bucket); AWS SDKs and CLIs released since the end of 2024 send a CRC32
    // checksum by default (AWS SDKs and Tools Reference Guide, "Data Integrity Protections for
    // Amazon S3"). Whoever reads an output to upload is told.
    const checksums =
      "Object Lock: S3 refuses a PUT without Content-MD5 or an x-amz-checksum-* header. AWS SDKs and CLI released since December 2024 send a CRC32 checksum by default; older clients, presigned URLs and raw HTTP must add one (--checksum-algorithm CRC32, or Content-MD5)";
    if (this.signing) {
      new TerraformOutput(this, SIGNING_KEY_OUTPUT.aws, {
        value: this.signing.keyArn,
        description: `ARN of the KMS key (ECC_NIST_P256, SIGN_VERIFY) that signs snapshot manifests at ${site.id}, algorithm ${MANIFEST_SIGNING_ALGORITHM}: pass it as --signing-key; verifiers read its public key with kms:GetPublicKey`,
      });
    }
    for (const [id, store] of stores) {
      new TerraformOutput(this, `store-${id}-bucket-name`, { value: store.bucketName, description: `Bucket holding registry '${id}' at ${site.id}. ${checksums}` });
      new TerraformOutput(this, `store-${id}-bucket-arn`, { value: store.bucketArn, description: `ARN of the bucket holding registry '${id}' at ${site.id}` });
      new TerraformOutput(this, `store-${id}-key-arn`, {
        value: store.key.keyArn,
        description: `ARN of the custody key of registry '${id}' at ${site.id}: send exactly this value (not a key id or alias) in x-amz-server-side-encryption-aws-kms-key-id, or send no SSE header. ${checksums}`,
      });
    }
  }

  /** Replicates registry `registryId` from this (primary) site to `target`'s store of it. */
  public replicateTo(registryId: string, target: AwsSiteStack): void {
    const source = this.stores.get(registryId);
    const destination = target.stores.get(registryId);
    if (!source || !destination) {
      throw new Error(`cannot replicate registry '${registryId}' from '${this.site.id}' to '${target.site.id}': a store is missing`);
    }
    let link = this.links.get(registryId);
    if (!link) {
      link = new ReplicationLink(this, `Replication-${registryId}`, {
        custody: this.custody,
        source,
        roleName: physicalName([this.namePrefix, registryId, "replication"], 64),
      });
      this.links.set(registryId, link);
      new TerraformOutput(this, `replication-${registryId}-role-arn`, {
        value: link.role.roleArn,
        description: `ARN of the role S3 assumes to replicate registry '${registryId}' from ${this.site.id}`,
      });
    }
    link.replicateTo(destination);
    const carried = this.topology.links.find((l) => l.from.id === this.site.id && l.to.id === target.site.id);
    new ReplicationAlarms(this.monitoringOf(`Replication-${registryId}`), target.site.id, {
      source,
      target: destination,
      topic: this.alerts,
      namePrefix: this.namePrefix,
      ...(carried ? { latencyThresholdMinutes: carried.mechanism.achievableRpoMinutes } : {}),
    });
  }

  /** The namespace `Monitoring/<id>`, made on first use. */
  private monitoringOf(id: string): Construct {
    return (this.monitoring.node.tryFindChild(id) as Construct | undefined) ?? new Construct(this.monitoring, id);
  }

  /**
   * What a state's datacenter needs to send registries here ("on-premises -> cloud", the copy job
   * `data-embassy push`): an IAM Roles Anywhere trust anchor with the datacenter's CA, a profile,
   * and an ingest role that may only write new versions into the stores of `registryIds`; with the
   * datacenter's `vpn`, a site-to-site VPN (one VPN gateway for the site, a customer gateway and a
   * connection per datacenter) and an S3 interface endpoint that the ingest role must come through.
   * Without `vpn`, the copy job writes over S3's public regional endpoint, with TLS.
   * Everything is under `OnPrem/<datacenter id>` (the VPN parts under `OnPrem/Vpn/<datacenter id>`),
   * and the stack outputs what the datacenter's push plan needs as
   * `onprem-<datacenter id>-{ingest-role-arn, trust-anchor-arn, profile-arn}` and, with a VPN,
   * `onprem-<datacenter id>-{vpn-connection-id, s3-endpoint-dns-name}`.
   * Call once per datacenter that links to this site.
   */
  public ingestFrom(site: OnPremSite, registryIds: readonly string[], everyMinutes: number): void {
    const at = `datacenter '${site.id}' -> '${this.site.id}'`;
    const problems: string[] = [];
    if (this.ingests.has(site.id)) problems.push(`${at}: ingestFrom was already called for this datacenter`);
    const certificatePem = site.identity.aws?.certificatePem;
    if (certificatePem === undefined) problems.push(`${at}: the datacenter has no identity.aws (trustAnchorCertificate), which an AWS site needs to trust its copy job`);
    if (registryIds.length === 0) problems.push(`${at}: registryIds must name at least one registry, got none`);
    const missing = registryIds.filter((r) => !this.stores.has(r));
    if (missing.length > 0) {
      problems.push(`${at}: no store here for registr${missing.length > 1 ? "ies" : "y"} ${missing.map((r) => `'${r}'`).join(", ")} (have: ${[...this.stores.keys()].join(", ") || "none"})`);
    }
    if (!Number.isInteger(everyMinutes) || everyMinutes < 1) problems.push(`${at}: everyMinutes must be a whole number of minutes, at least 1, got ${everyMinutes}`);
    if (problems.length > 0 || certificatePem === undefined) throw new Error(problems.join("\n"));

    const stores = [...new Set(registryIds)].map((r) => this.stores.get(r)!);
    this.onPrem ??= new Construct(this, "OnPrem");
    this.tamper.watchRolesAnywhere();
    let connection: DatacenterConnection | undefined;
    if (site.vpn) {
      this.vpn ??= new SiteVpn(this.onPrem, "Vpn", {
        custody: this.custody,
        network: this.network,
        region: this.site.region,
        amazonSideAsn: this.amazonSideAsn(),
      });
      connection = this.vpn.connect(site.id, { publicIp: site.vpn.publicIp, bgpAsn: site.vpn.bgpAsn, cidr: site.cidr, stores });
    }
    const name = physicalName([this.namePrefix, site.id, "ingest"], 64);
    const ingest = new OnPremIngest(new Construct(this.onPrem, site.id), "Ingest", {
      custody: this.custody,
      name,
      roleName: name,
      certificatePem,
      stores,
      ...(this.signing ? { signingKey: this.signing } : {}),
      ...(connection ? { endpoint: connection.s3Endpoint } : {}),
      tags: { "embassy:datacenter": site.id, "embassy:every-minutes": String(everyMinutes) },
    });
    this.ingests.set(site.id, ingest);
    this.ingestStores.set(site.id, stores);

    const registries = stores.map((s) => s.registryId).join(", ");
    const output = (suffix: string, value: string, description: string) =>
      new TerraformOutput(this, `onprem-${site.id}-${suffix}`, { value, description });
    output("ingest-role-arn", ingest.role.roleArn, `ARN of the role datacenter ${site.id} assumes (IAM Roles Anywhere) to write new versions of ${registries} at ${this.site.id}, every ${everyMinutes} minutes`);
    output("trust-anchor-arn", ingest.trustAnchorArn, `ARN of the IAM Roles Anywhere trust anchor holding the CA of datacenter ${site.id}`);
    output("profile-arn", ingest.profileArn, `ARN of the IAM Roles Anywhere profile datacenter ${site.id} names to get credentials for its ingest role`);
    if (connection) {
      output("vpn-connection-id", connection.connectionId, `Id of the site-to-site VPN connection from datacenter ${site.id} (its device configuration is downloaded by this id)`);
      output(
        "s3-endpoint-dns-name",
        connection.s3Endpoint.dnsName,
        `DNS name of the S3 interface endpoint datacenter ${site.id} must write through: use https://bucket.<this name> as the S3 endpoint URL`,
      );
    }
  }

  /** Where datacenter `datacenter`'s copy job sends, for its push plan (after {@link ingestFrom}). */
  public pushTarget(datacenter: OnPremSite, everyMinutes: number): AwsPushTarget {
    const ingest = this.ingests.get(datacenter.id);
    if (!ingest) throw new Error(`site '${this.site.id}' takes no copies from datacenter '${datacenter.id}': call ingestFrom first`);
    const stack = this.node.id;
    const deployed = (output: string) => ({ stack, output });
    const prefix = `onprem-${datacenter.id}`;
    return {
      site: this.site.id,
      role: this.site.role,
      cloud: "aws",
      region: this.site.region,
      stack,
      everyMinutes,
      credentials: {
        kind: "iam-roles-anywhere",
        roleArn: ingest.role.roleArn,
        trustAnchorArn: deployed(`${prefix}-trust-anchor-arn`),
        profileArn: deployed(`${prefix}-profile-arn`),
      },
      network: datacenter.vpn
        ? {
            kind: "vpn",
            siteCidr: this.site.cidr,
            vpnConnectionId: deployed(`${prefix}-vpn-connection-id`),
            s3EndpointDnsName: deployed(`${prefix}-s3-endpoint-dns-name`),
            note: "writes are admitted only through this interface endpoint: use https://bucket.<s3EndpointDnsName> (the literal word 'bucket') as the S3 endpoint URL, with the site's region; routes come by BGP",
          }
        : { kind: "internet", s3Endpoint: `https://s3.${this.site.region}.amazonaws.com` },
      upload: {
        checksum: "SHA256",
        encryptionHeaders: "none: S3 encrypts with the store's custody key by default; if sent, aws:kms with exactly keyArn",
        operations:
          "PutObject (with x-amz-checksum-sha256 and If-None-Match: *) or multipart uploads, and ListObjectsV2 (key names and sizes) to skip what is there; the role cannot HEAD, read, delete or set ACLs (HEAD-based resumes get 403)",
        egress: `the copy job also needs HTTPS to rolesanywhere.${this.site.region}.amazonaws.com (credentials) and kms.${this.site.region}.amazonaws.com (signing)`,
      },
      signing: this.signingRef(),
      registries: (this.ingestStores.get(datacenter.id) ?? []).map((store) => ({
        id: store.registryId,
        url: `s3://${store.stableName}/`,
        bucket: store.stableName,
        keyArn: deployed(`store-${store.registryId}-key-arn`),
        keyAlias: `alias/${store.stableName}`,
      })),
    };
  }

  /** The push plan's `signing` entry: this site's key (after deploy, by its output). */
  private signingRef(): AwsPushTarget["signing"] {
    if (!this.signing) throw new Error(`site '${this.site.id}' has no manifest-signing key, but a push target needs one`);
    return {
      kind: "aws-kms",
      keyArn: { stack: this.node.id, output: SIGNING_KEY_OUTPUT.aws },
      keyAlias: manifestSigningAlias(this.topology, this.site),
      region: this.site.region,
      algorithm: MANIFEST_SIGNING_ALGORITHM,
      jose: JOSE_MANIFEST_ALGORITHM,
    };
  }

  /**
   * The Amazon side's ASN of the site's VPN gateway: the first private ASN from 64512 (the
   * CreateVpnGateway default) that no datacenter linking here uses, so every BGP session has two
   * different ASNs. Read from the whole topology, so the choice never depends on call order.
   */
  private amazonSideAsn(): number {
    const used = new Set(
      this.topology.links.flatMap((l) => (l.to.id === this.site.id && l.from.cloud === "onprem" && l.from.vpn ? [l.from.vpn.bgpAsn] : [])),
    );
    let asn = 64512;
    while (used.has(asn)) asn++;
    return asn;
  }
}

/**
 * The alias of a site's manifest-signing key, `alias/<topology>-<site>-manifest-signing`: the
 * SigningKey's alias at that site, the push plan's `keyAlias`, and what other sites' verify grants
 * require a key to carry (see verifyElsewhere).
 */
export function manifestSigningAlias(topology: Topology, site: AwsSite): string {
  return `alias/${topology.name}-${site.id}-manifest-signing`;
}

/**
 * The identity half of verifying manifests signed at an AWS primary, for another AWS site of the same
 * partition. The key's ARN is only known once the primary's stack is applied, so the grant names a
 * pattern over the primary's region and requires the key to carry the primary's signing alias
 * (kms:ResourceAliases, see AccessPolicy's VerifyKeys): another key of that region, one a forger
 * created with the default key policy included, is not opened by it. The key policy names the
 * roles too.
 */
function verifyElsewhere(topology: Topology, site: AwsSite, accountId: string): { verifyKeys?: VerifyKeys } {
  const primary = topology.primary;
  if (primary.cloud !== "aws" || primary.id === site.id || primary.regionInfo.partition !== site.regionInfo.partition) return {};
  return {
    verifyKeys: { keyArns: [`arn:${site.regionInfo.partition}:kms:${primary.region}:${accountId}:key/*`], aliases: [manifestSigningAlias(topology, primary)] },
  };
}

/**
 * The AWS site whose audit trail records every region of the partition (and IAM's global events):
 * the primary when it is an AWS site of `partition`, otherwise the first AWS site of the partition
 * by id. One per topology and partition, because a region holds at most five trails and a
 * multi-region trail counts in each (CloudTrail User Guide, "Multiple trails per Region").
 */
export function accountTrailSiteId(topology: Topology, partition: string): string | undefined {
  const inPartition = topology.sites.filter((s): s is AwsSite => s.cloud === "aws" && s.regionInfo.partition === partition);
  if (inPartition.some((s) => s.id === topology.primary.id)) return topology.primary.id;
  return inPartition.map((s) => s.id).sort()[0];
}

/**
 * The freshness window of registry `registryId` at `site`, in minutes: how long its store may go
 * without a new object while every promise is kept.
 * - At the primary, where the registry is written: the registry's `rpoMinutes` (its export must
 *   write at least that often, or no copy anywhere can be fresher), plus the grace of a scheduled
 *   write (freshnessWindowWithGrace, lib/aws/freshness-alarms.ts: max(5 min, 25%) of the interval).
 * - Fed by a datacenter's copy job: the link's `everyMinutes`, the job's schedule (= the link's
 *   RPO), plus the same grace: the alarm says the RPO is at risk beyond the copy job's normal
 *   jitter, not that one run landed a minute late.
 * - Fed by replication from another cloud site: that site's window (grace included) plus the link's
 *   achievable RPO (15 minutes for S3 replication with RTC, already a bound with its own margin).
 *   Replication follows the writes and has no schedule of its own, so the link's RPO alone would
 *   alarm between two writes of an hourly registry; one write within the source's window reaches
 *   here within the link's RPO after it.
 * With several links into the site, the smallest (the promise is kept if any path keeps it).
 */
export function freshnessWindowMinutes(topology: Topology, site: Site, registryId: string, visiting: ReadonlySet<string> = new Set()): number {
  const registry = topology.registries.find((r) => r.id === registryId);
  if (!registry) throw new Error(`no registry '${registryId}' in topology '${topology.name}'`);
  if (site.primary) return freshnessWindowWithGrace(registry.rpoMinutes);
  if (visiting.has(site.id)) return Number.POSITIVE_INFINITY; // a cycle: the validator refuses these
  const into = topology.links.filter((l) => l.to.id === site.id && l.registries.some((r) => r.id === registryId));
  const windows = into.map((l) =>
    l.from.cloud === "onprem"
      ? freshnessWindowWithGrace(l.everyMinutes ?? l.mechanism.achievableRpoMinutes)
      : freshnessWindowMinutes(topology, l.from, registryId, new Set([...visiting, site.id])) + l.mechanism.achievableRpoMinutes,
  );
  const best = Math.min(...windows);
  if (!Number.isFinite(best)) throw new Error(`registry '${registryId}' reaches site '${site.id}' through no link, so its freshness has no window`);
  return best;
}
