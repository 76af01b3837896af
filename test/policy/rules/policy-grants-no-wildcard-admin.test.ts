import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { RoleDefinition } from "@cdktf/provider-azurerm/lib/role-definition";
import { checkRule, fullAwsSite, policy } from "../helpers";

const RULE = "EMB-I01";

describe("EMB-I01 PolicyGrantsNoWildcardAdmin", () => {
  test("the site's roles grant named actions only", () => {
    const result = checkRule(RULE, (s) => fullAwsSite(s));
    expect(result.findings).toEqual([]);
    expect(result.summary.checked).toBeGreaterThanOrEqual(4);
  });

  test("a named action on '*' (where AWS has no resource scope) and a custom Azure role with named actions are compliant", () => {
    const result = checkRule(RULE, (s) => {
      new IamRolePolicy(s, "Metrics", { role: "r", policy: policy({ Sid: "M", Effect: "Allow", Action: "cloudwatch:GetMetricData", Resource: "*" }) });
      new RoleDefinition(s, "Role", { name: "reader", scope: "/sub/rg", permissions: [{ actions: ["Microsoft.Storage/storageAccounts/read"] }] });
    });
    expect(result.summary).toMatchObject({ checked: 2, compliant: 2 });
  });

  test("fails on '*' and on 'service:*' over Resource '*'", () => {
    const result = checkRule(RULE, (s) =>
      new IamRolePolicy(s, "Policy", {
        role: "r",
        policy: policy({ Sid: "All", Effect: "Allow", Action: "*", Resource: "*" }, { Sid: "Kms", Effect: "Allow", Action: ["kms:*"], Resource: ["*"] }),
      }),
    );
    expect(result.findings[0].message).toMatch(
      /^\[EMB-I01\] site\/Policy \(aws_iam_role_policy\): statement 'All' allows Action '\*' on Resource '\*'; statement 'Kms' allows Action 'kms:\*' on Resource '\*'\. Fix: grant named actions on named resources/,
    );
  });

  test("fails on NotAction over '*', on an administrator managed policy and on a custom Azure role with '*'", () => {
    const result = checkRule(RULE, (s) => {
      new IamPolicy(s, "Managed", { name: "m", policy: policy({ Sid: "AllBut", Effect: "Allow", NotAction: "iam:*", Resource: "*" }) });
      new IamRolePolicyAttachment(s, "Admin", { role: "r", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" });
      new RoleDefinition(s, "Role", { name: "god", scope: "/sub/rg", permissions: [{ actions: ["*"] }] });
    });
    expect(result.problems).toEqual([
      "attaches the managed policy 'arn:aws:iam::aws:policy/AdministratorAccess'",
      "statement 'AllBut' allows every action except iam:* (NotAction) on Resource '*'",
      "permissions.actions holds '*'",
    ]);
  });
});
