import { AccessPolicy } from "../../../lib/aws/access-policy";
import { EncryptedStore } from "../../../lib/aws/encrypted-store";
import { LogBucket } from "../../../lib/aws/log-bucket";
import { estimatedPolicySize, IAM_ROLE_INLINE_POLICY_LIMIT } from "../../../lib/policy/rules/role-policy-fits-iam-limit";
import { CUSTODY } from "../../fixtures";
import { checkRule } from "../helpers";

const RULE = "EMB-I04";

/** An access policy over `count` stores: every role's policy grows with the number of stores. */
function site(count: number) {
  return checkRule(RULE, (s) => {
    const logBucket = new LogBucket(s, "Logs", { custody: CUSTODY, bucketName: "site-logs" });
    const stores = Array.from({ length: count }, (_, i) =>
      new EncryptedStore(s, `Store${i}`, { custody: CUSTODY, registryId: `reg-${i}`, bucketName: `site-reg-${i}`, region: "eu-south-2", retentionDays: 365, logBucket }),
    );
    new AccessPolicy(s, "Access", { custody: CUSTODY, namePrefix: "site", stores, writable: true });
  });
}

describe("EMB-I04 RolePolicyFitsIamLimit", () => {
  test("counts references at their worst case and ignores whitespace", () => {
    expect(estimatedPolicySize('{ "Resource": "${aws_kms_key.k.arn}" }')).toBe('{"Resource":""}'.length + 90);
  });

  test("the roles of a site with ten registries fit", () => {
    const result = site(10);
    expect(result.findings).toEqual([]);
    expect(result.summary.checked).toBe(5);
  });

  test("fails when a site holds so many stores that a role's policy no longer fits", () => {
    const result = site(60);
    expect(result.findings.length).toBeGreaterThan(0);
    expect(result.findings[0].message).toMatch(
      new RegExp(`^\\[EMB-I04\\] site/Access/\\w+/Policy \\(aws_iam_role_policy\\): inline policy is about \\d+ characters \\(references counted as 90\\), over IAM's limit of ${IAM_ROLE_INLINE_POLICY_LIMIT}\\. Fix: split`),
    );
  });
});
