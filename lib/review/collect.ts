/**
 * Builds the review document (review-format.ts) from a `cdktf.out` folder and the topology: the
 * sites, links and registries the topology declares, and what the synthesized stacks really
 * deploy for them (stores, WORM retention, keys, alarms, guarantee-bearing settings, access),
 * plus the policy report. Nothing here imports a construct or a stack.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { greatCircleKm } from "../regions/catalogue";
import { registriesAt } from "../topology/holdings";
import type { Site, Topology } from "../topology/model";
import { type AwsStoreRef, awsAccessRows, type AzureStoreRef, azureAccessRows } from "./access-matrix";
import { AwsAccess } from "./aws-access";
import { AzureAccess, type AzurePrincipal } from "./azure-access";
import {
  CAPABILITIES,
  type ReviewAccess,
  type ReviewCopy,
  type ReviewCustody,
  type ReviewDocument,
  type ReviewGuarantees,
  type ReviewSetting,
  type ReviewSite,
  type ReviewStore,
} from "./review-format";
import { isObject, type Json, type JsonObject, parseReference, readCdktfOut, type SynthesizedStack, templateParts } from "./terraform-json";

/** Optional inputs beyond cdktf.out and the topology. */
export interface CollectOptions {
  /**
   * A Checkov JSON result (`checkov -o json`, one report or a list of them) to summarise.
   * @default - no Checkov summary
   */
  readonly checkovResult?: string;
  /**
   * Checkov exceptions (`.ci/checkov-exceptions.yaml`: a list of `{ check, resource, reason }`).
   * @default - none: every failed check counts as open
   */
  readonly checkovExceptions?: string;
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The stack deployed for a cloud site (cdktf names it `<topology>-<site>`, stacks/embassy.ts). */
export function stackNameOf(topology: Topology, site: Site): string {
  return `${topology.name}-${site.id}`;
}

/** The resource `${type.name.attr}` refers to (single reference only), or undefined. */
function refTarget(value: Json | undefined, type?: string): { type: string; name: string } | undefined {
  if (typeof value !== "string") return undefined;
  const parts = templateParts(value);
  if (parts.length !== 1 || !("expression" in parts[0])) return undefined;
  const ref = parseReference(parts[0].expression);
  if (!ref || ref.data || (type && ref.type !== type)) return undefined;
  return { type: ref.type, name: ref.name };
}

/** Literal text of a value, or its raw form when it holds an interpolation. */
function literal(value: Json | undefined): string | undefined {
  return typeof value === "string" || typeof value === "number" ? String(value) : undefined;
}

const resourcesOf = (stack: SynthesizedStack, type: string): [string, JsonObject][] => Object.entries(stack.json.resource?.[type] ?? {});
const preventDestroy = (attrs: JsonObject) => isObject(attrs.lifecycle) && attrs.lifecycle.prevent_destroy === true;
const firstBlock = (v: Json | undefined): JsonObject | undefined => (isObject(v) ? v : Array.isArray(v) ? (v as Json[]).find(isObject) : undefined);

interface StoreFacts {
  readonly store: ReviewStore;
  readonly settings: ReviewSetting[];
  readonly aws?: { readonly bucketName: string };
  readonly azure?: { accountAddress: string; containerAddress?: string; keyAddress?: string };
}

/** Reads the AWS stores (buckets tagged `embassy:registry`) of a stack. */
function awsStores(stack: SynthesizedStack, site: string): Map<string, StoreFacts> {
  const out = new Map<string, StoreFacts>();
  const byBucket = (type: string, bucket: string) => resourcesOf(stack, type).filter(([, a]) => refTarget(a.bucket, "aws_s3_bucket")?.name === bucket);
  const aliases = resourcesOf(stack, "aws_kms_alias");
  const alarms = resourcesOf(stack, "aws_cloudwatch_metric_alarm");
  for (const [name, attrs] of resourcesOf(stack, "aws_s3_bucket")) {
    const registry = isObject(attrs.tags) ? literal(attrs.tags["embassy:registry"]) : undefined;
    if (!registry) continue;
    const bucketName = literal(attrs.bucket) ?? name;
    const address = `aws_s3_bucket.${name}`;
    const settings: ReviewSetting[] = [];
    const setting = (s: string, addr: string, on: boolean, detail: string) => settings.push({ site, registry, setting: s, address: addr, on, detail });
    setting("prevent-destroy", address, preventDestroy(attrs), preventDestroy(attrs) ? "lifecycle.prevent_destroy" : "not set");
    // Object Lock: aws_s3_bucket_object_lock_configuration.rule.default_retention (hashicorp/terraform-provider-aws
    // internal/service/s3/bucket_object_lock_configuration.go); object_lock_enabled on the bucket itself.
    let wormDays: number | undefined;
    let wormMode: string | undefined;
    const lock = byBucket("aws_s3_bucket_object_lock_configuration", name)[0];
    if (lock) {
      const retention = firstBlock(firstBlock(lock[1].rule)?.default_retention);
      const days = typeof retention?.days === "number" ? retention.days : typeof retention?.years === "number" ? retention.years * 365 : undefined;
      wormDays = days;
      wormMode = literal(retention?.mode);
    }
    setting("object-lock", lock ? `aws_s3_bucket_object_lock_configuration.${lock[0]}` : address, attrs.object_lock_enabled === true && wormDays !== undefined, wormDays !== undefined ? `${wormMode ?? "?"} ${wormDays} days` : "no default retention");
    const versioning = byBucket("aws_s3_bucket_versioning", name)[0];
    const vStatus = versioning ? literal(firstBlock(versioning[1].versioning_configuration)?.status) : undefined;
    setting("versioning", versioning ? `aws_s3_bucket_versioning.${versioning[0]}` : address, vStatus === "Enabled", vStatus ?? "not configured");
    const pab = byBucket("aws_s3_bucket_public_access_block", name)[0];
    const pabOn = !!pab && ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"].every((k) => pab[1][k] === true);
    setting("public-access-block", pab ? `aws_s3_bucket_public_access_block.${pab[0]}` : address, pabOn, pabOn ? "all four on" : "not all on");
    const logging = byBucket("aws_s3_bucket_logging", name)[0];
    setting("access-logging", logging ? `aws_s3_bucket_logging.${logging[0]}` : address, !!logging, logging ? "on" : "off");
    let key: ReviewStore["key"];
    const enc = byBucket("aws_s3_bucket_server_side_encryption_configuration", name)[0];
    const keyRef = enc ? refTarget(firstBlock(firstBlock(enc[1].rule)?.apply_server_side_encryption_by_default)?.kms_master_key_id, "aws_kms_key") : undefined;
    if (keyRef) {
      const keyAttrs = stack.json.resource?.aws_kms_key?.[keyRef.name] ?? {};
      const alias = aliases.find(([, a]) => refTarget(a.target_key_id, "aws_kms_key")?.name === keyRef.name);
      key = { name: (alias && literal(alias[1].name)) ?? `aws_kms_key.${keyRef.name}`, address: `aws_kms_key.${keyRef.name}` };
      setting("key-rotation", key.address, keyAttrs.enable_key_rotation === true, keyAttrs.enable_key_rotation === true ? "yearly rotation on" : "off");
      const window = typeof keyAttrs.deletion_window_in_days === "number" ? keyAttrs.deletion_window_in_days : 30;
      setting("key-deletion-window", key.address, window >= 30, `${window}-day deletion window`);
      setting("key-prevent-destroy", key.address, preventDestroy(keyAttrs), preventDestroy(keyAttrs) ? "lifecycle.prevent_destroy" : "not set");
    } else {
      setting("customer-managed-key", address, false, "no SSE-KMS key of the stack");
    }
    const watching = alarms
      .filter(([, a]) => {
        const text = JSON.stringify(a);
        return text.includes(`registry '${registry}'`) || text.includes(bucketName) || text.includes(`aws_s3_bucket.${name}.`);
      })
      .map(([n, a]) => literal(a.alarm_name) ?? `aws_cloudwatch_metric_alarm.${n}`)
      .sort(byText);
    out.set(registry, {
      store: { stack: stack.name, address, name: bucketName, ...(wormDays !== undefined ? { wormDays } : {}), ...(wormMode ? { wormMode } : {}), ...(key ? { key } : {}), alarms: watching },
      settings,
      aws: { bucketName },
    });
  }
  return out;
}

/** Reads the Azure stores (storage accounts tagged `embassy:registry`) of a stack. */
function azureStores(stack: SynthesizedStack, site: string): Map<string, StoreFacts> {
  const out = new Map<string, StoreFacts>();
  const locks = resourcesOf(stack, "azurerm_management_lock");
  const alerts = [...resourcesOf(stack, "azurerm_monitor_scheduled_query_rules_alert_v2"), ...resourcesOf(stack, "azurerm_monitor_metric_alert")];
  const vaults = resourcesOf(stack, "azurerm_key_vault");
  for (const [name, attrs] of resourcesOf(stack, "azurerm_storage_account")) {
    const registry = isObject(attrs.tags) ? literal(attrs.tags["embassy:registry"]) : undefined;
    if (!registry) continue;
    const address = `azurerm_storage_account.${name}`;
    const accountName = literal(attrs.name) ?? name;
    const settings: ReviewSetting[] = [];
    const setting = (s: string, addr: string, on: boolean, detail: string) => settings.push({ site, registry, setting: s, address: addr, on, detail });
    setting("prevent-destroy", address, preventDestroy(attrs), preventDestroy(attrs) ? "lifecycle.prevent_destroy" : "not set");
    const blob = firstBlock(attrs.blob_properties);
    setting("versioning", address, blob?.versioning_enabled === true, blob?.versioning_enabled === true ? "blob versioning on" : "off");
    setting("shared-keys-off", address, attrs.shared_access_key_enabled === false, attrs.shared_access_key_enabled === false ? "shared keys off" : "shared keys allowed");
    setting("public-network-off", address, attrs.public_network_access_enabled === false, attrs.public_network_access_enabled === false ? "private endpoints only" : "public network access allowed");
    const container = resourcesOf(stack, "azurerm_storage_container").find(([, a]) => refTarget(a.storage_account_id, "azurerm_storage_account")?.name === name);
    // Version-level WORM: the container's immutability policy (azurerm_storage_container_immutability_policy,
    // locked = compliance) and the account's default (immutability_policy block, state Locked/Unlocked).
    let wormDays: number | undefined;
    let wormMode: string | undefined;
    const containerPolicy = container ? resourcesOf(stack, "azurerm_storage_container_immutability_policy").find(([, a]) => refTarget(a.storage_container_resource_manager_id, "azurerm_storage_container")?.name === container[0]) : undefined;
    if (containerPolicy && typeof containerPolicy[1].immutability_period_in_days === "number") {
      wormDays = containerPolicy[1].immutability_period_in_days;
      wormMode = containerPolicy[1].locked === true ? "locked" : "unlocked";
    }
    const accountPolicy = firstBlock(attrs.immutability_policy);
    if (wormDays === undefined && accountPolicy && typeof accountPolicy.period_since_creation_in_days === "number") {
      wormDays = accountPolicy.period_since_creation_in_days;
      wormMode = String(accountPolicy.state ?? "").toLowerCase() || undefined;
    }
    setting("immutability", containerPolicy ? `azurerm_storage_container_immutability_policy.${containerPolicy[0]}` : address, wormDays !== undefined && wormMode === "locked", wormDays !== undefined ? `${wormMode} ${wormDays} days` : "none");
    const lock = locks.find(([, a]) => refTarget(a.scope, "azurerm_storage_account")?.name === name);
    setting("delete-lock", lock ? `azurerm_management_lock.${lock[0]}` : address, lock !== undefined && lock[1].lock_level === "CanNotDelete", lock ? String(lock[1].lock_level) : "none");
    const cmk = firstBlock(attrs.customer_managed_key);
    const keyRef = refTarget(cmk?.key_vault_key_id);
    let key: ReviewStore["key"];
    if (keyRef) {
      const keyAttrs = stack.json.resource?.[keyRef.type]?.[keyRef.name] ?? {};
      key = { name: literal(keyAttrs.name) ?? `${keyRef.type}.${keyRef.name}`, address: `${keyRef.type}.${keyRef.name}` };
      setting("key-prevent-destroy", key.address, preventDestroy(keyAttrs), preventDestroy(keyAttrs) ? "lifecycle.prevent_destroy" : "not set");
      const rotation = JSON.stringify(keyAttrs).includes('"type":"rotate"') || isObject(keyAttrs.rotation_policy);
      setting("key-rotation", key.address, rotation, rotation ? "rotation policy" : "no rotation policy");
      const vaultRef = refTarget(keyAttrs.parent_id ?? keyAttrs.key_vault_id, "azurerm_key_vault");
      const vault = vaultRef ? vaults.find(([n]) => n === vaultRef.name) : undefined;
      if (vault) setting("purge-protection", `azurerm_key_vault.${vault[0]}`, vault[1].purge_protection_enabled === true, vault[1].purge_protection_enabled === true ? `purge protection, ${String(vault[1].soft_delete_retention_days ?? 90)}-day soft delete` : "off");
    } else {
      setting("customer-managed-key", address, false, "no customer-managed key");
    }
    const watching = alerts
      .filter(([, a]) => JSON.stringify(a).includes(`azurerm_storage_account.${name}.`) || JSON.stringify(a).includes(`registry '${registry}'`))
      .map(([n, a]) => literal(a.name) ?? n)
      .sort(byText);
    out.set(registry, {
      store: { stack: stack.name, address, name: accountName, ...(wormDays !== undefined ? { wormDays } : {}), ...(wormMode ? { wormMode } : {}), ...(key ? { key } : {}), alarms: watching },
      settings,
      azure: { accountAddress: address, ...(container ? { containerAddress: `azurerm_storage_container.${container[0]}` } : {}), ...(keyRef ? { keyAddress: `${keyRef.type}.${keyRef.name}` } : {}) },
    });
  }
  return out;
}

/** Summarises a Checkov JSON result, marking failed checks the exceptions file accepts. */
export function summariseCheckov(resultText: string, exceptionsText?: string): NonNullable<ReviewGuarantees["checkov"]> {
  let reports = JSON.parse(resultText) as unknown;
  if (!Array.isArray(reports)) reports = [reports];
  const exceptions = (exceptionsText ? (parseYaml(exceptionsText) as { check: string; resource: string }[] | null) : null) ?? [];
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  let parsingErrors = 0;
  const failedChecks: { checkId: string; resource: string; name: string; accepted: boolean }[] = [];
  for (const r of reports as { summary?: Record<string, number>; results?: { failed_checks?: { check_id: string; resource: string; check_name: string }[] } }[]) {
    passed += r.summary?.passed ?? 0;
    failed += r.summary?.failed ?? 0;
    skipped += r.summary?.skipped ?? 0;
    parsingErrors += r.summary?.parsing_errors ?? 0;
    for (const f of r.results?.failed_checks ?? []) {
      failedChecks.push({ checkId: f.check_id, resource: f.resource, name: f.check_name, accepted: exceptions.some((e) => e.check === f.check_id && new RegExp(e.resource).test(f.resource)) });
    }
  }
  return { passed, failed, skipped, parsingErrors, failedChecks };
}

/** The review document of `outdir` (a synthesized `cdktf.out`) for `topology`. */
export function collectReview(outdir: string, topology: Topology, options: CollectOptions = {}): ReviewDocument {
  const stacks = readCdktfOut(outdir);
  const stackByName = new Map(stacks.map((s) => [s.name, s]));
  const notes: string[] = [];
  const domestic = topology.sites.filter((s) => s.role === "domestic");

  const sites: ReviewSite[] = topology.sites.map((s) => {
    let nearest: ReviewSite["nearestDomestic"];
    if (s.role === "foreign") {
      for (const d of domestic) {
        const km = Math.round(greatCircleKm(s.place, d.place));
        if (!nearest || km < nearest.km) nearest = { site: d.id, km };
      }
    }
    const stack = s.cloud === "onprem" ? undefined : stackNameOf(topology, s);
    if (stack && !stackByName.has(stack)) notes.push(`site '${s.id}': no stack '${stack}' in ${outdir}`);
    return {
      id: s.id,
      role: s.role,
      primary: s.primary,
      cloud: s.cloud,
      ...(s.cloud !== "onprem" ? { region: s.region } : {}),
      label: s.cloud !== "onprem" ? s.regionInfo.displayName : `${s.location.city} datacenter`,
      city: s.place.city,
      country: s.place.country,
      jurisdiction: s.place.jurisdiction,
      latitude: s.place.latitude,
      longitude: s.place.longitude,
      ...(stack && stackByName.has(stack) ? { stack } : {}),
      ...(nearest ? { nearestDomestic: nearest } : {}),
    };
  });

  const links = topology.links
    .map((l) => ({
      from: l.from.id,
      to: l.to.id,
      mechanism: l.mechanism.name,
      description: l.mechanism.description,
      achievableRpoMinutes: l.mechanism.achievableRpoMinutes,
      registries: l.registries.map((r) => r.id).sort(byText),
      builtHere: l.mechanism.builtHere,
      km: Math.round(greatCircleKm(l.from.place, l.to.place)),
    }))
    .sort((a, b) => byText(a.from, b.from) || byText(a.to, b.to));

  // What each cloud site's stack deploys, per registry.
  const facts = new Map<string, Map<string, StoreFacts>>();
  for (const s of topology.sites) {
    if (s.cloud === "onprem") continue;
    const stack = stackByName.get(stackNameOf(topology, s));
    if (!stack) continue;
    facts.set(s.id, s.cloud === "aws" ? awsStores(stack, s.id) : azureStores(stack, s.id));
  }

  const registries = topology.registries
    .map((r) => {
      const copies: ReviewCopy[] = [];
      for (const s of topology.sites) {
        const held = registriesAt(topology, s).some((x) => x.id === r.id);
        const store = facts.get(s.id)?.get(r.id)?.store;
        if (!held && !store) continue;
        const link = topology.links.find((l) => l.to.id === s.id && l.registries.some((x) => x.id === r.id));
        if (held && s.cloud !== "onprem" && !store) notes.push(`registry '${r.id}' at '${s.id}': the topology holds a copy there, but the stack deploys no store tagged embassy:registry=${r.id}`);
        copies.push({
          site: s.id,
          mechanism: s.primary ? "primary" : link ? link.mechanism.name : "not in the topology",
          ...(link ? { achievableRpoMinutes: link.mechanism.achievableRpoMinutes } : {}),
          ...(store ? { store } : {}),
        });
      }
      return { id: r.id, title: r.title, requiredRpoMinutes: r.rpoMinutes, retentionDays: r.retentionDays, copies: copies.sort((a, b) => byText(a.site, b.site)) };
    })
    .sort((a, b) => byText(a.id, b.id));

  const settings: ReviewSetting[] = [...facts.values()].flatMap((m) => [...m.values()].flatMap((f) => f.settings));

  // Access.
  const access: ReviewAccess[] = [];
  const awsStacks = stacks.filter((s) => (s.json.provider?.aws ?? []).length > 0);
  if (awsStacks.length > 0) {
    try {
      const model = new AwsAccess(awsStacks, topology.custody.aws?.accountId);
      for (const u of model.unmodelled) notes.push(`not evaluated for access (could grant access): ${u}`);
      const refs: AwsStoreRef[] = [];
      for (const [site, m] of facts) {
        for (const [registry, f] of m) {
          const bucket = f.aws ? model.buckets.find((b) => b.name === f.aws!.bucketName) : undefined;
          if (bucket) refs.push({ site, registry, bucket });
        }
      }
      const custody = topology.custody.aws;
      access.push(...awsAccessRows(model, refs, custody ? [...custody.administrators] : []));
    } catch (e) {
      notes.push(`AWS access not evaluated: ${(e as Error).message}`);
    }
  }
  const azureStacks = stacks.filter((s) => (s.json.provider?.azurerm ?? []).length > 0);
  if (azureStacks.length > 0) {
    try {
      const model = AzureAccess.fromStacks(azureStacks);
      const refs: AzureStoreRef[] = [];
      for (const [site, m] of facts) {
        for (const [registry, f] of m) {
          if (!f.azure) continue;
          const stack = f.store.stack;
          const [aType, aName] = f.azure.accountAddress.split(".");
          const account = model.resources(aType).find((x) => x.stack === stack && x.name === aName);
          if (!account) continue;
          const find = (address?: string) => {
            if (!address) return undefined;
            const [t, n] = address.split(".");
            return model.resources(t).find((x) => x.stack === stack && x.name === n);
          };
          const container = find(f.azure.containerAddress);
          const key = find(f.azure.keyAddress);
          refs.push({ site, registry, account, ...(container ? { container } : {}), ...(key ? { key } : {}) });
        }
      }
      const labels = topology.custody.azure?.labels ?? {};
      const custody = topology.custody.azure;
      const nameOf = (p: AzurePrincipal): { name: string; usedBy?: string } => {
        if (p.kind === "object-id") {
          const label = Object.entries(labels).find(([id]) => id.toLowerCase() === p.id)?.[1];
          const duties = custody ? [custody.administrators.includes(p.id) ? "administrator" : "", custody.readers?.includes(p.id) ? "reader" : "", custody.writers?.includes(p.id) ? "writer" : ""].filter(Boolean) : [];
          return { name: label ? `${label} (${p.id})` : `${p.id}${duties.length ? ` (custody ${duties.join(", ")})` : ""}` };
        }
        const r = p.resource;
        const name = literal(r?.attributes.name) ?? p.id.split("/").pop() ?? p.id;
        const dc = r?.tags["embassy:datacenter"];
        if (dc) return { name, usedBy: `datacenter ${dc}'s copy job (federated credential)` };
        if (r?.tags["embassy:registry"]) return { name, usedBy: "the storage account's customer-managed-key identity" };
        return { name, usedBy: "a managed identity" };
      };
      access.push(...azureAccessRows(model, refs, nameOf));
    } catch (e) {
      notes.push(`Azure access not evaluated: ${(e as Error).message}`);
    }
  }
  const capOrder = new Map(CAPABILITIES.map((c, i) => [c, i]));
  access.sort((a, b) => byText(a.site, b.site) || byText(a.registry, b.registry) || capOrder.get(a.capability)! - capOrder.get(b.capability)! || byText(a.name, b.name) || byText(a.via ?? "", b.via ?? ""));

  // Guarantees.
  const reportPath = join(outdir, "policy-report.json");
  let guarantees: ReviewGuarantees = { passed: false, rules: [], findings: [], suppressions: [] };
  if (existsSync(reportPath)) {
    const report = JSON.parse(readFileSync(reportPath, "utf8")) as {
      passed: boolean;
      rules: ReviewGuarantees["rules"];
      findings: { ruleId: string; level: string; message: string; suppressed: boolean }[];
      suppressions: ReviewGuarantees["suppressions"];
    };
    guarantees = {
      passed: report.passed,
      rules: report.rules.map((r) => ({ id: r.id, name: r.name, level: r.level, description: r.description, applicable: r.applicable, checked: r.checked, compliant: r.compliant, nonCompliant: r.nonCompliant, suppressed: r.suppressed })),
      findings: report.findings.filter((f) => !f.suppressed).map((f) => ({ ruleId: f.ruleId, level: f.level, message: f.message })),
      suppressions: report.suppressions.map((s) => ({ ruleId: s.ruleId, path: s.path, reason: s.reason, matchedFindings: s.matchedFindings })),
    };
  } else {
    notes.push(`no policy report at ${reportPath}: the guarantees section is empty`);
  }
  if (options.checkovResult !== undefined) guarantees = { ...guarantees, checkov: summariseCheckov(options.checkovResult, options.checkovExceptions) };

  const custody: ReviewCustody = {
    ...(topology.custody.aws
      ? {
          aws: {
            accountId: topology.custody.aws.accountId,
            administrators: [...topology.custody.aws.administrators],
            ...(topology.custody.aws.readers ? { readers: [...topology.custody.aws.readers] } : {}),
            ...(topology.custody.aws.writers ? { writers: [...topology.custody.aws.writers] } : {}),
            ...(topology.custody.aws.keyRetirers ? { keyRetirers: [...topology.custody.aws.keyRetirers] } : {}),
          },
        }
      : {}),
    ...(topology.custody.azure
      ? {
          azure: {
            tenantId: topology.custody.azure.tenantId,
            subscriptionId: topology.custody.azure.subscriptionId,
            administrators: [...topology.custody.azure.administrators],
            ...(topology.custody.azure.readers ? { readers: [...topology.custody.azure.readers] } : {}),
            ...(topology.custody.azure.writers ? { writers: [...topology.custody.azure.writers] } : {}),
            labels: { ...(topology.custody.azure.labels ?? {}) },
          },
        }
      : {}),
  };

  return {
    formatVersion: 1,
    topology: topology.name,
    home: topology.home,
    rules: { minForeignDistanceKm: topology.rules.minForeignDistanceKm, minRetentionDays: topology.rules.minRetentionDays, requireForeignCopy: topology.rules.requireForeignCopy },
    custody,
    sites: sites.sort((a, b) => byText(a.id, b.id)),
    links,
    registries,
    access,
    settings: settings.sort((a, b) => byText(a.site, b.site) || byText(a.registry, b.registry) || byText(a.setting, b.setting) || byText(a.address, b.address)),
    guarantees,
    notes,
  };
}
