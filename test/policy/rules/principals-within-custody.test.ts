import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { RoleAssignment } from "@cdktf/provider-azurerm/lib/role-assignment";
import { UserAssignedIdentity } from "@cdktf/provider-azurerm/lib/user-assigned-identity";
import { Construct } from "constructs";
import { AZURE_ADMIN, checkRule, fullAwsSite, linkedStores, policy } from "../helpers";

const RULE = "EMB-I02";
const assume = (principal: object) => policy({ Sid: "Assume", Effect: "Allow", Principal: principal, Action: "sts:AssumeRole" });

describe("EMB-I02 PrincipalsWithinCustody", () => {
  test("trust, key and bucket policies of a site and a replication link admit only custody principals and services", () => {
    const result = checkRule(RULE, (s) => {
      fullAwsSite(s);
      linkedStores(new Construct(s, "Replication"));
    });
    expect(result.findings).toEqual([]);
    expect(result.summary.checked).toBeGreaterThanOrEqual(10);
  });

  test("Azure assignments to a custody administrator or to a managed identity of this app are compliant", () => {
    const result = checkRule(RULE, (s) => {
      const identity = new UserAssignedIdentity(s, "Identity", { name: "i", resourceGroupName: "rg", location: "westeurope" });
      new RoleAssignment(s, "Admin", { scope: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/v", principalId: AZURE_ADMIN, roleDefinitionName: "Key Vault Reader" });
      new RoleAssignment(s, "Own", { scope: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/v", principalId: identity.principalId, roleDefinitionName: "Key Vault Crypto Service Encryption User" });
    });
    expect(result.summary).toMatchObject({ checked: 2, compliant: 2 });
  });

  test("fails on a trust policy naming another account", () => {
    const result = checkRule(RULE, (s) => new IamRole(s, "Role", { name: "r", assumeRolePolicy: assume({ AWS: "arn:aws:iam::222222222222:root" }) }));
    expect(result.findings[0].message).toMatch(
      /^\[EMB-I02\] site\/Role \(aws_iam_role\): statement 'Assume': principal 'arn:aws:iam::222222222222:root' is outside the custody account 111111111111\. Fix: grant only principals of the custody account/,
    );
  });

  test("fails on '*' without an account condition and on NotPrincipal", () => {
    const result = checkRule(RULE, (s) => {
      new KmsKey(s, "Key", { policy: policy({ Sid: "Open", Effect: "Allow", Principal: { AWS: "*" }, Action: "kms:Decrypt", Resource: "*" }) });
      new S3BucketPolicy(s, "BucketPolicy", { bucket: "b", policy: policy({ Sid: "AllBut", Effect: "Allow", NotPrincipal: { AWS: "arn:aws:iam::111111111111:root" }, Action: "s3:GetObject", Resource: "*" }) });
    });
    expect(result.problems).toEqual([
      "statement 'AllBut' allows everyone except some principals (NotPrincipal)",
      "statement 'Open' allows any principal ('*') without a StringEquals aws:PrincipalAccount condition on the custody account",
    ]);
  });

  test("'*' pinned to the custody account is compliant", () => {
    const pinned = policy({ Sid: "Pinned", Effect: "Allow", Principal: "*", Action: "kms:Decrypt", Resource: "*", Condition: { StringEquals: { "aws:PrincipalAccount": "111111111111" } } });
    expect(checkRule(RULE, (s) => new KmsKey(s, "Key", { policy: pinned })).findings).toEqual([]);
  });

  test("fails on an Azure assignment to an outsider, and on one at subscription scope", () => {
    const result = checkRule(RULE, (s) => {
      new RoleAssignment(s, "Outsider", { scope: "/subscriptions/s/resourceGroups/rg", principalId: "99999999-9999-4999-8999-999999999999", roleDefinitionName: "Reader" });
      new RoleAssignment(s, "Broad", { scope: "/subscriptions/00000000-0000-4000-8000-000000000000", principalId: AZURE_ADMIN, roleDefinitionName: "Reader" });
    });
    expect(result.problems).toEqual([
      "scope '/subscriptions/00000000-0000-4000-8000-000000000000' is a whole subscription or broader; assign at the storage account, container, vault or key",
      "principal_id '99999999-9999-4999-8999-999999999999' is neither a custody administrator nor a managed identity of this app",
    ]);
  });

  test("without custody in the pack, account principals cannot be verified and are findings", () => {
    const result = checkRule(RULE, (s) => new IamRole(s, "Role", { name: "r", assumeRolePolicy: assume({ AWS: "arn:aws:iam::111111111111:root" }) }), {
      custody: {},
    });
    expect(result.problems).toEqual(["statement 'Assume': principal 'arn:aws:iam::111111111111:root' cannot be checked: the pack has no custody.awsAccountId"]);
  });
});
