import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { TerraformStack } from "cdktf";
import { type Block, collectAwsPolicies, fakeKeyId, type SynthesizedApp, type SynthesizedStack, synthesizeApp } from "./aws-policies";
import { AwsAccess, externalCaller, kmsViaS3Context, s3RequestContext, serviceContext } from "./aws-requests";

const ACCOUNT = "123456789012";
const policy = (...Statement: Block[]) => JSON.stringify({ Version: "2012-10-17", Statement });

/**
 * Two real cdktf stacks: a producer with a bucket and a key, and a consumer whose role, bucket
 * policy and key policy reference both its own resources and (across stacks) the producer's.
 */
function twoStackApp(): SynthesizedApp {
  return synthesizeApp((app) => {
    const producer = new TerraformStack(app, "producer");
    new AwsProvider(producer, "aws", { region: "eu-north-1", allowedAccountIds: [ACCOUNT] });
    const shared = new S3Bucket(producer, "Shared", { bucket: "shared-data" });
    const sharedKey = new KmsKey(producer, "SharedKey", { description: "shared" });
    new KmsKey(producer, "OtherKey", { description: "other" });

    const consumer = new TerraformStack(app, "consumer");
    new AwsProvider(consumer, "aws", { region: "eu-south-2" });
    const role = new IamRole(consumer, "Reader", {
      name: "consumer-reader",
      assumeRolePolicy: policy({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "sts:AssumeRole" }),
    });
    new IamRolePolicy(consumer, "ReaderPolicy", {
      role: role.name,
      name: "read",
      policy: policy(
        { Sid: "Read", Effect: "Allow", Action: "s3:GetObject", Resource: `${shared.arn}/*` },
        { Sid: "Decrypt", Effect: "Allow", Action: "kms:Decrypt", Resource: sharedKey.arn },
      ),
    });
    const managed = new IamPolicy(consumer, "Managed", { name: "list-shared", policy: policy({ Effect: "Allow", Action: "s3:ListBucket", Resource: shared.arn }) });
    new IamRolePolicyAttachment(consumer, "Attach", { role: role.name, policyArn: managed.arn });
    const own = new S3Bucket(consumer, "Own", { bucket: "own-data" });
    const ownKey = new KmsKey(consumer, "OwnKey", {
      description: "own",
      policy: policy({ Sid: "Use", Effect: "Allow", Principal: { AWS: role.arn }, Action: "kms:Decrypt", Resource: "*" }),
    });
    new S3BucketPolicy(consumer, "OwnPolicy", {
      bucket: own.bucket,
      policy: policy({ Sid: "ReaderOnly", Effect: "Allow", Principal: { AWS: role.arn }, Action: "s3:GetObject", Resource: `${own.arn}/*` }),
    });
    new S3BucketServerSideEncryptionConfigurationA(consumer, "OwnEncryption", {
      bucket: own.bucket,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: ownKey.arn }, bucketKeyEnabled: true }],
    });
  });
}

/** A hand-written stack in eu-south-2 with the given resources (and data sources). */
function stack(resource: Record<string, Record<string, Block>>, more: Partial<SynthesizedStack> = {}): SynthesizedStack {
  return { provider: { aws: [{ region: "eu-south-2" }] }, resource, ...more };
}

const collect = (app: SynthesizedApp) => collectAwsPolicies(app, { accountId: ACCOUNT });

/**
 * A hand-written stack shaped like a datacenter's ingest at a site: a trust anchor, a role that
 * trusts IAM Roles Anywhere for it, a profile handing out the role, the VPC's S3 gateway and KMS
 * interface endpoints, the datacenter's S3 interface endpoint (plus `moreEndpoints`), and outputs
 * naming them as the site stack's outputs do.
 */
function ingestStack(moreEndpoints: Record<string, Block> = {}): SynthesizedStack {
  return stack(
    {
      aws_rolesanywhere_trust_anchor: {
        Anchor: { name: "dc-ingest", enabled: true, source: { source_type: "CERTIFICATE_BUNDLE", source_data: { x509_certificate_data: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n" } } },
      },
      aws_iam_role: {
        Ingest: {
          name: "dc-ingest",
          assume_role_policy: policy({
            Sid: "RolesAnywhere",
            Effect: "Allow",
            Principal: { Service: "rolesanywhere.amazonaws.com" },
            Action: ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
            Condition: { ArnEquals: { "aws:SourceArn": ["${aws_rolesanywhere_trust_anchor.Anchor.arn}"] } },
          }),
        },
      },
      aws_rolesanywhere_profile: { Profile: { name: "dc-ingest", enabled: true, role_arns: ["${aws_iam_role.Ingest.arn}"], duration_seconds: 3600 } },
      aws_vpc_endpoint: {
        Gateway: { vpc_id: "v", service_name: "com.amazonaws.eu-south-2.s3", vpc_endpoint_type: "Gateway" },
        Kms: { vpc_id: "v", service_name: "com.amazonaws.eu-south-2.kms", vpc_endpoint_type: "Interface" },
        Datacenter: { vpc_id: "v", service_name: "com.amazonaws.eu-south-2.s3", vpc_endpoint_type: "Interface", private_dns_enabled: false },
        ...moreEndpoints,
      },
    },
    {
      output: {
        "trust-anchor-arn": { value: "${aws_rolesanywhere_trust_anchor.Anchor.arn}" },
        "profile-arn": { value: "${aws_rolesanywhere_profile.Profile.arn}" },
        "dc-s3-endpoint-dns-name": { value: '${trimprefix(aws_vpc_endpoint.Datacenter.dns_entry[0].dns_name, "*.")}' },
      },
    },
  );
}

describe("collectAwsPolicies", () => {
  const app = twoStackApp();
  const model = collect(app);
  const keyName = (stackName: string, id: string) => Object.keys(app[stackName].resource!.aws_kms_key).find((k) => k.startsWith(id))!;

  test("a bucket's ARN comes from its name, its region from its stack's provider", () => {
    expect(model.bucket("shared-data")).toMatchObject({ stack: "producer", arn: "arn:aws:s3:::shared-data", region: "eu-north-1" });
    expect(model.bucket("arn:aws:s3:::own-data/some/object")).toMatchObject({ stack: "consumer", name: "own-data", region: "eu-south-2" });
  });

  test("a key's ARN has its stack's region, the custody account and an id that is stable and distinct per key", () => {
    const shared = keyName("producer", "SharedKey");
    const other = keyName("producer", "OtherKey");
    expect(model.keys.map((k) => k.arn).sort()).toEqual(
      [
        `arn:aws:kms:eu-north-1:${ACCOUNT}:key/${fakeKeyId("producer", shared)}`,
        `arn:aws:kms:eu-north-1:${ACCOUNT}:key/${fakeKeyId("producer", other)}`,
        `arn:aws:kms:eu-south-2:${ACCOUNT}:key/${fakeKeyId("consumer", keyName("consumer", "OwnKey"))}`,
      ].sort(),
    );
    expect(fakeKeyId("producer", shared)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(fakeKeyId("producer", shared)).not.toBe(fakeKeyId("producer", other));
    expect(collect(twoStackApp()).keys.map((k) => k.arn)).toEqual(model.keys.map((k) => k.arn));
  });

  test("a role's ARN comes from its name; its inline and attached policies are collected with every reference resolved", () => {
    const role = model.role(`arn:aws:iam::${ACCOUNT}:role/consumer-reader`);
    const sharedKey = `arn:aws:kms:eu-north-1:${ACCOUNT}:key/${fakeKeyId("producer", keyName("producer", "SharedKey"))}`;
    expect(role.policies.map((p) => p.document.Statement)).toEqual([
      [
        { Sid: "Read", Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::shared-data/*" },
        { Sid: "Decrypt", Effect: "Allow", Action: "kms:Decrypt", Resource: sharedKey },
      ],
      [{ Effect: "Allow", Action: "s3:ListBucket", Resource: "arn:aws:s3:::shared-data" }],
    ]);
    expect(role.trustPolicy.Statement).toEqual([{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "sts:AssumeRole" }]);
  });

  test("cross-stack references are resolved through the producing stack's outputs", () => {
    // GIVEN the consumer's policy as synth wrote it: it reads the producer's bucket and key from remote state
    const raw = Object.values(app.consumer.resource!.aws_iam_role_policy)[0].policy as string;
    expect(raw).toMatch(/\$\{data\.terraform_remote_state\.cross-stack-reference-input-producer\.outputs\.[^}]+\}\/\*/);
    // THEN the collected policy names the producer's concrete ARNs (previous test), and so does an output read directly
    const output = Object.keys(app.producer.output!).find((o) => o.includes("aws_s3_bucket"))!;
    expect(model.output("producer", output)).toBe("arn:aws:s3:::shared-data");
  });

  test("bucket and key policies and a bucket's default encryption are collected, references resolved", () => {
    const roleArn = `arn:aws:iam::${ACCOUNT}:role/consumer-reader`;
    const own = model.bucket("own-data");
    expect(own.policy!.Statement).toEqual([{ Sid: "ReaderOnly", Effect: "Allow", Principal: { AWS: roleArn }, Action: "s3:GetObject", Resource: "arn:aws:s3:::own-data/*" }]);
    const ownKey = model.keys.find((k) => k.stack === "consumer")!;
    expect(ownKey.policy.Statement).toEqual([{ Sid: "Use", Effect: "Allow", Principal: { AWS: roleArn }, Action: "kms:Decrypt", Resource: "*" }]);
    expect(own.defaultEncryption).toEqual({ algorithm: "aws:kms", keyArn: ownKey.arn, bucketKeyEnabled: true });
    // A key without a policy gets KMS's default key policy, which lets IAM policies grant its use.
    expect(model.keys.find((k) => k.stack === "producer")!.policy.Statement).toEqual([
      { Sid: "Enable IAM User Permissions", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "kms:*", Resource: "*" },
    ]);
  });

  test("the partition of every ARN follows the region", () => {
    const eusc = collect({ sovereign: { provider: { aws: [{ region: "eusc-de-east-1" }] }, resource: { aws_s3_bucket: { B: { bucket: "souverain" } }, aws_kms_key: { K: {} } } } });
    expect(eusc.bucket("souverain").arn).toBe("arn:aws-eusc:s3:::souverain");
    expect(eusc.keys[0].arn).toBe(`arn:aws-eusc:kms:eusc-de-east-1:${ACCOUNT}:key/${fakeKeyId("sovereign", "K")}`);
  });

  test("an aliased provider gives its resources its own region; Terraform's $${ escape stays literal", () => {
    const model2 = collect({
      s: stack(
        { aws_s3_bucket: { B: { bucket: "far-away", provider: "aws.far" } }, aws_s3_bucket_policy: { P: { bucket: "${aws_s3_bucket.B.bucket}", policy: policy({ Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "$${literal}" }) } } },
        { provider: { aws: [{ region: "eu-south-2" }, { alias: "far", region: "ap-southeast-2" }] } },
      ),
    });
    expect(model2.bucket("far-away").region).toBe("ap-southeast-2");
    expect(model2.bucket("far-away").policy!.Statement).toEqual([{ Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "${literal}" }]);
  });

  describe("IAM Roles Anywhere and VPC endpoints", () => {
    const anchorArn = `arn:aws:rolesanywhere:eu-south-2:${ACCOUNT}:trust-anchor/${fakeKeyId("s", "Anchor")}`;
    const ingest = collect({ s: ingestStack() });

    test("a trust anchor's and a profile's ARNs are stand-ins like a key's; the CA certificate, the profile's roles and the role's trust policy are collected, references resolved", () => {
      expect(ingest.trustAnchors).toEqual([
        { stack: "s", address: "aws_rolesanywhere_trust_anchor.Anchor", name: "dc-ingest", arn: anchorArn, region: "eu-south-2", enabled: true, sourceType: "CERTIFICATE_BUNDLE", certificatePem: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n" },
      ]);
      const profileArn = `arn:aws:rolesanywhere:eu-south-2:${ACCOUNT}:profile/${fakeKeyId("s", "Profile")}`;
      expect(ingest.profiles).toEqual([
        { stack: "s", address: "aws_rolesanywhere_profile.Profile", name: "dc-ingest", arn: profileArn, region: "eu-south-2", enabled: true, roleArns: [`arn:aws:iam::${ACCOUNT}:role/dc-ingest`], durationSeconds: 3600 },
      ]);
      expect(ingest.trustAnchor(ingest.output("s", "trust-anchor-arn"))).toBe(ingest.trustAnchors[0]);
      expect(ingest.profile(ingest.output("s", "profile-arn"))).toBe(ingest.profiles[0]);
      expect(ingest.role(`arn:aws:iam::${ACCOUNT}:role/dc-ingest`).trustPolicy.Statement).toEqual([expect.objectContaining({ Condition: { ArnEquals: { "aws:SourceArn": [anchorArn] } } })]);
      expect(fakeKeyId("s", "Anchor")).not.toBe(fakeKeyId("s", "Profile"));
      expect(() => ingest.trustAnchor(`arn:aws:rolesanywhere:eu-south-2:${ACCOUNT}:trust-anchor/ghost`)).toThrow(/^no trust anchor '.*ghost' in the synthesized stacks \(have: arn:aws:rolesanywhere:eu-south-2:123456789012:trust-anchor\/[0-9a-f-]+ \(s aws_rolesanywhere_trust_anchor\.Anchor\)\)$/);
    });

    test("an endpoint is chosen by type; without one, a service's only endpoint, or its gateway endpoint where it also has interface endpoints", () => {
      expect(ingest.endpoint("s", "s3").address).toBe("aws_vpc_endpoint.Gateway");
      expect(ingest.endpoint("s", "s3", "Gateway").address).toBe("aws_vpc_endpoint.Gateway");
      expect(ingest.endpoint("s", "s3", "Interface").address).toBe("aws_vpc_endpoint.Datacenter");
      expect(ingest.endpoint("s", "kms").address).toBe("aws_vpc_endpoint.Kms");
      expect(ingest.endpoint("s", "s3", "Interface").id).toMatch(/^vpce-[0-9a-f]{17}$/);
      expect(ingest.endpoint("s", "s3", "Interface").id).not.toBe(ingest.endpoint("s", "s3").id);
      expect(() => ingest.endpoint("s", "kms", "Gateway")).toThrow(
        "no Gateway 'kms' endpoint in stack 's' in the synthesized stacks (have: s/s3 Gateway (aws_vpc_endpoint.Gateway), s/kms Interface (aws_vpc_endpoint.Kms), s/s3 Interface (aws_vpc_endpoint.Datacenter))",
      );
      const two = collect({ s: ingestStack({ Second: { service_name: "com.amazonaws.eu-south-2.s3", vpc_endpoint_type: "Interface", vpc_id: "v" } }) });
      expect(() => two.endpoint("s", "s3", "Interface")).toThrow(/^2 matches for Interface 's3' endpoint in stack 's': /);
    });

    test("the endpoint an output's expression names is found (what a client told that output reaches)", () => {
      expect(ingest.endpointOfOutput("s", "dc-s3-endpoint-dns-name")).toBe(ingest.endpoint("s", "s3", "Interface"));
      expect(() => ingest.endpointOfOutput("s", "trust-anchor-arn")).toThrow(/^output 'trust-anchor-arn' of stack 's' must name exactly one aws_vpc_endpoint, got 0 in/);
      expect(() => ingest.endpointOfOutput("s", "nope")).toThrow(/stack 's' has no string output 'nope' \(have: /);
    });
  });

  describe("fails loudly", () => {
    const withPolicy = (resource: string) => ({
      aws_iam_role: { R: { name: "r", assume_role_policy: policy({ Effect: "Allow", Principal: { AWS: ACCOUNT }, Action: "sts:AssumeRole" }) } },
      aws_iam_role_policy: { P: { role: "${aws_iam_role.R.name}", policy: policy({ Effect: "Allow", Action: "s3:GetObject", Resource: resource }) } },
    });

    test("on a reference to a resource the stack does not have", () => {
      expect(() => collect({ s: stack(withPolicy("${aws_s3_bucket.Missing.arn}/*")) })).toThrow(
        /^s: aws_iam_role_policy\.P\.policy \(reference '\$\{aws_s3_bucket\.Missing\.arn\}' in stack 's'\): stack 's' has no resource aws_s3_bucket\.Missing$/,
      );
    });

    test("on a reference to a resource type or attribute it does not resolve", () => {
      expect(() => collect({ s: stack({ ...withPolicy("${aws_sqs_queue.Q.arn}"), aws_sqs_queue: { Q: { name: "q" } } }) })).toThrow(/the adapter does not resolve references to aws_sqs_queue$/);
      expect(() => collect({ s: stack({ ...withPolicy("${aws_s3_bucket.B.bucket_domain_name}"), aws_s3_bucket: { B: { bucket: "b" } } }) })).toThrow(
        /the adapter does not resolve attribute 'bucket_domain_name' of aws_s3_bucket$/,
      );
    });

    test("on a Terraform expression that is not a plain reference", () => {
      expect(() => collect({ s: stack(withPolicy("${element(var.arns, 0)}")) })).toThrow(/\(reference '\$\{element\(var\.arns, 0\)\}' in stack 's'\): unsupported Terraform expression \(only plain references resolve\)$/);
      expect(() => collect({ s: stack(withPolicy("${jsonencode({a = 1})}")) })).toThrow(/^s: aws_iam_role_policy\.P\.policy: unsupported Terraform expression in '.*jsonencode/);
    });

    test("on a cross-stack reference to an output or a stack that does not exist", () => {
      const remote = (name: string) => ({ data: { terraform_remote_state: { [`cross-stack-reference-input-${name}`]: { backend: "local" } } } });
      expect(() =>
        collect({
          producer: stack({}, { output: {} }),
          s: stack(withPolicy("${data.terraform_remote_state.cross-stack-reference-input-producer.outputs.nope}"), remote("producer")),
        }),
      ).toThrow(/stack 'producer' has no output 'nope'$/);
      expect(() => collect({ s: stack(withPolicy("${data.terraform_remote_state.cross-stack-reference-input-ghost.outputs.x}"), remote("ghost")) })).toThrow(
        /no stack 'ghost' in this app \(have: s\)$/,
      );
    });

    test("on a bucket whose name is only known after apply", () => {
      expect(() => collect({ s: stack({ aws_s3_bucket: { B: { bucket_prefix: "b-" } } }) })).toThrow(/no literal 'bucket' name \(bucket_prefix is not resolvable before apply\)$/);
    });

    test("on a policy attached to a role, or a bucket policy on a bucket, that no stack creates", () => {
      expect(() => collect({ s: stack({ aws_iam_role_policy: { P: { role: "ghost", policy: policy({ Effect: "Allow", Action: "s3:*", Resource: "*" }) } } }) })).toThrow(
        /^s: aws_iam_role_policy\.P: names role 'ghost', which no synthesized stack creates$/,
      );
      expect(() => collect({ s: stack({ aws_s3_bucket_policy: { P: { bucket: "ghost", policy: policy({ Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "*" }) } } }) })).toThrow(
        /^s: aws_s3_bucket_policy\.P: names bucket 'ghost', which no synthesized stack creates$/,
      );
    });

    test("on an attached AWS managed policy, whose text is not in the synth", () => {
      const resources = {
        ...withPolicy("*"),
        aws_iam_role_policy_attachment: { A: { role: "${aws_iam_role.R.name}", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" } },
      };
      expect(() => collect({ s: stack(resources) })).toThrow(/attaches 'arn:aws:iam::aws:policy\/AdministratorAccess', which no synthesized stack creates \(an AWS managed policy\?\)/);
    });

    test("on a resource or a role setting that can change access but is not modelled", () => {
      expect(() => collect({ s: stack({ aws_kms_grant: { G: { key_id: "k", grantee_principal: "arn:aws:iam::123456789012:role/x", operations: ["Decrypt"] } } }) })).toThrow(
        /^s: aws_kms_grant\.G: the adapter does not model aws_kms_grant, which can grant access/,
      );
      const bounded = withPolicy("*");
      bounded.aws_iam_role.R = { ...bounded.aws_iam_role.R, permissions_boundary: "arn:aws:iam::123456789012:policy/boundary" } as typeof bounded.aws_iam_role.R;
      expect(() => collect({ s: stack(bounded) })).toThrow(/^s: aws_iam_role\.R: has a permissions boundary, which the adapter does not model/);
    });

    test("on a Roles Anywhere profile that narrows its sessions (not modelled)", () => {
      const narrowed = ingestStack();
      (narrowed.resource!.aws_rolesanywhere_profile.Profile as Block).session_policy = policy({ Effect: "Allow", Action: "s3:PutObject", Resource: "*" });
      expect(() => collect({ s: narrowed })).toThrow(/^s: aws_rolesanywhere_profile\.Profile: sets session_policy, which narrows every session the profile hands out; the adapter does not model it$/);
    });

    test("on a stack that deploys into another account than the custody account", () => {
      expect(() => collect({ s: { provider: { aws: [{ region: "eu-south-2", allowed_account_ids: ["210987654321"] }] }, resource: { aws_s3_bucket: { B: { bucket: "b" } } } } })).toThrow(
        /stack 's' deploys only into 210987654321, not the custody account 123456789012$/,
      );
    });
  });
});

describe("request contexts", () => {
  const caller = externalCaller(`arn:aws:iam::${ACCOUNT}:role/writer`);

  test("an S3 request carries the encryption condition keys only when the client sends the headers", () => {
    const plain = s3RequestContext(caller, "eu-south-2", ACCOUNT);
    expect(Object.keys(plain).filter((k) => k.startsWith("s3:x-amz-"))).toEqual([]);
    expect(plain).toMatchObject({
      "aws:PrincipalArn": caller.arn,
      "aws:PrincipalAccount": ACCOUNT,
      "aws:PrincipalType": "AssumedRole",
      "aws:SecureTransport": "true",
      "s3:TlsVersion": "1.3",
      "aws:RequestedRegion": "eu-south-2",
    });
    const kms = s3RequestContext(caller, "eu-south-2", ACCOUNT, { sse: "aws:kms", sseKmsKeyId: "arn:aws:kms:eu-south-2:123456789012:key/k" });
    expect(kms).toMatchObject({ "s3:x-amz-server-side-encryption": "aws:kms", "s3:x-amz-server-side-encryption-aws-kms-key-id": "arn:aws:kms:eu-south-2:123456789012:key/k" });
    expect(Object.keys(s3RequestContext(caller, "eu-south-2", ACCOUNT, { sse: "aws:kms" }))).not.toContain("s3:x-amz-server-side-encryption-aws-kms-key-id");
    const cleartext = s3RequestContext(caller, "eu-south-2", ACCOUNT, { secureTransport: false });
    expect(cleartext["aws:SecureTransport"]).toBe("false");
    expect(cleartext).not.toHaveProperty("s3:TlsVersion");
  });

  test("a KMS call S3 makes for a caller names S3 in the bucket's region and the caller's account", () => {
    expect(kmsViaS3Context(externalCaller(`arn:aws:iam::210987654321:user/someone`), "ap-southeast-2", ACCOUNT)).toMatchObject({
      "kms:ViaService": "s3.ap-southeast-2.amazonaws.com",
      "kms:CallerAccount": "210987654321",
      "aws:PrincipalArn": "arn:aws:iam::210987654321:user/someone",
      "aws:PrincipalAccount": "210987654321",
      "aws:PrincipalType": "User",
      "aws:ViaAWSService": "true",
    });
  });
});

describe("AwsAccess", () => {
  const bucketWith = (...statements: Block[]) =>
    new AwsAccess(collect({ s: stack({ aws_s3_bucket: { B: { bucket: "b" } }, aws_s3_bucket_policy: { P: { bucket: "b", policy: policy(...statements) } } }) }));
  const writer = externalCaller(`arn:aws:iam::${ACCOUNT}:role/writer`);
  const denyUnless = (operator: string, extra: Block = {}) => ({
    Sid: "DenyOtherEncryption",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:PutObject",
    Resource: "arn:aws:s3:::b/*",
    Condition: { [operator]: { "s3:x-amz-server-side-encryption": "aws:kms" }, ...extra },
  });

  test("decides conditions as IAM does: a negated operator matches an absent header, unless Null requires the header", async () => {
    // StringNotEqualsIfExists and StringNotEquals both match when the header is absent, so the deny refuses a default upload.
    for (const operator of ["StringNotEqualsIfExists", "StringNotEquals"]) {
      const step = await bucketWith(denyUnless(operator)).s3(writer, "s3:PutObject", "arn:aws:s3:::b/o");
      expect(step).toMatchObject({ decision: "ExplicitlyDenied", deniedBy: ["resource"], denyingStatements: ["resource:DenyOtherEncryption"] });
    }
    const guarded = bucketWith(denyUnless("StringNotEquals", { Null: { "s3:x-amz-server-side-encryption": "false" } }));
    expect((await guarded.s3(writer, "s3:PutObject", "arn:aws:s3:::b/o")).decision).toBe("Allowed");
    expect((await guarded.s3(writer, "s3:PutObject", "arn:aws:s3:::b/o", { sse: "AES256" })).decision).toBe("ExplicitlyDenied");
  });

  test("decides who may assume a role by its trust policy: a service principal for the trust anchor it names, nobody else, not even an administrator of the account", async () => {
    const model = collect({ s: ingestStack() });
    const access = new AwsAccess(model);
    const role = `arn:aws:iam::${ACCOUNT}:role/dc-ingest`;
    const anchor = model.trustAnchors[0].arn;
    const from = (sourceArn: string) => ({ "aws:SourceArn": sourceArn, "aws:SourceAccount": ACCOUNT });
    for (const action of ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"]) {
      expect((await access.decideAsService("rolesanywhere.amazonaws.com", action, role, "eu-south-2", from(anchor))).decision).toBe("Allowed");
    }
    expect((await access.decideAsService("rolesanywhere.amazonaws.com", "sts:AssumeRole", role, "eu-south-2", from(`${anchor}0`))).decision).toBe("ImplicitlyDenied");
    expect((await access.decideAsService("rolesanywhere.amazonaws.com", "sts:AssumeRole", role, "eu-south-2")).decision).toBe("ImplicitlyDenied");
    expect((await access.decideAsService("ec2.amazonaws.com", "sts:AssumeRole", role, "eu-south-2", from(anchor))).decision).toBe("ImplicitlyDenied");
    const admin = externalCaller(`arn:aws:iam::${ACCOUNT}:role/admin`);
    expect((await access.assumeRole(admin, role, "eu-south-2")).decision).toBe("ImplicitlyDenied");
    // The same administrator may, once the trust policy names the account: the evaluator does allow when it should.
    const open = ingestStack();
    (open.resource!.aws_iam_role.Ingest as Block).assume_role_policy = policy({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "sts:AssumeRole" });
    expect((await new AwsAccess(collect({ s: open })).assumeRole(admin, role, "eu-south-2")).decision).toBe("Allowed");
    expect(serviceContext("rolesanywhere.amazonaws.com", "eu-south-2", from(anchor))).toEqual({
      "aws:PrincipalIsAWSService": "true",
      "aws:PrincipalServiceName": "rolesanywhere.amazonaws.com",
      "aws:SecureTransport": "true",
      "aws:RequestedRegion": "eu-south-2",
      "aws:SourceArn": anchor,
      "aws:SourceAccount": ACCOUNT,
    });
  });

  test("refuses what the evaluator cannot decide faithfully instead of guessing", async () => {
    const access = bucketWith({ Sid: "X", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "arn:aws:s3:::b/*", Condition: { Bool: { "aws:SecureTransport": "false" } } });
    await expect(access.decide(writer, "s3:PutObject", "arn:aws:s3:::b/o", { "s3:x-amz-not-a-key": "1" })).rejects.toThrow(/ignored context keys s3:x-amz-not-a-key for s3:PutObject/);
    await expect(access.decide(writer, "s3:NotAnAction", "arn:aws:s3:::b/o", {})).rejects.toThrow(/the evaluator refused s3:NotAnAction on arn:aws:s3:::b\/o: .*invalid\.action/);
    await expect(access.decide(writer, "sqs:SendMessage", "arn:aws:sqs:eu-south-2:123456789012:q", {})).rejects.toThrow(/decides s3, kms and sts actions only/);
    const contextual = externalCaller(writer.arn, [
      { name: "ctx", document: { Statement: [{ Effect: "Allow", Action: "s3:PutObject", Resource: "*", Condition: { StringEquals: { "kms:EncryptionContext:aws:s3:arn": "x" } } }] } },
    ]);
    await expect(access.s3(contextual, "s3:PutObject", "arn:aws:s3:::b/o")).rejects.toThrow(/conditions on kms:EncryptionContext:aws:s3:arn, which the evaluator cannot represent/);
    await expect(access.s3(writer, "s3:GetObject", "arn:aws:s3:::ghost/o")).rejects.toThrow(/no bucket 'arn:aws:s3:::ghost\/o' in the synthesized stacks/);
  });
});
