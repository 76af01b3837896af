import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { RoleAssignment } from "@cdktf/provider-azurerm/lib/role-assignment";
import { RoleDefinition } from "@cdktf/provider-azurerm/lib/role-definition";
import type { Construct } from "constructs";
import { AZURE_ADMIN, checkRule, fullAwsSite, policy } from "../helpers";

const RULE = "EMB-I03";
const ADMINISTER = { Sid: "Administer", Effect: "Allow", Action: ["kms:PutKeyPolicy", "kms:ScheduleKeyDeletion"], Resource: "*" };
const READ = { Sid: "Read", Effect: "Allow", Action: ["s3:GetObject"], Resource: "arn:aws:s3:::b/*" };
const TRUST = policy({ Sid: "Assume", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:root" }, Action: "sts:AssumeRole" });
const VAULT = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/v";
const ACCOUNT = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/a";

function assign(scope: Construct, id: string, role: { roleDefinitionName?: string; roleDefinitionId?: string }, target = VAULT) {
  new RoleAssignment(scope, id, { scope: target, principalId: AZURE_ADMIN, ...role });
}

describe("EMB-I03 DutiesAreSeparated", () => {
  test("the site's key administrator, reader, operator and auditor keep their duties apart, in IAM and in key policies", () => {
    const result = checkRule(RULE, (s) => fullAwsSite(s));
    expect(result.findings).toEqual([]);
    // 5 roles + 1 key
    expect(result.summary).toMatchObject({ checked: 6, compliant: 6 });
  });

  test("a key administrator whose policy denies data reads unconditionally is compliant", () => {
    const result = checkRule(RULE, (s) =>
      new IamPolicy(s, "Policy", { name: "p", policy: policy({ ...ADMINISTER, Action: "kms:*" }, { Sid: "NoData", Effect: "Deny", Action: ["kms:Decrypt", "kms:ReEncryptFrom"], Resource: "*" }) }),
    );
    expect(result.summary).toMatchObject({ checked: 1, compliant: 1 });
  });

  test("fails on a role whose policies together administer keys and read data", () => {
    const result = checkRule(RULE, (s) => {
      const role = new IamRole(s, "Role", { name: "both", assumeRolePolicy: TRUST });
      new IamRolePolicy(s, "Admin", { role: role.name, policy: policy(ADMINISTER) });
      const reader = new IamPolicy(s, "Reader", { name: "reader", policy: policy(READ) });
      new IamRolePolicyAttachment(s, "Attach", { role: role.name, policyArn: reader.arn });
    });
    expect(result.findings[0].message).toMatch(
      /^\[EMB-I03\] site\/Role \(aws_iam_role\): its policies together let it administer keys \(kms:PutKeyPolicy, kms:ScheduleKeyDeletion\) and read data \(s3:GetObject\)\. Fix: split key administration and data reading/,
    );
  });

  test("fails on a key policy that lets one principal administer and decrypt (the AWS default policy)", () => {
    const root = { AWS: "arn:aws:iam::111111111111:root" };
    const result = checkRule(RULE, (s) => new KmsKey(s, "Key", { policy: policy({ Sid: "Default", Effect: "Allow", Principal: root, Action: "kms:*", Resource: "*" }) }));
    expect(result.problems).toEqual(["the key policy lets 'arn:aws:iam::111111111111:root' both administer the key and decrypt with it"]);
    expect(checkRule(RULE, (s) => new KmsKey(s, "Key", {})).problems).toEqual([
      "has no key policy, so AWS applies its default, which lets the account (any IAM policy in it) both administer the key and decrypt with it",
    ]);
  });

  test("fails on an Azure principal holding a key administration role and a blob data role", () => {
    const result = checkRule(RULE, (s) => {
      assign(s, "KeyAdmin", { roleDefinitionName: "Key Vault Administrator" });
      assign(s, "Reader", { roleDefinitionId: "/providers/Microsoft.Authorization/roleDefinitions/2a2b9908-6ea1-4ae2-8e65-a410df84e7d1" }, ACCOUNT);
    });
    expect(result.problems).toEqual([
      // Key Vault Administrator holds keys/* (decrypt, unwrap): on its own it already breaks the duty split.
      `principal '${AZURE_ADMIN}' gets 'Key Vault Administrator', which both administers keys and reads data`,
      `principal '${AZURE_ADMIN}' gets 'Storage Blob Data Reader' here and 'Key Vault Administrator' elsewhere: it could both administer keys and read data`,
    ]);
  });

  test("classifies custom Azure roles by their actions", () => {
    const result = checkRule(RULE, (s) => {
      const admin = new RoleDefinition(s, "KeyAdminRole", {
        name: "key-admin",
        scope: "/rg",
        permissions: [{ actions: ["Microsoft.KeyVault/vaults/read"], dataActions: ["Microsoft.KeyVault/vaults/keys/rotate/action"] }],
      });
      const audit = new RoleDefinition(s, "AuditRole", { name: "audit", scope: "/rg", permissions: [{ actions: ["Microsoft.Storage/storageAccounts/read"] }] });
      assign(s, "KeyAdmin", { roleDefinitionId: admin.roleDefinitionResourceId });
      assign(s, "Audit", { roleDefinitionId: audit.roleDefinitionResourceId }, ACCOUNT);
    });
    expect(result.findings).toEqual([]);
    const bad = checkRule(RULE, (s) => {
      const admin = new RoleDefinition(s, "KeyAdminRole", { name: "key-admin", scope: "/rg", permissions: [{ dataActions: ["Microsoft.KeyVault/vaults/keys/*"] }] });
      assign(s, "KeyAdmin", { roleDefinitionId: admin.roleDefinitionResourceId });
      assign(s, "Reader", { roleDefinitionName: "Storage Blob Data Owner" }, ACCOUNT);
    });
    expect(bad.findings.map((f) => f.path)).toEqual(["site/KeyAdmin", "site/Reader"]);
  });

  test("the rule counts decrypt and unwrap as reading data, from the constructs' own list", () => {
    const rule = require("../../../lib/policy/private/azure-roles") as typeof import("../../../lib/policy/private/azure-roles");
    const perms = require("../../../lib/azure/perms") as typeof import("../../../lib/azure/perms");
    expect(rule.DATA_READ_ACTIONS).toBe(perms.DATA_READ_ACTIONS);
    expect(rule.DATA_READ_ACTIONS).toEqual(expect.arrayContaining(["Microsoft.KeyVault/vaults/keys/decrypt/action", "Microsoft.KeyVault/vaults/keys/unwrap/action"]));
  });
});
