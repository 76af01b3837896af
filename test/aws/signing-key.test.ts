import { Role } from "../../lib/aws/role";
import { MANIFEST_SIGNING_ALGORITHM, SigningKey } from "../../lib/aws/signing-key";
import { CUSTODY, policyOf, resources, synthScope } from "../fixtures";

const ROLE = (name: string) => `arn:aws:iam::111111111111:role/${name}`;
/** Custody with a reader and a writer, so custodians (key administrators) and data people differ. */
const SPLIT = {
  accountId: "111111111111",
  administrators: [ROLE("embassy-admin"), ROLE("registry-reader"), ROLE("registry-writer")],
  readers: [ROLE("registry-reader")],
  writers: [ROLE("registry-writer")],
  keyRetirers: [ROLE("break-glass")],
} as const;

function build(custody: typeof CUSTODY | typeof SPLIT = SPLIT) {
  return synthScope((scope) => {
    const key = new SigningKey(scope, "Signing", { custody, region: "eu-south-2", description: "Signs manifests", alias: "manifests" });
    const writer = new Role(scope, "Writer", { custody, roleName: "site-write", description: "writer" });
    const reader = new Role(scope, "Reader", { custody, roleName: "site-read", description: "reader" });
    key.grantSign(writer);
    key.grantVerify(reader);
    key.allowVerify({ roleArn: ROLE("other-site-read") });
    key.grantAdminister({ roleArn: ROLE("site-administer-keys") });
    key.grantAudit({ roleArn: ROLE("site-audit") });
  });
}

describe("SigningKey (aws)", () => {
  const synth = build();
  const [key] = resources(synth, "aws_kms_key");
  const statements = policyOf(key.policy).Statement;
  const bySid = (sid: string) => statements.find((s) => s.Sid === sid);

  test("an ECC_NIST_P256 SIGN_VERIFY key, rotation off (KMS refuses it for asymmetric keys), 30-day deletion window, single-region, retained, with its alias", () => {
    expect(key).toMatchObject({
      key_usage: "SIGN_VERIFY",
      customer_master_key_spec: "ECC_NIST_P256",
      enable_key_rotation: false,
      deletion_window_in_days: 30,
      multi_region: false,
      lifecycle: { prevent_destroy: true },
    });
    expect(key.rotation_period_in_days).toBeUndefined();
    expect(MANIFEST_SIGNING_ALGORITHM).toBe("ECDSA_SHA_256");
    expect(resources(synth, "aws_kms_alias").map((a) => a.name)).toEqual(["alias/manifests"]);
  });

  test("the key policy, statement by statement: administer without use, retire, sign, verify, audit, and the four denies", () => {
    expect(statements.map((s) => s.Sid)).toEqual([
      "KeyAdministrationWithoutUse",
      "RetireKeyWithoutUse",
      "SignManifests",
      "VerifyManifests",
      "AuditWithoutUse",
      "DenySigningOutsideSigners",
      "DenyMovingAliases",
      "DenyShortDeletionWindow",
      "DenyOutsideCustody",
    ]);
    // The alias the verifiers rely on cannot be moved to another key or deleted, by anyone.
    expect(bySid("DenyMovingAliases")).toEqual({ Sid: "DenyMovingAliases", Effect: "Deny", Principal: "*", Action: ["kms:UpdateAlias", "kms:DeleteAlias"], Resource: "*" });
    const root = "arn:aws:iam::111111111111:root";
    expect(bySid("SignManifests")).toEqual({
      Sid: "SignManifests",
      Effect: "Allow",
      Principal: { AWS: root },
      Action: ["kms:Sign", "kms:GetPublicKey", "kms:DescribeKey"],
      Resource: "*",
      Condition: { ArnEquals: { "aws:PrincipalArn": [ROLE("site-write")] } },
    });
    // Everyone in custody (readers and writers included) and every granted verifier.
    expect(bySid("VerifyManifests")).toEqual({
      Sid: "VerifyManifests",
      Effect: "Allow",
      Principal: { AWS: root },
      Action: ["kms:Verify", "kms:GetPublicKey", "kms:DescribeKey"],
      Resource: "*",
      Condition: { ArnEquals: { "aws:PrincipalArn": [...SPLIT.administrators, ROLE("site-read"), ROLE("other-site-read")] } },
    });
    expect(bySid("DenySigningOutsideSigners")).toEqual({
      Sid: "DenySigningOutsideSigners",
      Effect: "Deny",
      Principal: "*",
      Action: "kms:Sign",
      Resource: "*",
      Condition: { ArnNotEquals: { "aws:PrincipalArn": [ROLE("site-write")] } },
    });
    expect(bySid("DenyShortDeletionWindow")).toMatchObject({ Effect: "Deny", Action: "kms:ScheduleKeyDeletion", Condition: { NumericLessThan: { "kms:ScheduleKeyDeletionPendingWindowInDays": "30" } } });
    expect(bySid("DenyOutsideCustody")).toMatchObject({ Effect: "Deny", Principal: "*", Action: "kms:*", Condition: { StringNotEquals: { "aws:PrincipalAccount": "111111111111" } } });
    expect(bySid("RetireKeyWithoutUse")).toMatchObject({ Action: ["kms:ScheduleKeyDeletion", "kms:DisableKey"], Condition: { ArnEquals: { "aws:PrincipalArn": [ROLE("break-glass")] } } });
    expect(bySid("AuditWithoutUse").Condition).toEqual({ ArnEquals: { "aws:PrincipalArn": [ROLE("site-audit")] } });
  });

  test("key administrators (the custodians, and granted roles) administer without signing, verifying or rotating; readers and writers do not administer", () => {
    const admin = bySid("KeyAdministrationWithoutUse");
    expect(admin.Condition.ArnEquals["aws:PrincipalArn"]).toEqual([ROLE("embassy-admin"), ROLE("site-administer-keys")]);
    expect(admin.Action.filter((a: string) => /Sign|Verify|GetPublicKey|EnableKeyRotation|RotateKeyOnDemand|ListKeyRotations|Decrypt|Encrypt|CreateGrant|ScheduleKeyDeletion|DisableKey$/.test(a))).toEqual([]);
    expect(admin.Action).toEqual(expect.arrayContaining(["kms:PutKeyPolicy", "kms:CancelKeyDeletion", "kms:EnableKey"]));
  });

  test("grantSign and grantVerify add the identity half to the role's own policy, on this key only", () => {
    const policies = resources(synth, "aws_iam_role_policy")
      .map((p) => ({ role: p.name, statements: policyOf(p.policy).Statement }))
      .sort((a, b) => b.role.localeCompare(a.role));
    const keyArn = expect.stringMatching(/^\$\{aws_kms_key\.Signing_\w+\.arn\}$/);
    expect(policies).toEqual([
      { role: "site-write-policy", statements: [{ Sid: "SignManifests", Effect: "Allow", Action: ["kms:Sign", "kms:GetPublicKey", "kms:DescribeKey"], Resource: [keyArn] }] },
      { role: "site-read-policy", statements: [{ Sid: "VerifyManifests", Effect: "Allow", Action: ["kms:Verify", "kms:GetPublicKey", "kms:DescribeKey"], Resource: [keyArn] }] },
    ]);
  });

  test("with no signer yet, every principal is denied kms:Sign (no condition at all)", () => {
    const s = synthScope((scope) => new SigningKey(scope, "Signing", { custody: CUSTODY, region: "eu-west-1", description: "unused" }));
    const policy = policyOf(resources(s, "aws_kms_key")[0].policy).Statement;
    expect(policy.find((st) => st.Sid === "SignManifests")).toBeUndefined();
    expect(policy.find((st) => st.Sid === "DenySigningOutsideSigners")).toEqual({ Sid: "DenySigningOutsideSigners", Effect: "Deny", Principal: "*", Action: "kms:Sign", Resource: "*" });
    expect(resources(s, "aws_kms_alias")).toEqual([]);
  });

  test("fails when custody names no custodian to administer the key", () => {
    const allData = { accountId: "111111111111", administrators: [ROLE("a")], readers: [ROLE("a")] };
    expect(() => synthScope((scope) => new SigningKey(scope, "Signing", { custody: allData, region: "eu-west-1", description: "manifests of brp" }))).toThrow(
      /^custody\.administrators must name at least one custodian \(an administrator who is neither reader nor writer\) to administer signing key 'manifests of brp', got none among 'arn:aws:iam::111111111111:role\/a'$/,
    );
  });

  test("fails when a key retirer is also a reader or writer", () => {
    const both = { ...SPLIT, keyRetirers: [ROLE("registry-writer")] };
    expect(() => synthScope((scope) => new SigningKey(scope, "Signing", { custody: both, region: "eu-west-1", description: "x" }))).toThrow(
      /^keyRetirers must not also be readers or writers \(separation of duties\), got 'arn:aws:iam::111111111111:role\/registry-writer'$/,
    );
  });
});
