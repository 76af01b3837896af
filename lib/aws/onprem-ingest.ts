import { RolesanywhereProfile } from "@cdktf/provider-aws/lib/rolesanywhere-profile";
import { RolesanywhereTrustAnchor } from "@cdktf/provider-aws/lib/rolesanywhere-trust-anchor";
import { Token } from "cdktf";
import { Construct } from "constructs";
import type { AwsCustody } from "./custody";
import type { IEncryptedStore, IVpcEndpointRef } from "./encrypted-store";
import { BUCKET_LIST_ACTIONS, INGEST_DENIED_ACTIONS } from "./perms";
import { renderPolicy } from "./policy-document";
import { Role } from "./role";
import type { ISigningKey } from "./signing-key";

/** How an OnPremIngest is built: the datacenter's certificate authority and the stores it writes to. */
export interface OnPremIngestProps {
  /** The owning state's account: the ingest role lives in it and writes only to its stores. */
  readonly custody: AwsCustody;
  /**
   * The name of the trust anchor and of the profile: 1-255 letters, digits, spaces, `-` and `_`
   * (IAM Roles Anywhere API reference, CreateTrustAnchor and CreateProfile, `name`: ResourceName,
   * pattern `[ a-zA-Z0-9-_]*`, length 1-255).
   */
  readonly name: string;
  /** The ingest role's name; part of its ARN, which the datacenter's push plan names at synth. */
  readonly roleName: string;
  /**
   * The PEM text of the state's CA certificate that issues the copy job's certificates (one
   * certificate, no private key; at most 16,000 characters, CreateTrustAnchor
   * `x509CertificateData`).
   */
  readonly certificatePem: string;
  /** The stores the copy job writes new versions into: one per registry the link carries. */
  readonly stores: readonly IEncryptedStore[];
  /**
   * The S3 interface endpoint (reached over the datacenter's VPN) that every request of the ingest
   * role must come through; each store's policy denies the role anywhere else.
   * @default - none: the copy job writes over S3's public regional endpoint, with TLS (every store
   * denies requests without it)
   */
  readonly endpoint?: IVpcEndpointRef;
  /**
   * How long the credentials of one session last, in seconds (900 to 3600: at least the API's
   * minimum, at most the role's maximum session of one hour). The copy job asks for a fresh session
   * on every run.
   * @default 3600
   */
  readonly sessionDurationSeconds?: number;
  /**
   * The key the copy job signs each snapshot's manifest with at this site (SigningKey): the role
   * may kms:Sign with it, called directly on KMS in the key's region.
   * @default - the role signs nothing (the copy job signs with the datacenter's own key, `file:`)
   */
  readonly signingKey?: ISigningKey;
  /**
   * Tags on the trust anchor and the profile.
   * @default - none besides the provider's default tags
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/** IAM Roles Anywhere's service principal, which assumes the role for a certificate holder. */
const ROLES_ANYWHERE = "rolesanywhere.amazonaws.com";
/** `ResourceName` of the IAM Roles Anywhere API (botocore rolesanywhere/2018-05-10/service-2.json). */
const RESOURCE_NAME = /^[ a-zA-Z0-9_-]{1,255}$/;
/** `SourceDataX509CertificateDataString`: max 16,000 characters (same file). */
const MAX_CERTIFICATE_CHARS = 16000;

/**
 * What a state's datacenter needs to write registry copies into an AWS site, and nothing more: an
 * IAM Roles Anywhere trust anchor holding the state's CA certificate, a profile, and an ingest role
 * that the profile hands out to a certificate issued by that CA.
 *
 * The role may only write new object versions into the carried registries' stores (each store's
 * `grantWrite`: s3:PutObject, s3:AbortMultipartUpload, s3:ListMultipartUploadParts, and the store
 * key's use through S3 only, so every version is encrypted with the store's key), list their key
 * names and sizes (s3:ListBucket, to skip what is there), and sign manifests with the site's
 * `signingKey` when one is given. It has no
 * delete, no retention or legal-hold change and no read, and is explicitly denied them
 * (`INGEST_DENIED_ACTIONS`), so a broader grant added later cannot turn the copy job's credentials
 * into a way to destroy or read copies. S3 Object Lock keeps every earlier version (COMPLIANCE).
 * With an `endpoint`, each store also denies the role every request that does not come through
 * that VPC endpoint.
 *
 * The trust policy is the one the IAM Roles Anywhere user guide gives ("Trust model", Role trusts:
 * the service principal `rolesanywhere.amazonaws.com` with sts:AssumeRole, sts:SetSourceIdentity
 * and sts:TagSession; "Attribute mapping and trust policy": the condition `ArnEquals`
 * `aws:SourceArn` on the trust anchor's ARN), so only certificates checked against this trust
 * anchor reach the role. It pins no certificate subject: the topology names a CA for the
 * datacenter (`identity.aws.trustAnchorCertificate`) but no subject of the copy job's certificate,
 * so every certificate that CA issues can assume the role. Give each datacenter a CA (or an
 * intermediate CA) that issues only the copy job's certificates.
 */
export class OnPremIngest extends Construct {
  /** The role the datacenter's copy job assumes (through IAM Roles Anywhere) to write registry copies. */
  public readonly role: Role;
  /** The Roles Anywhere trust anchor holding the state's CA certificate. */
  public readonly trustAnchor: RolesanywhereTrustAnchor;
  /** The Roles Anywhere profile that hands out the ingest role. */
  public readonly profile: RolesanywhereProfile;
  /** The ARN of the trust anchor, for the copy job's credential helper. */
  public readonly trustAnchorArn: string;
  /** The ARN of the profile, for the copy job's credential helper. */
  public readonly profileArn: string;

  constructor(scope: Construct, id: string, props: OnPremIngestProps) {
    super(scope, id);
    const duration = props.sessionDurationSeconds ?? 3600;
    const problems: string[] = [];
    if (!Token.isUnresolved(props.name) && !RESOURCE_NAME.test(props.name)) {
      problems.push(`name must be 1-255 characters of letters, digits, spaces, - and _ (IAM Roles Anywhere names), got '${props.name}'`);
    }
    const certificateProblem = Token.isUnresolved(props.certificatePem) ? undefined : pemProblem(props.certificatePem);
    if (certificateProblem) problems.push(`certificatePem ${certificateProblem} for ingest '${props.name}'`);
    if (props.stores.length === 0) problems.push(`stores must list at least one store for ingest '${props.name}', got none`);
    if (!Token.isUnresolved(duration) && (!Number.isInteger(duration) || duration < 900 || duration > 3600)) {
      problems.push(`sessionDurationSeconds must be a whole number from 900 to 3600 (the role's maximum session), got ${duration} for ingest '${props.name}'`);
    }
    if (problems.length > 0) throw new Error(problems.join("\n"));

    this.trustAnchor = new RolesanywhereTrustAnchor(this, "TrustAnchor", {
      name: props.name,
      enabled: true,
      // CERTIFICATE_BUNDLE: an uploaded CA certificate (TrustAnchorType; provider
      // internal/service/rolesanywhere/trust_anchor.go, source.source_type).
      source: { sourceType: "CERTIFICATE_BUNDLE", sourceData: { x509CertificateData: props.certificatePem } },
      ...(props.tags ? { tags: { ...props.tags } } : {}),
    });
    this.trustAnchorArn = this.trustAnchor.arn;

    this.role = new Role(this, "Role", {
      custody: props.custody,
      roleName: props.roleName,
      description: `Writes new registry versions from datacenter ingest '${props.name}' (IAM Roles Anywhere)`,
      assumedBy: { Service: ROLES_ANYWHERE },
    });
    // Role's trust statement allows sts:AssumeRole only; IAM Roles Anywhere needs all three actions.
    this.role.resource.assumeRolePolicy = renderPolicy([
      {
        Sid: "RolesAnywhereWithThisTrustAnchor",
        Effect: "Allow",
        Principal: { Service: ROLES_ANYWHERE },
        Action: ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
        Condition: { ArnEquals: { "aws:SourceArn": [this.trustAnchorArn] } },
      },
    ]);

    this.profile = new RolesanywhereProfile(this, "Profile", {
      name: props.name,
      enabled: true,
      // The role's own ARN attribute, so the profile is created after the role exists.
      roleArns: [this.role.resource.arn],
      durationSeconds: duration,
      ...(props.tags ? { tags: { ...props.tags } } : {}),
    });
    this.profileArn = this.profile.arn;

    for (const store of props.stores) {
      store.grantWrite(this.role);
      if (props.endpoint) store.restrictToEndpoint(this.role, props.endpoint);
    }
    // Key names and sizes of the carried stores, never content (perms.BUCKET_LIST_ACTIONS): the copy
    // job skips content-addressed objects that are there already, so a push resumes and repeats cheaply.
    this.role.addToPolicy({ Sid: "ListStores", Effect: "Allow", Action: [...BUCKET_LIST_ACTIONS], Resource: props.stores.map((s) => s.bucketArn) });
    props.signingKey?.grantSign(this.role);
    this.role.addToPolicy({ Sid: "DenyDestroyingOrReadingCopies", Effect: "Deny", Action: [...INGEST_DENIED_ACTIONS], Resource: "*" });
  }
}

/** Why `text` is not one PEM certificate IAM Roles Anywhere can take as a trust anchor, or undefined. */
function pemProblem(text: string): string | undefined {
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) return "holds a private key; give the CA's certificate only";
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length !== 1) return `must hold exactly one PEM certificate (-----BEGIN CERTIFICATE-----), got ${blocks.length}`;
  if (text.length > MAX_CERTIFICATE_CHARS) return `must be at most ${MAX_CERTIFICATE_CHARS} characters (x509CertificateData), got ${text.length}`;
  return undefined;
}
