import { KmsKey, type KmsKeyConfig } from "@cdktf/provider-aws/lib/kms-key";
import { KmsKeyPolicy } from "@cdktf/provider-aws/lib/kms-key-policy";
import { KeyVault, type KeyVaultConfig } from "@cdktf/provider-azurerm/lib/key-vault";
import type { Construct } from "constructs";
import { SigningKey } from "../../../lib/aws/signing-key";
import { CUSTODY } from "../../fixtures";
import { awsSite, checkRule, policy } from "../helpers";

const RULE = "EMB-K02";

function vault(scope: Construct, extra: Partial<KeyVaultConfig> = {}) {
  new KeyVault(scope, "Vault", { name: "v", resourceGroupName: "rg", location: "westeurope", tenantId: "t", skuName: "premium", ...extra });
}

/** A KMS key with a 30-day window (unless `extra` says otherwise) and a key policy of `statements`. */
function kmsKey(scope: Construct, statements: object[], extra: Partial<KmsKeyConfig> = {}): KmsKey {
  return new KmsKey(scope, "Key", { deletionWindowInDays: 30, policy: policy(...statements), ...extra });
}

/** The statement CustodyKey writes (AWS KMS Developer Guide, "AWS KMS condition keys"). */
const DENY_SHORT_WINDOW = {
  Sid: "DenyShortDeletionWindow",
  Effect: "Deny",
  Principal: "*",
  Action: "kms:ScheduleKeyDeletion",
  Resource: "*",
  Condition: { NumericLessThan: { "kms:ScheduleKeyDeletionPendingWindowInDays": "30" } },
};
const ADMIN = { Sid: "Admin", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:root" }, Action: "kms:*", Resource: "*" };
const NO_DENY = "no key policy statement denies every principal ('*') kms:ScheduleKeyDeletion when kms:ScheduleKeyDeletionPendingWindowInDays is NumericLessThan 30";

describe("EMB-K02 KeyDeletionProtected", () => {
  test("a manifest-signing key (SigningKey) keeps the custody keys' deletion protection: 30-day window, short windows denied to everyone", () => {
    expect(checkRule(RULE, (s) => new SigningKey(s, "Signing", { custody: CUSTODY, region: "eu-west-1", description: "manifests" })).summary).toMatchObject({ checked: 1, compliant: 1 });
  });

  test("a CustodyKey has the 30-day window and denies everyone a shorter one", () => {
    expect(checkRule(RULE, (s) => awsSite(s)).summary).toMatchObject({ checked: 1, compliant: 1 });
  });

  test("a vault with purge protection and (default or explicit) 90 days of soft delete is compliant", () => {
    const result = checkRule(RULE, (s) => vault(s, { purgeProtectionEnabled: true }));
    expect(result.summary).toMatchObject({ checked: 1, compliant: 1 });
    expect(checkRule(RULE, (s) => vault(s, { purgeProtectionEnabled: true, softDeleteRetentionDays: 90 })).findings).toEqual([]);
  });

  test("a deny on kms:* or kms:Schedule* for { AWS: '*' }, with a numeric 30 or more, or in an aws_kms_key_policy, is compliant", () => {
    const wide = { ...DENY_SHORT_WINDOW, Principal: { AWS: "*" }, Action: "kms:*", Condition: { NumericLessThan: { "kms:ScheduleKeyDeletionPendingWindowInDays": 30 } } };
    expect(checkRule(RULE, (s) => kmsKey(s, [ADMIN, wide])).summary).toMatchObject({ checked: 1, compliant: 1 });
    const pattern = { ...DENY_SHORT_WINDOW, Action: ["kms:Schedule*"], Condition: { NumericLessThan: { "kms:ScheduleKeyDeletionPendingWindowInDays": ["7", "31"] } } };
    expect(checkRule(RULE, (s) => kmsKey(s, [ADMIN, pattern])).summary).toMatchObject({ checked: 1, compliant: 1 });
    const attached = checkRule(RULE, (s) => {
      const key = new KmsKey(s, "Key", {});
      new KmsKeyPolicy(s, "KeyPolicy", { keyId: key.id, policy: policy(ADMIN, DENY_SHORT_WINDOW) });
    });
    expect(attached.summary).toMatchObject({ checked: 1, compliant: 1 });
  });

  test("fails on a short deletion window", () => {
    expect(checkRule(RULE, (s) => kmsKey(s, [ADMIN, DENY_SHORT_WINDOW], { deletionWindowInDays: 7 })).findings[0].message).toMatch(
      /^\[EMB-K02\] site\/Key \(aws_kms_key\): deletion_window_in_days is 7, less than 30\. Fix: keep deletion recoverable/,
    );
  });

  test("fails when a KMS key has no policy at all (AWS's default key policy has no deny)", () => {
    expect(checkRule(RULE, (s) => new KmsKey(s, "Key", {})).findings.map((f) => f.message)).toEqual([
      `[EMB-K02] site/Key (aws_kms_key): ${NO_DENY} (the key has no policy and no aws_kms_key_policy: AWS's default key policy applies). Fix: keep deletion recoverable: deletion_window_in_days = 30 and a key policy statement { Effect: 'Deny', Principal: '*', Action: 'kms:ScheduleKeyDeletion', Condition: { NumericLessThan: { 'kms:ScheduleKeyDeletionPendingWindowInDays': '30' } } } (CustodyKey's DenyShortDeletionWindow); purge_protection_enabled = true and soft_delete_retention_days = 90 on Key Vault`,
    ]);
  });

  test("fails when the key policy has no deny of short windows", () => {
    expect(checkRule(RULE, (s) => kmsKey(s, [ADMIN])).problems).toEqual([NO_DENY]);
  });

  test("fails when the deny allows windows below 30 days, or covers only some principals, other actions or some requests", () => {
    const variants: object[] = [
      { ...DENY_SHORT_WINDOW, Condition: { NumericLessThan: { "kms:ScheduleKeyDeletionPendingWindowInDays": "7" } } },
      { ...DENY_SHORT_WINDOW, Condition: { NumericLessThanEquals: { "kms:ScheduleKeyDeletionPendingWindowInDays": "7" } } },
      { ...DENY_SHORT_WINDOW, Principal: { AWS: "arn:aws:iam::111111111111:role/admin" } },
      { ...DENY_SHORT_WINDOW, Principal: undefined, NotPrincipal: { AWS: "*" } },
      { ...DENY_SHORT_WINDOW, Action: ["kms:DisableKey", "kms:CancelKeyDeletion"] },
      { ...DENY_SHORT_WINDOW, Effect: "Allow" },
      { ...DENY_SHORT_WINDOW, Condition: { ...DENY_SHORT_WINDOW.Condition, StringEquals: { "aws:PrincipalTag/team": "ops" } } },
      { ...DENY_SHORT_WINDOW, Condition: undefined },
    ];
    for (const deny of variants) expect([deny, checkRule(RULE, (s) => kmsKey(s, [ADMIN, deny])).problems]).toEqual([deny, [NO_DENY]]);
  });

  test("fails when the key policy is only known at apply, naming why it cannot be verified", () => {
    expect(checkRule(RULE, (s) => new KmsKey(s, "Key", { policy: "${var.key_policy}" })).problems).toEqual([
      `policy: the policy \${var.key_policy} is not a JSON document known at synth; ${NO_DENY}`,
    ]);
  });

  test("fails on a vault without purge protection or with a short soft delete", () => {
    expect(checkRule(RULE, (s) => vault(s, { softDeleteRetentionDays: 7 })).problems).toEqual([
      "purge_protection_enabled is absent, not true; soft_delete_retention_days is 7, not 90",
    ]);
  });
});
