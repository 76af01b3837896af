import { Role } from "../../lib/aws/role";
import { CUSTODY, policyOf, resources, synthScope } from "../fixtures";

describe("Role (aws)", () => {
  test("trusts only the custody administrators by default, and its ARN is known from its name", () => {
    let arn = "";
    const synth = synthScope((scope) => {
      arn = new Role(scope, "R", { custody: CUSTODY, roleName: "embassy-read", description: "d" }).roleArn;
    });
    expect(arn).toBe("arn:aws:iam::111111111111:role/embassy-read");
    const [role] = resources(synth, "aws_iam_role");
    expect(policyOf(role.assume_role_policy).Statement).toEqual([
      { Sid: "AssumeRole", Effect: "Allow", Principal: { AWS: ["arn:aws:iam::111111111111:role/embassy-admin"] }, Action: "sts:AssumeRole" },
    ]);
    expect(resources(synth, "aws_iam_role_policy")).toHaveLength(0);
  });

  test("statements of one Sid merge their resources when actions and conditions agree", () => {
    const synth = synthScope((scope) => {
      const r = new Role(scope, "R", { custody: CUSTODY, roleName: "x", description: "d" });
      r.addToPolicy({ Sid: "Read", Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::a/*"] });
      r.addToPolicy({ Sid: "Read", Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::b/*", "arn:aws:s3:::a/*"] });
    });
    expect(policyOf(resources(synth, "aws_iam_role_policy")[0].policy).Statement).toEqual([
      { Sid: "Read", Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::a/*", "arn:aws:s3:::b/*"] },
    ]);
  });

  test("grants become one inline policy", () => {
    const synth = synthScope((scope) => {
      const r = new Role(scope, "R", { custody: CUSTODY, roleName: "x", description: "d" });
      r.addToPolicy({ Sid: "A", Effect: "Allow", Action: ["s3:GetObject"], Resource: "arn:aws:s3:::b/*" });
      r.addToPolicy({ Sid: "B", Effect: "Allow", Action: ["s3:ListBucket"], Resource: "arn:aws:s3:::b" });
    });
    expect(policyOf(resources(synth, "aws_iam_role_policy")[0].policy).Statement.map((s) => s.Sid)).toEqual(["A", "B"]);
  });

  test("fails on an invalid role name or a duplicate Sid", () => {
    expect(() => synthScope((scope) => new Role(scope, "R", { custody: CUSTODY, roleName: "has space", description: "d" }))).toThrow(
      "roleName must be 1-64 characters of [A-Za-z0-9+=,.@_-], got 'has space'",
    );
    expect(() =>
      synthScope((scope) => {
        const r = new Role(scope, "R", { custody: CUSTODY, roleName: "x", description: "d" });
        r.addToPolicy({ Sid: "A", Effect: "Allow", Action: "s3:GetObject", Resource: "*" });
        r.addToPolicy({ Sid: "A", Effect: "Deny", Action: "s3:GetObject", Resource: "*" });
      }),
    ).toThrow("role 'x' already has a different statement with Sid 'A'");
  });
});
