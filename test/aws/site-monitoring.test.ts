/**
 * What each AWS site stack gets to be watched, derived from the topology: the alert topic, one
 * freshness alarm per store with the store's window, two replication alarms per replication rule
 * at the primary, the tamper rules, and the audit trail. Built with a real App from the example
 * topologies (cross-stack references resolve only then).
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import { loadTopologyFile } from "../../lib/topology/load";
import type { Topology } from "../../lib/topology/model";
import { accountTrailSiteId, freshnessWindowMinutes } from "../../stacks/aws-site-stack";
import { buildEmbassy } from "../../stacks/embassy";
import { awsDoc, PROJECT_ROOT, resources, type Synth, topologyOf } from "../fixtures";

function synthTopology(topology: Topology): (site: string) => Synth {
  const dir = mkdtempSync(join(tmpdir(), "embassy-watch-"));
  const app = new App({ outdir: dir });
  buildEmbassy(app, topology);
  app.synth();
  return (site) => JSON.parse(readFileSync(join(dir, "stacks", `${topology.name}-${site}`, "cdk.tf.json"), "utf8"));
}

const JP = loadTopologyFile(join(PROJECT_ROOT, "stacks", "jp-embassy.yaml"));
const NL = loadTopologyFile(join(PROJECT_ROOT, "stacks", "nl-embassy.yaml"));

const freshnessAlarms = (s: Synth) => resources(s, "aws_cloudwatch_metric_alarm").filter((a) => a.metric_name === "TriggeredRules");
const replicationAlarms = (s: Synth) => resources(s, "aws_cloudwatch_metric_alarm").filter((a) => a.namespace === "AWS/S3");
/** Freshness window in minutes of each store, by the bucket its rule watches. */
const windows = (s: Synth) => {
  const rules = resources(s, "aws_cloudwatch_event_rule");
  return Object.fromEntries(
    freshnessAlarms(s).map((a) => {
      const rule = rules.find((r) => r.name === a.dimensions.RuleName);
      return [JSON.parse(rule.event_pattern).detail.bucket.name[0], (a.period * a.evaluation_periods) / 60];
    }),
  );
};

describe("watching the Japanese example (an AWS primary replicating to two AWS sites)", () => {
  const synth = synthTopology(JP);
  const tokyo = synth("jp-tokyo");
  const osaka = synth("jp-osaka");
  const sydney = synth("au-embassy");
  const bucket = (site: string, registry: string) => `jp-embassy-${site}-${registry}-111111111111`;

  test("every site has one alert topic, encrypted, with an email subscription per address of alerts.emails", () => {
    for (const s of [tokyo, osaka, sydney]) {
      expect(resources(s, "aws_sns_topic")).toHaveLength(1);
      expect(resources(s, "aws_sns_topic")[0].kms_master_key_id).toMatch(/aws_kms_key\.Monitoring_Alerts_Key_/);
      expect(resources(s, "aws_sns_topic_subscription").map((x) => x.endpoint).sort()).toEqual([...JP.alerts.emails].sort());
    }
  });

  test("one freshness alarm per store at every site: the registry's RPO plus a grace of max(5 min, 25%) at the primary, plus the link's RPO (15 minutes) at each replica", () => {
    // koseki: rpoMinutes 15 + 5 (the floor); land and corporate: 60 + 15 (a quarter).
    expect(windows(tokyo)).toEqual({ [bucket("jp-tokyo", "koseki")]: 20, [bucket("jp-tokyo", "land")]: 75, [bucket("jp-tokyo", "corporate")]: 75 });
    for (const [site, s] of [["jp-osaka", osaka], ["au-embassy", sydney]] as const) {
      expect(windows(s)).toEqual({ [bucket(site, "koseki")]: 35, [bucket(site, "land")]: 90, [bucket(site, "corporate")]: 90 });
    }
  });

  test("two replication alarms per rule at the primary (3 registries x 2 targets), none elsewhere; a link RPO of 15 minutes is a 900 s latency alarm", () => {
    const alarms = replicationAlarms(tokyo);
    expect(alarms).toHaveLength(12);
    expect(replicationAlarms(osaka)).toHaveLength(0);
    expect(replicationAlarms(sydney)).toHaveLength(0);
    const rules = resources(tokyo, "aws_s3_bucket_replication_configuration").flatMap((c) => c.rule.map((r: any) => r.id));
    expect(rules).toHaveLength(6);
    for (const id of rules) {
      const forRule = alarms.filter((a) => a.dimensions.RuleId === id);
      expect(forRule.map((a) => a.metric_name).sort()).toEqual(["OperationsFailedReplication", "ReplicationLatency"]);
      expect(forRule.find((a) => a.metric_name === "ReplicationLatency").threshold).toBe(900);
      // The destination dimension is the bucket the rule's id names.
      expect(forRule.every((a) => `to-${a.dimensions.DestinationBucket}` === id)).toBe(true);
    }
  });

  test("every alarm notifies its site's own topic", () => {
    for (const s of [tokyo, osaka, sydney]) {
      const topic = `\${aws_sns_topic.${Object.keys(s.resource.aws_sns_topic)[0]}.arn}`;
      for (const a of resources(s, "aws_cloudwatch_metric_alarm")) expect(a.alarm_actions).toEqual([topic]);
    }
  });

  test("tamper rules at every site watch its keys (3 stores, alerts, audit, and the manifest-signing key at the primary) and 5 buckets (3 stores, logs, trail); IAM is forwarded from us-east-1", () => {
    for (const [site, s] of [["jp-tokyo", tokyo], ["jp-osaka", osaka], ["au-embassy", sydney]] as const) {
      const rules = resources(s, "aws_cloudwatch_event_rule").filter((r) => r.name.includes("-tamper-"));
      expect(rules.map((r) => r.name.replace(`jp-embassy-${site}-tamper-`, "")).sort()).toEqual(["buckets", "keys", "roles", "roles-forward", "watchers"]);
      const keys = JSON.parse(rules.find((r) => r.name.endsWith("-keys")).event_pattern).detail.resources.ARN;
      expect(keys).toHaveLength(site === "jp-tokyo" ? 6 : 5);
      expect(new Set(keys)).toEqual(new Set(resources(s, "aws_kms_key").map((_, i) => `\${aws_kms_key.${Object.keys(s.resource.aws_kms_key)[i]}.arn}`)));
      const buckets = JSON.parse(rules.find((r) => r.name.endsWith("-buckets")).event_pattern).detail.requestParameters.bucketName;
      expect([...buckets].sort()).toEqual(resources(s, "aws_s3_bucket").map((b) => b.bucket).sort());
      expect(rules.find((r) => r.name.endsWith("-roles-forward")).region).toBe("us-east-1");
    }
  });

  test("one audit trail per site; the primary's records every region and IAM's global events, the others their own region", () => {
    const trail = (s: Synth) => resources(s, "aws_cloudtrail")[0];
    expect(trail(tokyo)).toMatchObject({ name: "jp-embassy-jp-tokyo-audit", is_multi_region_trail: true, include_global_service_events: true });
    for (const s of [osaka, sydney]) expect(trail(s)).toMatchObject({ is_multi_region_trail: false, include_global_service_events: false });
    for (const s of [tokyo, osaka, sydney]) {
      const starts = trail(s).advanced_event_selector[1].field_selector.find((f: any) => f.field === "resources.ARN").starts_with;
      expect(starts).toHaveLength(3);
    }
  });

  test("the audit role reads the trail and log buckets, and its deny names each store's objects and key", () => {
    const role = resources(tokyo, "aws_iam_role_policy").find((p) => p.name === "jp-embassy-jp-tokyo-audit-policy");
    const statements = JSON.parse(role.policy).Statement;
    const read = statements.find((s: any) => s.Sid === "ReadAuditEvidence");
    expect(read.Resource).toHaveLength(4);
    const deny = statements.find((s: any) => s.Sid === "DenyDataAccess");
    expect(deny.Resource).toHaveLength(6);
    expect(deny.Resource.filter((r: string) => r.endsWith("/*"))).toHaveLength(3);
  });
});

describe("watching a datacenter primary (the Dutch example)", () => {
  const es = synthTopology(NL)("es-embassy");

  test("the AWS site's stores are fed by the copy job: the freshness window is its schedule (everyMinutes) plus 5 minutes' grace, in one-minute periods", () => {
    const link = NL.links.find((l) => l.to.id === "es-embassy")!;
    expect(link.everyMinutes).toBe(15);
    expect(Object.values(windows(es))).toEqual(link.registries.map(() => 20));
    expect(freshnessAlarms(es).map((a) => [a.period, a.evaluation_periods, a.datapoints_to_alarm ?? a.evaluation_periods, a.treat_missing_data])).toEqual(
      link.registries.map(() => [60, 20, 20, "breaching"]),
    );
  });

  test("no replication alarms; Roles Anywhere changes are watched; being the only AWS site, its trail records every region", () => {
    expect(replicationAlarms(es)).toHaveLength(0);
    expect(resources(es, "aws_cloudwatch_event_rule").map((r) => r.name)).toContain("nl-embassy-es-embassy-tamper-rolesanywhere");
    expect(resources(es, "aws_cloudtrail")[0].is_multi_region_trail).toBe(true);
  });
});

describe("freshness windows and the account trail, from the topology", () => {
  test("alerts.emails are subscribed to every site's topic", () => {
    const synth = synthTopology(topologyOf(awsDoc()));
    for (const site of ["es-primary", "se-embassy"]) {
      expect(resources(synth(site), "aws_sns_topic_subscription").map((s) => [s.protocol, s.endpoint])).toEqual([["email", "soc@example.es"]]);
    }
  });

  test("a chain adds each link's RPO; the smallest path wins", () => {
    // The validator lets links start at the primary only; the window is defined for any acyclic
    // topology all the same, so a chain is built by hand here.
    const doc = awsDoc();
    doc.sites.push({ id: "ie-embassy", role: "foreign", cloud: "aws", region: "eu-west-1", cidr: "10.40.0.0/16" });
    doc.links.push({ from: "es-primary", to: "ie-embassy" });
    const t = topologyOf(doc);
    const site = (id: string) => t.sites.find((s) => s.id === id)!;
    const [toSweden, toIreland] = t.links;
    const relay = { ...toIreland, from: site("se-embassy") };
    const chain: Topology = { ...t, links: [toSweden, relay] };
    // land: rpoMinutes 60, plus 15 minutes' grace at the primary only (replication has no schedule to jitter).
    expect(freshnessWindowMinutes(chain, site("es-primary"), "land")).toBe(75);
    expect(freshnessWindowMinutes(chain, site("se-embassy"), "land")).toBe(90);
    expect(freshnessWindowMinutes(chain, site("ie-embassy"), "land")).toBe(105);
    expect(freshnessWindowMinutes({ ...t, links: [toSweden, relay, toIreland] }, site("ie-embassy"), "land")).toBe(90);
  });

  test("the account trail is the primary's when it is on AWS, else the first AWS site by id", () => {
    expect(accountTrailSiteId(JP, "aws")).toBe("jp-tokyo");
    expect(accountTrailSiteId(NL, "aws")).toBe("es-embassy");
    expect(accountTrailSiteId(JP, "aws-eusc")).toBeUndefined();
  });

  test("fails for a registry that does not reach the site", () => {
    const t = topologyOf(awsDoc());
    expect(() => freshnessWindowMinutes(t, t.sites[1], "nope")).toThrow(/no registry 'nope' in topology 'es-embassy'/);
  });
});
