import { DataAwsAvailabilityZones } from "@cdktf/provider-aws/lib/data-aws-availability-zones";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { Fn, Token } from "cdktf";
import { Construct } from "constructs";
import type { AwsCustody } from "./custody";
import type { ILogBucket } from "./log-bucket";
import { renderPolicy } from "./policy-document";

/** How a site's Network is built. */
export interface NetworkProps {
  /** The owning state's account: endpoint policies admit its principals only. */
  readonly custody: AwsCustody;
  /** The site's private address space (RFC 1918), e.g. `10.30.0.0/16`. */
  readonly cidr: string;
  /** The region, for endpoint service names. */
  readonly region: string;
  /** Where VPC flow logs go (under `flow/`). */
  readonly logBucket: ILogBucket;
  /**
   * Availability zones to spread private subnets over.
   * @default 2
   */
  readonly zones?: number;
  /**
   * Interface endpoints to create besides the S3 gateway endpoint, as service short names.
   * KMS and STS are always included.
   * @default - kms and sts only
   */
  readonly extraInterfaceEndpoints?: readonly string[];
}

const ALWAYS_INTERFACE_ENDPOINTS = ["kms", "sts"] as const;

/**
 * The characters EC2 accepts in a security group's description and in a rule's description.
 * The provider refuses any other rule description at plan (hashicorp/terraform-provider-aws,
 * internal/service/ec2/validate.go, validSecurityGroupRuleDescription, used by the ingress and
 * egress blocks of internal/service/ec2/vpc_security_group.go); a group description is checked
 * only for length there, and refused by EC2 at apply (EC2 API reference, CreateSecurityGroup,
 * GroupDescription: "a-z, A-Z, 0-9, spaces, and ._-:/()#,@[]+=&;{}!$*", up to 255 characters).
 */
const EC2_DESCRIPTION = /^[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]{0,255}$/;

/** `text` when EC2 and the provider accept it as a description; throws (naming it) otherwise. */
function ec2Description(text: string, what: string): string {
  if (!Token.isUnresolved(text) && !EC2_DESCRIPTION.test(text)) {
    throw new Error(`${what} must be at most 255 characters of a-z, A-Z, 0-9, spaces and ._-:/()#,@[]+=&;{}!$*, got '${text}'`);
  }
  return text;
}

/**
 * A site's private network: a VPC with private subnets only (no internet or NAT gateway, no
 * public IPs), a default security group that allows nothing, an S3 gateway
 * endpoint and KMS/STS interface endpoints whose policies admit only the custody account, and
 * flow logs of all traffic to the site's protected log bucket.
 *
 * No network ACL is managed: the VPC's default ACL stays as AWS creates it. An ACL limited to the
 * site's own range would cut the S3 gateway endpoint, whose traffic goes to S3's public address
 * ranges, and ACL rules cannot name the S3 prefix list ("You can't reference prefix lists in
 * network ACL rules", Amazon VPC PrivateLink guide, "Gateway endpoints for Amazon S3",
 * Considerations); listing S3's ranges by hand would break silently whenever AWS changes them.
 * The isolation is made by the route table (no route out but the S3 endpoint), the security
 * groups and the endpoint policies.
 */
export class Network extends Construct {
  /** The VPC. */
  public readonly resource: Vpc;
  /** The id of the VPC. */
  public readonly vpcId: string;
  /** The ids of the private subnets, one per availability zone. */
  public readonly subnetIds: string[];
  /** The security group of the interface endpoints: HTTPS from the site's address space only. */
  public readonly endpointSecurityGroup: SecurityGroup;
  /** The route tables of the private subnets (a VPN gateway propagates its routes into them). */
  public readonly privateRouteTableIds: string[];

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const zones = props.zones ?? 2;
    if (!Token.isUnresolved(zones) && (zones < 2 || zones > 4)) {
      throw new Error(`zones must be from 2 to 4 (a site spans at least two availability zones), got ${zones}`);
    }
    this.resource = new Vpc(this, "Resource", {
      cidrBlock: props.cidr,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      instanceTenancy: "default",
    });
    this.vpcId = this.resource.id;

    new DefaultSecurityGroup(this, "DefaultSecurityGroup", { vpcId: this.vpcId, ingress: [], egress: [] });

    // An allowlist of zone names keeps the set (and so each subnet's zone) stable when AWS adds a
    // zone; it lists every letter in use, because not every account is offered every letter.
    const azs = new DataAwsAvailabilityZones(this, "Zones", {
      state: "available",
      filter: [{ name: "zone-name", values: ["a", "b", "c", "d", "e", "f"].map((l) => `${props.region}${l}`) }],
    });
    const newBits = Math.ceil(Math.log2(zones));
    const routes = new RouteTable(this, "PrivateRoutes", { vpcId: this.vpcId });
    this.privateRouteTableIds = [routes.id];
    this.subnetIds = [];
    for (let i = 0; i < zones; i++) {
      const subnet = new Subnet(this, `PrivateSubnet${String.fromCharCode(65 + i)}`, {
        vpcId: this.vpcId,
        cidrBlock: Fn.cidrsubnet(props.cidr, newBits, i),
        availabilityZone: Fn.element(azs.names, i),
        mapPublicIpOnLaunch: false,
        // Two subnets in one zone would silently defeat the zone redundancy: refuse to plan instead.
        lifecycle: {
          precondition: [
            {
              condition: `\${length(${azs.fqn}.names) >= ${zones}}`,
              errorMessage: `region ${props.region} offers this account fewer than ${zones} availability zones`,
            },
          ],
        },
      });
      new RouteTableAssociation(this, `PrivateRoutes${String.fromCharCode(65 + i)}`, { subnetId: subnet.id, routeTableId: routes.id });
      this.subnetIds.push(subnet.id);
    }

    const sameAccount = {
      StringEquals: { "aws:PrincipalAccount": props.custody.accountId, "aws:ResourceAccount": props.custody.accountId },
    };
    new VpcEndpoint(this, "S3Endpoint", {
      vpcId: this.vpcId,
      serviceName: `com.amazonaws.${props.region}.s3`,
      vpcEndpointType: "Gateway",
      routeTableIds: [routes.id],
      policy: renderPolicy([
        { Sid: "CustodyAccountOnly", Effect: "Allow", Principal: "*", Action: "s3:*", Resource: "*", Condition: sameAccount },
      ]),
    });

    this.endpointSecurityGroup = new SecurityGroup(this, "EndpointSecurityGroup", {
      vpcId: this.vpcId,
      description: ec2Description("HTTPS from inside the site to its private AWS service endpoints", "security group description"),
      ingress: [
        {
          description: ec2Description(`HTTPS from the site address space ${props.cidr}`, "ingress rule description"),
          protocol: "tcp",
          fromPort: 443,
          toPort: 443,
          cidrBlocks: [props.cidr],
        },
      ],
      egress: [],
    });
    const services = [...new Set([...ALWAYS_INTERFACE_ENDPOINTS, ...(props.extraInterfaceEndpoints ?? [])])];
    for (const service of services) {
      new VpcEndpoint(this, `${service.charAt(0).toUpperCase()}${service.slice(1)}Endpoint`, {
        vpcId: this.vpcId,
        serviceName: `com.amazonaws.${props.region}.${service}`,
        vpcEndpointType: "Interface",
        privateDnsEnabled: true,
        subnetIds: this.subnetIds,
        securityGroupIds: [this.endpointSecurityGroup.id],
        policy: renderPolicy([
          { Sid: "CustodyAccountOnly", Effect: "Allow", Principal: "*", Action: `${service}:*`, Resource: "*", Condition: { StringEquals: { "aws:PrincipalAccount": props.custody.accountId } } },
        ]),
      });
    }

    new FlowLog(this, "FlowLog", {
      vpcId: this.vpcId,
      trafficType: "ALL",
      logDestinationType: "s3",
      logDestination: `${props.logBucket.bucketArn}/flow/`,
      maxAggregationInterval: 60,
      // The site's network evidence: destroying the flow log (or a change that replaces it) needs a
      // deliberate step (lifting prevent_destroy, or `terraform state rm`), which is intended.
      lifecycle: { preventDestroy: true },
      // Delivery is admitted by the log bucket's policy: create the flow log after it.
      dependsOn: props.logBucket.deliveryDependency ? [props.logBucket.deliveryDependency] : [],
    });
  }
}
