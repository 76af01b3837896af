import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Lazy } from "cdktf";
import { Construct } from "constructs";
import { KEY_DELETION_WINDOW_DAYS } from "./custody-key";
import { type AwsCustody, custodiansOf, keyRetirersOf, partitionOf } from "./custody";
import { KEY_AUDIT_ACTIONS, KEY_RETIRE_ACTIONS, KEY_SIGN_ACTIONS, KEY_VERIFY_ACTIONS, SIGNING_KEY_ADMIN_ACTIONS } from "./perms";
import { accountRoot, type PolicyStatement, renderPolicy } from "./policy-document";
import type { IRole, IRoleRef } from "./role";

/**
 * The KMS signing algorithm of every manifest signature made with a {@link SigningKey}: ECDSA on
 * P-256 with SHA-256, the only algorithm KMS offers for an `ECC_NIST_P256` key (KMS Developer Guide,
 * "Key spec reference", ECC key specs: ECC_NIST_P256 - signing algorithm ECDSA_SHA_256). The same
 * signature is JOSE's `ES256` (RFC 7518, section 3.4), which Key Vault's P-256 keys make too.
 */
export const MANIFEST_SIGNING_ALGORITHM = "ECDSA_SHA_256";

/** A manifest-signing key as other constructs see it. */
export interface ISigningKey {
  /** The key's ARN: what `data-embassy push --signing-key` takes, and what KMS Sign and Verify name. */
  readonly keyArn: string;
  /** The region the key lives in (keys are regional): signers and verifiers call KMS there. */
  readonly region: string;
  /** {@link MANIFEST_SIGNING_ALGORITHM}. */
  readonly signingAlgorithm: typeof MANIFEST_SIGNING_ALGORITHM;
  /**
   * Lets `role` sign with the key (kms:Sign, kms:GetPublicKey, kms:DescribeKey), called directly on
   * KMS: its identity policy and the key policy. Signers are the writer at a cloud primary and the
   * ingest roles of a datacenter's copy job; nobody else may sign (the key policy denies it).
   */
  grantSign(role: IRole): void;
  /** Lets `role` verify signatures and read the public key (kms:Verify, kms:GetPublicKey, kms:DescribeKey). */
  grantVerify(role: IRole): void;
  /**
   * The key-policy half of {@link grantVerify}, for a role whose identity policy is made elsewhere
   * (another site's stack, which cannot reference this key's ARN): see AccessPolicy's
   * `manifestVerification`.
   */
  allowVerify(role: IRoleRef): void;
  /** Lets `role` administer the key without any cryptographic use (see SIGNING_KEY_ADMIN_ACTIONS). */
  grantAdminister(role: IRoleRef): void;
  /** Lets `role` read the key's metadata and policy: no use, no change. */
  grantAudit(role: IRoleRef): void;
}

/** Properties of a {@link SigningKey}: whose custody it is under, where it lives and what it signs. */
export interface SigningKeyProps {
  /** The owning state's AWS identities: custodians administer the key, everyone in custody verifies. */
  readonly custody: AwsCustody;
  /** The key's region. */
  readonly region: string;
  /** What the key signs, shown in the console and the review. */
  readonly description: string;
  /**
   * An alias for the key, without the `alias/` prefix.
   * @default - no alias
   */
  readonly alias?: string;
}

/**
 * An asymmetric KMS key (`ECC_NIST_P256`, `SIGN_VERIFY`) that signs snapshot manifests
 * (`data-embassy push`), under the same custody rules as the store keys ({@link CustodyKey}): the
 * longest deletion window, `prevent_destroy`, and a key policy with no delegation to IAM, in which
 * - the custodians (administrators who are neither readers nor writers) and granted key-admin roles
 *   administer but never sign or verify, and neither schedule its deletion nor disable it;
 * - only the named key retirers (custody `keyRetirers`) schedule its deletion or disable it;
 * - only granted signers sign (`SignManifests`), and every other principal is explicitly denied
 *   kms:Sign (`DenySigningOutsideSigners`), so no later Allow can add a signer by mistake;
 * - nobody moves or deletes its alias (`DenyMovingAliases`): verifiers find the key by it;
 * - every custody administrator and granted verifier (readers, operators, auditors) may verify and
 *   read the public key (`VerifyManifests`): a signature is only worth something if the people
 *   who rely on it can check it;
 * - a deletion window shorter than 30 days is denied to everyone, and every principal outside the
 *   custody account is denied everything.
 *
 * No rotation. KMS rotates symmetric encryption keys only: "Automatic key rotation is supported only
 * on symmetric encryption KMS keys. You cannot enable automatic rotation of asymmetric KMS keys,
 * HMAC KMS keys, KMS keys with imported key material, or KMS keys in a custom key store" (KMS API
 * Reference, EnableKeyRotation), so `enable_key_rotation` stays false (terraform-provider-aws
 * internal/service/kms/key.go calls EnableKeyRotation only when it is true) and policy rule EMB-K01
 * treats asymmetric keys as not applicable. A signing key is replaced, not rotated: a new key, with
 * both public keys kept for verifying older manifests. The private key never leaves KMS.
 */
export class SigningKey extends Construct implements ISigningKey {
  /** The key's ARN. */
  public readonly keyArn: string;
  /** The key's region. */
  public readonly region: string;
  /** {@link MANIFEST_SIGNING_ALGORITHM}. */
  public readonly signingAlgorithm = MANIFEST_SIGNING_ALGORITHM;
  /**
   * The ARN of the key's alias, if it has one.
   * @default - the key has no alias
   */
  public readonly aliasArn?: string;
  /** The `aws_kms_key`. */
  public readonly resource: KmsKey;
  private readonly custody: AwsCustody;
  private readonly administrators: string[];
  private readonly retirers: string[];
  private readonly signers: string[] = [];
  private readonly verifiers: string[];
  private readonly auditors: string[] = [];

  constructor(scope: Construct, id: string, props: SigningKeyProps) {
    super(scope, id);
    this.custody = props.custody;
    this.region = props.region;
    this.administrators = custodiansOf(props.custody);
    if (this.administrators.length === 0) {
      throw new Error(
        `custody.administrators must name at least one custodian (an administrator who is neither reader nor writer) to administer signing key '${props.description}', got none among ${props.custody.administrators.map((a) => `'${a}'`).join(", ") || "no administrators"}`,
      );
    }
    this.retirers = keyRetirersOf(props.custody);
    // "anyone in custody" verifies: every custody administrator, readers and writers included.
    this.verifiers = [...props.custody.administrators];
    this.resource = new KmsKey(this, "Resource", {
      description: props.description,
      // terraform-provider-aws internal/service/kms/key.go: `key_usage` (KeyUsageType: ENCRYPT_DECRYPT,
      // SIGN_VERIFY, ...) and `customer_master_key_spec` (CustomerMasterKeySpec, ECC_NIST_P256 among
      // them) are ForceNew: the key's kind never changes in place.
      keyUsage: "SIGN_VERIFY",
      customerMasterKeySpec: "ECC_NIST_P256",
      // KMS refuses EnableKeyRotation on asymmetric keys (see above); false is also the provider's default.
      enableKeyRotation: false,
      // `deletion_window_in_days`: 7 to 30 (same file); the longest, as for the store keys.
      deletionWindowInDays: KEY_DELETION_WINDOW_DAYS,
      multiRegion: false,
      policy: Lazy.stringValue({ produce: () => renderPolicy(this.statements()) }),
      lifecycle: { preventDestroy: true },
    });
    this.keyArn = this.resource.arn;
    if (props.alias) {
      this.aliasArn = new KmsAlias(this, "Alias", { name: `alias/${props.alias}`, targetKeyId: this.resource.keyId }).arn;
    }
  }

  /** {@inheritDoc ISigningKey.grantSign} */
  public grantSign(role: IRole): void {
    role.addToPolicy({ Sid: "SignManifests", Effect: "Allow", Action: [...KEY_SIGN_ACTIONS], Resource: [this.keyArn] });
    add(this.signers, role.roleArn);
  }

  /** {@inheritDoc ISigningKey.grantVerify} */
  public grantVerify(role: IRole): void {
    role.addToPolicy({ Sid: "VerifyManifests", Effect: "Allow", Action: [...KEY_VERIFY_ACTIONS], Resource: [this.keyArn] });
    this.allowVerify(role);
  }

  /** {@inheritDoc ISigningKey.allowVerify} */
  public allowVerify(role: IRoleRef): void {
    add(this.verifiers, role.roleArn);
  }

  /** {@inheritDoc ISigningKey.grantAdminister} */
  public grantAdminister(role: IRoleRef): void {
    add(this.administrators, role.roleArn);
  }

  /** {@inheritDoc ISigningKey.grantAudit} */
  public grantAudit(role: IRoleRef): void {
    add(this.auditors, role.roleArn);
  }

  private statements(): PolicyStatement[] {
    const root = accountRoot(partitionOf(this.custody), this.custody.accountId);
    const allow = (sid: string, actions: readonly string[], principals: readonly string[]): PolicyStatement[] =>
      principals.length === 0 ? [] : [{ Sid: sid, Effect: "Allow", Principal: { AWS: root }, Action: [...actions], Resource: "*", Condition: { ArnEquals: { "aws:PrincipalArn": [...principals] } } }];
    return [
      ...allow("KeyAdministrationWithoutUse", SIGNING_KEY_ADMIN_ACTIONS, this.administrators),
      ...allow("RetireKeyWithoutUse", KEY_RETIRE_ACTIONS, this.retirers),
      ...allow("SignManifests", KEY_SIGN_ACTIONS, this.signers),
      ...allow("VerifyManifests", KEY_VERIFY_ACTIONS, this.verifiers),
      ...allow("AuditWithoutUse", KEY_AUDIT_ACTIONS, this.auditors),
      {
        // A negated ARN operator also matches a request without aws:PrincipalArn (IAM User Guide,
        // "IAM JSON policy elements: Condition operators"), so a service principal cannot sign either.
        Sid: "DenySigningOutsideSigners",
        Effect: "Deny",
        Principal: "*",
        Action: "kms:Sign",
        Resource: "*",
        ...(this.signers.length > 0 ? { Condition: { ArnNotEquals: { "aws:PrincipalArn": [...this.signers] } } } : {}),
      },
      {
        // The replica sites' verify grants and `data-embassy verify` find this key by its alias, so
        // moving the alias to another key would make that key's signatures trusted. Re-pointing or
        // deleting an alias needs the action on the alias's current key too ("Required permissions"
        // of UpdateAlias / DeleteAlias in the KMS API Reference: the alias, the current KMS key and
        // the new KMS key), so this deny pins the alias to this key. Only a policy change (PutKeyPolicy,
        // watched by the tamper rules) could lift it. CreateAlias stays allowed: the first apply needs it.
        Sid: "DenyMovingAliases",
        Effect: "Deny",
        Principal: "*",
        Action: ["kms:UpdateAlias", "kms:DeleteAlias"],
        Resource: "*",
      },
      {
        // As on every custody key: binds every caller, whatever another statement allows.
        Sid: "DenyShortDeletionWindow",
        Effect: "Deny",
        Principal: "*",
        Action: "kms:ScheduleKeyDeletion",
        Resource: "*",
        Condition: { NumericLessThan: { "kms:ScheduleKeyDeletionPendingWindowInDays": String(KEY_DELETION_WINDOW_DAYS) } },
      },
      {
        Sid: "DenyOutsideCustody",
        Effect: "Deny",
        Principal: "*",
        Action: "kms:*",
        Resource: "*",
        Condition: { StringNotEquals: { "aws:PrincipalAccount": this.custody.accountId } },
      },
    ];
  }
}

function add(list: string[], arn: string): void {
  if (!list.includes(arn)) list.push(arn);
}
