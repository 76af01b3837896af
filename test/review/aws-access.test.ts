/**
 * The review's own AWS resolver (lib/review/aws-access.ts), cross-checked against the IAM
 * evaluator @cloud-copilot/iam-simulate (AGPL, test-only) through the access tests' adapter
 * (test/access/aws-policies.ts, aws-requests.ts): for the synthesized examples, every role of the
 * stacks and every custody administrator, on every registry store, both must give the same
 * answer for reading, writing, changing the bucket policy and using and administering the key.
 */
import { ADMINISTRATOR_ACCESS, AwsAccess as Simulator, type Caller, externalCaller, roleCaller } from "../access/aws-requests";
import { collectAwsPolicies, type SynthesizedApp } from "../access/aws-policies";
import { AwsAccess, conditionHolds, decide, iamWildcard, normalisePolicy } from "../../lib/review/aws-access";
import { readCdktfOut } from "../../lib/review/terraform-json";
import { exampleDoc, synthTo, topologyFromDoc } from "./review-fixtures";

describe("AWS resolver building blocks", () => {
  test("IAM wildcards: * spans slashes, ? is one character, actions ignore case", () => {
    expect(iamWildcard("arn:aws:s3:::nl-embassy-*/*", "arn:aws:s3:::nl-embassy-es-brp/registry/a.json", false)).toBe(true);
    expect(iamWildcard("s3:Get?bject", "s3:GetObject", false)).toBe(true);
    expect(iamWildcard("s3:getobject", "s3:GetObject", true)).toBe(true);
    expect(iamWildcard("arn:aws:s3:::a", "arn:aws:s3:::ab", false)).toBe(false);
  });

  test("an absent key fails a condition, except for negated operators, IfExists and Null", () => {
    expect(conditionHolds({ StringEquals: { "kms:ViaService": ["s3.eu-south-2.amazonaws.com"] } }, {})).toBe(false);
    expect(conditionHolds({ StringNotEquals: { "aws:SourceVpce": ["vpce-1"] } }, {})).toBe(true);
    expect(conditionHolds({ StringEqualsIfExists: { "aws:SourceVpce": ["vpce-1"] } }, {})).toBe(true);
    expect(conditionHolds({ Null: { "s3:x-amz-server-side-encryption": ["true"] } }, {})).toBe(true);
    expect(conditionHolds({ Null: { "s3:x-amz-server-side-encryption": ["false"] } }, {})).toBe(false);
    expect(conditionHolds({ ArnEquals: { "aws:PrincipalArn": ["arn:aws:iam::1:role/a", "arn:aws:iam::1:role/b"] } }, { "aws:PrincipalArn": "arn:aws:iam::1:role/b" })).toBe(true);
  });

  test("KMS: a key policy naming only the account needs an identity policy too; an explicit deny wins", () => {
    const key = normalisePolicy("key", { Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:root" }, Action: "kms:*", Resource: "*" }] });
    const request = { action: "kms:Decrypt", resource: "arn:aws:kms:eu-west-1:111111111111:key/k" };
    const none = { arn: "arn:aws:iam::111111111111:role/r", account: "111111111111", policies: [] };
    expect(decide(none, request, key, "kms")).toEqual({ allowed: false, reason: "the key policy delegates to IAM, and no identity policy allows kms:Decrypt" });
    const allow = normalisePolicy("id", { Statement: [{ Sid: "Use", Effect: "Allow", Action: "kms:Decrypt", Resource: "*" }] });
    expect(decide({ ...none, policies: [allow] }, request, key, "kms")).toEqual({ allowed: true, reason: "allowed by key and id (Use)" });
    const deny = normalisePolicy("id2", { Statement: [{ Sid: "No", Effect: "Deny", Action: "kms:*", Resource: "*" }] });
    expect(decide({ ...none, policies: [allow, deny] }, request, key, "kms")).toEqual({ allowed: false, reason: "explicitly denied by id2 (No)" });
  });
});

/** The same stacks in the adapter's shape. */
function appOf(dir: string): SynthesizedApp {
  return Object.fromEntries(readCdktfOut(dir).map((s) => [s.name, s.json as any]));
}

describe.each(["jp-embassy", "nl-embassy"])("AWS resolver agrees with iam-simulate on the %s example", (example) => {
  test("reads, writes, bucket-policy changes and key use of every principal on every store", async () => {
    const topology = topologyFromDoc(exampleDoc(example));
    const dir = synthTo(topology);
    const stacks = readCdktfOut(dir).filter((s) => (s.json.provider?.aws ?? []).length > 0);
    const account = topology.custody.aws!.accountId;
    const ours = new AwsAccess(stacks, account);
    const model = collectAwsPolicies(appOf(dir), { accountId: account });
    const sim = new Simulator(model);
    const stores = ours.buckets.filter((b) => b.tags["embassy:registry"] !== undefined);
    const externals = topology.custody.aws!.administrators;
    let allowed = 0;
    let denied = 0;
    const disagreements: string[] = [];
    for (const bucket of stores) {
      const key = ours.keyOf(bucket)!;
      // The adapter names keys by a stand-in id of its own: find the same key by its stack and address.
      const theirKey = model.keys.find((k) => k.stack === key.stack && k.address === key.address)!.arn;
      const theirBucket = model.bucket(bucket.name);
      const callers: { ours: ReturnType<AwsAccess["caller"]>; theirs: Caller }[] = [
        ...ours.roles.filter((r) => r.stack === bucket.stack || ours.usedBy.has(r.arn)).map((r) => ({ ours: ours.caller(r.arn), theirs: roleCaller(model, r.arn) })),
        ...externals.map((arn) => ({ ours: ours.caller(arn), theirs: externalCaller(arn, [ADMINISTRATOR_ACCESS]) })),
      ];
      const endpoints = ours.endpoints.filter((e) => e.stack === bucket.stack && e.service === "s3");
      for (const c of callers) {
        const checks: [string, boolean, () => Promise<boolean>][] = [
          ["s3:GetObject", ours.s3(c.ours, "s3:GetObject", bucket, true).allowed, async () => (await sim.s3(c.theirs, "s3:GetObject", `${theirBucket.arn}/registry/snapshot.json`)).decision === "Allowed"],
          ["s3:PutObject", ours.s3(c.ours, "s3:PutObject", bucket, true).allowed, async () => (await sim.s3(c.theirs, "s3:PutObject", `${theirBucket.arn}/registry/snapshot.json`)).decision === "Allowed"],
          ["s3:PutBucketPolicy", ours.s3(c.ours, "s3:PutBucketPolicy", bucket, false).allowed, async () => (await sim.s3(c.theirs, "s3:PutBucketPolicy", theirBucket.arn)).decision === "Allowed"],
          ["kms:Decrypt via S3", ours.kms(c.ours, "kms:Decrypt", key, true).allowed, async () => (await sim.kmsViaS3(c.theirs, "kms:Decrypt", theirKey, key.region)).decision === "Allowed"],
          ["kms:GenerateDataKey via S3", ours.kms(c.ours, "kms:GenerateDataKey", key, true).allowed, async () => (await sim.kmsViaS3(c.theirs, "kms:GenerateDataKey", theirKey, key.region)).decision === "Allowed"],
          ["kms:PutKeyPolicy", ours.kms(c.ours, "kms:PutKeyPolicy", key, false).allowed, async () => (await sim.kmsDirect(c.theirs, "kms:PutKeyPolicy", theirKey)).decision === "Allowed"],
          ["kms:Decrypt direct", ours.kms(c.ours, "kms:Decrypt", key, false).allowed, async () => (await sim.kmsDirect(c.theirs, "kms:Decrypt", theirKey)).decision === "Allowed"],
        ];
        for (const e of endpoints) {
          const theirs = model.endpoints.find((x) => x.stack === e.stack && x.address === e.address)!;
          checks.push([
            `s3:PutObject through ${e.address}`,
            ours.s3(c.ours, "s3:PutObject", bucket, true, e).allowed,
            async () => (await sim.s3(c.theirs, "s3:PutObject", `${theirBucket.arn}/registry/snapshot.json`, { endpoint: theirs })).decision === "Allowed",
          ]);
        }
        for (const [what, mine, theirs] of checks) {
          const expected = await theirs();
          if (mine !== expected) disagreements.push(`${c.ours.arn} ${what} on ${bucket.name}: review says ${mine}, iam-simulate says ${expected}`);
          if (expected) allowed++;
          else denied++;
        }
      }
    }
    expect(disagreements).toEqual([]);
    // Not vacuous: both answers occur many times.
    expect(allowed).toBeGreaterThan(20);
    expect(denied).toBeGreaterThan(20);
  }, 120_000);
});
