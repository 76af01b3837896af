import type { RoleAssignment } from "@cdktf/provider-azurerm/lib/role-assignment";
import { Construct } from "constructs";
import { AzapiResource } from "./azapi/resource";
import { CUSTODY_KEY_RESOURCE_TYPE } from "./custody-key";
import { keyLifecycleProblems, keyRotationPolicy } from "./private/key-lifecycle";
import type { ICustodyKeyVault } from "./key-vault";
import { MANIFEST_SIGNER_PERMISSIONS, MANIFEST_VERIFIER_PERMISSIONS } from "./perms";
import { assignRole, CustomRole } from "./private/roles";

/**
 * The Key Vault signing algorithm of every manifest signature made with a {@link SigningKey}: ES256,
 * ECDSA on P-256 with SHA-256 (Key Vault REST, Sign: JsonWebKeySignatureAlgorithm `ES256`, "ECDSA
 * using P-256 and SHA-256, as described in https://tools.ietf.org/html/rfc7518"), the same signature
 * as AWS KMS's ECDSA_SHA_256 on an ECC_NIST_P256 key.
 */
export const MANIFEST_SIGNING_ALGORITHM = "ES256";

/** A manifest-signing key as other constructs see it. */
export interface ISigningKey {
  /** The key's versionless data-plane URI (`https://<vault>.vault.azure.net/keys/<name>`): sign with the current version. */
  readonly versionlessKeyId: string;
  /** The key's ARM id: the scope of its role assignments. */
  readonly resourceId: string;
  /** The custody vault that holds the key. */
  readonly vault: ICustodyKeyVault;
  /** {@link MANIFEST_SIGNING_ALGORITHM}. */
  readonly signingAlgorithm: typeof MANIFEST_SIGNING_ALGORITHM;
  /** Lets `principalId` sign with the key (and read its public part); `grantId` names the grant. */
  grantSign(grantId: string, principalId: string, principalType?: "ServicePrincipal"): RoleAssignment;
  /** Lets `principalId` verify signatures and read the public part; `grantId` names the grant. */
  grantVerify(grantId: string, principalId: string): RoleAssignment;
}

/** Properties of a {@link SigningKey}: the vault it lives in, its name, where its signer and verifier roles are defined, and its rotation. */
export interface SigningKeyProps {
  /** The site's custody vault (Premium: HSM-backed keys). */
  readonly vault: ICustodyKeyVault;
  /** The key's name in the vault (1-127 letters, digits and hyphens). */
  readonly keyName: string;
  /** The site's resource group id: the signer and verifier roles are defined and assignable only there. */
  readonly resourceGroupId: string;
  /** Prefix of the two custom roles' names (`<prefix>-sign-manifests`, `<prefix>-verify-manifests`; unique per tenant). */
  readonly namePrefix: string;
  /**
   * Days after which a new key version is created automatically.
   * @default 365
   */
  readonly rotateAfterDays?: number;
  /**
   * Days after which a key version expires (it then signs no more, and still verifies).
   * @default 730
   */
  readonly expireAfterDays?: number;
  /**
   * Tags for every resource this construct creates.
   * @default - no tags
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * An HSM-backed elliptic-curve key (`EC-HSM`, `P-256`) in a site's custody vault that signs
 * snapshot manifests (`data-embassy push`) and does nothing else (`keyOps` sign and verify), not
 * exportable, with the custody keys' rotation policy, `prevent_destroy`, and RBAC on this key alone:
 * - `grantSign`: a custom role (perms.MANIFEST_SIGNER_PERMISSIONS: `keys/sign/action`, `keys/read`)
 *   for the writer at an Azure primary or a datacenter's ingest identity, and nobody else;
 * - `grantVerify`: a custom role (perms.MANIFEST_VERIFIER_PERMISSIONS: `keys/verify/action`,
 *   `keys/read`) for the custody administrators;
 * - the vault's key administrators administer it (their custom role on the vault: versions,
 *   rotation, recovery; no sign, no verify) and its retirement stays with the unassigned retirement role.
 *
 * Created through Azure Resource Manager as an `azapi_resource` of {@link CUSTODY_KEY_RESOURCE_TYPE}
 * with the vault as parent, exactly like CustodyKey (see there why: Key Vault keys are created at
 * management.azure.com, never at the vault's private data plane, and ARM never updates or deletes an
 * existing key). KeyProperties (Azure/azure-rest-api-specs specification/keyvault/resource-manager/
 * Microsoft.KeyVault/stable/2024-11-01/keys.json): `kty` JsonWebKeyType `EC-HSM`, `curveName`
 * JsonWebKeyCurveName `P-256`, `keyOps` JsonWebKeyOperation `sign`, `verify`, `attributes`, `rotationPolicy`.
 *
 * Rotation is kept (unlike AWS, Key Vault rotates EC keys): a rotation adds a version, the copy job
 * signs with the current one (the versionless id) and records the version's `kid` in the signature.
 * An expired version still verifies: "Not-yet-valid and expired keys, outside the nbf / exp window,
 * will work for decrypt, unwrap, and verify operations (won't return 403, Forbidden)"
 * (learn.microsoft.com/azure/key-vault/keys/about-keys-details, Date-time controlled operations),
 * so old manifests stay checkable.
 */
export class SigningKey extends Construct implements ISigningKey {
  /** {@inheritDoc ISigningKey.versionlessKeyId} */
  public readonly versionlessKeyId: string;
  /** {@inheritDoc ISigningKey.resourceId} */
  public readonly resourceId: string;
  /** {@inheritDoc ISigningKey.vault} */
  public readonly vault: ICustodyKeyVault;
  /** {@link MANIFEST_SIGNING_ALGORITHM}. */
  public readonly signingAlgorithm = MANIFEST_SIGNING_ALGORITHM;
  /** The `azapi_resource` of the key. */
  public readonly resource: AzapiResource;
  private readonly signerRole: CustomRole;
  private readonly verifierRole: CustomRole;
  private readonly grants: Construct;

  constructor(scope: Construct, id: string, props: SigningKeyProps) {
    super(scope, id);
    const rotate = props.rotateAfterDays ?? 365;
    const expire = props.expireAfterDays ?? 730;
    const problems = keyLifecycleProblems(props.keyName, rotate, expire, `signing key '${props.keyName}'`);
    if (problems.length > 0) throw new Error(problems.join("\n"));
    this.vault = props.vault;
    this.resource = new AzapiResource(this, "Resource", {
      type: CUSTODY_KEY_RESOURCE_TYPE,
      name: props.keyName,
      parentId: props.vault.vaultId,
      body: {
        properties: {
          kty: "EC-HSM",
          curveName: "P-256",
          keyOps: ["sign", "verify"],
          attributes: { enabled: true, exportable: false },
          rotationPolicy: keyRotationPolicy(rotate, expire),
        },
      },
      tags: { ...(props.tags ?? {}) },
      responseExportValues: ["properties.keyUri"],
      schemaValidationEnabled: true,
      ignoreCasing: true,
      lifecycle: { preventDestroy: true },
    });
    this.versionlessKeyId = this.resource.outputString("properties.keyUri");
    this.resourceId = this.resource.id;
    this.signerRole = new CustomRole(this, "SignerRole", {
      roleName: `${props.namePrefix}-sign-manifests`,
      description: "Signs snapshot manifests with the site's signing key; no other key use, no data",
      resourceGroupId: props.resourceGroupId,
      permissions: MANIFEST_SIGNER_PERMISSIONS,
      readsData: false,
    });
    this.verifierRole = new CustomRole(this, "VerifierRole", {
      roleName: `${props.namePrefix}-verify-manifests`,
      description: "Verifies snapshot manifest signatures and reads the signing key's public part; no signing",
      resourceGroupId: props.resourceGroupId,
      permissions: MANIFEST_VERIFIER_PERMISSIONS,
      readsData: false,
    });
    this.grants = new Construct(this, "Grants");
  }

  /** {@inheritDoc ISigningKey.grantSign} */
  public grantSign(grantId: string, principalId: string, principalType?: "ServicePrincipal"): RoleAssignment {
    return this.assign(`Sign-${grantId}`, principalId, this.signerRole, "sign-manifests: sign snapshot manifests with this key only", principalType);
  }

  /** {@inheritDoc ISigningKey.grantVerify} */
  public grantVerify(grantId: string, principalId: string): RoleAssignment {
    return this.assign(`Verify-${grantId}`, principalId, this.verifierRole, "verify-manifests: check manifest signatures with this key only");
  }

  private assign(id: string, principalId: string, role: CustomRole, description: string, principalType?: "ServicePrincipal"): RoleAssignment {
    const known = this.grants.node.tryFindChild(id) as RoleAssignment | undefined;
    if (known) return known;
    return assignRole(this.grants, id, { scope: this.resourceId, principalId, role, description, ...(principalType ? { principalType } : {}) });
  }
}
