import { AccessPolicy, type AccessPolicyProps } from "../../lib/aws/access-policy";
import { CustodyKey } from "../../lib/aws/custody-key";
import { EncryptedStore } from "../../lib/aws/encrypted-store";
import { LogBucket } from "../../lib/aws/log-bucket";
import { CUSTODY, policyOf, resources, synthScope } from "../fixtures";

function synthAccess(writable: boolean, extra: Partial<AccessPolicyProps> = {}) {
  return synthScope((scope) => {
    const logBucket = new LogBucket(scope, "Logs", { custody: CUSTODY, bucketName: "site-logs" });
    const stores = ["brp", "land"].map(
      (id) => new EncryptedStore(scope, id, { custody: CUSTODY, registryId: id, bucketName: `site-${id}`, region: "eu-south-2", retentionDays: 365, logBucket }),
    );
    new AccessPolicy(scope, "Access", { custody: CUSTODY, namePrefix: "es-primary", stores, writable, ...extra });
  });
}

const policyOfRole = (synth: any, name: string) => {
  const role = resources(synth, "aws_iam_role").find((r) => r.name === name);
  const policy = resources(synth, "aws_iam_role_policy").find((p) => p.role.includes(role ? Object.keys(synth.resource.aws_iam_role).find((k) => synth.resource.aws_iam_role[k] === role)! : "none"));
  return policyOf(policy.policy).Statement;
};

describe("AccessPolicy (aws)", () => {
  const synth = synthAccess(false);

  test("one role per purpose, each trusting only the custody administrators", () => {
    const roles = resources(synth, "aws_iam_role");
    expect(roles.map((r) => r.name).sort()).toEqual(["es-primary-administer-keys", "es-primary-audit", "es-primary-operate", "es-primary-read"]);
    roles.forEach((r) => expect(policyOf(r.assume_role_policy).Statement[0].Principal).toEqual({ AWS: ["arn:aws:iam::111111111111:role/embassy-admin"] }));
  });

  test("verifyKeys: the readers, operators and auditors verify with keys of the pattern that carry one of the aliases, nothing else; the key administrators get no such grant", () => {
    const pattern = "arn:aws:kms:ap-northeast-1:111111111111:key/*";
    const alias = "alias/jp-embassy-jp-tokyo-manifest-signing";
    const synthed = synthAccess(false, { verifyKeys: { keyArns: [pattern], aliases: [alias] } });
    for (const purpose of ["read", "operate", "audit"]) {
      expect(policyOfRole(synthed, `es-primary-${purpose}`).filter((st) => st.Sid === "VerifyManifestsElsewhere")).toEqual([
        {
          Sid: "VerifyManifestsElsewhere",
          Effect: "Allow",
          Action: ["kms:Verify", "kms:GetPublicKey", "kms:DescribeKey"],
          Resource: [pattern],
          Condition: { "ForAnyValue:StringEquals": { "kms:ResourceAliases": [alias] } },
        },
      ]);
    }
    expect(policyOfRole(synthed, "es-primary-administer-keys").map((st) => st.Sid)).not.toContain("VerifyManifestsElsewhere");
    expect(policyOfRole(synth, "es-primary-read").map((st) => st.Sid)).not.toContain("VerifyManifestsElsewhere");
  });

  test("fails when verifyKeys names no key, no alias or a name that is not a customer alias, all at once", () => {
    expect(() => synthAccess(false, { verifyKeys: { keyArns: [], aliases: [] } })).toThrow(
      new RegExp(
        "^verifyKeys\\.keyArns must name at least one key ARN or pattern for access policy 'es-primary', got none\\n" +
          "verifyKeys\\.aliases must name at least one alias for access policy 'es-primary' \\(a key ARN pattern alone opens every key it matches\\), got none$",
      ),
    );
    expect(() => synthAccess(false, { verifyKeys: { keyArns: ["arn:aws:kms:eu-south-2:111111111111:key/*"], aliases: ["manifest-signing", "alias/aws/s3"] } })).toThrow(
      /^verifyKeys\.aliases must be full customer alias names \(alias\/ then \[a-zA-Z0-9\/_-\], not alias\/aws\/\.\.\.\), got 'manifest-signing', 'alias\/aws\/s3' for access policy 'es-primary'$/,
    );
  });

  test("the primary also gets a writer", () => {
    expect(resources(synthAccess(true), "aws_iam_role").map((r) => r.name)).toContain("es-primary-write");
  });

  test("no role has a * action, and only service-wide read calls use a * resource", () => {
    for (const p of resources(synth, "aws_iam_role_policy")) {
      for (const s of policyOf(p.policy).Statement) {
        expect([s.Action].flat()).not.toContain("*");
        if (s.Resource === "*") {
          // kms:ListAliases names no resource at all (Service Authorization Reference, AWS KMS).
          expect([s.Action].flat().every((a: string) => /^(cloudwatch|cloudtrail):(Get|List|Lookup|Describe)|^kms:ListAliases$/.test(a))).toBe(true);
        }
      }
    }
  });

  test("kms:ListAliases is granted to key administrators on * alone, never next to key ARNs or in a key policy, where it has no effect", () => {
    const statements = policyOfRole(synth, "es-primary-administer-keys");
    expect(statements.filter((s) => [s.Action].flat().includes("kms:ListAliases"))).toEqual([
      { Sid: "ListKeyAliases", Effect: "Allow", Action: ["kms:ListAliases"], Resource: "*" },
    ]);
    for (const key of resources(synth, "aws_kms_key")) {
      expect(policyOf(key.policy).Statement.flatMap((s) => [s.Action].flat())).not.toContain("kms:ListAliases");
    }
  });

  test("key administrators may create, re-point and delete the stores' aliases: the alias half of each alias action is granted on exactly those aliases", () => {
    const statements = policyOfRole(synth, "es-primary-administer-keys");
    const aliasRefs = Object.keys(synth.resource.aws_kms_alias ?? {}).map((address) => `\${aws_kms_alias.${address}.arn}`);
    expect(aliasRefs).toHaveLength(2);
    const aliasStatement = statements.find((s) => s.Sid === "AdministerKeyAliases");
    expect({ ...aliasStatement, Resource: [...aliasStatement.Resource].sort() }).toEqual({
      Sid: "AdministerKeyAliases",
      Effect: "Allow",
      Action: ["kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias"],
      Resource: aliasRefs.sort(),
    });
    // The key half stays with the keys.
    expect(statements.find((s) => s.Sid === "AdministerKeys").Action).toEqual(expect.arrayContaining(["kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias"]));
  });

  test("with a bucket name prefix, the aliases are granted by the same prefix (a store's alias is its bucket name)", () => {
    const prefixed = synthScope((scope) => {
      const logBucket = new LogBucket(scope, "Logs", { custody: CUSTODY, bucketName: "site-logs" });
      const store = new EncryptedStore(scope, "brp", { custody: CUSTODY, registryId: "brp", bucketName: "site-brp", region: "eu-south-2", retentionDays: 365, logBucket });
      new AccessPolicy(scope, "Access", { custody: CUSTODY, namePrefix: "es-primary", stores: [store], bucketNamePrefix: "site-" });
    });
    expect(resources(prefixed, "aws_kms_alias").map((a) => a.name)).toEqual(["alias/site-brp"]);
    expect(policyOfRole(prefixed, "es-primary-administer-keys").find((s) => s.Sid === "AdministerKeyAliases").Resource).toEqual([
      "arn:aws:kms:eu-south-2:111111111111:alias/site-*",
    ]);
  });

  test("separation of duties: key administrators, operators and auditors are denied data and decryption", () => {
    for (const name of ["es-primary-administer-keys", "es-primary-operate", "es-primary-audit"]) {
      const statements = policyOfRole(synth, name);
      const deny = statements.find((s) => s.Sid === "DenyDataAccess");
      expect(deny.Effect).toBe("Deny");
      expect(deny.Action).toEqual(expect.arrayContaining(["s3:GetObject", "s3:GetObjectVersion", "kms:Decrypt"]));
      const allowed = statements.filter((s) => s.Effect === "Allow").flatMap((s) => s.Action);
      expect(allowed).not.toContain("kms:Decrypt");
      expect(allowed).not.toContain("s3:GetObject");
    }
  });

  test("key administrators are in each key's administration statement, readers in its use statements", () => {
    for (const key of resources(synth, "aws_kms_key")) {
      const statements = policyOf(key.policy).Statement;
      expect(statements[0].Condition.ArnEquals["aws:PrincipalArn"]).toContain("arn:aws:iam::111111111111:role/es-primary-administer-keys");
      const users = statements.filter((s) => s.Sid.startsWith("Use")).map((s) => s.Condition.ArnEquals["aws:PrincipalArn"]);
      expect(users).toEqual(["arn:aws:iam::111111111111:role/es-primary-read"]);
    }
  });

  test("auditors may read each key's metadata in its key policy, and nothing else of it", () => {
    for (const key of resources(synth, "aws_kms_key")) {
      const audit = policyOf(key.policy).Statement.find((s) => s.Sid === "AuditWithoutUse");
      expect(audit).toMatchObject({
        Action: ["kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags"],
        Condition: { ArnEquals: { "aws:PrincipalArn": ["arn:aws:iam::111111111111:role/es-primary-audit"] } },
      });
    }
  });

  test("readers read both stores", () => {
    const read = policyOfRole(synth, "es-primary-read");
    // One statement per purpose, its resources merged: the policy grows by ARNs, not statements.
    expect(read.map((s) => s.Sid)).toEqual(["ReadStores", "ReadStoreKeys"]);
    expect(read[0].Resource).toHaveLength(4);
    expect(read[1].Resource).toHaveLength(2);
  });

  test("named readers and writers assume only the data roles; custodians everything else and the keys", () => {
    const admin = "arn:aws:iam::111111111111:role/embassy-admin";
    const restore = "arn:aws:iam::111111111111:role/registry-restore";
    const ingest = "arn:aws:iam::111111111111:role/registry-ingest";
    const custody = { ...CUSTODY, administrators: [admin, restore, ingest], readers: [restore], writers: [ingest] };
    const split = synthScope((scope) => {
      const logBucket = new LogBucket(scope, "Logs", { custody, bucketName: "site-logs" });
      const store = new EncryptedStore(scope, "brp", { custody, registryId: "brp", bucketName: "site-brp", region: "eu-south-2", retentionDays: 365, logBucket });
      new AccessPolicy(scope, "Access", { custody, namePrefix: "es-primary", stores: [store], writable: true });
    });
    const trust = Object.fromEntries(
      resources(split, "aws_iam_role").map((r) => [r.name, policyOf(r.assume_role_policy).Statement[0].Principal.AWS]),
    );
    expect(trust).toEqual({
      "es-primary-read": [restore],
      "es-primary-write": [ingest],
      "es-primary-operate": [admin],
      "es-primary-administer-keys": [admin],
      "es-primary-audit": [admin],
    });
    const keyAdmins = policyOf(resources(split, "aws_kms_key")[0].policy).Statement[0].Condition.ArnEquals["aws:PrincipalArn"];
    expect(keyAdmins).toEqual([admin, "arn:aws:iam::111111111111:role/es-primary-administer-keys"]);
  });

  test("with a bucket name prefix, non-data roles stay one size; data roles still list each store", () => {
    const withPrefix = (count: number) =>
      synthScope((scope) => {
        const logBucket = new LogBucket(scope, "Logs", { custody: CUSTODY, bucketName: "site-logs" });
        const stores = Array.from({ length: count }, (_, i) =>
          new EncryptedStore(scope, `s${i}`, { custody: CUSTODY, registryId: `r${i}`, bucketName: `es-primary-r${i}`, region: "eu-south-2", retentionDays: 365, logBucket }),
        );
        new AccessPolicy(scope, "Access", { custody: CUSTODY, namePrefix: "es-primary", stores, bucketNamePrefix: "es-primary-" });
      });
    const sizes = (synth: any) => Object.fromEntries(resources(synth, "aws_iam_role_policy").map((p) => [p.name, p.policy.length]));
    const [two, five] = [sizes(withPrefix(2)), sizes(withPrefix(5))];
    for (const name of ["es-primary-operate-policy", "es-primary-audit-policy", "es-primary-administer-keys-policy"]) expect(five[name]).toBe(two[name]);
    expect(five["es-primary-read-policy"]).toBeGreaterThan(two["es-primary-read-policy"]);
    const audit = policyOf(resources(withPrefix(2), "aws_iam_role_policy").find((p) => p.name === "es-primary-audit-policy").policy).Statement;
    expect(audit.find((s) => s.Sid === "AuditStores").Resource).toEqual(["arn:aws:s3:::es-primary-*"]);
    expect(audit.find((s) => s.Sid === "AuditKeys").Resource).toEqual(["arn:aws:kms:eu-south-2:111111111111:key/*"]);
    expect(audit.find((s) => s.Sid === "DenyDataAccess").Resource).toEqual(["arn:aws:s3:::es-primary-*/*", "arn:aws:kms:eu-south-2:111111111111:key/*"]);
  });

  test("fails without stores", () => {
    expect(() => synthScope((scope) => new AccessPolicy(scope, "A", { custody: CUSTODY, namePrefix: "x", stores: [] }))).toThrow(
      "stores must list at least one store for access policy 'x', got none",
    );
  });

  test("with audit evidence, the audit role reads it (decrypting through S3 only) and its deny names every store's objects and key exactly", () => {
    const synthEvidence = synthScope((scope) => {
      const logBucket = new LogBucket(scope, "Logs", { custody: CUSTODY, bucketName: "es-primary-logs" });
      const stores = ["brp", "land"].map(
        (id) => new EncryptedStore(scope, id, { custody: CUSTODY, registryId: id, bucketName: `es-primary-${id}`, region: "eu-south-2", retentionDays: 365, logBucket }),
      );
      const trailKey = new CustodyKey(scope, "TrailKey", { custody: CUSTODY, region: "eu-south-2", description: "trail" });
      new AccessPolicy(scope, "Access", {
        custody: CUSTODY,
        namePrefix: "es-primary",
        stores,
        bucketNamePrefix: "es-primary-",
        auditEvidence: [{ bucketArn: "arn:aws:s3:::es-primary-trail", key: trailKey }, logBucket],
        siteKeys: [trailKey],
      });
    });
    const audit = policyOf(resources(synthEvidence, "aws_iam_role_policy").find((p) => p.name === "es-primary-audit-policy").policy).Statement;
    const logArn = expect.stringMatching(/^\$\{aws_s3_bucket\.Logs_Bucket_\w+\.arn\}/);
    expect(audit.find((s) => s.Sid === "ReadAuditEvidence")).toEqual({
      Sid: "ReadAuditEvidence",
      Effect: "Allow",
      Action: ["s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket", "s3:ListBucketVersions"],
      Resource: ["arn:aws:s3:::es-primary-trail", "arn:aws:s3:::es-primary-trail/*", logArn, logArn],
    });
    const trailKeyArn = expect.stringMatching(/^\$\{aws_kms_key\.TrailKey_\w+\.arn\}$/);
    expect(audit.find((s) => s.Sid === "DecryptAuditEvidence")).toEqual({
      Sid: "DecryptAuditEvidence",
      Effect: "Allow",
      Action: ["kms:Decrypt"],
      Resource: [trailKeyArn],
      Condition: { StringEquals: { "kms:ViaService": ["s3.eu-south-2.amazonaws.com"] } },
    });
    const deny = audit.find((s) => s.Sid === "DenyDataAccess");
    expect(deny.Resource).toHaveLength(4);
    expect(deny.Resource).toEqual([
      expect.stringMatching(/aws_s3_bucket\.brp_\w+\.arn\}\/\*$/),
      expect.stringMatching(/aws_s3_bucket\.land_\w+\.arn\}\/\*$/),
      expect.stringMatching(/aws_kms_key\.brp_Key_\w+\.arn\}$/),
      expect.stringMatching(/aws_kms_key\.land_Key_\w+\.arn\}$/),
    ]);
    // The operator and key administrator keep the prefix-wide deny.
    const operate = policyOf(resources(synthEvidence, "aws_iam_role_policy").find((p) => p.name === "es-primary-operate-policy").policy).Statement;
    expect(operate.find((s) => s.Sid === "DenyDataAccess").Resource).toEqual(["arn:aws:s3:::es-primary-*/*", "arn:aws:kms:eu-south-2:111111111111:key/*"]);
    // The trail key's policy lets the audit role decrypt through S3, and its key administrators administer it.
    const trailKey = resources(synthEvidence, "aws_kms_key").find((k) => k.description === "trail");
    const keyStatements = policyOf(trailKey.policy).Statement;
    expect(keyStatements.find((s) => s.Sid === "UseEsPrimaryAudit").Condition).toEqual({
      ArnEquals: { "aws:PrincipalArn": "arn:aws:iam::111111111111:role/es-primary-audit" },
      StringEquals: { "kms:ViaService": "s3.eu-south-2.amazonaws.com" },
    });
    expect(keyStatements[0].Condition.ArnEquals["aws:PrincipalArn"]).toContain("arn:aws:iam::111111111111:role/es-primary-administer-keys");
  });
});
