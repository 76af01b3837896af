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

export interface NetworkProps {
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
 * A site's private network: a VPC with private subnets only (no internet or NAT gateway, no
 * public IPs), a default security group that allows nothing, an S3 gateway
 * endpoint and KMS/STS interface endpoints whose policies admit only the custody account, and
 * flow logs of all traffic to the site's protected log bucket.
 */
export class Network extends Construct {
  public readonly resource: Vpc;
  public readonly vpcId: string;
  public readonly subnetIds: string[];
  public readonly endpointSecurityGroup: SecurityGroup;

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
      description: "HTTPS from inside the site to its private AWS service endpoints",
      ingress: [{ description: "HTTPS from the site's address space", protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: [props.cidr] }],
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
      // Delivery is admitted by the log bucket's policy: create the flow log after it.
      dependsOn: props.logBucket.deliveryDependency ? [props.logBucket.deliveryDependency] : [],
    });
  }
}
