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
        Sid: "UseReader",
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
  test("every principal is denied a deletion window shorter than 30 days", () => {
    expect(statements.find((s) => s.Sid === "DenyShortDeletionWindow")).toEqual({
      Sid: "DenyShortDeletionWindow",
      Effect: "Deny",
      Principal: "*",
      Action: "kms:ScheduleKeyDeletion",
      Resource: "*",
      Condition: { NumericLessThan: { "kms:ScheduleKeyDeletionPendingWindowInDays": "30" } },
    });
  });

  test("administrators can cancel a deletion and re-enable the key, but neither schedule a deletion nor disable it", () => {
    const admin = statements.find((s) => s.Sid === "KeyAdministrationWithoutUse");
    expect(admin.Action).toEqual(expect.arrayContaining(["kms:CancelKeyDeletion", "kms:EnableKey", "kms:PutKeyPolicy"]));
    // Without named key retirers, no statement of the key policy allows either.
    const allowed = statements.filter((s) => s.Effect === "Allow").flatMap((s) => [s.Action].flat());
    expect(allowed).not.toContain("kms:ScheduleKeyDeletion");
    expect(allowed).not.toContain("kms:DisableKey");
    expect(statements.find((s) => s.Sid === "RetireKeyWithoutUse")).toBeUndefined();
  });

  test("only the named key retirers and granted retire roles may schedule deletion or disable the key", () => {
    const breakGlass = "arn:aws:iam::111111111111:role/key-break-glass";
    const synth = synthScope((scope) => {
      const key = new CustodyKey(scope, "Key", { custody: { ...CUSTODY, keyRetirers: [breakGlass] }, region: "eu-north-1", description: "k" });
      key.grantRetire({ roleArn: "arn:aws:iam::111111111111:role/retire" });
    });
    const policy = policyOf(resources(synth, "aws_kms_key")[0].policy).Statement;
    expect(policy.find((s) => s.Sid === "RetireKeyWithoutUse")).toEqual({
      Sid: "RetireKeyWithoutUse",
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::111111111111:root" },
      Action: ["kms:ScheduleKeyDeletion", "kms:DisableKey"],
      Resource: "*",
      Condition: { ArnEquals: { "aws:PrincipalArn": [breakGlass, "arn:aws:iam::111111111111:role/retire"] } },
    });
    // The retirers do not administer the key, and the short-window deny still binds them.
    expect(policy.find((s) => s.Sid === "KeyAdministrationWithoutUse").Condition.ArnEquals["aws:PrincipalArn"]).toEqual(["arn:aws:iam::111111111111:role/embassy-admin"]);
    expect(policy.find((s) => s.Sid === "DenyShortDeletionWindow").Principal).toBe("*");
  });

  test("a use grant's Sid names its grantee, so grants coming and going never renumber the others", () => {
    const synthWith = (roles: string[]) =>
      policyOf(
        resources(
          synthScope((scope) => {
            const key = new CustodyKey(scope, "Key", { custody: CUSTODY, region: "eu-north-1", description: "k" });
            roles.forEach((r) => key.grantUse({ roleArn: `arn:aws:iam::111111111111:role/${r}` }, ["kms:Decrypt"], "s3"));
          }),
          "aws_kms_key",
        )[0].policy,
      ).Statement.filter((s: any) => s.Sid.startsWith("Use"));
    const both = synthWith(["es-primary-read", "nl-brp-replication"]);
    const one = synthWith(["nl-brp-replication"]);
    expect(both.map((s: any) => s.Sid)).toEqual(["UseEsPrimaryRead", "UseNlBrpReplication"]);
    expect(one).toEqual([both[1]]);
  });

  test("fails when a key retirer is also a reader", () => {
    const restore = "arn:aws:iam::111111111111:role/registry-restore";
    expect(() =>
      synthScope((scope) => new CustodyKey(scope, "Key", { custody: { ...CUSTODY, readers: [restore], keyRetirers: [restore] }, region: "eu-north-1", description: "k" })),
    ).toThrow("keyRetirers must not also be readers or writers (separation of duties), got 'arn:aws:iam::111111111111:role/registry-restore'");
  });

  test("a service grant names the service principal with its conditions, and only then are service principals exempt from the outside-custody deny", () => {
    const granted = synthScope((scope) => {
      const key = new CustodyKey(scope, "Key", { custody: CUSTODY, region: "eu-north-1", description: "k" });
      key.grantToService({ sid: "AllowTrail", service: "cloudtrail.amazonaws.com", actions: ["kms:GenerateDataKey*"], conditions: { StringEquals: { "aws:SourceArn": "arn:aws:cloudtrail:eu-north-1:111111111111:trail/t" } } });
      key.grantToService({ sid: "AllowTrail", service: "cloudtrail.amazonaws.com", actions: ["kms:GenerateDataKey*"], conditions: { StringEquals: { "aws:SourceArn": "arn:aws:cloudtrail:eu-north-1:111111111111:trail/t" } } });
    });
    const st = policyOf(resources(granted, "aws_kms_key")[0].policy).Statement;
    expect(st.filter((x) => x.Principal?.Service)).toEqual([
      { Sid: "AllowTrail", Effect: "Allow", Principal: { Service: "cloudtrail.amazonaws.com" }, Action: ["kms:GenerateDataKey*"], Resource: "*", Condition: { StringEquals: { "aws:SourceArn": "arn:aws:cloudtrail:eu-north-1:111111111111:trail/t" } } },
    ]);
    expect(st.at(-1).Condition).toEqual({ StringNotEquals: { "aws:PrincipalAccount": "111111111111" }, BoolIfExists: { "aws:PrincipalIsAWSService": "false" } });
    // Without a service grant the deny stays as it was (see "no statement delegates ...").
    expect(statements.at(-1).Condition).toEqual({ StringNotEquals: { "aws:PrincipalAccount": "111111111111" } });
  });

  test("fails when two different service grants share a sid", () => {
    expect(() =>
      synthScope((scope) => {
        const key = new CustodyKey(scope, "Key", { custody: CUSTODY, region: "eu-north-1", description: "k" });
        key.grantToService({ sid: "AllowX", service: "cloudtrail.amazonaws.com", actions: ["kms:DescribeKey"] });
        key.grantToService({ sid: "AllowX", service: "events.amazonaws.com", actions: ["kms:DescribeKey"] });
      }),
    ).toThrow("key grant sid must be unique, got a second, different grant 'AllowX' for events.amazonaws.com");
  });
});
