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
 * 14 per site; a subscription allows 100 activity log alert rules ("only 100 Activity Log alert
 * rules", learn.microsoft.com/azure/azure-monitor/fundamentals/service-limits#alerts), so up to
 * seven sites share a subscription (the subscription's five diagnostic settings already stop at
 * five, see ActivityLogExport). With several sites in one subscription, each site's
 * subscription-scoped rules fire for the same event, so a person may get the same event once per
 * site.
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
];

/**
 * The vault's audit events that raise a tamper alert (Key Vault `AuditEvent` operation names,
 * MicrosoftDocs/azure-docs articles/key-vault/general/logging.md, "Operation names table"). Key
 * operations are data-plane calls that never reach the activity log, so they are read from the
 * vault's diagnostic logs in the site's workspace. Routine operations (KeyGet, KeyWrap/KeyUnwrap by
 * the stores, KeyRotate/KeyRotateIfDue by the rotation policy) are left out.
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
  { operation: "KeyImport", risk: "brings key material from outside the vault" },
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
 * - one log search alert (`azurerm_monitor_scheduled_query_rules_alert_v2`, {@link keyAuditQuery})
 *   on the vault's audit events: any {@link KEY_AUDIT_OPERATIONS} event, split by operation and
 *   result, evaluated every 5 minutes over the last 15. Key Vault logs arrive "10 minutes (at most)
 *   after the key vault operation" (MicrosoftDocs/azure-docs articles/key-vault/general/logging.md),
 *   so a 15-minute window evaluated every 5 minutes sees every event at least once; the rule is
 *   auto-mitigated, so an event seen by three overlapping evaluations notifies once.
 */
export class TamperAlerts extends Construct {
  /** The activity log alert of each operation, by operation name. */
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
    this.activityLogAlerts = alerts;

    this.keyAudit = new MonitorScheduledQueryRulesAlertV2(this, "KeyAudit", {
      name: `${props.namePrefix}-tamper-key-audit`,
      displayName: "Custody vault: a key or the vault was deleted, changed, exported or imported",
      description:
        "A custody key or the vault itself was deleted, updated (possibly disabled), purged, backed up, imported, restored, or its rotation policy or configuration changed. " +
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
