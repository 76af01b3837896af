import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CustomerGateway } from "@cdktf/provider-aws/lib/customer-gateway";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { RolesanywhereProfile } from "@cdktf/provider-aws/lib/rolesanywhere-profile";
import { RolesanywhereTrustAnchor } from "@cdktf/provider-aws/lib/rolesanywhere-trust-anchor";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketObjectLockConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-object-lock-configuration";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { SecurityGroupRule } from "@cdktf/provider-aws/lib/security-group-rule";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpnConnection } from "@cdktf/provider-aws/lib/vpn-connection";
import { VpnGateway } from "@cdktf/provider-aws/lib/vpn-gateway";
import { App, Aspects, TerraformStack } from "cdktf";
import { Network } from "../../../lib/aws/network";
import { OnPremIngest } from "../../../lib/aws/onprem-ingest";
import { SiteVpn } from "../../../lib/aws/site-vpn";
import { CUSTODY } from "../../fixtures";
import { STATE_CA_PEM } from "../../topology/onprem-fixtures";
import { awsSite, checkRule, fullAwsSite, pack } from "../helpers";

const RULE = "EMB-P01";
const EC2 = "(hashicorp/terraform-provider-aws internal/service/ec2/validate.go)";
const S3 = "(hashicorp/terraform-provider-aws internal/service/s3/bucket.go; https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html)";
const SG_CHARS = "allowed: letters, digits, spaces and . _ - : / ( ) # , @ [ ] + = & ; { } ! $ *";
const TRUST = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sts:AssumeRole" }] });

/** A bucket named `name`, as the rule sees it. */
function bucketProblems(name: string): readonly string[] {
  return checkRule(RULE, (s) => new S3Bucket(s, "Bucket", { bucket: name })).problems;
}

describe("EMB-P01 ArgumentsPassAwsProviderValidation", () => {
  test("a site the library builds (stores, log bucket, network, roles, keys) passes every AWS limit", () => {
    const result = checkRule(RULE, (s) => fullAwsSite(s));
    expect(result.findings).toEqual([]);
    expect(result.summary.checked).toBeGreaterThan(20);
    expect(result.summary.compliant).toBe(result.summary.checked);
  });

  test("fails synth when a security group rule description holds an apostrophe, naming the rule, the argument and the value", () => {
    // GIVEN a stack with the endpoint security group as it was written before the apostrophe was removed
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), "embassy-p01-")) });
    const stack = new TerraformStack(app, "site-a");
    new AwsProvider(stack, "aws", { region: "eu-south-2" });
    new SecurityGroup(stack, "Endpoints", {
      description: "HTTPS from inside the site to its private AWS service endpoints",
      ingress: [{ description: "HTTPS from the site's address space", protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.10.0.0/16"] }],
    });
    Aspects.of(stack).add(pack());
    // WHEN it synthesizes THEN synth fails with EMB-P01 and no other rule
    expect(() => app.synth()).toThrow(
      new RegExp(
        String.raw`data embassy policy: 1 error finding \(EMB-P01\); all findings are in .*policy-report\.json\n {2}\[EMB-P01\] site-a/Endpoints \(aws_security_group\): ` +
          String.raw`ingress\[0\]\.description 'HTTPS from the site's address space' has "'"; allowed: letters, digits, spaces and \. _ - : / \( \) # , @ \[ \] \+ = & ; \{ \} ! \$ \* ` +
          String.raw`\(hashicorp/terraform-provider-aws internal/service/ec2/validate\.go\)\. Fix: use a value terraform-provider-aws and the AWS API accept`,
      ),
    );
  });

  test("fails on security group, rule and group descriptions outside EC2's character set or over 255 characters", () => {
    const result = checkRule(RULE, (s) => {
      new SecurityGroup(s, "Group", { description: "Registry's endpoints", egress: [{ description: "to S3 — only", protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.0.0.0/8"] }] });
      new SecurityGroupRule(s, "Rule", { type: "ingress", securityGroupId: "sg-1", protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.0.0.0/8"], description: "x".repeat(256) });
    });
    expect(result.problems).toEqual([
      `description 'Registry's endpoints' has "'"; ${SG_CHARS} (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html); egress[0].description 'to S3 — only' has "—"; ${SG_CHARS} ${EC2}`,
      `description '${"x".repeat(256)}' is 256 characters, longer than 255 ${EC2}`,
    ]);
  });

  test("an S3 bucket name passes when it follows the naming rules", () => {
    expect(bucketProblems("jp-embassy-jp-tokyo-koseki-111111111111")).toEqual([]);
    expect(bucketProblems("a.b-c")).toEqual([]);
  });

  test.each([
    ["ab", "bucket 'ab' is 2 characters, shorter than 3"],
    ["x".repeat(64), `bucket '${"x".repeat(64)}' is 64 characters, longer than 63`],
    ["site_Logs", `bucket 'site_Logs' has "_", "L"; allowed: lowercase letters, digits, . and -`],
    ["-logs", "bucket '-logs' must start with a lowercase letter or digit"],
    ["logs.", "bucket 'logs.' must end with a lowercase letter or digit"],
    ["my..bucket", "bucket 'my..bucket' must not contain two adjacent periods"],
    ["192.168.5.4", "bucket '192.168.5.4' must not be formatted as an IP address"],
    ["xn--embassy", "bucket 'xn--embassy' must not start with a prefix S3 reserves (xn--, sthree-, amzn-s3-demo-)"],
    ["embassy-s3alias", "bucket 'embassy-s3alias' must not end with a suffix S3 reserves (-s3alias, --ol-s3, .mrap, --x-s3, --table-s3)"],
  ])("fails on the bucket name '%s'", (name, problem) => {
    expect(bucketProblems(name)).toEqual([`${problem} ${S3}`]);
  });

  test("checks the literal text of a name that holds a reference, and skips a name that is only a reference", () => {
    const long = "x".repeat(63);
    const result = checkRule(RULE, (s) => {
      const source = new S3Bucket(s, "Source", { bucket: "site-source" });
      new S3Bucket(s, "Whole", { bucket: source.bucket });
      // shorter than 3 without its reference, which may make it long enough: not a finding
      new S3Bucket(s, "Short", { bucket: `${source.bucket}-c` });
      new S3Bucket(s, "Underscore", { bucket: `copy_${source.bucket}` });
      new S3Bucket(s, "Long", { bucket: `${source.bucket}-${long}` });
    });
    expect(result.summary).toMatchObject({ checked: 5, nonCompliant: 2 });
    expect(result.problems).toEqual([
      `bucket '\${aws_s3_bucket.Source.bucket}-${long}' is at least 64 characters besides its references, longer than 63 ${S3}`,
      `bucket 'copy_\${aws_s3_bucket.Source.bucket}' has "_"; allowed: lowercase letters, digits, . and - ${S3}`,
    ]);
  });

  test("fails on IAM role and inline policy names, descriptions IAM refuses (an em dash), bad paths and session lengths", () => {
    const result = checkRule(RULE, (s) => {
      const role = new IamRole(s, "Role", {
        name: "registry reader",
        description: "Reads registry copies — never writes",
        path: "/embassy",
        maxSessionDuration: 60,
        assumeRolePolicy: TRUST,
      });
      new IamRolePolicy(s, "Policy", { role: role.name, name: "x".repeat(129), policy: JSON.stringify({ Version: "2012-10-17", Statement: [] }) });
    });
    const iam = "(hashicorp/terraform-provider-aws internal/service/iam/validate.go)";
    const role = "(hashicorp/terraform-provider-aws internal/service/iam/role.go; https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html)";
    expect(result.problems).toEqual([
      `name '${"x".repeat(129)}' is 129 characters, longer than 128 ${iam}`,
      [
        `name 'registry reader' has " "; allowed: letters, digits and _ + = , . @ - ${iam}`,
        `description 'Reads registry copies — never writes' has "—"; allowed: tab, newline and the printable characters of Basic Latin and Latin-1 (U+0020-U+007E, U+00A1-U+00FF) ${role}`,
        `path '/embassy' must be '/' or begin and end with '/', with no spaces or characters above U+007F ${role}`,
        `max_session_duration is 60, not a whole number from 3600 to 43200 ${role}`,
      ].join("; "),
    ]);
  });

  test("fails on KMS alias names without 'alias/' or under 'alias/aws/', and on out-of-range key settings", () => {
    const result = checkRule(RULE, (s) => {
      const key = new KmsKey(s, "Key", { deletionWindowInDays: 30, enableKeyRotation: true, rotationPeriodInDays: 30 });
      new KmsAlias(s, "Bare", { name: "registry-key", targetKeyId: key.keyId });
      new KmsAlias(s, "Reserved", { name: "alias/aws/s3", targetKeyId: key.keyId });
      new KmsAlias(s, "Spaced", { name: `alias/${key.keyId} copy`, targetKeyId: key.keyId });
    });
    const alias = "(hashicorp/terraform-provider-aws internal/service/kms/validate.go; https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html)";
    expect(result.problems).toEqual([
      `name 'registry-key' must start with 'alias/' ${alias}`,
      "rotation_period_in_days is 30, not a whole number from 90 to 2560 (hashicorp/terraform-provider-aws internal/service/kms/key.go)",
      `name 'alias/aws/s3' must not start with 'alias/aws/', which AWS reserves for its own keys ${alias}`,
      `name 'alias/\${aws_kms_key.Key.key_id} copy' has " "; allowed: letters, digits and / _ - ${alias}`,
    ]);
  });

  test("fails on values outside the enums and sets the provider accepts", () => {
    const result = checkRule(RULE, (s) => {
      const vpc = new Vpc(s, "Vpc", { cidrBlock: "10.0.0.0/16", instanceTenancy: "host" });
      new FlowLog(s, "FlowLog", { vpcId: vpc.id, trafficType: "EVERYTHING", logDestinationType: "s3", logDestination: "arn:aws:s3:::logs", maxAggregationInterval: 300 });
      new S3BucketVersioningA(s, "Versioning", { bucket: "b-store", versioningConfiguration: { status: "enabled" } });
      new S3BucketObjectLockConfigurationA(s, "Lock", { bucket: "b-store", rule: { defaultRetention: { mode: "compliance", days: 365 } } });
      new S3BucketServerSideEncryptionConfigurationA(s, "Sse", { bucket: "b-store", rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "kms" } }] });
    });
    expect(result.problems).toEqual([
      "traffic_type is 'EVERYTHING', not one of ACCEPT, ALL, REJECT (hashicorp/terraform-provider-aws internal/service/ec2/vpc_flow_log.go); max_aggregation_interval is 300, not one of 60, 600 (hashicorp/terraform-provider-aws internal/service/ec2/vpc_flow_log.go)",
      "rule.default_retention.mode is 'compliance', not one of COMPLIANCE, GOVERNANCE (https://docs.aws.amazon.com/AmazonS3/latest/API/API_DefaultRetention.html)",
      "rule[0].apply_server_side_encryption_by_default.sse_algorithm is 'kms', not one of AES256, aws:fsx, aws:kms, aws:kms:dsse (hashicorp/terraform-provider-aws internal/service/s3/bucket_server_side_encryption_configuration.go)",
      "versioning_configuration.status is 'enabled', not one of Enabled, Suspended, Disabled (hashicorp/terraform-provider-aws internal/service/s3/bucket_versioning.go; https://docs.aws.amazon.com/AmazonS3/latest/API/API_VersioningConfiguration.html)",
      "instance_tenancy is 'host', not one of default, dedicated (hashicorp/terraform-provider-aws internal/service/ec2/vpc_.go)",
    ]);
  });

  test("the site VPN and the datacenter ingest the library builds pass every AWS limit", () => {
    const result = checkRule(RULE, (s) => {
      const { store, logBucket } = awsSite(s);
      const network = new Network(s, "Network", { custody: CUSTODY, cidr: "10.30.0.0/16", region: "eu-south-2", logBucket });
      const vpn = new SiteVpn(s, "Vpn", { custody: CUSTODY, network, region: "eu-south-2" });
      vpn.connect("odc-noord", { publicIp: "198.51.100.10", bgpAsn: 65010, cidr: "10.40.0.0/16", stores: [store] });
      vpn.connect("odc-zuid", { publicIp: "203.0.113.20", bgpAsn: 4200000001, cidr: "10.41.0.0/16", stores: [store] });
      new OnPremIngest(s, "Ingest", { custody: CUSTODY, name: "nl-embassy-es-embassy-odc-noord-ingest", roleName: "odc-noord-ingest", certificatePem: STATE_CA_PEM, stores: [store] });
    });
    expect(result.findings).toEqual([]);
    // 2 customer gateways, 2 connections, the gateway, the trust anchor and the profile besides the site's own
    expect(result.summary.checked).toBeGreaterThan(30);
    expect(result.summary.compliant).toBe(result.summary.checked);
  });

  test("fails on IAM Roles Anywhere names, source types, oversized certificates and session durations", () => {
    const result = checkRule(RULE, (s) => {
      new RolesanywhereTrustAnchor(s, "Anchor", {
        name: "odc.noord",
        source: { sourceType: "X509_BUNDLE", sourceData: { x509CertificateData: "x".repeat(16001) } },
      });
      new RolesanywhereProfile(s, "Profile", { name: "", durationSeconds: 60, roleArns: [] });
    });
    const api = (page: string) => `(https://docs.aws.amazon.com/rolesanywhere/latest/APIReference/API_${page}.html)`;
    expect(result.problems).toEqual([
      [
        `name 'odc.noord' has "."; allowed: letters, digits, spaces, _ and - ${api("CreateTrustAnchor")}`,
        "source.source_type is 'X509_BUNDLE', not one of AWS_ACM_PCA, CERTIFICATE_BUNDLE, SELF_SIGNED_REPOSITORY (hashicorp/terraform-provider-aws internal/service/rolesanywhere/trust_anchor.go)",
        `source.source_data.x509_certificate_data '${"x".repeat(16001)}' is 16001 characters, longer than 16000 ${api("SourceData")}`,
      ].join("; "),
      [`name '' is 0 characters, shorter than 1 ${api("CreateProfile")}`, `duration_seconds is 60, not a whole number from 900 to 43200 ${api("CreateProfile")}`].join("; "),
    ]);
  });

  test("fails on a customer gateway ASN or address AWS refuses, and on an Amazon-side ASN outside the private ranges", () => {
    const result = checkRule(RULE, (s) => {
      new CustomerGateway(s, "Narrow", { type: "ipsec.1", bgpAsn: "4200000001", ipAddress: "198.51.100.300" });
      new CustomerGateway(s, "Wide", { type: "ipsec.2", bgpAsnExtended: "65010", ipAddress: "${var.device_ip}", deviceName: "" });
      new VpnGateway(s, "Public", { amazonSideAsn: "65535" });
      new VpnGateway(s, "Legacy", { amazonSideAsn: "7224" });
      new VpnGateway(s, "Long", { amazonSideAsn: "4294967294" });
    });
    const cgw =
      "(hashicorp/terraform-provider-aws internal/service/ec2/vpnsite_customer_gateway.go; https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateCustomerGateway.html)";
    expect(result.summary).toMatchObject({ checked: 5, nonCompliant: 3 });
    expect(result.problems).toEqual([
      [`bgp_asn is 4200000001, not a whole number from 1 to 2147483647 ${cgw}`, `ip_address '198.51.100.300' is not an IPv4 address such as 198.51.100.10 ${cgw}`].join("; "),
      "amazon_side_asn is 65535, not a whole number from 64512 to 65534 or from 4200000000 to 4294967294 (or 7224, 9059, 10124, 17493) (hashicorp/terraform-provider-aws internal/service/ec2/vpnsite_gateway.go; hashicorp/terraform-provider-aws internal/verify/validate.go)",
      [`type is 'ipsec.2', not one of ipsec.1 ${cgw}`, `bgp_asn_extended is 65010, not a whole number from 2147483648 to 4294967295 ${cgw}`, `device_name '' is 0 characters, shorter than 1 ${cgw}`].join("; "),
    ]);
  });

  test("fails on VPN tunnel options outside the provider's and EC2's sets, never showing a pre-shared key", () => {
    const result = checkRule(RULE, (s) =>
      new VpnConnection(s, "Connection", {
        customerGatewayId: "cgw-1",
        vpnGatewayId: "vgw-1",
        type: "ipsec.2",
        tunnel1IkeVersions: ["ikev2", "ikev3"],
        tunnel1Phase1EncryptionAlgorithms: ["AES256-GCM-16", "3DES"],
        tunnel1Phase1DhGroupNumbers: [20, 5],
        tunnel1Phase2DhGroupNumbers: [5, 1],
        tunnel1Phase2LifetimeSeconds: 28800,
        tunnel1DpdTimeoutSeconds: 10,
        tunnel1PresharedKey: "0-secret-key",
        tunnel2StartupAction: "initiate",
        tunnel2Phase2IntegrityAlgorithms: ["SHA2-256", "MD5"],
      }),
    );
    const vpn = "(hashicorp/terraform-provider-aws internal/service/ec2/vpnsite_connection.go; hashicorp/terraform-provider-aws internal/service/ec2/consts.go)";
    const options = "(https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_VpnTunnelOptionsSpecification.html)";
    expect(result.problems).toEqual([
      [
        `type is 'ipsec.2', not one of ipsec.1, ipsec.1-aes256 ${vpn}`,
        `tunnel1_ike_versions[1] is 'ikev3', not one of ikev1, ikev2 ${vpn}`,
        `tunnel1_phase1_encryption_algorithms[1] is '3DES', not one of AES128, AES256, AES128-GCM-16, AES256-GCM-16 ${vpn}`,
        `tunnel1_phase1_dh_group_numbers[1] is 5, not one of 2, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24 ${options}`,
        `tunnel1_phase2_dh_group_numbers[1] is 1, not one of 2, 5, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24 ${options}`,
        `tunnel1_phase2_lifetime_seconds is 28800, not a whole number from 900 to 3600 ${vpn}`,
        `tunnel1_dpd_timeout_seconds is 10, not a whole number of at least 30 ${vpn}`,
        `tunnel1_preshared_key (sensitive value, not shown) has other characters; allowed: letters, digits, _ and .; tunnel1_preshared_key (sensitive value, not shown) must not start with 0 ${vpn}`,
        `tunnel2_phase2_integrity_algorithms[1] is 'MD5', not one of SHA1, SHA2-256, SHA2-384, SHA2-512 ${vpn}`,
        `tunnel2_startup_action is 'initiate', not one of add, start ${vpn}`,
      ].join("; "),
    ]);
    expect(result.findings[0].message).not.toContain("secret");
  });
});
