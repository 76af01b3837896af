import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import { buildEmbassy } from "../../stacks/embassy";
import { awsDoc, policyOf, resources, type Synth, topologyOf } from "../fixtures";

/** Synthesizes a topology document with a real App (cross-stack references resolve only then). */
function synthDoc(doc: Record<string, any>): (site: string) => Synth {
  const dir = mkdtempSync(join(tmpdir(), "embassy-aws-"));
  const app = new App({ outdir: dir });
  buildEmbassy(app, topologyOf(doc));
  app.synth();
  return (site) => JSON.parse(readFileSync(join(dir, "stacks", `${doc.name}-${site}`, "cdk.tf.json"), "utf8"));
}

/** The stack's own outputs (cdktf adds `cross-stack-output-*` ones for other stacks). */
const ownOutputs = (synth: Synth): Record<string, any> =>
  Object.fromEntries(Object.entries(synth.output ?? {}).filter(([id]) => !id.startsWith("cross-stack-output-")));

describe("AwsSiteStack", () => {
  const synth = synthDoc(awsDoc());
  const primary = synth("es-primary");
  const foreign = synth("se-embassy");

  test("the primary outputs, per store, its bucket's name and ARN and its key's ARN, every role's ARN, and its signing key's ARN", () => {
    const outputs = ownOutputs(primary);
    expect(Object.keys(outputs).sort()).toEqual(
      [
        "role-read-arn",
        "role-write-arn",
        "role-operate-arn",
        "role-administer-keys-arn",
        "role-audit-arn",
        ...["brp", "land"].flatMap((r) => [`store-${r}-bucket-name`, `store-${r}-bucket-arn`, `store-${r}-key-arn`]),
        "replication-brp-role-arn",
        "replication-land-role-arn",
        "alert-topic-arn",
        "audit-bucket-name",
        "signing-key-arn",
      ].sort(),
    );
    expect(outputs["signing-key-arn"].value).toMatch(/^\$\{aws_kms_key\.Signing_\w+\.arn\}$/);
    expect(outputs["store-brp-bucket-name"].value).toMatch(/^\$\{aws_s3_bucket\.Store-brp_\w+\.bucket\}$/);
    expect(outputs["store-brp-bucket-arn"].value).toMatch(/^\$\{aws_s3_bucket\.Store-brp_\w+\.arn\}$/);
    expect(outputs["store-brp-key-arn"].value).toMatch(/^\$\{aws_kms_key\.Store-brp_Key_\w+\.arn\}$/);
    expect(outputs["store-brp-key-arn"].description).toMatch(/send exactly this value \(not a key id or alias\) in x-amz-server-side-encryption-aws-kms-key-id/);
    expect(outputs["role-write-arn"].value).toBe("arn:aws:iam::111111111111:role/es-embassy-es-primary-write");
    expect(outputs["replication-brp-role-arn"].value).toBe("arn:aws:iam::111111111111:role/es-embassy-es-primary-brp-replication");
  });

  test("the bucket name and key ARN outputs tell an uploader that Object Lock refuses a PUT without Content-MD5 or a checksum header", () => {
    const outputs = ownOutputs(primary);
    for (const id of ["store-brp-bucket-name", "store-brp-key-arn", "store-land-bucket-name", "store-land-key-arn"]) {
      const description: string = outputs[id].description;
      expect({ id, mentions: [/Object Lock/, /Content-MD5/, /x-amz-checksum-/, /CRC32/, /December 2024/, /presigned URLs/, /--checksum-algorithm/].filter((re) => !re.test(description)).map(String) }).toEqual({
        id,
        mentions: [],
      });
    }
  });

  test("the key ARN output is the key the bucket policy demands, and the bucket default encrypts with", () => {
    const output = ownOutputs(primary)["store-brp-key-arn"].value;
    const policy = resources(primary, "aws_s3_bucket_policy").find((p) => p.bucket.includes("Store-brp_"));
    const otherKey = policyOf(policy.policy).Statement.find((s) => s.Sid === "DenyUploadsWithOtherKey");
    expect(otherKey.Condition.StringNotEquals["s3:x-amz-server-side-encryption-aws-kms-key-id"]).toBe(output);
    const encryption = resources(primary, "aws_s3_bucket_server_side_encryption_configuration").find((e) => e.bucket.includes("Store-brp_"));
    expect(encryption.rule[0].apply_server_side_encryption_by_default.kms_master_key_id).toBe(output);
  });

  test("a site away from the primary has no write role and no replication role to output", () => {
    const ids = Object.keys(ownOutputs(foreign));
    expect(ids).toContain("store-land-key-arn");
    expect(ids).toContain("role-read-arn");
    expect(ids.filter((id) => id.includes("write") || id.startsWith("replication-"))).toEqual([]);
  });

  test("a replica verifies manifests only with keys in the primary's region that carry the primary's signing alias, which the primary's signing key has", () => {
    // es-embassy's primary es-primary is in eu-south-2 (fixtures awsDoc).
    const [alias] = resources(primary, "aws_kms_alias").filter((a) => a.name.endsWith("-manifest-signing"));
    expect(alias.name).toBe("alias/es-embassy-es-primary-manifest-signing");
    const signingKeys = Object.entries(primary.resource.aws_kms_key).filter(([, k]: [string, any]) => k.key_usage === "SIGN_VERIFY");
    expect(signingKeys).toHaveLength(1);
    expect(alias.target_key_id).toBe(`\${aws_kms_key.${signingKeys[0][0]}.key_id}`);
    const roles = resources(foreign, "aws_iam_role");
    const grants = resources(foreign, "aws_iam_role_policy").flatMap((p) => {
      const role = roles.find((r) => p.role === `\${aws_iam_role.${Object.keys(foreign.resource.aws_iam_role).find((k) => foreign.resource.aws_iam_role[k] === r)}.name}`);
      return policyOf(p.policy)
        .Statement.filter((st: any) => st.Sid === "VerifyManifestsElsewhere")
        .map((st: any) => [role?.name, st]);
    });
    const statement = {
      Sid: "VerifyManifestsElsewhere",
      Effect: "Allow",
      Action: ["kms:Verify", "kms:GetPublicKey", "kms:DescribeKey"],
      Resource: ["arn:aws:kms:eu-south-2:111111111111:key/*"],
      Condition: { "ForAnyValue:StringEquals": { "kms:ResourceAliases": [alias.name] } },
    };
    expect(grants.sort((a, b) => a[0].localeCompare(b[0]))).toEqual([
      ["es-embassy-se-embassy-audit", statement],
      ["es-embassy-se-embassy-operate", statement],
      ["es-embassy-se-embassy-read", statement],
    ]);
    // The primary verifies its own key by ARN (SigningKey.grantVerify), never by pattern.
    expect(resources(primary, "aws_iam_role_policy").flatMap((p) => policyOf(p.policy).Statement).filter((st: any) => st.Sid === "VerifyManifestsElsewhere")).toEqual([]);
  });
});
