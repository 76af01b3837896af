import { TerraformOutput } from "cdktf";
import { Notifications } from "../../lib/azure/notifications";
import { only, synthScope } from "./fixtures";

function actionGroup(emails?: readonly string[]) {
  return only(
    synthScope((scope) => {
      new Notifications(scope, "Alerts", { resourceGroupName: "rg-test", name: "test-alerts", shortName: "nl-primary", emails });
    }),
    "azurerm_monitor_action_group",
  );
}

describe("Notifications (azure)", () => {
  test("one global action group with an email receiver per address, each with the common alert schema", () => {
    expect(actionGroup(["soc@example.nl", "duty@example.nl"])).toMatchObject({
      name: "test-alerts",
      resource_group_name: "rg-test",
      short_name: "nl-primary",
      location: "global",
      enabled: true,
      email_receiver: [
        { name: "email-1", email_address: "soc@example.nl", use_common_alert_schema: true },
        { name: "email-2", email_address: "duty@example.nl", use_common_alert_schema: true },
      ],
    });
  });

  test("without addresses the group exists (alert rules can attach to it) and emails nobody", () => {
    const group = actionGroup();
    expect(group.short_name).toBe("nl-primary");
    expect(group.email_receiver ?? []).toEqual([]);
  });

  test("exposes the group's id for alert rules", () => {
    const synth = synthScope((scope) => {
      const n = new Notifications(scope, "Alerts", { resourceGroupName: "rg-test", name: "test-alerts", shortName: "x" });
      new TerraformOutput(scope, "group", { value: n.actionGroupId });
    });
    const [groupId] = Object.keys(synth.resource.azurerm_monitor_action_group);
    expect(synth.output?.group).toMatchObject({ value: `\${azurerm_monitor_action_group.${groupId}.id}` });
  });

  test("fails when the short name is longer than 12 characters (azurerm StringLenBetween(1, 12))", () => {
    expect(() => synthScope((scope) => new Notifications(scope, "A", { resourceGroupName: "rg", name: "g", shortName: "thirteen-char" }))).toThrow(
      /^shortName must be 1-12 characters, got 'thirteen-char' \(13\) for action group 'g'$/,
    );
  });

  test("fails when an address is not an email address or is listed twice, naming each", () => {
    expect(() =>
      synthScope((scope) => new Notifications(scope, "A", { resourceGroupName: "rg", name: "g", shortName: "s", emails: ["soc@example.nl", "not-an-address", "SOC@example.nl"] })),
    ).toThrow(/^emails\[1\] must be an email address, got 'not-an-address' for action group 'g'\nemails\[2\] 'SOC@example.nl' is listed more than once for action group 'g'$/);
  });
});
