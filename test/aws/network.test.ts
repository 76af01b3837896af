import { LogBucket } from "../../lib/aws/log-bucket";
import { Network } from "../../lib/aws/network";
import { CUSTODY, policyOf, resources, synthScope } from "../fixtures";

function network(zones?: number) {
  return synthScope((scope) => {
    const logBucket = new LogBucket(scope, "Logs", { custody: CUSTODY, bucketName: "site-logs" });
    new Network(scope, "Network", { custody: CUSTODY, cidr: "10.30.0.0/16", region: "eu-north-1", logBucket, zones });
  });
}

describe("Network (aws)", () => {
  const synth = network();

  test("a VPC in the site's CIDR with private subnets in two zones and no way to the internet", () => {
    expect(resources(synth, "aws_vpc")).toEqual([expect.objectContaining({ cidr_block: "10.30.0.0/16", enable_dns_support: true })]);
    const subnets = resources(synth, "aws_subnet");
    expect(subnets).toHaveLength(2);
    expect(subnets.map((s) => s.cidr_block)).toEqual(['${cidrsubnet("10.30.0.0/16", 1, 0)}', '${cidrsubnet("10.30.0.0/16", 1, 1)}']);
    expect(subnets.map((s) => s.availability_zone)).toEqual([
      expect.stringMatching(/element\(data\.aws_availability_zones\.Network_Zones_\w+\.names, 0\)/),
      expect.stringMatching(/, 1\)/),
    ]);
    subnets.forEach((s) => expect(s.map_public_ip_on_launch).toBe(false));
    for (const type of ["aws_internet_gateway", "aws_nat_gateway", "aws_egress_only_internet_gateway", "aws_eip", "aws_route"]) {
      expect(resources(synth, type)).toHaveLength(0);
    }
    expect(resources(synth, "aws_route_table")[0].route).toBeUndefined();
  });

  test("zones come from an allowlist of zone names, so a new zone never moves a subnet", () => {
    expect(Object.values(synth.data!.aws_availability_zones)[0].filter).toEqual([
      { name: "zone-name", values: ["a", "b", "c", "d", "e", "f"].map((l) => `eu-north-1${l}`) },
    ]);
  });

  test("the default security group allows nothing", () => {
    expect(resources(synth, "aws_default_security_group")[0]).toMatchObject({ ingress: [], egress: [] });
  });

  test("subnets refuse to plan when the region offers fewer zones than asked", () => {
    for (const subnet of resources(synth, "aws_subnet")) {
      expect(subnet.lifecycle.precondition).toEqual([
        { condition: expect.stringMatching(/^\$\{length\(data\.aws_availability_zones\.Network_Zones_\w+\.names\) >= 2\}$/), error_message: "region eu-north-1 offers this account fewer than 2 availability zones" },
      ]);
    }
  });

  test("S3 gateway endpoint and KMS/STS interface endpoints admit only the custody account", () => {
    const endpoints = resources(synth, "aws_vpc_endpoint").sort((a, b) => a.service_name.localeCompare(b.service_name));
    expect(endpoints.map((e) => [e.service_name, e.vpc_endpoint_type])).toEqual([
      ["com.amazonaws.eu-north-1.kms", "Interface"],
      ["com.amazonaws.eu-north-1.s3", "Gateway"],
      ["com.amazonaws.eu-north-1.sts", "Interface"],
    ]);
    endpoints.forEach((e) => expect(policyOf(e.policy).Statement[0].Condition.StringEquals["aws:PrincipalAccount"]).toBe("111111111111"));
    endpoints.filter((e) => e.vpc_endpoint_type === "Interface").forEach((e) => expect(e.private_dns_enabled).toBe(true));
    const [sg] = resources(synth, "aws_security_group");
    expect(sg.ingress).toEqual([expect.objectContaining({ from_port: 443, to_port: 443, protocol: "tcp", cidr_blocks: ["10.30.0.0/16"] })]);
    expect(sg.egress).toEqual([]);
  });

  test("flow logs of all traffic go to the protected log bucket, once its policy admits them", () => {
    expect(resources(synth, "aws_flow_log")[0].depends_on).toEqual([expect.stringMatching(/^aws_s3_bucket_policy\.Logs_Bucket_Policy_\w+$/)]);
    expect(resources(synth, "aws_flow_log")).toEqual([
      expect.objectContaining({ traffic_type: "ALL", log_destination_type: "s3", log_destination: expect.stringMatching(/aws_s3_bucket\.Logs_Bucket_\w+\.arn\}\/flow\/$/) }),
    ]);
  });

  test("the flow log is retained: switching off the network's evidence needs a deliberate step", () => {
    expect(resources(synth, "aws_flow_log").map((f) => f.lifecycle)).toEqual([{ prevent_destroy: true }]);
  });

  test("every security group and rule description is one the provider and EC2 accept", () => {
    // The provider's own rule (hashicorp/terraform-provider-aws, internal/service/ec2/validate.go,
    // validSecurityGroupRuleDescription), which EC2 also applies to a group's description.
    const ec2 = /^[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]*$/;
    const groups = [...resources(synth, "aws_security_group"), ...resources(synth, "aws_default_security_group")];
    const descriptions = groups.flatMap((g) => [g.description, ...[...(g.ingress ?? []), ...(g.egress ?? [])].map((r: any) => r.description)]).filter((d) => d !== undefined);
    expect(descriptions).toEqual(["HTTPS from inside the site to its private AWS service endpoints", "HTTPS from the site address space 10.30.0.0/16"]);
    descriptions.forEach((d) => expect(d).toMatch(ec2));
  });

  test("no network ACL is managed: one limited to the site range would cut the S3 gateway endpoint", () => {
    for (const type of ["aws_network_acl", "aws_default_network_acl", "aws_network_acl_rule"]) expect(resources(synth, type)).toHaveLength(0);
  });

  test("three zones get three subnets", () => {
    expect(resources(network(3), "aws_subnet")).toHaveLength(3);
  });

  test("fails when a description would carry a character EC2 refuses", () => {
    expect(() =>
      synthScope((scope) => {
        const logBucket = new LogBucket(scope, "Logs", { custody: CUSTODY, bucketName: "site-logs" });
        new Network(scope, "Network", { custody: CUSTODY, cidr: "10.30.0.0/16 'x'", region: "eu-north-1", logBucket });
      }),
    ).toThrow("ingress rule description must be at most 255 characters of a-z, A-Z, 0-9, spaces and ._-:/()#,@[]+=&;{}!$*, got 'HTTPS from the site address space 10.30.0.0/16 'x''");
  });

  test("fails when fewer than two zones are asked for", () => {
    expect(() => network(1)).toThrow("zones must be from 2 to 4 (a site spans at least two availability zones), got 1");
  });
});
