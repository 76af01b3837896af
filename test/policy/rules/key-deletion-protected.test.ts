import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { KeyVault, type KeyVaultConfig } from "@cdktf/provider-azurerm/lib/key-vault";
import type { Construct } from "constructs";
import { awsSite, checkRule } from "../helpers";

const RULE = "EMB-K02";

function vault(scope: Construct, extra: Partial<KeyVaultConfig> = {}) {
  new KeyVault(scope, "Vault", { name: "v", resourceGroupName: "rg", location: "westeurope", tenantId: "t", skuName: "premium", ...extra });
}

describe("EMB-K02 KeyDeletionProtected", () => {
  test("a CustodyKey has the 30-day window", () => {
    expect(checkRule(RULE, (s) => awsSite(s)).summary).toMatchObject({ checked: 1, compliant: 1 });
  });

  test("a vault with purge protection and (default or explicit) 90 days of soft delete is compliant", () => {
    const result = checkRule(RULE, (s) => vault(s, { purgeProtectionEnabled: true }));
    expect(result.summary).toMatchObject({ checked: 1, compliant: 1 });
    expect(checkRule(RULE, (s) => vault(s, { purgeProtectionEnabled: true, softDeleteRetentionDays: 90 })).findings).toEqual([]);
  });

  test("fails on a short deletion window", () => {
    expect(checkRule(RULE, (s) => new KmsKey(s, "Key", { deletionWindowInDays: 7 })).findings[0].message).toMatch(
      /^\[EMB-K02\] site\/Key \(aws_kms_key\): deletion_window_in_days is 7, less than 30\. Fix: keep deletion recoverable/,
    );
  });

  test("fails on a vault without purge protection or with a short soft delete", () => {
    expect(checkRule(RULE, (s) => vault(s, { softDeleteRetentionDays: 7 })).problems).toEqual([
      "purge_protection_enabled is absent, not true; soft_delete_retention_days is 7, not 90",
    ]);
  });
});
