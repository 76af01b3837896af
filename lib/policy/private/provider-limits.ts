import { type ArgumentCheck, problemsOf, templateOf, valuesAt } from "./argument-check";
import type { JsonObject } from "./json";

/**
 * What a Terraform provider, or the cloud API behind it, accepts for one argument of one resource
 * type. A value outside it fails `terraform plan` (a schema validator) or `terraform apply` (the
 * API refuses it, often after other resources were already created); the rules EMB-P01 and
 * EMB-P02 fail synth instead.
 */
export interface ArgumentLimit {
  /**
   * Which rule reads the row: `aws` (terraform-provider-aws) or `azure` (azurerm, azapi, and the
   * hashicorp/time resources the Azure constructs use to wait for role assignments).
   */
  readonly cloud: "aws" | "azure";
  /** The Terraform resource type. */
  readonly type: string;
  /** A dotted path below the resource (`ingress.description`); lists on the way are walked element by element. */
  readonly argument: string;
  /** The row applies only when each of these arguments is a literal string matching its pattern. */
  readonly when?: readonly { readonly argument: string; readonly matches: RegExp }[];
  readonly checks: readonly ArgumentCheck[];
  /** The argument holds a secret (a pre-shared key): findings name it and the limit, never the value. */
  readonly sensitive?: boolean;
  /** Where the limit is written: the provider's repository and file, or the cloud's documentation page. */
  readonly source: string;
}

// ---- building blocks ------------------------------------------------------------------------

const length = (min: number, max: number): ArgumentCheck => ({ kind: "length", min, max });
const chars = (allowed: RegExp, describe: string): ArgumentCheck => ({ kind: "chars", allowed, describe });
const pattern = (p: RegExp, describe: string): ArgumentCheck => ({ kind: "pattern", pattern: p, describe });
const forbid = (p: RegExp, describe: string): ArgumentCheck => ({ kind: "forbid", pattern: p, describe });
const oneOf = (...values: (string | number)[]): ArgumentCheck => ({ kind: "oneOf", values });
const range = (min: number, max: number, also?: number[], more?: [number, number][]): ArgumentCheck => ({ kind: "range", min, max, also, more });
/** A whole number of at least `min` (a provider's IntAtLeast). */
const atLeast = (min: number): ArgumentCheck => ({ kind: "range", min, max: Infinity });
const isoDuration = (minDays?: number, maxDays?: number): ArgumentCheck => ({ kind: "isoDuration", minDays, maxDays });

/** Starts with a character of `cls` (a class body such as `A-Za-z0-9`), or with a reference. */
const startsWith = (cls: string, describe: string) => forbid(new RegExp(`^[^${cls}\\u0000]`, "u"), describe);
/** Ends with a character of `cls`, or with a reference. */
const endsWith = (cls: string, describe: string) => forbid(new RegExp(`[^${cls}\\u0000]$`, "u"), describe);

/** Dotted-decimal IPv4, as the provider's validation.IsIPv4Address accepts it (no leading zeros, each part 0-255). */
const IPV4 = pattern(/^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/, "is not an IPv4 address such as 198.51.100.10");
const UUID = pattern(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, "is not a UUID");

// ---- sources --------------------------------------------------------------------------------

const AWS = "hashicorp/terraform-provider-aws";
const AZURERM = "hashicorp/terraform-provider-azurerm";
const AZAPI = "Azure/terraform-provider-azapi";

/**
 * validSecurityGroupRuleDescription: at most 255 characters of
 * `^[A-Za-z0-9 \.\_\-\:\/\(\)\#\,\@\[\]\+\=\&\;\{\}\!\$\*]*$` (the provider quotes
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpRange.html).
 */
const EC2_RULE_DESCRIPTION = `${AWS} internal/service/ec2/validate.go`;
/** CreateSecurityGroup GroupDescription: up to 255 characters, the same character set as rule descriptions. */
const EC2_GROUP_DESCRIPTION = "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html";
/** The rule resources of provider v5+ pass the description to the API unvalidated; the API applies API_IpRange's set. */
const EC2_IP_RANGE = "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpRange.html";
const SG_DESCRIPTION_CHARS = chars(/^[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]$/, "letters, digits, spaces and . _ - : / ( ) # , @ [ ] + = & ; { } ! $ *");

/** The bucket's schema: StringLenBetween(0, 63); validBucketName() at create; and S3's naming rules. */
const S3_BUCKET = `${AWS} internal/service/s3/bucket.go; https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html`;

/** validResourceName(max): StringLenBetween(1, max) and `^[\w+=,.@-]*$`; role names 64, inline policy names 128. */
const IAM_NAME = `${AWS} internal/service/iam/validate.go`;
const IAM_NAME_CHARS = chars(/^[A-Za-z0-9_+=,.@-]$/, "letters, digits and _ + = , . @ -");
/**
 * Role description: the provider's StringLenBetween(0, 1000) and no “ ‘ (internal/service/iam/role.go); IAM's
 * CreateRole pattern `[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*` refuses every other character above U+00FF
 * (an em dash, a curly quote) at apply. Path: 1-512, `/` or `/.../` of U+0021-U+007F.
 */
const IAM_ROLE = `${AWS} internal/service/iam/role.go; https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html`;

/** validNameForResource: `^alias/[0-9A-Za-z_/-]+$`, not `alias/aws/`; CreateAlias: 1-256 characters. */
const KMS_ALIAS = `${AWS} internal/service/kms/validate.go; https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html`;
/** description StringLenBetween(0, 8192), deletion_window_in_days IntBetween(7, 30), rotation_period_in_days IntBetween(90, 2560). */
const KMS_KEY = `${AWS} internal/service/kms/key.go`;

/** traffic_type, log_destination_type (enum LogDestinationType), max_aggregation_interval IntInSlice{60, 600}. */
const FLOW_LOG = `${AWS} internal/service/ec2/vpc_flow_log.go`;
/** instance_tenancy StringInSlice{default, dedicated}. */
const VPC = `${AWS} internal/service/ec2/vpc_.go`;
/** vpc_endpoint_type enum.Validate[VpcEndpointType] (aws-sdk-go-v2 service/ec2/types/enums.go). */
const VPC_ENDPOINT = `${AWS} internal/service/ec2/vpc_endpoint.go`;
/** name StringLenBetween(0, 255) and not `^sg-`. */
const SECURITY_GROUP = `${AWS} internal/service/ec2/vpc_security_group.go`;

/** sse_algorithm enum.Validate[ServerSideEncryption]: AES256, aws:fsx, aws:kms, aws:kms:dsse. */
const S3_SSE = `${AWS} internal/service/s3/bucket_server_side_encryption_configuration.go`;
const S3_OBJECT_LOCK = "https://docs.aws.amazon.com/AmazonS3/latest/API/API_DefaultRetention.html";
/** The API's Enabled | Suspended, and the provider's own Disabled (versioning never enabled). */
const S3_VERSIONING = `${AWS} internal/service/s3/bucket_versioning.go; https://docs.aws.amazon.com/AmazonS3/latest/API/API_VersioningConfiguration.html`;
const S3_OWNERSHIP = "https://docs.aws.amazon.com/AmazonS3/latest/API/API_OwnershipControlsRule.html";
const S3_LIFECYCLE = "https://docs.aws.amazon.com/AmazonS3/latest/API/API_LifecycleRule.html";
const S3_REPLICATION = "https://docs.aws.amazon.com/AmazonS3/latest/API/API_ReplicationRule.html";

/**
 * IAM Roles Anywhere names (trust anchors and profiles): `ResourceName`, 1-255 characters of
 * `[ a-zA-Z0-9-_]` (API reference CreateTrustAnchor and CreateProfile, name; the same shape in
 * boto/botocore botocore/data/rolesanywhere/2018-05-10/service-2.json). The provider passes the name unvalidated.
 */
const ROLES_ANYWHERE_NAME = "https://docs.aws.amazon.com/rolesanywhere/latest/APIReference/API_CreateTrustAnchor.html";
const ROLES_ANYWHERE_NAME_CHARS = chars(/^[ a-zA-Z0-9_-]$/, "letters, digits, spaces, _ and -");
/** source.source_type StringInSlice(TrustAnchorType values): AWS_ACM_PCA, CERTIFICATE_BUNDLE, SELF_SIGNED_REPOSITORY. */
const TRUST_ANCHOR = `${AWS} internal/service/rolesanywhere/trust_anchor.go`;
/**
 * SourceData x509CertificateData: 1-16,000 characters (`SourceDataX509CertificateDataString`, min 1, max 16000, in
 * boto/botocore botocore/data/rolesanywhere/2018-05-10/service-2.json as of botocore 1.43; earlier API versions said 8,000).
 */
const TRUST_ANCHOR_SOURCE = "https://docs.aws.amazon.com/rolesanywhere/latest/APIReference/API_SourceData.html";
/** durationSeconds: "Valid Range: Minimum value of 900. Maximum value of 43200." The provider passes it unvalidated. */
const ROLES_ANYWHERE_PROFILE = "https://docs.aws.amazon.com/rolesanywhere/latest/APIReference/API_CreateProfile.html";

/**
 * bgp_asn and bgp_asn_extended verify.Valid4ByteASN (0-4294967295), then parsed as a 32-bit
 * (bgp_asn) or 64-bit (bgp_asn_extended) integer at create; device_name StringLenBetween(1, 255);
 * ip_address validation.IsIPv4Address; type enum.Validate[GatewayType] (ipsec.1). The API:
 * "BgpAsn ... Valid values: 1 to 2,147,483,647"; "BgpAsnExtended ... Valid values: 2,147,483,648 to
 * 4,294,967,295" (EC2 API reference, CreateCustomerGateway).
 */
const CUSTOMER_GATEWAY = `${AWS} internal/service/ec2/vpnsite_customer_gateway.go; https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateCustomerGateway.html`;
/**
 * amazon_side_asn verify.ValidAmazonSideASN (internal/verify/validate.go): 64512-65534 or
 * 4200000000-4294967294, or one of the legacy 7224, 9059, 10124, 17493.
 */
const VPN_GATEWAY = `${AWS} internal/service/ec2/vpnsite_gateway.go; ${AWS} internal/verify/validate.go`;
/**
 * aws_vpn_connection: type vpnConnectionType_Values (ipsec.1, ipsec.1-aes256), outside_ip_address_type
 * outsideIPAddressType_Values (PrivateIpv4, PublicIpv4), tunnel_inside_ip_version
 * enum.Validate[TunnelInsideIpVersion] (ipv4, ipv6), and per tunnel: ike_versions, phase 1/2 encryption
 * and integrity algorithms, dpd_timeout_action and startup_action against the _Values lists of
 * internal/service/ec2/consts.go; phase1_lifetime_seconds IntBetween(900, 28800),
 * phase2_lifetime_seconds IntBetween(900, 3600), rekey_margin_time_seconds IntBetween(60, 1800),
 * rekey_fuzz_percentage IntBetween(0, 100), replay_window_size IntBetween(64, 2048),
 * dpd_timeout_seconds IntAtLeast(30); preshared_key validVPNConnectionTunnelPreSharedKey:
 * StringLenBetween(8, 64), not `^0`, `^[0-9A-Za-z_.]+$`.
 */
const VPN_CONNECTION = `${AWS} internal/service/ec2/vpnsite_connection.go; ${AWS} internal/service/ec2/consts.go`;
/**
 * The Diffie-Hellman group numbers, which the provider passes to the API unvalidated:
 * Phase1DHGroupNumbers "Valid values: 2 | 14 | 15 | 16 | 17 | 18 | 19 | 20 | 21 | 22 | 23 | 24";
 * Phase2DHGroupNumbers "Valid values: 2 | 5 | 14 | ... | 24" (EC2 API reference, VpnTunnelOptionsSpecification).
 */
const VPN_TUNNEL_OPTIONS = "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_VpnTunnelOptionsSpecification.html";
const PHASE1_DH_GROUPS = [2, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24];
const PHASE2_DH_GROUPS = [2, 5, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24];

/** Every aws_vpn_connection row of one tunnel (`tunnel1_` or `tunnel2_`). */
function vpnTunnelRows(tunnel: "tunnel1" | "tunnel2"): ArgumentLimit[] {
  const row = (argument: string, checks: ArgumentCheck[], source = VPN_CONNECTION): ArgumentLimit => ({
    cloud: "aws",
    type: "aws_vpn_connection",
    argument: `${tunnel}_${argument}`,
    checks,
    source,
  });
  return [
    row("ike_versions", [oneOf("ikev1", "ikev2")]),
    row("phase1_encryption_algorithms", [oneOf("AES128", "AES256", "AES128-GCM-16", "AES256-GCM-16")]),
    row("phase2_encryption_algorithms", [oneOf("AES128", "AES256", "AES128-GCM-16", "AES256-GCM-16")]),
    row("phase1_integrity_algorithms", [oneOf("SHA1", "SHA2-256", "SHA2-384", "SHA2-512")]),
    row("phase2_integrity_algorithms", [oneOf("SHA1", "SHA2-256", "SHA2-384", "SHA2-512")]),
    row("phase1_dh_group_numbers", [oneOf(...PHASE1_DH_GROUPS)], VPN_TUNNEL_OPTIONS),
    row("phase2_dh_group_numbers", [oneOf(...PHASE2_DH_GROUPS)], VPN_TUNNEL_OPTIONS),
    row("phase1_lifetime_seconds", [range(900, 28800)]),
    row("phase2_lifetime_seconds", [range(900, 3600)]),
    row("rekey_margin_time_seconds", [range(60, 1800)]),
    row("rekey_fuzz_percentage", [range(0, 100)]),
    row("replay_window_size", [range(64, 2048)]),
    row("dpd_timeout_seconds", [atLeast(30)]),
    row("dpd_timeout_action", [oneOf("clear", "none", "restart")]),
    row("startup_action", [oneOf("add", "start")]),
    { ...row("preshared_key", [length(8, 64), chars(/^[0-9A-Za-z_.]$/, "letters, digits, _ and ."), forbid(/^0/, "must not start with 0")]), sensitive: true },
  ];
}

/** Azure's naming rules per resource type (MicrosoftDocs/azure-docs articles/azure-resource-manager/management/resource-name-rules.md). */
const AZURE_NAMES = "https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules";
/** Names of networkSecurityGroups, securityRules, subnets, virtualNetworkLinks, networkWatchers, privateEndpoints, virtualNetworks. */
const NETWORK_NAME_CHARS = chars(/^[A-Za-z0-9_.-]$/, "letters, digits and _ . -");
const NETWORK_NAME_START = startsWith("A-Za-z0-9", "must start with a letter or digit");
const NETWORK_NAME_END = endsWith("A-Za-z0-9_", "must end with a letter, digit or underscore");
const networkName = (min: number, max: number) => [length(min, max), NETWORK_NAME_CHARS, NETWORK_NAME_START, NETWORK_NAME_END];

const STORAGE_ACCOUNT_NAME = `${AZURERM} internal/services/storage/validate/storage_account_name.go`;
/** Enums of the storage account schema (storageaccounts.PossibleValuesFor...) and retention days IntBetween(1, 365). */
const STORAGE_ACCOUNT = `${AZURERM} internal/services/storage/storage_account_resource.go`;
const STORAGE_CONTAINER = `${AZURERM} internal/services/storage/validate/storage_container.go; ${AZURE_NAMES}#microsoftstorage`;
/** `^[a-zA-Z0-9-]{3,24}$`, starts with a letter, ends with a letter or digit, no `--`. */
const KEY_VAULT_NAME = `${AZURERM} internal/services/keyvault/validate/vault_name.go`;
/** NestedItemName `^[0-9a-zA-Z-]+$`; Azure: 1-127 characters (ARM template reference, `^[a-zA-Z0-9-]{1,127}$`). */
const KEY_NAME = `${AZURERM} internal/services/keyvault/validate/nested_item_name.go; https://learn.microsoft.com/azure/templates/microsoft.keyvault/vaults/keys`;
/** key_type, key_opts, rotation_policy durations (ISO8601DurationBetween("P28D", "P100Y"), ("P7D", "P36493D")). */
const KEY_VAULT_KEY = `${AZURERM} internal/services/keyvault/key_vault_key_resource.go`;
const KEY_SIZES = "https://learn.microsoft.com/azure/key-vault/keys/about-keys-details";
const KEY_VAULT = `${AZURERM} internal/services/keyvault/key_vault_resource.go`;
/** description StringLenBetween(0, 140), priority IntBetween(100, 4096), protocol, access and direction enums. */
const NSG_RULE = `${AZURERM} internal/services/network/network_security_rule_resource.go`;
/** lock_level, notes StringLenBetween(0, 512); name: the provider allows 259 characters, Azure 90 (Microsoft.Authorization/locks). */
const LOCK = `${AZURERM} internal/services/resource/management_lock_resource.go; ${AZURE_NAMES}#microsoftauthorization`;
const WORKSPACE_NAME = `${AZURERM} internal/services/loganalytics/validate/log_analytics_workspace_name.go`;
/** retention_in_days: IntBetween(30, 730), and 7 (Free tier) in the versions that allow it. */
const WORKSPACE = `${AZURERM} internal/services/loganalytics/log_analytics_workspace_resource.go`;
/** StringDoesNotMatch(`[<>*%&:\\?+\/]+`) and StringLenBetween(1, 260). */
const DIAGNOSTIC_NAME = `${AZURERM} internal/services/monitor/validate/monitor_diagnostic_setting_name.go`;
/** name and principal_id IsUUID, principal_type User | Group | ServicePrincipal, description StringIsNotEmpty, condition_version 1.0 | 2.0. */
const ROLE_ASSIGNMENT = `${AZURERM} internal/services/authorization/role_assignment_resource.go`;
/** GetAzureResourceTypeApiVersion: `type` must be `ResourceProvider/resourceTypes@ApiVersion`, exactly one `@`. */
const AZAPI_TYPE = `${AZAPI} utils/helper.go; internal/services/myvalidator/resource_type.go`;
/** Microsoft.KeyVault/vaults/keys: name `^[a-zA-Z0-9-]{1,127}$`, kty EC | EC-HSM | RSA | RSA-HSM, keyOps, rotation policy times as ISO 8601 durations. */
const ARM_KEYS = "https://learn.microsoft.com/azure/templates/microsoft.keyvault/vaults/keys";

const KEY_VAULT_KEY_TYPE = { argument: "type", matches: /^Microsoft\.KeyVault\/vaults\/keys@/i };

/**
 * Federated identity credentials of a user-assigned identity: name "3-120 characters and must be URL
 * friendly. Alphanumeric, dash, or underscore characters are supported, the first character must be
 * alphanumeric only"; issuer, subject and the single audience each "a limit of 600 characters"
 * (MicrosoftDocs/entra-docs docs/workload-id/includes/federated-credential-configuration-considerations.md;
 * the "Errors" table of workload-identity-federation-considerations.md gives the same name rule). The
 * provider validates none of them (internal/services/managedidentity/federated_identity_credential_resource.go,
 * `audience` a list of MaxItems 1). The audience value is not pinned here: the docs call
 * api://AzureADTokenExchange the value for the global cloud but name others for the national clouds.
 */
const FEDERATED_CREDENTIAL = "https://learn.microsoft.com/entra/workload-id/workload-identity-federation-considerations";
/**
 * create_duration and destroy_duration: RegexMatches(`^[0-9]+(\.[0-9]+)?(ms|s|m|h)$`), "a number
 * immediately followed by ms, s, m, or h" (hashicorp/terraform-provider-time internal/provider/resource_time_sleep.go).
 */
const TIME_SLEEP = "hashicorp/terraform-provider-time internal/provider/resource_time_sleep.go";
const SLEEP_DURATION = pattern(/^[0-9]+(\.[0-9]+)?(ms|s|m|h)$/, "must be a number immediately followed by ms, s, m or h, such as '300s'");
/**
 * allocation_method Static | Dynamic, sku PossibleValuesForPublicIPAddressSkuName less Basic (CustomizeDiff:
 * "creation of new `Basic` SKU public IP addresses is no longer permitted"), sku_tier Global | Regional,
 * ip_version IPv4 | IPv6, ddos_protection_mode, idle_timeout_in_minutes IntBetween(4, 30); CustomizeDiff:
 * "`allocation_method` must be set to `Static` when `sku` is set to `Standard` or `StandardV2`" and
 * "`sku` must be set to `Standard` when `sku_tier` is set to `Global`".
 */
const PUBLIC_IP = `${AZURERM} internal/services/network/public_ip_resource.go`;
/**
 * type Vpn | ExpressRoute, vpn_type RouteBased | PolicyBased, generation Generation1 | Generation2 | None,
 * ip_configuration.private_ip_address_allocation Static | Dynamic; at apply, getVirtualNetworkGatewayProperties
 * checks the sku of a Vpn gateway by vpn_type and generation: validateVirtualNetworkGatewayPolicyBasedVpnSku,
 * validateVirtualNetworkGatewayRouteBasedVpnSkuGeneration1 and ...Generation2.
 */
const VNET_GATEWAY = `${AZURERM} internal/services/network/virtual_network_gateway_resource.go`;
const VPN_GATEWAY_TYPE = { argument: "type", matches: /^Vpn$/ };
const ROUTE_BASED = { argument: "vpn_type", matches: /^RouteBased$/ };
/** "You can't create a new gateway using VpnGw1-5 SKUs (non-AZ SKUs) after January 2025" (MicrosoftDocs/azure-docs articles/vpn-gateway/gateway-sku-consolidation.md). */
const VPN_SKU_CONSOLIDATION = "https://learn.microsoft.com/azure/vpn-gateway/gateway-sku-consolidation";
/**
 * type ExpressRoute | IPsec | Vnet2Vnet, connection_protocol IKEv1 | IKEv2, connection_mode, routing_weight
 * IntBetween(0, 32000), the ipsec_policy enums, sa_lifetime IntAtLeast(300), sa_datasize IntAtLeast(1024).
 */
const VNG_CONNECTION = `${AZURERM} internal/services/network/virtual_network_gateway_connection_resource.go`;
/**
 * dpd_timeout_seconds (unvalidated by the provider): "You can specify a different DPD timeout value on each IPsec
 * or VNet-to-VNet connection, from 9 seconds to 3,600 seconds" (MicrosoftDocs/azure-docs includes/vpn-gateway-faq-ipsecikepolicy-include.md).
 */
const VPN_DPD = "https://learn.microsoft.com/azure/vpn-gateway/vpn-gateway-vpn-faq";

// ---- the table ------------------------------------------------------------------------------

/** Every argument limit the rules check, one row per argument, with its source. */
export const PROVIDER_LIMITS: readonly ArgumentLimit[] = [
  // AWS: security groups
  { cloud: "aws", type: "aws_security_group", argument: "description", checks: [length(0, 255), SG_DESCRIPTION_CHARS], source: EC2_GROUP_DESCRIPTION },
  { cloud: "aws", type: "aws_security_group", argument: "name", checks: [length(0, 255), forbid(/^sg-/, "must not start with 'sg-'")], source: SECURITY_GROUP },
  { cloud: "aws", type: "aws_security_group", argument: "ingress.description", checks: [length(0, 255), SG_DESCRIPTION_CHARS], source: EC2_RULE_DESCRIPTION },
  { cloud: "aws", type: "aws_security_group", argument: "egress.description", checks: [length(0, 255), SG_DESCRIPTION_CHARS], source: EC2_RULE_DESCRIPTION },
  { cloud: "aws", type: "aws_default_security_group", argument: "ingress.description", checks: [length(0, 255), SG_DESCRIPTION_CHARS], source: EC2_RULE_DESCRIPTION },
  { cloud: "aws", type: "aws_default_security_group", argument: "egress.description", checks: [length(0, 255), SG_DESCRIPTION_CHARS], source: EC2_RULE_DESCRIPTION },
  { cloud: "aws", type: "aws_security_group_rule", argument: "description", checks: [length(0, 255), SG_DESCRIPTION_CHARS], source: EC2_RULE_DESCRIPTION },
  { cloud: "aws", type: "aws_vpc_security_group_ingress_rule", argument: "description", checks: [length(0, 255), SG_DESCRIPTION_CHARS], source: EC2_IP_RANGE },
  { cloud: "aws", type: "aws_vpc_security_group_egress_rule", argument: "description", checks: [length(0, 255), SG_DESCRIPTION_CHARS], source: EC2_IP_RANGE },

  // AWS: network
  { cloud: "aws", type: "aws_vpc", argument: "instance_tenancy", checks: [oneOf("default", "dedicated")], source: VPC },
  { cloud: "aws", type: "aws_vpc_endpoint", argument: "vpc_endpoint_type", checks: [oneOf("Gateway", "GatewayLoadBalancer", "Interface", "Resource", "ServiceNetwork")], source: VPC_ENDPOINT },
  { cloud: "aws", type: "aws_flow_log", argument: "traffic_type", checks: [oneOf("ACCEPT", "ALL", "REJECT")], source: FLOW_LOG },
  { cloud: "aws", type: "aws_flow_log", argument: "log_destination_type", checks: [oneOf("cloud-watch-logs", "s3", "kinesis-data-firehose")], source: FLOW_LOG },
  { cloud: "aws", type: "aws_flow_log", argument: "max_aggregation_interval", checks: [oneOf(60, 600)], source: FLOW_LOG },

  // AWS: S3
  {
    cloud: "aws",
    type: "aws_s3_bucket",
    argument: "bucket",
    checks: [
      length(3, 63),
      chars(/^[a-z0-9.-]$/, "lowercase letters, digits, . and -"),
      startsWith("a-z0-9", "must start with a lowercase letter or digit"),
      endsWith("a-z0-9", "must end with a lowercase letter or digit"),
      forbid(/\.\./, "must not contain two adjacent periods"),
      forbid(/^\d{1,3}(\.\d{1,3}){3}$/, "must not be formatted as an IP address"),
      forbid(/^(xn--|sthree-|amzn-s3-demo-)/, "must not start with a prefix S3 reserves (xn--, sthree-, amzn-s3-demo-)"),
      forbid(/(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/, "must not end with a suffix S3 reserves (-s3alias, --ol-s3, .mrap, --x-s3, --table-s3)"),
    ],
    source: S3_BUCKET,
  },
  { cloud: "aws", type: "aws_s3_bucket_server_side_encryption_configuration", argument: "rule.apply_server_side_encryption_by_default.sse_algorithm", checks: [oneOf("AES256", "aws:fsx", "aws:kms", "aws:kms:dsse")], source: S3_SSE },
  { cloud: "aws", type: "aws_s3_bucket_object_lock_configuration", argument: "rule.default_retention.mode", checks: [oneOf("COMPLIANCE", "GOVERNANCE")], source: S3_OBJECT_LOCK },
  { cloud: "aws", type: "aws_s3_bucket_object_lock_configuration", argument: "object_lock_enabled", checks: [oneOf("Enabled")], source: S3_OBJECT_LOCK },
  { cloud: "aws", type: "aws_s3_bucket_versioning", argument: "versioning_configuration.status", checks: [oneOf("Enabled", "Suspended", "Disabled")], source: S3_VERSIONING },
  { cloud: "aws", type: "aws_s3_bucket_versioning", argument: "versioning_configuration.mfa_delete", checks: [oneOf("Enabled", "Disabled")], source: S3_VERSIONING },
  { cloud: "aws", type: "aws_s3_bucket_ownership_controls", argument: "rule.object_ownership", checks: [oneOf("BucketOwnerEnforced", "BucketOwnerPreferred", "ObjectWriter")], source: S3_OWNERSHIP },
  { cloud: "aws", type: "aws_s3_bucket_lifecycle_configuration", argument: "rule.id", checks: [length(1, 255)], source: S3_LIFECYCLE },
  { cloud: "aws", type: "aws_s3_bucket_lifecycle_configuration", argument: "rule.status", checks: [oneOf("Enabled", "Disabled")], source: S3_LIFECYCLE },
  { cloud: "aws", type: "aws_s3_bucket_replication_configuration", argument: "rule.id", checks: [length(0, 255)], source: S3_REPLICATION },
  { cloud: "aws", type: "aws_s3_bucket_replication_configuration", argument: "rule.status", checks: [oneOf("Enabled", "Disabled")], source: S3_REPLICATION },
  { cloud: "aws", type: "aws_s3_bucket_replication_configuration", argument: "rule.delete_marker_replication.status", checks: [oneOf("Enabled", "Disabled")], source: S3_REPLICATION },
  { cloud: "aws", type: "aws_s3_bucket_replication_configuration", argument: "rule.destination.replication_time.status", checks: [oneOf("Enabled", "Disabled")], source: S3_REPLICATION },
  { cloud: "aws", type: "aws_s3_bucket_replication_configuration", argument: "rule.destination.metrics.status", checks: [oneOf("Enabled", "Disabled")], source: S3_REPLICATION },

  // AWS: IAM
  { cloud: "aws", type: "aws_iam_role", argument: "name", checks: [length(1, 64), IAM_NAME_CHARS], source: IAM_NAME },
  {
    cloud: "aws",
    type: "aws_iam_role",
    argument: "description",
    checks: [length(0, 1000), chars(/^[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]$/u, "tab, newline and the printable characters of Basic Latin and Latin-1 (U+0020-U+007E, U+00A1-U+00FF)")],
    source: IAM_ROLE,
  },
  { cloud: "aws", type: "aws_iam_role", argument: "path", checks: [length(1, 512), pattern(/^\/$|^\/[\u0021-\u007F]+\/$/u, "must be '/' or begin and end with '/', with no spaces or characters above U+007F")], source: IAM_ROLE },
  { cloud: "aws", type: "aws_iam_role", argument: "max_session_duration", checks: [range(3600, 43200)], source: IAM_ROLE },
  { cloud: "aws", type: "aws_iam_role_policy", argument: "name", checks: [length(1, 128), IAM_NAME_CHARS], source: IAM_NAME },

  // AWS: KMS
  {
    cloud: "aws",
    type: "aws_kms_alias",
    argument: "name",
    checks: [
      length(7, 256),
      chars(/^[A-Za-z0-9/_-]$/, "letters, digits and / _ -"),
      forbid(/^(?!alias\/|\u0000)/, "must start with 'alias/'"),
      forbid(/^alias\/aws\//, "must not start with 'alias/aws/', which AWS reserves for its own keys"),
    ],
    source: KMS_ALIAS,
  },
  { cloud: "aws", type: "aws_kms_key", argument: "description", checks: [length(0, 8192)], source: KMS_KEY },
  { cloud: "aws", type: "aws_kms_key", argument: "deletion_window_in_days", checks: [range(7, 30)], source: KMS_KEY },
  { cloud: "aws", type: "aws_kms_key", argument: "rotation_period_in_days", checks: [range(90, 2560)], source: KMS_KEY },

  // AWS: IAM Roles Anywhere (datacenter ingest)
  { cloud: "aws", type: "aws_rolesanywhere_trust_anchor", argument: "name", checks: [length(1, 255), ROLES_ANYWHERE_NAME_CHARS], source: ROLES_ANYWHERE_NAME },
  { cloud: "aws", type: "aws_rolesanywhere_trust_anchor", argument: "source.source_type", checks: [oneOf("AWS_ACM_PCA", "CERTIFICATE_BUNDLE", "SELF_SIGNED_REPOSITORY")], source: TRUST_ANCHOR },
  { cloud: "aws", type: "aws_rolesanywhere_trust_anchor", argument: "source.source_data.x509_certificate_data", checks: [length(1, 16000)], source: TRUST_ANCHOR_SOURCE },
  { cloud: "aws", type: "aws_rolesanywhere_profile", argument: "name", checks: [length(1, 255), ROLES_ANYWHERE_NAME_CHARS], source: ROLES_ANYWHERE_PROFILE },
  { cloud: "aws", type: "aws_rolesanywhere_profile", argument: "duration_seconds", checks: [range(900, 43200)], source: ROLES_ANYWHERE_PROFILE },

  // AWS: site-to-site VPN
  { cloud: "aws", type: "aws_customer_gateway", argument: "type", checks: [oneOf("ipsec.1")], source: CUSTOMER_GATEWAY },
  { cloud: "aws", type: "aws_customer_gateway", argument: "bgp_asn", checks: [range(1, 2147483647)], source: CUSTOMER_GATEWAY },
  { cloud: "aws", type: "aws_customer_gateway", argument: "bgp_asn_extended", checks: [range(2147483648, 4294967295)], source: CUSTOMER_GATEWAY },
  { cloud: "aws", type: "aws_customer_gateway", argument: "device_name", checks: [length(1, 255)], source: CUSTOMER_GATEWAY },
  { cloud: "aws", type: "aws_customer_gateway", argument: "ip_address", checks: [IPV4], source: CUSTOMER_GATEWAY },
  { cloud: "aws", type: "aws_vpn_gateway", argument: "amazon_side_asn", checks: [range(64512, 65534, [7224, 9059, 10124, 17493], [[4200000000, 4294967294]])], source: VPN_GATEWAY },
  { cloud: "aws", type: "aws_vpn_connection", argument: "type", checks: [oneOf("ipsec.1", "ipsec.1-aes256")], source: VPN_CONNECTION },
  { cloud: "aws", type: "aws_vpn_connection", argument: "outside_ip_address_type", checks: [oneOf("PrivateIpv4", "PublicIpv4")], source: VPN_CONNECTION },
  { cloud: "aws", type: "aws_vpn_connection", argument: "tunnel_inside_ip_version", checks: [oneOf("ipv4", "ipv6")], source: VPN_CONNECTION },
  ...vpnTunnelRows("tunnel1"),
  ...vpnTunnelRows("tunnel2"),

  // Azure: resource groups, locks, identities
  {
    cloud: "azure",
    type: "azurerm_resource_group",
    argument: "name",
    checks: [length(1, 90), chars(/^[\p{L}\p{M}\p{Nd}\p{Pc}().-]$/u, "letters, digits and _ ( ) . -"), forbid(/\.$/, "must not end with a period")],
    source: `${AZURE_NAMES}#microsoftresources`,
  },
  {
    cloud: "azure",
    type: "azurerm_management_lock",
    argument: "name",
    checks: [length(1, 90), chars(/^[A-Za-z0-9._()-]$/, "letters, digits and . _ ( ) -"), forbid(/\.$/, "must not end with a period")],
    source: LOCK,
  },
  { cloud: "azure", type: "azurerm_management_lock", argument: "notes", checks: [length(0, 512)], source: LOCK },
  { cloud: "azure", type: "azurerm_management_lock", argument: "lock_level", checks: [oneOf("CanNotDelete", "ReadOnly")], source: LOCK },
  {
    cloud: "azure",
    type: "azurerm_user_assigned_identity",
    argument: "name",
    checks: [length(3, 128), chars(/^[A-Za-z0-9_-]$/, "letters, digits and _ -"), startsWith("A-Za-z0-9", "must start with a letter or digit")],
    source: `${AZURE_NAMES}#microsoftmanagedidentity`,
  },
  {
    cloud: "azure",
    type: "azurerm_federated_identity_credential",
    argument: "name",
    checks: [length(3, 120), chars(/^[A-Za-z0-9_-]$/, "letters, digits, _ and -"), startsWith("A-Za-z0-9", "must start with a letter or digit")],
    source: FEDERATED_CREDENTIAL,
  },
  { cloud: "azure", type: "azurerm_federated_identity_credential", argument: "audience", checks: [length(1, 600)], source: FEDERATED_CREDENTIAL },
  { cloud: "azure", type: "azurerm_federated_identity_credential", argument: "issuer", checks: [length(1, 600)], source: FEDERATED_CREDENTIAL },
  { cloud: "azure", type: "azurerm_federated_identity_credential", argument: "subject", checks: [length(1, 600)], source: FEDERATED_CREDENTIAL },
  { cloud: "azure", type: "time_sleep", argument: "create_duration", checks: [SLEEP_DURATION], source: TIME_SLEEP },
  { cloud: "azure", type: "time_sleep", argument: "destroy_duration", checks: [SLEEP_DURATION], source: TIME_SLEEP },
  { cloud: "azure", type: "azurerm_role_assignment", argument: "name", checks: [UUID], source: ROLE_ASSIGNMENT },
  { cloud: "azure", type: "azurerm_role_assignment", argument: "principal_id", checks: [UUID], source: ROLE_ASSIGNMENT },
  { cloud: "azure", type: "azurerm_role_assignment", argument: "principal_type", checks: [oneOf("User", "Group", "ServicePrincipal")], source: ROLE_ASSIGNMENT },
  { cloud: "azure", type: "azurerm_role_assignment", argument: "description", checks: [length(1, Number.MAX_SAFE_INTEGER)], source: ROLE_ASSIGNMENT },
  { cloud: "azure", type: "azurerm_role_assignment", argument: "condition_version", checks: [oneOf("1.0", "2.0")], source: ROLE_ASSIGNMENT },

  // Azure: network
  { cloud: "azure", type: "azurerm_virtual_network", argument: "name", checks: networkName(2, 64), source: `${AZURE_NAMES}#microsoftnetwork` },
  { cloud: "azure", type: "azurerm_subnet", argument: "name", checks: networkName(1, 80), source: `${AZURE_NAMES}#microsoftnetwork` },
  { cloud: "azure", type: "azurerm_network_security_group", argument: "name", checks: networkName(1, 80), source: `${AZURE_NAMES}#microsoftnetwork` },
  { cloud: "azure", type: "azurerm_network_security_rule", argument: "name", checks: networkName(1, 80), source: `${AZURE_NAMES}#microsoftnetwork` },
  { cloud: "azure", type: "azurerm_network_security_rule", argument: "description", checks: [length(0, 140)], source: NSG_RULE },
  { cloud: "azure", type: "azurerm_network_security_rule", argument: "priority", checks: [range(100, 4096)], source: NSG_RULE },
  { cloud: "azure", type: "azurerm_network_security_rule", argument: "protocol", checks: [oneOf("*", "Tcp", "Udp", "Icmp", "Ah", "Esp")], source: NSG_RULE },
  { cloud: "azure", type: "azurerm_network_security_rule", argument: "access", checks: [oneOf("Allow", "Deny")], source: NSG_RULE },
  { cloud: "azure", type: "azurerm_network_security_rule", argument: "direction", checks: [oneOf("Inbound", "Outbound")], source: NSG_RULE },
  { cloud: "azure", type: "azurerm_private_dns_zone_virtual_network_link", argument: "name", checks: networkName(1, 80), source: `${AZURE_NAMES}#microsoftnetwork` },
  { cloud: "azure", type: "azurerm_network_watcher", argument: "name", checks: networkName(1, 80), source: `${AZURE_NAMES}#microsoftnetwork` },
  { cloud: "azure", type: "azurerm_private_endpoint", argument: "name", checks: networkName(2, 64), source: `${AZURE_NAMES}#microsoftnetwork` },

  // Azure: site-to-site VPN (public IP, gateway, local gateway, connection)
  { cloud: "azure", type: "azurerm_public_ip", argument: "name", checks: networkName(1, 80), source: `${AZURE_NAMES}#microsoftnetwork` },
  { cloud: "azure", type: "azurerm_public_ip", argument: "allocation_method", checks: [oneOf("Static", "Dynamic")], source: PUBLIC_IP },
  { cloud: "azure", type: "azurerm_public_ip", argument: "allocation_method", when: [{ argument: "sku", matches: /^Standard(V2)?$/ }], checks: [oneOf("Static")], source: PUBLIC_IP },
  { cloud: "azure", type: "azurerm_public_ip", argument: "sku", checks: [oneOf("Standard", "StandardV2")], source: PUBLIC_IP },
  { cloud: "azure", type: "azurerm_public_ip", argument: "sku", when: [{ argument: "sku_tier", matches: /^Global$/ }], checks: [oneOf("Standard")], source: PUBLIC_IP },
  { cloud: "azure", type: "azurerm_public_ip", argument: "sku_tier", checks: [oneOf("Global", "Regional")], source: PUBLIC_IP },
  { cloud: "azure", type: "azurerm_public_ip", argument: "ip_version", checks: [oneOf("IPv4", "IPv6")], source: PUBLIC_IP },
  { cloud: "azure", type: "azurerm_public_ip", argument: "ddos_protection_mode", checks: [oneOf("Disabled", "Enabled", "VirtualNetworkInherited")], source: PUBLIC_IP },
  { cloud: "azure", type: "azurerm_public_ip", argument: "idle_timeout_in_minutes", checks: [range(4, 30)], source: PUBLIC_IP },
  { cloud: "azure", type: "azurerm_virtual_network_gateway", argument: "name", checks: networkName(1, 80), source: `${AZURE_NAMES}#microsoftnetwork` },
  { cloud: "azure", type: "azurerm_virtual_network_gateway", argument: "type", checks: [oneOf("ExpressRoute", "Vpn")], source: VNET_GATEWAY },
  { cloud: "azure", type: "azurerm_virtual_network_gateway", argument: "vpn_type", checks: [oneOf("RouteBased", "PolicyBased")], source: VNET_GATEWAY },
  { cloud: "azure", type: "azurerm_virtual_network_gateway", argument: "generation", checks: [oneOf("Generation1", "Generation2", "None")], source: VNET_GATEWAY },
  { cloud: "azure", type: "azurerm_virtual_network_gateway", argument: "ip_configuration.private_ip_address_allocation", checks: [oneOf("Static", "Dynamic")], source: VNET_GATEWAY },
  {
    cloud: "azure",
    type: "azurerm_virtual_network_gateway",
    argument: "sku",
    when: [VPN_GATEWAY_TYPE, { argument: "vpn_type", matches: /^PolicyBased$/ }],
    checks: [oneOf("Basic")],
    source: VNET_GATEWAY,
  },
  {
    cloud: "azure",
    type: "azurerm_virtual_network_gateway",
    argument: "sku",
    when: [VPN_GATEWAY_TYPE, ROUTE_BASED, { argument: "generation", matches: /^Generation1$/ }],
    checks: [oneOf("Basic", "Standard", "HighPerformance", "VpnGw1", "VpnGw2", "VpnGw3", "VpnGw1AZ", "VpnGw2AZ", "VpnGw3AZ")],
    source: VNET_GATEWAY,
  },
  {
    cloud: "azure",
    type: "azurerm_virtual_network_gateway",
    argument: "sku",
    when: [VPN_GATEWAY_TYPE, ROUTE_BASED, { argument: "generation", matches: /^Generation2$/ }],
    checks: [oneOf("VpnGw2", "VpnGw3", "VpnGw4", "VpnGw5", "VpnGw2AZ", "VpnGw3AZ", "VpnGw4AZ", "VpnGw5AZ")],
    source: VNET_GATEWAY,
  },
  {
    cloud: "azure",
    type: "azurerm_virtual_network_gateway",
    argument: "sku",
    when: [VPN_GATEWAY_TYPE],
    checks: [forbid(/^VpnGw[1-5]$/, "is a non-AZ SKU, which Azure no longer creates (since January 2025); use its AZ SKU, e.g. VpnGw1AZ")],
    source: VPN_SKU_CONSOLIDATION,
  },
  { cloud: "azure", type: "azurerm_local_network_gateway", argument: "name", checks: networkName(1, 80), source: `${AZURE_NAMES}#microsoftnetwork` },
  { cloud: "azure", type: "azurerm_virtual_network_gateway_connection", argument: "name", checks: networkName(1, 80), source: `${AZURE_NAMES}#microsoftnetwork` },
  { cloud: "azure", type: "azurerm_virtual_network_gateway_connection", argument: "type", checks: [oneOf("ExpressRoute", "IPsec", "Vnet2Vnet")], source: VNG_CONNECTION },
  { cloud: "azure", type: "azurerm_virtual_network_gateway_connection", argument: "connection_protocol", checks: [oneOf("IKEv1", "IKEv2")], source: VNG_CONNECTION },
  { cloud: "azure", type: "azurerm_virtual_network_gateway_connection", argument: "connection_mode", checks: [oneOf("Default", "InitiatorOnly", "ResponderOnly")], source: VNG_CONNECTION },
  { cloud: "azure", type: "azurerm_virtual_network_gateway_connection", argument: "routing_weight", checks: [range(0, 32000)], source: VNG_CONNECTION },
  { cloud: "azure", type: "azurerm_virtual_network_gateway_connection", argument: "dpd_timeout_seconds", checks: [range(9, 3600)], source: VPN_DPD },
  {
    cloud: "azure",
    type: "azurerm_virtual_network_gateway_connection",
    argument: "ipsec_policy.dh_group",
    checks: [oneOf("DHGroup1", "DHGroup14", "DHGroup2", "DHGroup2048", "DHGroup24", "ECP256", "ECP384", "None")],
    source: VNG_CONNECTION,
  },
  {
    cloud: "azure",
    type: "azurerm_virtual_network_gateway_connection",
    argument: "ipsec_policy.ike_encryption",
    checks: [oneOf("AES128", "AES192", "AES256", "DES", "DES3", "GCMAES128", "GCMAES256")],
    source: VNG_CONNECTION,
  },
  {
    cloud: "azure",
    type: "azurerm_virtual_network_gateway_connection",
    argument: "ipsec_policy.ike_integrity",
    checks: [oneOf("GCMAES128", "GCMAES256", "MD5", "SHA1", "SHA256", "SHA384")],
    source: VNG_CONNECTION,
  },
  {
    cloud: "azure",
    type: "azurerm_virtual_network_gateway_connection",
    argument: "ipsec_policy.ipsec_encryption",
    checks: [oneOf("AES128", "AES192", "AES256", "DES", "DES3", "GCMAES128", "GCMAES192", "GCMAES256", "None")],
    source: VNG_CONNECTION,
  },
  {
    cloud: "azure",
    type: "azurerm_virtual_network_gateway_connection",
    argument: "ipsec_policy.ipsec_integrity",
    checks: [oneOf("GCMAES128", "GCMAES192", "GCMAES256", "MD5", "SHA1", "SHA256")],
    source: VNG_CONNECTION,
  },
  {
    cloud: "azure",
    type: "azurerm_virtual_network_gateway_connection",
    argument: "ipsec_policy.pfs_group",
    checks: [oneOf("ECP256", "ECP384", "None", "PFS1", "PFS14", "PFS2", "PFS2048", "PFS24", "PFSMM")],
    source: VNG_CONNECTION,
  },
  { cloud: "azure", type: "azurerm_virtual_network_gateway_connection", argument: "ipsec_policy.sa_lifetime", checks: [atLeast(300)], source: VNG_CONNECTION },
  { cloud: "azure", type: "azurerm_virtual_network_gateway_connection", argument: "ipsec_policy.sa_datasize", checks: [atLeast(1024)], source: VNG_CONNECTION },

  // Azure: storage
  { cloud: "azure", type: "azurerm_storage_account", argument: "name", checks: [length(3, 24), chars(/^[a-z0-9]$/, "lowercase letters and digits")], source: STORAGE_ACCOUNT_NAME },
  { cloud: "azure", type: "azurerm_storage_account", argument: "account_tier", checks: [oneOf("Standard", "Premium")], source: STORAGE_ACCOUNT },
  { cloud: "azure", type: "azurerm_storage_account", argument: "account_replication_type", checks: [oneOf("LRS", "ZRS", "GRS", "RAGRS", "GZRS", "RAGZRS")], source: STORAGE_ACCOUNT },
  { cloud: "azure", type: "azurerm_storage_account", argument: "account_kind", checks: [oneOf("BlobStorage", "BlockBlobStorage", "FileStorage", "Storage", "StorageV2")], source: STORAGE_ACCOUNT },
  { cloud: "azure", type: "azurerm_storage_account", argument: "access_tier", checks: [oneOf("Hot", "Cool", "Cold", "Premium")], source: STORAGE_ACCOUNT },
  { cloud: "azure", type: "azurerm_storage_account", argument: "min_tls_version", checks: [oneOf("TLS1_2")], source: STORAGE_ACCOUNT },
  { cloud: "azure", type: "azurerm_storage_account", argument: "allowed_copy_scope", checks: [oneOf("AAD", "PrivateLink")], source: STORAGE_ACCOUNT },
  { cloud: "azure", type: "azurerm_storage_account", argument: "queue_encryption_key_type", checks: [oneOf("Account", "Service")], source: STORAGE_ACCOUNT },
  { cloud: "azure", type: "azurerm_storage_account", argument: "table_encryption_key_type", checks: [oneOf("Account", "Service")], source: STORAGE_ACCOUNT },
  { cloud: "azure", type: "azurerm_storage_account", argument: "immutability_policy.state", checks: [oneOf("Disabled", "Unlocked", "Locked")], source: STORAGE_ACCOUNT },
  { cloud: "azure", type: "azurerm_storage_account", argument: "network_rules.default_action", checks: [oneOf("Allow", "Deny")], source: STORAGE_ACCOUNT },
  { cloud: "azure", type: "azurerm_storage_account", argument: "network_rules.bypass", checks: [oneOf("AzureServices", "Logging", "Metrics", "None")], source: STORAGE_ACCOUNT },
  { cloud: "azure", type: "azurerm_storage_account", argument: "blob_properties.delete_retention_policy.days", checks: [range(1, 365)], source: STORAGE_ACCOUNT },
  { cloud: "azure", type: "azurerm_storage_account", argument: "blob_properties.container_delete_retention_policy.days", checks: [range(1, 365)], source: STORAGE_ACCOUNT },
  {
    cloud: "azure",
    type: "azurerm_storage_container",
    argument: "name",
    checks: [length(3, 63), chars(/^[a-z0-9-]$/, "lowercase letters, digits and -"), startsWith("a-z0-9", "must start with a lowercase letter or digit"), forbid(/--/, "must not contain consecutive hyphens")],
    source: STORAGE_CONTAINER,
  },
  { cloud: "azure", type: "azurerm_storage_container", argument: "container_access_type", checks: [oneOf("private", "blob", "container")], source: STORAGE_CONTAINER },

  // Azure: Key Vault and keys
  {
    cloud: "azure",
    type: "azurerm_key_vault",
    argument: "name",
    checks: [
      length(3, 24),
      chars(/^[A-Za-z0-9-]$/, "letters, digits and -"),
      startsWith("A-Za-z", "must start with a letter"),
      endsWith("A-Za-z0-9", "must end with a letter or digit"),
      forbid(/--/, "must not contain consecutive hyphens"),
    ],
    source: KEY_VAULT_NAME,
  },
  { cloud: "azure", type: "azurerm_key_vault", argument: "sku_name", checks: [oneOf("standard", "premium")], source: KEY_VAULT },
  { cloud: "azure", type: "azurerm_key_vault", argument: "soft_delete_retention_days", checks: [range(7, 90)], source: KEY_VAULT },
  { cloud: "azure", type: "azurerm_key_vault", argument: "network_acls.default_action", checks: [oneOf("Allow", "Deny")], source: KEY_VAULT },
  { cloud: "azure", type: "azurerm_key_vault", argument: "network_acls.bypass", checks: [oneOf("AzureServices", "None")], source: KEY_VAULT },
  { cloud: "azure", type: "azurerm_key_vault_key", argument: "name", checks: [length(1, 127), chars(/^[A-Za-z0-9-]$/, "letters, digits and -")], source: KEY_NAME },
  { cloud: "azure", type: "azurerm_key_vault_key", argument: "key_type", checks: [oneOf("EC", "EC-HSM", "RSA", "RSA-HSM")], source: KEY_VAULT_KEY },
  { cloud: "azure", type: "azurerm_key_vault_key", argument: "key_opts", checks: [oneOf("decrypt", "encrypt", "sign", "unwrapKey", "verify", "wrapKey")], source: KEY_VAULT_KEY },
  { cloud: "azure", type: "azurerm_key_vault_key", argument: "key_size", when: [{ argument: "key_type", matches: /^RSA/ }], checks: [oneOf(2048, 3072, 4096)], source: KEY_SIZES },
  { cloud: "azure", type: "azurerm_key_vault_key", argument: "rotation_policy.expire_after", checks: [isoDuration(28, 36500)], source: KEY_VAULT_KEY },
  { cloud: "azure", type: "azurerm_key_vault_key", argument: "rotation_policy.notify_before_expiry", checks: [isoDuration(7, 36493)], source: KEY_VAULT_KEY },
  { cloud: "azure", type: "azurerm_key_vault_key", argument: "rotation_policy.automatic.time_after_creation", checks: [isoDuration()], source: KEY_VAULT_KEY },
  { cloud: "azure", type: "azurerm_key_vault_key", argument: "rotation_policy.automatic.time_before_expiry", checks: [isoDuration()], source: KEY_VAULT_KEY },

  // Azure: monitoring
  {
    cloud: "azure",
    type: "azurerm_log_analytics_workspace",
    argument: "name",
    checks: [length(4, 63), chars(/^[A-Za-z0-9-]$/, "letters, digits and -"), startsWith("A-Za-z0-9", "must start with a letter or digit"), endsWith("A-Za-z0-9", "must end with a letter or digit")],
    source: WORKSPACE_NAME,
  },
  { cloud: "azure", type: "azurerm_log_analytics_workspace", argument: "retention_in_days", checks: [range(30, 730, [7])], source: WORKSPACE },
  { cloud: "azure", type: "azurerm_monitor_diagnostic_setting", argument: "name", checks: [length(1, 260), forbid(/[<>*%&:\\?+/]/, "must not contain < > * % & : \\ ? + /")], source: DIAGNOSTIC_NAME },

  // Azure via azapi: any resource's type, and Key Vault keys
  {
    cloud: "azure",
    type: "azapi_resource",
    argument: "type",
    checks: [pattern(/^[A-Za-z0-9.]+(\/[A-Za-z0-9]+)+@\d{4}-\d{2}-\d{2}(-[A-Za-z]+)?$/, "must be '<ResourceProvider>/<resourceType>@<api-version>', e.g. 'Microsoft.KeyVault/vaults/keys@2023-07-01'")],
    source: AZAPI_TYPE,
  },
  { cloud: "azure", type: "azapi_resource", argument: "name", when: [KEY_VAULT_KEY_TYPE], checks: [length(1, 127), chars(/^[A-Za-z0-9-]$/, "letters, digits and -")], source: ARM_KEYS },
  { cloud: "azure", type: "azapi_resource", argument: "body.properties.kty", when: [KEY_VAULT_KEY_TYPE], checks: [oneOf("EC", "EC-HSM", "RSA", "RSA-HSM")], source: ARM_KEYS },
  {
    cloud: "azure",
    type: "azapi_resource",
    argument: "body.properties.keyOps",
    when: [KEY_VAULT_KEY_TYPE],
    checks: [oneOf("decrypt", "encrypt", "import", "release", "sign", "unwrapKey", "verify", "wrapKey")],
    source: ARM_KEYS,
  },
  {
    cloud: "azure",
    type: "azapi_resource",
    argument: "body.properties.keySize",
    when: [KEY_VAULT_KEY_TYPE, { argument: "body.properties.kty", matches: /^RSA/ }],
    checks: [oneOf(2048, 3072, 4096)],
    source: KEY_SIZES,
  },
  { cloud: "azure", type: "azapi_resource", argument: "body.properties.rotationPolicy.attributes.expiryTime", when: [KEY_VAULT_KEY_TYPE], checks: [isoDuration()], source: ARM_KEYS },
  { cloud: "azure", type: "azapi_resource", argument: "body.properties.rotationPolicy.lifetimeActions.trigger.timeAfterCreate", when: [KEY_VAULT_KEY_TYPE], checks: [isoDuration()], source: ARM_KEYS },
  { cloud: "azure", type: "azapi_resource", argument: "body.properties.rotationPolicy.lifetimeActions.trigger.timeBeforeExpiry", when: [KEY_VAULT_KEY_TYPE], checks: [isoDuration()], source: ARM_KEYS },
];

/** The rows of one cloud by resource type. */
export function limitsByType(cloud: ArgumentLimit["cloud"]): ReadonlyMap<string, readonly ArgumentLimit[]> {
  const map = new Map<string, ArgumentLimit[]>();
  for (const row of PROVIDER_LIMITS) {
    if (row.cloud !== cloud) continue;
    map.set(row.type, [...(map.get(row.type) ?? []), row]);
  }
  return map;
}

/** Whether every condition of the row holds: its argument is a literal string matching the pattern. */
function applies(attributes: JsonObject, row: ArgumentLimit): boolean {
  return (row.when ?? []).every((c) =>
    valuesAt(attributes, c.argument).some(({ value }) => typeof value === "string" && templateOf(value).known && c.matches.test(value)),
  );
}

/**
 * What is wrong with a resource's arguments against its rows: per value, every failed check,
 * naming the argument and the value, then the source of the limit in parentheses.
 */
export function limitProblems(attributes: JsonObject, rows: readonly ArgumentLimit[]): string[] {
  const problems: string[] = [];
  for (const row of rows) {
    if (!applies(attributes, row)) continue;
    for (const { where, value } of valuesAt(attributes, row.argument)) {
      const found = row.checks.flatMap((check) => problemsOf(where, value, check, row.sensitive === true));
      if (found.length > 0) problems.push(`${found.join("; ")} (${row.source})`);
    }
  }
  return problems;
}
