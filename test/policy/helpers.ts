import { TerraformStack, Testing } from "cdktf";
import type { Construct } from "constructs";
import { AccessPolicy } from "../../lib/aws/access-policy";
import { AlertTopic } from "../../lib/aws/alert-topic";
import { FreshnessAlarms } from "../../lib/aws/freshness-alarms";
import { EncryptedStore } from "../../lib/aws/encrypted-store";
import { LogBucket } from "../../lib/aws/log-bucket";
import { Network } from "../../lib/aws/network";
import { ReplicationLink } from "../../lib/aws/replication-link";
import { EmbassyPack, type EmbassyPackProps } from "../../lib/policy/embassy-pack";
import { type PolicyFinding, policyReport, type RuleSummary } from "../../lib/policy/report";
import { CUSTODY } from "../fixtures";

/** The custody Azure administrator the pack is configured with in these tests. */
export const AZURE_ADMIN = "0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d";

/** The pack as rule tests configure it: the fixtures' custody account, one Azure administrator. */
export function pack(props: EmbassyPackProps = {}): EmbassyPack {
  return new EmbassyPack({ custody: { awsAccountId: CUSTODY.accountId, azureAdministrators: [AZURE_ADMIN] }, ...props });
}

/** What one rule found in a fresh stack built by `build`. */
export interface RuleResult {
  readonly findings: readonly PolicyFinding[];
  /** The rule's counts; `checked` proves the rule looked at something. */
  readonly summary: RuleSummary;
  /** The findings' problem texts (between the `(type): ` and `. Fix:`), one per finding. */
  readonly problems: readonly string[];
}

/** Builds a stack named `site`, runs the pack on it and returns what rule `ruleId` found. */
export function checkRule(ruleId: string, build: (stack: Construct) => void, props: EmbassyPackProps = {}): RuleResult {
  const stack = new TerraformStack(Testing.app(), "site");
  build(stack);
  pack(props).check(stack);
  const report = policyReport(stack);
  const summary = report.rules.find((r) => r.id === ruleId);
  if (!summary) throw new Error(`rule ${ruleId} is not in the report`);
  const findings = report.findings.filter((f) => f.ruleId === ruleId);
  const problems = findings.map((f) => /\): (.*)\. Fix: /s.exec(f.message)?.[1] ?? f.message);
  return { findings, summary, problems };
}

/** A site's log bucket, one encrypted store of registry `brp`, and its network, as the library builds them. */
export function awsSite(scope: Construct): { store: EncryptedStore; logBucket: LogBucket } {
  const logBucket = new LogBucket(scope, "Logs", { custody: CUSTODY, bucketName: "site-logs" });
  const store = new EncryptedStore(scope, "Store", {
    custody: CUSTODY,
    registryId: "brp",
    bucketName: "site-brp",
    region: "eu-south-2",
    retentionDays: 365,
    logBucket,
  });
  return { store, logBucket };
}

/** awsSite plus the network and the per-purpose roles. */
export function fullAwsSite(scope: Construct): { store: EncryptedStore; logBucket: LogBucket } {
  const site = awsSite(scope);
  new Network(scope, "Network", { custody: CUSTODY, cidr: "10.10.0.0/16", region: "eu-south-2", logBucket: site.logBucket });
  new AccessPolicy(scope, "Access", { custody: CUSTODY, namePrefix: "es-primary", stores: [site.store], writable: true });
  return site;
}

/** A source and a target store with a ReplicationLink between them. */
export function linkedStores(scope: Construct): ReplicationLink {
  const logBucket = new LogBucket(scope, "Logs", { custody: CUSTODY, bucketName: "site-logs" });
  const make = (id: string, region: string) =>
    new EncryptedStore(scope, id, { custody: CUSTODY, registryId: "brp", bucketName: `b-${id.toLowerCase()}`, region, retentionDays: 365, logBucket });
  const target = make("Target", "eu-north-1");
  return new ReplicationLink(scope, "Link", { custody: CUSTODY, source: make("Source", "eu-south-2"), roleName: "brp-replication", targets: [target] });
}

/** A bucket policy text with the given statements. */
export function policy(...statements: object[]): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

/** awsSite plus the site's alert topic and a freshness alarm on the store (EMB-W01), as AwsSiteStack builds them. */
export function watchedAwsSite(scope: Construct) {
  const site = awsSite(scope);
  const topic = new AlertTopic(scope, "Alerts", { custody: CUSTODY, region: "eu-south-2", topicName: "site-alerts" });
  new FreshnessAlarms(scope, "Freshness", { topic, namePrefix: "site" }).watch(site.store, 15);
  return site;
}
