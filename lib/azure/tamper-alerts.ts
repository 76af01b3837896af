import { MonitorActivityLogAlert } from "@cdktf/provider-azurerm/lib/monitor-activity-log-alert";
import { MonitorScheduledQueryRulesAlertV2 } from "@cdktf/provider-azurerm/lib/monitor-scheduled-query-rules-alert-v2";
import { Construct } from "constructs";
import type { ICustodyKeyVault } from "./key-vault";
import type { ISiteAlerts } from "./notifications";

/** Where an activity-log tamper alert listens. */
export type TamperScope = "subscription" | "resource-group";

/** One control-plane operation that can weaken a guarantee, and what a person receiving its alert does first. */
export interface TamperOperation {
  /** The Azure Resource Manager operation, as the activity log's `operationName` carries it. */
  readonly operation: string;
  /**
   * Where to listen: `subscription` for operations whose target may lie outside the site's
   * resource group and still reach it (a role assignment or lock at subscription scope, the
   * subscription's own diagnostic settings); `resource-group` for the site's own resources.
   */
  readonly scope: TamperScope;
  /** What it can do to the embassy. */
  readonly risk: string;
  /** What a person receiving the alert does first. */
  readonly firstStep: string;
}

/**
 * The control-plane operations that raise a tamper alert. Names are the resource provider
 * operations of learn.microsoft.com/azure/role-based-access-control/permissions/ (MicrosoftDocs/
 * azure-docs articles/role-based-access-control/permissions/management-and-governance.md for
 * Microsoft.Authorization, storage.md, security.md for Microsoft.KeyVault, networking.md, and
 * monitor.md for Microsoft.Insights), which the activity log records as the event's
 * `operationName` (articles/azure-monitor/essentials/activity-log-schema.md, Administrative
 * category). Every entry is an action some principal of the site could be given, and none of them
 * is part of running the embassy: each should match a change the team made through the plan.
 *
 * One alert rule per operation (azurerm's activity log alert `criteria` takes one `operation_name`),
 * 18 per site, plus the {@link TAMPER_RESOURCE_TYPES} rules (one): 19. A subscription allows 100
 * activity log alert rules ("only 100 Activity Log alert rules", learn.microsoft.com/azure/
 * azure-monitor/fundamentals/service-limits#alerts), so five sites (the most that share a
 * subscription: its five diagnostic settings stop there, see ActivityLogExport) take 95. With
 * several sites in one subscription, each site's subscription-scoped rules fire for the same event,
 * so a person may get the same event once per site.
 */
export const TAMPER_OPERATIONS: readonly TamperOperation[] = [
  {
    operation: "Microsoft.Authorization/locks/delete",
    scope: "subscription",
    risk: "removes a CanNotDelete lock: the first step to deleting a store, vault or workspace",
    firstStep: "find the lock and its resource in the event; confirm a change record for it, otherwise recreate the lock (terraform apply) and treat the caller as compromised",
  },
  {
    operation: "Microsoft.Authorization/roleAssignments/write",
    scope: "subscription",
    risk: "grants a role: anyone granted a data or key role (or Owner) can read copies or retire keys",
    firstStep: "read the assignment (principal, role, scope) in the event; if no change record names it, delete the assignment and review what the principal did since",
  },
  {
    operation: "Microsoft.Authorization/roleAssignments/delete",
    scope: "subscription",
    risk: "removes a role: custodians or auditors may lose the access the embassy promises them",
    firstStep: "read which assignment went; if unplanned, restore it with terraform apply and find out who removed it",
  },
  {
    operation: "Microsoft.Authorization/roleDefinitions/write",
    scope: "subscription",
    risk: "changes what a role allows: a custom role of the site could gain delete, decrypt or read actions",
    firstStep: "compare the role's actions with perms.ts (terraform plan shows the drift); revert with terraform apply if unplanned",
  },
  {
    operation: "Microsoft.Insights/diagnosticSettings/delete",
    scope: "subscription",
    risk: "switches off a log: blob, vault, network or activity-log evidence stops reaching the workspace, and the alerts that read it go blind",
    firstStep: "find which setting went (resource id in the event); recreate it with terraform apply at once, then check the gap in the workspace",
  },
  {
    operation: "Microsoft.Insights/diagnosticSettings/write",
    scope: "subscription",
    risk: "changes a log's settings: a setting rewritten without audit categories, or to another workspace, silences the evidence as surely as deleting it",
    firstStep: "find which setting changed (resource id in the event); run terraform plan for the site and restore it with terraform apply, then check the gap in the workspace",
  },
  {
    operation: "Microsoft.Storage/storageAccounts/write",
    scope: "resource-group",
    risk: "reconfigures a storage account: network access, shared keys, encryption key or immutability settings",
    firstStep: "run terraform plan for the site to see the drift; revert unplanned changes with terraform apply",
  },
  {
    operation: "Microsoft.Storage/storageAccounts/blobServices/write",
    scope: "resource-group",
    risk: "changes blob service properties: versioning, soft-delete retention, change feed",
    firstStep: "run terraform plan for the site to see the drift; revert unplanned changes with terraform apply",
  },
  {
    operation: "Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies/write",
    scope: "resource-group",
    risk: "changes a container's WORM policy (a locked policy can only be extended; an unlocked one can be shortened)",
    firstStep: "read the container's immutability policy (state, days) and compare with the registry's retentionDays",
  },
  {
    operation: "Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies/delete",
    scope: "resource-group",
    risk: "deletes a container's WORM policy (possible only while unlocked)",
    firstStep: "check the container's immutability policy at once; recreate and lock it with terraform apply",
  },
  {
    operation: "Microsoft.Storage/storageAccounts/objectReplicationPolicies/delete",
    scope: "resource-group",
    risk: "stops object replication of a registry to (or from) this site; the freshness alert would notice only after its window",
    firstStep: "recreate the replication policy with terraform apply of the primary's stack, then watch the replica's freshness",
  },
  {
    operation: "Microsoft.Storage/storageAccounts/objectReplicationPolicies/write",
    scope: "resource-group",
    risk: "creates or rewrites an object replication policy: a rule pointed at another account (or a container taken out) copies a registry away or stops its copies",
    firstStep: "compare the policy (source, destination, rules) with terraform plan of the primary's stack; revert unplanned changes with terraform apply",
  },
  {
    operation: "Microsoft.KeyVault/vaults/write",
    scope: "resource-group",
    risk: "reconfigures the custody vault: network rules, public access, RBAC mode",
    firstStep: "run terraform plan for the site to see the drift; revert unplanned changes with terraform apply",
  },
  {
    operation: "Microsoft.KeyVault/vaults/delete",
    scope: "resource-group",
    risk: "soft-deletes the custody vault: every store it protects loses its key until recovery (purge protection keeps it recoverable for 90 days)",
    firstStep: "recover the vault now (az keyvault recover) and check every store of the site with data-embassy verify",
  },
  {
    operation: "Microsoft.Network/networkSecurityGroups/securityRules/write",
    scope: "resource-group",
    risk: "changes an NSG rule: could admit traffic to the private endpoints",
    firstStep: "read the rule in the event; run terraform plan for the site and revert unplanned rules with terraform apply",
  },
  {
    operation: "Microsoft.Network/networkSecurityGroups/securityRules/delete",
    scope: "resource-group",
    risk: "removes an NSG rule: could remove a deny that keeps the endpoints private",
    firstStep: "run terraform plan for the site and restore the rule with terraform apply",
  },
  // A datacenter's ingest identity trusts one federated credential (OnPremIngest). Anyone who may
  // write the identity's child resources (Contributor, Owner, Managed Identity Contributor) can add a
  // second one with an issuer of his own, and then sign in as the identity: write versions into every
  // container it carries and sign manifests with the site's signing key. Operation names:
  // articles/role-based-access-control/permissions/identity.md, Microsoft.ManagedIdentity
  // ("userAssignedIdentities/federatedIdentityCredentials/write|delete"). An option not taken here: a
  // ReadOnly lock on the identity would refuse both ("When you apply a lock at a parent scope, all
  // child resources inherit the same lock"; ReadOnly "means authorized users can only read from a
  // resource, but they can't modify or delete it", learn.microsoft.com Azure Resource Manager
  // ManagementLocks API), but it refuses every other change of the identity and its credential too
  // (the plan's own updates, a rotated issuer), and its side effects on the copy job's sign-in have
  // not been tested. Until then, this alert is what tells a second person.
  {
    operation: "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/write",
    scope: "resource-group",
    risk: "adds or changes a federated credential of an ingest identity: a token from the issuer it names signs in as the identity, writes registry versions and signs manifests",
    firstStep: "read the credential (issuer, subject) in the event; if it is not the datacenter's own, delete it at once, then verify every registry that identity carries (data-embassy verify)",
  },
  {
    operation: "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/delete",
    scope: "resource-group",
    risk: "removes a federated credential of an ingest identity: the datacenter's copy job can no longer sign in, and copies stop",
    firstStep: "restore the credential with terraform apply of the site's stack, then watch the next push and the freshness alerts",
  },
];

/**
 * Resource types whose every Administrative event raises a tamper alert, several in one rule: each
 * rule's criteria name the types (azurerm `resource_types`, which the provider sends as one
 * `anyOf` of `resourceType` leaf conditions inside the rule's `allOf`: hashicorp/
 * terraform-provider-azurerm internal/services/monitor/monitor_activity_log_alert_resource.go,
 * `expandAnyOfCondition(resourceTypes, "resourceType")`; matched case-insensitively, "The value of
 * the event's field will be compared to this value (case-insensitive)", AlertRuleLeafCondition in
 * the Microsoft.Insights activityLogAlerts API), and no `operation_name`, so `write` and `delete` of
 * each type match alike (the activity log holds no reads). One rule for all of them, instead of one per
 * operation, keeps five sites within the subscription's 100 rules (see TAMPER_OPERATIONS). The
 * condition is small: `allOf` of three (category, the types' `anyOf`, the statuses' `anyOf`) with at
 * most four values in an `anyOf`. Neither the service limits page (it names only the 100 rules per
 * subscription) nor the activityLogAlerts API definition (Azure/azure-rest-api-specs specification/
 * monitor/resource-manager/Microsoft.Insights/stable/2020-10-01/activityLogAlerts_API.json, no
 * `maxItems`) sets a limit on `allOf` or `anyOf`; should one appear, split the group, one rule per type.
 */
export interface TamperResourceTypes {
  /** The rule's slug: its construct id and the end of its name. */
  readonly id: string;
  /** The resource types (`Microsoft.<Provider>/<type>`), as the activity log's `resourceType` carries them. */
  readonly resourceTypes: readonly string[];
  /** The operations this is meant to catch (every Administrative event of the types matches; these are the ones that matter). */
  readonly operations: readonly string[];
  /** Where to listen (see TamperOperation.scope). */
  readonly scope: TamperScope;
  /** What it can do to the embassy. */
  readonly risk: string;
  /** What a person receiving the alert does first. */
  readonly firstStep: string;
}

/**
 * The monitoring itself: the alert rules that would report tampering, the action group that
 * delivers them, and alert processing rules that can suppress their notifications. Changing or
 * deleting one silences the alarms before the real change. Operation names: articles/
 * role-based-access-control/permissions/monitor.md (Microsoft.Insights `activityLogAlerts`,
 * `actionGroups`, `scheduledQueryRules` write/delete; Microsoft.AlertsManagement `actionRules`
 * write/delete, "Create or update/Delete alert processing rule in a given subscription"). Listened for in the whole
 * subscription: an alert processing rule can sit in any resource group and still suppress this
 * site's notifications.
 */
export const TAMPER_RESOURCE_TYPES: readonly TamperResourceTypes[] = [
  {
    id: "monitoring",
    resourceTypes: ["Microsoft.Insights/activityLogAlerts", "Microsoft.Insights/scheduledQueryRules", "Microsoft.Insights/actionGroups", "Microsoft.AlertsManagement/actionRules"],
    operations: [
      "Microsoft.Insights/activityLogAlerts/write",
      "Microsoft.Insights/activityLogAlerts/delete",
      "Microsoft.Insights/scheduledQueryRules/write",
      "Microsoft.Insights/scheduledQueryRules/delete",
      "Microsoft.Insights/actionGroups/write",
      "Microsoft.Insights/actionGroups/delete",
      "Microsoft.AlertsManagement/actionRules/write",
      "Microsoft.AlertsManagement/actionRules/delete",
    ],
    scope: "subscription",
    risk: "changes or deletes an alert rule, the action group or an alert processing rule: the tamper, freshness and key-audit alerts can be silenced before the real change",
    firstStep: "read the rule or group in the event; run terraform plan for the site and restore it with terraform apply, then review the activity log and the vault's audit events since the change",
  },
];

/**
 * The vault's audit events that raise a tamper alert (Key Vault `AuditEvent` operation names,
 * MicrosoftDocs/azure-docs articles/key-vault/general/logging.md, "Operation names table"). Key
 * operations are data-plane calls that never reach the activity log, so they are read from the
 * vault's diagnostic logs in the site's workspace. Routine operations (KeyGet, KeyWrap/KeyUnwrap by
 * the stores, KeyRotate/KeyRotateIfDue by the rotation policy) are left out. `KeyCreate` is not
 * routine: keys are created through Azure Resource Manager (CustodyKey), which logs in the activity
 * log and creates only a key's first version, and no role of this library holds `keys/create/action`
 * (perms.KEY_ADMIN_PERMISSIONS), so a data-plane KeyCreate on the vault comes from someone who
 * granted it to himself.
 */
export const KEY_AUDIT_OPERATIONS: readonly {
  /** The Key Vault audit event's `OperationName` (e.g. `KeyDelete`), as the `AzureDiagnostics` table carries it. */
  readonly operation: string;
  /** What the operation can do to the embassy: why it is watched (the one key-audit rule's description summarizes them all). */
  readonly risk: string;
}[] = [
  { operation: "KeyDelete", risk: "soft-deletes a custody key: its store cannot be read or written until the key is recovered, and Key Vault purges it by itself after 90 days" },
  { operation: "KeyUpdate", risk: "changes a key's attributes: disabled, expired or without wrapKey/unwrapKey, its store stops working" },
  { operation: "KeyPurge", risk: "tries to destroy a deleted key for good (purge protection refuses it until the retention ends)" },
  {
    operation: "KeyCreate",
    risk: "creates a key, or a new current version of an existing one with the caller's attributes (disabled, expired, without wrapKey): the stores use the versionless key, so it can stop them",
  },
  { operation: "KeyImport", risk: "brings key material from outside the vault, as a new key or a new current version of an existing one (which can stop its store like KeyCreate)" },
  { operation: "KeyBackup", risk: "exports a key's protected backup blob from the vault" },
  { operation: "KeyRestore", risk: "restores a key from a backup blob" },
  { operation: "KeyRotationPolicySet", risk: "changes when keys rotate and expire" },
  { operation: "VaultPut", risk: "creates or replaces the vault's configuration" },
  { operation: "VaultPatch", risk: "changes the vault's configuration" },
  { operation: "VaultDelete", risk: "soft-deletes the vault" },
  { operation: "VaultPurge", risk: "tries to destroy a deleted vault for good" },
];

/** Severity of the key audit alert: 0 ("Critical"). */
export const KEY_AUDIT_SEVERITY = 0;

/**
 * KQL over the vault's audit events. The vault's diagnostic setting (CustodyKeyVault) sends
 * `allLogs` to the workspace without `log_analytics_destination_type`, so they land in the shared
 * `AzureDiagnostics` table (azurerm: "When set to Dedicated, logs sent to a Log Analytics workspace
 * will go into resource specific tables, instead of the legacy AzureDiagnostics table",
 * hashicorp/terraform-provider-azurerm website/docs/r/monitor_diagnostic_setting.html.markdown),
 * with `ResourceProvider` `MICROSOFT.KEYVAULT` and `Category` `AuditEvent`; `_ResourceId` is the
 * standard column that holds the vault's ARM id (compared case-insensitively with `=~`). Should
 * that setting ever switch to resource-specific tables (`AZKVAuditLogs`), this query must follow.
 */
export function keyAuditQuery(vaultId: string): string {
  return [
    "AzureDiagnostics",
    `| where ResourceProvider == "MICROSOFT.KEYVAULT" and Category == "AuditEvent"`,
    `| where _ResourceId =~ "${vaultId}"`,
    `| where OperationName in (${KEY_AUDIT_OPERATIONS.map((o) => `"${o.operation}"`).join(", ")})`,
    "| summarize Events = count() by OperationName, ResultType",
  ].join("\n");
}

/** A slug for a construct id and rule name from an operation: `Microsoft.Authorization/locks/delete` -> `authorization-locks-delete`. */
function operationSlug(operation: string): string {
  return operation
    .replace(/^Microsoft\./, "")
    .replace(/\/blobServices\/containers\//, "/containers/")
    .replace(/[^A-Za-z0-9]+/g, "-")
    .toLowerCase();
}

/** How a site's TamperAlerts are built. */
export interface TamperAlertsProps {
  /** Where the alerts go. */
  readonly alerts: ISiteAlerts;
  /** The subscription of the site (subscription-scoped operations listen here). */
  readonly subscriptionId: string;
  /** The site's resource group: its ARM id (resource-group-scoped operations listen here) and its name (where the rules live). */
  readonly resourceGroupId: string;
  /** The name of the site's resource group (the same group as `resourceGroupId`): every alert rule is created in it. */
  readonly resourceGroupName: string;
  /** The region of the log search rule (the site's); activity log alert rules are `global`. */
  readonly location: string;
  /** Prefix of every rule name, e.g. `nl-embassy-nl-primary`. */
  readonly namePrefix: string;
  /** The site's custody vault, whose audit events are watched. */
  readonly keyVault: ICustodyKeyVault;
  /** The site's Log Analytics workspace, which receives the vault's audit events. */
  readonly workspaceId: string;
  /**
   * Tags for every rule.
   * @default - no tags
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * Tamper alerts of a site, all acting through the site's action group:
 * - one activity log alert (`azurerm_monitor_activity_log_alert`) per {@link TAMPER_OPERATIONS}
 *   entry, category `Administrative`, statuses `Succeeded` and `Failed` (a refused attempt is as
 *   telling as a successful one; `Started` would only double each notification), scoped to the
 *   subscription or the site's resource group. Location `global`: azurerm 4.x requires `location`
 *   and sends it as the rule's location (hashicorp/terraform-provider-azurerm internal/services/
 *   monitor/monitor_activity_log_alert_resource.go, `location.Normalize(d.Get("location"))`), and
 *   activity log alert rules are supported in Global, West Europe and North Europe.
 * - one activity log alert per {@link TAMPER_RESOURCE_TYPES} entry, the same way, on its resource
 *   types instead of one operation.
 * - one log search alert (`azurerm_monitor_scheduled_query_rules_alert_v2`, {@link keyAuditQuery})
 *   on the vault's audit events: any {@link KEY_AUDIT_OPERATIONS} event, split by operation and
 *   result, evaluated every 5 minutes over the last 15. Key Vault logs arrive "10 minutes (at most)
 *   after the key vault operation" (MicrosoftDocs/azure-docs articles/key-vault/general/logging.md),
 *   so a 15-minute window evaluated every 5 minutes sees every event at least once; the rule is
 *   auto-mitigated, so an event seen by three overlapping evaluations notifies once.
 */
export class TamperAlerts extends Construct {
  /** The activity log alert of each operation, by operation name, and of each resource-type group, by its id. */
  public readonly activityLogAlerts: ReadonlyMap<string, MonitorActivityLogAlert>;
  /** The log search alert on the vault's audit events. */
  public readonly keyAudit: MonitorScheduledQueryRulesAlertV2;

  constructor(scope: Construct, id: string, props: TamperAlertsProps) {
    super(scope, id);
    const tags = { ...(props.tags ?? {}), "embassy:alert": "tamper" };
    const subscription = `/subscriptions/${props.subscriptionId}`;
    const activity = new Construct(this, "ActivityLog");
    const alerts = new Map<string, MonitorActivityLogAlert>();
    for (const op of TAMPER_OPERATIONS) {
      const slug = operationSlug(op.operation);
      alerts.set(
        op.operation,
        new MonitorActivityLogAlert(activity, slug, {
          name: `${props.namePrefix}-tamper-${slug}`,
          resourceGroupName: props.resourceGroupName,
          location: "global",
          scopes: [op.scope === "subscription" ? subscription : props.resourceGroupId],
          description: `${op.operation}: ${op.risk}. First: ${op.firstStep}.`,
          enabled: true,
          criteria: { category: "Administrative", operationName: op.operation, statuses: ["Succeeded", "Failed"] },
          action: [{ actionGroupId: props.alerts.actionGroupId }],
          tags,
        }),
      );
    }
    for (const group of TAMPER_RESOURCE_TYPES) {
      alerts.set(
        group.id,
        new MonitorActivityLogAlert(activity, group.id, {
          name: `${props.namePrefix}-tamper-${group.id}`,
          resourceGroupName: props.resourceGroupName,
          location: "global",
          scopes: [group.scope === "subscription" ? subscription : props.resourceGroupId],
          description: `${group.operations.join(", ")}: ${group.risk}. First: ${group.firstStep}.`,
          enabled: true,
          criteria: { category: "Administrative", resourceTypes: [...group.resourceTypes], statuses: ["Succeeded", "Failed"] },
          action: [{ actionGroupId: props.alerts.actionGroupId }],
          tags,
        }),
      );
    }
    this.activityLogAlerts = alerts;

    this.keyAudit = new MonitorScheduledQueryRulesAlertV2(this, "KeyAudit", {
      name: `${props.namePrefix}-tamper-key-audit`,
      displayName: "Custody vault: a key or the vault was deleted, changed, created, exported or imported",
      description:
        "A custody key or the vault itself was deleted, updated (possibly disabled), given a new version by hand (created or imported), purged, backed up, restored, or its rotation policy or configuration changed. " +
        "First: query AzureDiagnostics for the event (caller, key id); if no change record names it, recover or re-enable the key and verify every store of the site.",
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      scopes: [props.workspaceId],
      severity: KEY_AUDIT_SEVERITY,
      enabled: true,
      windowDuration: "PT15M",
      evaluationFrequency: "PT5M",
      autoMitigationEnabled: true,
      skipQueryValidation: true,
      criteria: [
        {
          query: keyAuditQuery(props.keyVault.vaultId),
          timeAggregationMethod: "Total",
          metricMeasureColumn: "Events",
          operator: "GreaterThan",
          threshold: 0,
          dimension: [
            { name: "OperationName", operator: "Include", values: ["*"] },
            { name: "ResultType", operator: "Include", values: ["*"] },
          ],
          failingPeriods: { minimumFailingPeriodsToTriggerAlert: 1, numberOfEvaluationPeriods: 1 },
        },
      ],
      action: { actionGroups: [props.alerts.actionGroupId] },
      tags,
    });
  }
}
