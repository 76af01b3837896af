import { CustodyKey } from "../../lib/aws/custody-key";
import { KEY_CRYPTO_ACTIONS } from "../../lib/aws/perms";
import { CUSTODY, policyOf, resources, synthScope } from "../fixtures";

describe("CustodyKey (aws)", () => {
  const synth = synthScope((scope) => {
    const key = new CustodyKey(scope, "Key", { custody: CUSTODY, region: "eu-north-1", description: "test key", alias: "brp" });
    key.grantAdminister({ roleArn: "arn:aws:iam::111111111111:role/key-admin" });
    key.grantUse({ roleArn: "arn:aws:iam::111111111111:role/reader" }, ["kms:Decrypt"], "s3");
  });
  const [key] = resources(synth, "aws_kms_key");
  const statements = policyOf(key.policy).Statement;

  test("rotation on, 30-day deletion window, symmetric, single-region, retained", () => {
    expect(key).toMatchObject({
      enable_key_rotation: true,
      rotation_period_in_days: 365,
      deletion_window_in_days: 30,
      customer_master_key_spec: "SYMMETRIC_DEFAULT",
      multi_region: false,
      lifecycle: { prevent_destroy: true },
    });
    expect(resources(synth, "aws_kms_alias")[0].name).toBe("alias/brp");
  });

  test("administrators administer but never use the key", () => {
    const admin = statements.find((s) => s.Sid === "KeyAdministrationWithoutUse");
    expect(admin.Condition.ArnEquals["aws:PrincipalArn"]).toEqual([
      "arn:aws:iam::111111111111:role/embassy-admin",
      "arn:aws:iam::111111111111:role/key-admin",
    ]);
    for (const action of KEY_CRYPTO_ACTIONS) expect(admin.Action).not.toContain(action);
    expect(admin.Action).not.toContain("kms:CreateGrant");
    expect(admin.Action).not.toContain("kms:DisableKeyRotation");
    expect(admin.Action.some((a: string) => a.includes("*"))).toBe(false);
  });

  test("use is granted per role, only through the named service in the key's region", () => {
    const use = statements.filter((s) => s.Sid.startsWith("Use"));
    expect(use).toEqual([
      {
        Sid: "Use1",
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::111111111111:root" },
        Action: ["kms:Decrypt"],
        Resource: "*",
        Condition: {
          ArnEquals: { "aws:PrincipalArn": "arn:aws:iam::111111111111:role/reader" },
          StringEquals: { "kms:ViaService": "s3.eu-north-1.amazonaws.com" },
        },
      },
    ]);
  });

  test("no statement delegates the key to IAM, and everyone outside custody is denied", () => {
    expect(statements.some((s) => s.Effect === "Allow" && (s.Action === "kms:*" || s.Action.includes?.("kms:*")))).toBe(false);
    expect(statements.every((s) => s.Effect === "Deny" || s.Condition)).toBe(true);
    expect(statements.at(-1)).toEqual({
      Sid: "DenyOutsideCustody",
      Effect: "Deny",
      Principal: "*",
      Action: "kms:*",
      Resource: "*",
      Condition: { StringNotEquals: { "aws:PrincipalAccount": "111111111111" } },
    });
  });

  test("uses the custody partition in ARNs", () => {
    const eusc = synthScope((scope) => {
      new CustodyKey(scope, "Key", { custody: { ...CUSTODY, partition: "aws-eusc" }, region: "eusc-de-east-1", description: "k" });
    });
    const p = policyOf(resources(eusc, "aws_kms_key")[0].policy).Statement[0];
    expect(p.Principal.AWS).toBe("arn:aws-eusc:iam::111111111111:root");
  });
});
