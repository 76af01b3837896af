import { MonitorActionGroup } from "@cdktf/provider-azurerm/lib/monitor-action-group";
import { Token } from "cdktf";
import { Construct } from "constructs";

/** Where a site's alerts go: what every alert rule of the site (freshness, replication lag, tampering) attaches to. */
export interface ISiteAlerts {
  /** The ARM id of the site's action group (`azurerm_monitor_action_group`). */
  readonly actionGroupId: string;
}

/**
 * The longest short name an action group may have: azurerm validates `short_name` with
 * `validation.StringLenBetween(1, 12)` (hashicorp/terraform-provider-azurerm
 * internal/services/monitor/monitor_action_group_resource.go). Azure shows it as the sender of
 * SMS and in notification subjects.
 */
export const MAX_ACTION_GROUP_SHORT_NAME = 12;

/** A plain mailbox address: something@domain.tld, no spaces (the topology's schema checks the same with zod's `email`). */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** How a site's Notifications (its action group) are built. */
export interface NotificationsProps {
  /** The resource group the action group is created in (the site's). */
  readonly resourceGroupName: string;
  /** The action group's name (unique in the resource group). */
  readonly name: string;
  /** The action group's short name, 1-12 characters. */
  readonly shortName: string;
  /**
   * Who is told when a promise is at risk: one email receiver each (the topology's
   * `alerts.emails`). Empty is allowed: every alert still fires and shows in the Azure portal and
   * the alert history, but nobody is emailed (the topology validator warns about it).
   * @default - nobody is emailed
   */
  readonly emails?: readonly string[];
  /**
   * Tags for the action group.
   * @default - no tags
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * A site's action group: one email receiver per address of the topology's `alerts.emails`, each
 * with the common alert schema (one payload layout for metric, log and activity-log alerts, so a
 * person reads every alert of the embassy the same way: learn.microsoft.com/azure/azure-monitor/
 * alerts/alerts-common-schema). Every alert rule of the site acts through it
 * ({@link ISiteAlerts.actionGroupId}).
 *
 * Location `global` (azurerm's default for `location`, see the file cited at
 * MAX_ACTION_GROUP_SHORT_NAME): action groups are an Azure-wide service, and the site's alert rules
 * live in the site's resource group.
 *
 * What "encrypted at rest" means here. The action group holds no registry data: its stored state
 * is its configuration (names and the recipients' email addresses), kept by Azure Resource Manager
 * and, like the fired alerts Azure Monitor keeps for 30 days, encrypted at rest by the platform
 * with Microsoft-managed keys; neither offers a customer-managed key, so the custody key does not
 * protect them. A notification is an email: it leaves Azure by SMTP to the recipients' mail
 * systems and is protected in transit only as far as those systems negotiate TLS. So the alerts of
 * this library carry metadata only (rule, resource ids, operation names, counts, the caller of an
 * operation), never registry content, and a recipient follows the alert into the site's
 * workspace (Entra ID sign-in, the audit role) for details.
 */
export class Notifications extends Construct implements ISiteAlerts {
  public readonly actionGroupId: string;
  /** The action group (`azurerm_monitor_action_group`, location `global`), one email receiver per address. */
  public readonly resource: MonitorActionGroup;
  /** The addresses emailed, in the order given. */
  public readonly emails: readonly string[];

  constructor(scope: Construct, id: string, props: NotificationsProps) {
    super(scope, id);
    const emails = [...(props.emails ?? [])];
    const problems: string[] = [];
    if (!Token.isUnresolved(props.shortName) && (props.shortName.length < 1 || props.shortName.length > MAX_ACTION_GROUP_SHORT_NAME)) {
      problems.push(`shortName must be 1-${MAX_ACTION_GROUP_SHORT_NAME} characters, got '${props.shortName}' (${props.shortName.length}) for action group '${props.name}'`);
    }
    emails.forEach((email, i) => {
      if (Token.isUnresolved(email)) return;
      if (!EMAIL.test(email)) problems.push(`emails[${i}] must be an email address, got '${email}' for action group '${props.name}'`);
      if (emails.findIndex((other) => !Token.isUnresolved(other) && other.toLowerCase() === email.toLowerCase()) !== i) {
        problems.push(`emails[${i}] '${email}' is listed more than once for action group '${props.name}'`);
      }
    });
    if (problems.length > 0) throw new Error(problems.join("\n"));
    this.emails = emails;

    this.resource = new MonitorActionGroup(this, "Resource", {
      name: props.name,
      resourceGroupName: props.resourceGroupName,
      shortName: props.shortName,
      location: "global",
      enabled: true,
      // Receiver names must be unique in the group; the position keeps them short and stable.
      emailReceiver: emails.map((emailAddress, i) => ({ name: `email-${i + 1}`, emailAddress, useCommonAlertSchema: true })),
      tags: { ...(props.tags ?? {}) },
    });
    this.actionGroupId = this.resource.id;
  }
}
