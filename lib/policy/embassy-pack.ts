import { Annotations, App, Aspects, type IAspect, TerraformStack } from "cdktf";
import type { IConstruct } from "constructs";
import { assertSingleCopy } from "../private/single-copy";
import type { Topology } from "../topology/model";
import { ledgerOf, type RuleDescription } from "./private/ledger";
import { StackView } from "./private/resource-view";
import { suppressionCovering } from "./private/suppression-store";
import { type PolicyFinding, policyReport, type RuleLevel, writePolicyReport } from "./report";
import type { PolicyRule, ResourceRule, RuleContext, RuleOptions, RuleOutcome, TopologyRule } from "./rule";
import { ArgumentsPassAwsProviderValidation } from "./rules/arguments-pass-aws-provider-validation";
import { ArgumentsPassAzureProviderValidation } from "./rules/arguments-pass-azure-provider-validation";
import { DutiesAreSeparated } from "./rules/duties-are-separated";
import { KeyDeletionProtected } from "./rules/key-deletion-protected";
import { KeyRotationEnabled } from "./rules/key-rotation-enabled";
import { NetworkHasFlowLogs } from "./rules/network-has-flow-logs";
import { NetworkHasNoInternetIngress } from "./rules/network-has-no-internet-ingress";
import { PolicyGrantsNoWildcardAdmin } from "./rules/policy-grants-no-wildcard-admin";
import { PrincipalsWithinCustody } from "./rules/principals-within-custody";
import { RegistriesReachForeignSite } from "./rules/registries-reach-foreign-site";
import { ReplicationExcludesDeletes } from "./rules/replication-excludes-deletes";
import { ReplicationHasLagAlarm } from "./rules/replication-has-lag-alarm";
import { ReplicationHasTimeGuarantee } from "./rules/replication-has-time-guarantee";
import { ResourceBlocksPublicAccess } from "./rules/resource-blocks-public-access";
import { RolePolicyFitsIamLimit } from "./rules/role-policy-fits-iam-limit";
import { StatefulResourceIsRetained } from "./rules/stateful-resource-is-retained";
import { StoreEncryptedWithCustodyKey } from "./rules/store-encrypted-with-custody-key";
import { StoreHasAccessLogging } from "./rules/store-has-access-logging";
import { StoreHasFreshnessAlarm } from "./rules/store-has-freshness-alarm";
import { StoreHasWormRetention } from "./rules/store-has-worm-retention";
import { StoreIsVersioned } from "./rules/store-is-versioned";
import { StoreRequiresTls } from "./rules/store-requires-tls";

/** A rule as the embassy pack uses it: its id, its level and how to fix a finding. */
export interface PackRule {
  /** `EMB-<area><nn>`: S store, K key, R replication, I identity, N network, W watching, P provider limits, T topology. */
  readonly id: string;
  /** The rule itself: what it checks and how it judges a resource or the topology. */
  readonly rule: PolicyRule;
  /**
   * `error` for the embassy's promises (integrity, availability, custody), `warning` for detection
   * controls; a pack with `warningsAsErrors` raises every warning to an error.
   */
  readonly level: RuleLevel;
  /** What to change, for the finding's message. */
  readonly fix: string;
}

/**
 * The embassy pack's rules. Errors are the three promises (integrity, availability, custody);
 * warnings are detection controls (logs), which a pack with `warningsAsErrors` makes errors too.
 */
export const EMBASSY_RULES: readonly PackRule[] = [
  { id: "EMB-S01", rule: StoreEncryptedWithCustodyKey, level: "error", fix: "encrypt with a customer-managed key of this app: SSE-KMS with an aws_kms_key (EncryptedStore does this), or customer_managed_key with a Key Vault key" },
  { id: "EMB-S02", rule: StoreHasWormRetention, level: "error", fix: "set S3 Object Lock default retention in COMPLIANCE mode, or a Locked Azure immutability policy, for at least the retention floor" },
  { id: "EMB-S03", rule: StoreIsVersioned, level: "error", fix: "enable versioning (aws_s3_bucket_versioning status 'Enabled'; blob_properties.versioning_enabled = true)" },
  { id: "EMB-S04", rule: ResourceBlocksPublicAccess, level: "error", fix: "block all public access: all four S3 public access block settings true; public network access, public containers and shared keys off on Azure" },
  { id: "EMB-S05", rule: StoreRequiresTls, level: "error", fix: "deny requests with aws:SecureTransport false in the bucket policy; keep min_tls_version 'TLS1_2' and https_traffic_only_enabled on Azure" },
  { id: "EMB-S06", rule: StoreHasAccessLogging, level: "warning", fix: "log every access: aws_s3_bucket_logging to the site's log bucket; a diagnostic setting on the storage account's blob service" },
  { id: "EMB-S07", rule: StatefulResourceIsRetained, level: "error", fix: "set lifecycle { prevent_destroy = true } (and never force_destroy) on every resource holding data or keys, including Key Vault keys created as azapi_resource, and on S3 replication, access-logging and ownership configurations and VPC flow logs" },
  { id: "EMB-K01", rule: KeyRotationEnabled, level: "error", fix: "turn on automatic rotation: enable_key_rotation = true on KMS keys; a rotation_policy with an automatic block on azurerm_key_vault_key; on azapi Key Vault keys, a body.properties.rotationPolicy.lifetimeActions entry { trigger: { timeAfterCreate: 'P365D' }, action: { type: 'rotate' } }" },
  { id: "EMB-K02", rule: KeyDeletionProtected, level: "error", fix: "keep deletion recoverable: deletion_window_in_days = 30 and a key policy statement { Effect: 'Deny', Principal: '*', Action: 'kms:ScheduleKeyDeletion', Condition: { NumericLessThan: { 'kms:ScheduleKeyDeletionPendingWindowInDays': '30' } } } (CustodyKey's DenyShortDeletionWindow); purge_protection_enabled = true and soft_delete_retention_days = 90 on Key Vault" },
  { id: "EMB-R01", rule: ReplicationHasTimeGuarantee, level: "error", fix: "enable Replication Time Control (replication_time Enabled, 15 minutes) and metrics on every replication rule" },
  { id: "EMB-R02", rule: ReplicationExcludesDeletes, level: "error", fix: "set delete_marker_replication status 'Disabled' and remove s3:ReplicateDelete (and wildcards covering it) from every policy" },
  { id: "EMB-I01", rule: PolicyGrantsNoWildcardAdmin, level: "error", fix: "grant named actions on named resources (see lib/aws/perms.ts); never '*' or 'service:*' on '*'" },
  { id: "EMB-I02", rule: PrincipalsWithinCustody, level: "error", fix: "grant only principals of the custody account or identities of this app; pin '*' with an aws:PrincipalAccount condition; assign Azure roles below subscription scope to custody administrators or managed identities" },
  { id: "EMB-I03", rule: DutiesAreSeparated, level: "error", fix: "split key administration and data reading into separate roles, or deny the data actions to the key administrator" },
  { id: "EMB-I04", rule: RolePolicyFitsIamLimit, level: "error", fix: "split the role's grants (fewer stores per site, or separate roles per registry group) until each inline policy fits" },
  { id: "EMB-N01", rule: NetworkHasNoInternetIngress, level: "error", fix: "remove internet and NAT gateways and public IPs; admit only private address space in security groups, ACLs and NSGs; leave default security groups empty" },
  { id: "EMB-N02", rule: NetworkHasFlowLogs, level: "warning", fix: "add a flow log for the network (aws_flow_log with vpc_id; an Azure virtual network flow log)" },
  { id: "EMB-W01", rule: StoreHasFreshnessAlarm, level: "error", fix: "watch every registry store: FreshnessAlarms.watch(store, minutes) on AWS (an EventBridge rule on the bucket's 'Object Created' events and a TriggeredRules alarm with treat_missing_data 'breaching', LessThanThreshold 1 and alarm_actions); FreshnessAlerts.watch(store, ...) on Azure (a log search alert over StorageBlobLogs naming the account, enabled, with an action group)" },
  { id: "EMB-W02", rule: ReplicationHasLagAlarm, level: "error", fix: "add ReplicationAlarms per S3 replication rule (ReplicationLatency above the RTC minutes and OperationsFailedReplication above 0, dimensions RuleId and SourceBucket, with alarm_actions); add a ReplicationLagAlert scoped to each priority object replication policy (PendingOperationsForReplication GreaterThan 0, with an action group)" },
  { id: "EMB-P01", rule: ArgumentsPassAwsProviderValidation, level: "error", fix: "use a value terraform-provider-aws and the AWS API accept, as the finding says (every limit and its source is in lib/policy/private/provider-limits.ts): e.g. security group and rule descriptions take only letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*, so no apostrophes" },
  { id: "EMB-P02", rule: ArgumentsPassAzureProviderValidation, level: "error", fix: "use a value azurerm, azapi and Azure accept, as the finding says (every limit and its source is in lib/policy/private/provider-limits.ts): e.g. storage account names are 3-24 lowercase letters and digits, Key Vault key names 1-127 letters, digits and hyphens" },
  { id: "EMB-T01", rule: RegistriesReachForeignSite, level: "error", fix: "add a link from the primary to a foreign site at least rules.minForeignDistanceKm from every domestic site" },
];

/** The ids of every rule a suppression may name. */
export const EMBASSY_RULE_IDS: readonly string[] = EMBASSY_RULES.map((r) => r.id);

/** The custody identities the pack checks principals against. */
export interface PolicyCustody {
  /**
   * The custody AWS account id (12 digits).
   * @default - the topology's custody.aws.accountId; without either, any account principal is a finding
   */
  readonly awsAccountId?: string;
  /**
   * The custody Azure administrators' Entra ID object ids.
   * @default - the topology's custody.azure.administrators; without either, any literal principal id is a finding
   */
  readonly azureAdministrators?: readonly string[];
}

/** How the embassy pack is configured; every option can only make it stricter. */
export interface EmbassyPackProps {
  /**
   * The WORM retention floor, in days; with a topology it may only be raised above the
   * topology's rules.minRetentionDays.
   * @default - the topology's rules.minRetentionDays, else 30
   */
  readonly minRetentionDays?: number;
  /**
   * Whose identities count as custody.
   * @default - taken from the topology
   */
  readonly custody?: PolicyCustody;
  /**
   * The validated topology: enables the topology rule (EMB-T01), per-registry retention for
   * stores tagged `embassy:registry`, and the custody defaults.
   * @default - no topology rule; floors and custody from the other props
   */
  readonly topology?: Topology;
  /**
   * Treat warning-level rules as errors (synth fails on them too).
   * @default false
   */
  readonly warningsAsErrors?: boolean;
}

/**
 * The data embassy's policy rules as a cdktf Aspect. Add it to every stack:
 * `Aspects.of(stack).add(new EmbassyPack({ topology }))`.
 *
 * When cdktf invokes it on a stack (at `app.synth()`, or `Testing.synth`), the pack resolves
 * every resource of the stack to the JSON that `cdk.tf.json` will hold, runs every rule, applies
 * suppressions, and records the findings on the App. Warnings become cdktf warning annotations.
 * At the end of `app.synth()`, an App-level validation writes `<outdir>/policy-report.json` and
 * fails the synth with every unsuppressed error finding of every stack (rule id, construct path,
 * resource type, problem and fix). With `skipValidation: true` on the App, the errors become
 * error annotations instead, which fail each stack's synth: there is no quiet way around the pack.
 * Once a pack runs in an app, a stack of that app that no pack checked also fails synth
 * (cdktf 0.21 never applies an aspect added to the App itself; see {@link applyEmbassyPack}).
 *
 * The pack evaluates when it visits the stack node, i.e. after aspects added to the stack before
 * it but before aspects added to constructs inside the stack: add any aspect that changes
 * resources to the stack, ahead of the pack.
 */
export class EmbassyPack implements IAspect {
  /**
   * What the rules are told, resolved from the props and the topology: the retention floor (30 days
   * unless tightened), the custody AWS account and Azure administrators, and each registry's
   * retention.
   */
  public readonly options: RuleOptions;
  private readonly topology?: Topology;
  private readonly warningsAsErrors: boolean;
  private readonly byType = new Map<string, { readonly entry: PackRule; readonly rule: ResourceRule }[]>();

  constructor(props: EmbassyPackProps = {}) {
    const problems: string[] = [];
    const topologyFloor = props.topology?.rules.minRetentionDays;
    const floor = props.minRetentionDays ?? topologyFloor ?? 30;
    if (!Number.isInteger(floor) || floor < 1) problems.push(`minRetentionDays must be a whole number of days of at least 1, got ${floor}`);
    if (topologyFloor !== undefined && floor < topologyFloor) {
      problems.push(`minRetentionDays may only tighten the topology's rules.minRetentionDays ${topologyFloor}, got ${floor}`);
    }
    const awsAccountId = props.custody?.awsAccountId ?? props.topology?.custody.aws?.accountId;
    if (awsAccountId !== undefined && !/^\d{12}$/.test(awsAccountId)) problems.push(`custody.awsAccountId must be 12 digits, got '${awsAccountId}'`);
    if (problems.length > 0) throw new Error(`EmbassyPack: ${problems.join("; ")}`);
    this.options = {
      minRetentionDays: floor,
      awsAccountId,
      azureAdministrators: props.custody?.azureAdministrators ?? props.topology?.custody.azure?.administrators,
      registryRetentionDays: new Map((props.topology?.registries ?? []).map((r) => [r.id, r.retentionDays])),
    };
    this.topology = props.topology;
    this.warningsAsErrors = props.warningsAsErrors ?? false;
    for (const entry of EMBASSY_RULES) {
      const rule = entry.rule;
      if (rule.kind !== "resource") continue;
      for (const type of rule.resourceTypes) this.byType.set(type, [...(this.byType.get(type) ?? []), { entry, rule }]);
    }
  }

  /** Checks a stack when cdktf visits it; other constructs are covered by their stack's visit. */
  public visit(node: IConstruct): void {
    if (TerraformStack.isStack(node)) this.check(node);
  }

  /**
   * Runs every rule on `stack` now, records the findings for the app's report (replacing any
   * earlier check of the same stack) and returns them.
   */
  public check(stack: TerraformStack): readonly PolicyFinding[] {
    assertSingleCopy(stack, "EmbassyPack");
    const app = App.of(stack);
    const ledger = ledgerOf(app);
    for (const entry of EMBASSY_RULES) {
      if (entry.rule.kind === "topology" && !this.topology) continue;
      const description: RuleDescription = { id: entry.id, name: entry.rule.name, level: this.levelOf(entry), description: entry.rule.description, fix: entry.fix };
      ledger.rules.set(entry.id, description);
    }

    const view = StackView.of(stack);
    const context: RuleContext = { stack: view, options: this.options };
    const counts = new Map<string, { checked: number; compliant: number }>();
    const findings: PolicyFinding[] = [];
    const scopes = new Map<PolicyFinding, IConstruct>();
    for (const resource of view.resources) {
      for (const { entry, rule } of this.byType.get(resource.type) ?? []) {
        const outcome = this.run(entry, () => rule.evaluate(resource, context), resource.path);
        this.count(counts, entry.id, outcome);
        if (outcome.status !== "non-compliant") continue;
        const finding = this.finding(entry, outcome.problems, resource.construct, stack.node.path, resource.path, resource.type, resource.address, `${resource.path} (${resource.type})`);
        findings.push(finding);
        scopes.set(finding, resource.construct);
      }
    }
    ledger.evaluations.set(`stack:${stack.node.path}`, { findings, counts });
    const topologyFindings = this.checkTopology(app);

    for (const f of [...findings, ...topologyFindings]) {
      if (f.suppressed) continue;
      const key = `${f.level}:${f.path}:${f.message}`;
      if (ledger.annotated.has(key)) continue;
      ledger.annotated.add(key);
      // Annotations are collected per stack, so a topology finding goes on the stack being checked.
      const target = scopes.get(f) ?? stack;
      if (f.level === "warning") Annotations.of(target).addWarning(f.message);
      else if (app.skipValidation) Annotations.of(target).addError(f.message);
    }
    ensureValidation(app);
    return [...findings, ...topologyFindings];
  }

  private levelOf(entry: PackRule): RuleLevel {
    return this.warningsAsErrors ? "error" : entry.level;
  }

  private run<T>(entry: PackRule, evaluate: () => T, where: string): T {
    try {
      return evaluate();
    } catch (e) {
      throw new Error(`policy rule ${entry.id} (${entry.rule.name}) failed on ${where}: ${(e as Error).message}`);
    }
  }

  private count(counts: Map<string, { checked: number; compliant: number }>, id: string, outcome: RuleOutcome): void {
    if (outcome.status === "not-applicable") return;
    const c = counts.get(id) ?? { checked: 0, compliant: 0 };
    c.checked++;
    if (outcome.status === "compliant") c.compliant++;
    counts.set(id, c);
  }

  private finding(
    entry: PackRule,
    problems: readonly string[],
    scope: IConstruct,
    stackPath: string,
    path: string,
    resourceType: string,
    address: string,
    where: string,
  ): PolicyFinding {
    const suppression = suppressionCovering(scope, entry.id);
    return {
      ruleId: entry.id,
      rule: entry.rule.name,
      level: this.levelOf(entry),
      stack: stackPath,
      path,
      resourceType,
      address,
      message: `[${entry.id}] ${where}: ${problems.join("; ")}. Fix: ${entry.fix}`,
      suppressed: suppression !== undefined,
      ...(suppression ? { suppression: { path: suppression.path, reason: suppression.reason } } : {}),
    };
  }

  /** Runs the topology rules once per app (the result does not depend on the stack). */
  private checkTopology(app: App): readonly PolicyFinding[] {
    if (!this.topology) return [];
    const ledger = ledgerOf(app);
    const key = "topology";
    const counts = new Map<string, { checked: number; compliant: number }>();
    const findings: PolicyFinding[] = [];
    for (const entry of EMBASSY_RULES) {
      if (entry.rule.kind !== "topology") continue;
      const rule: TopologyRule = entry.rule;
      const topology = this.topology;
      const outcomes = this.run(entry, () => rule.evaluate(topology), "the topology");
      for (const { subject, outcome } of outcomes) {
        this.count(counts, entry.id, outcome);
        if (outcome.status !== "non-compliant") continue;
        findings.push(this.finding(entry, outcome.problems, app, "", "", "topology", subject, `topology '${topology.name}', ${subject}`));
      }
    }
    ledger.evaluations.set(key, { findings, counts });
    return findings;
  }
}

/** The packs applyEmbassyPack gave each app, for the stacks the app gets later. */
const APPLIED = new WeakMap<App, EmbassyPack[]>();

/**
 * Adds one embassy pack to every stack of `app`, now and later, and returns it: the same as
 * `Aspects.of(stack).add(new EmbassyPack(props))` for each stack (an aspect added to the App
 * itself never reaches a stack in cdktf 0.21, whose `invokeAspects` starts at each stack).
 *
 * It may be called before any stack exists: `app.synth()` first adds the pack to every stack
 * created since, so a later stack is checked exactly like an earlier one (cdktf has no public
 * hook for a new child, so this wraps the `synth` method of this App instance). Synthesis paths
 * that bypass `app.synth()`, such as `Testing.synth(stack)`, see only the aspects the stack has:
 * in such tests call `applyEmbassyPack` after the stacks exist.
 * Once applied, a stack of the app that no pack checked fails synth, and
 * `<outdir>/policy-report.json` is written even for an app without stacks.
 *
 * Fails when the app was built with another copy of cdktf or constructs than this library's
 * (a symlinked install), naming both folders: the pack would otherwise never run.
 *
 * @param app the app whose stacks the pack checks
 * @param props the pack's options
 * @returns the pack, e.g. to call {@link EmbassyPack.check} on a stack in a test
 */
export function applyEmbassyPack(app: App, props: EmbassyPackProps = {}): EmbassyPack {
  assertSingleCopy(app, "applyEmbassyPack");
  const pack = new EmbassyPack(props);
  const packs = APPLIED.get(app);
  if (packs) packs.push(pack);
  else {
    APPLIED.set(app, [pack]);
    const synth = app.synth;
    app.synth = function synthWithEmbassyPacks(this: App): void {
      addAppliedPacks(app);
      synth.call(this);
    };
  }
  addAppliedPacks(app);
  ensureValidation(app);
  return pack;
}

/** Adds every pack applied to `app` to each of its stacks that does not have it yet. */
function addAppliedPacks(app: App): void {
  const stacks = app.node.findAll().filter((c): c is TerraformStack => TerraformStack.isStack(c));
  for (const pack of APPLIED.get(app) ?? []) {
    for (const stack of stacks) if (!Aspects.of(stack).all.includes(pack)) Aspects.of(stack).add(pack);
  }
}

/** Adds, once per app, the validation that writes the report and fails synth on errors. */
function ensureValidation(app: App): void {
  const ledger = ledgerOf(app);
  if (ledger.validating) return;
  ledger.validating = true;
  app.node.addValidation({
    validate: () => {
      const file = writePolicyReport(app);
      const errors = policyReport(app).findings.filter((f) => f.level === "error" && !f.suppressed);
      // Aspects added to the App never reach a stack in cdktf 0.21: a stack nobody checked is a hole.
      const unchecked = app.node
        .findAll()
        .filter((c): c is TerraformStack => TerraformStack.isStack(c) && !ledger.evaluations.has(`stack:${c.node.path}`))
        .map((c) => `stack '${c.node.path}' was not checked by the embassy policy pack: add it with Aspects.of(stack).add(new EmbassyPack(...)) or applyEmbassyPack(app)`);
      if (errors.length === 0 && unchecked.length === 0) return [];
      const ids = [...new Set(errors.map((f) => f.ruleId))].sort().join(", ");
      const noun = errors.length === 1 ? "finding" : "findings";
      const lines = [...unchecked, ...errors.map((f) => f.message)];
      return [`data embassy policy: ${errors.length} error ${noun} (${ids || "none"}); all findings are in ${file}\n  ${lines.join("\n  ")}`];
    },
  });
}
