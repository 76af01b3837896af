/**
 * Manifest signatures: ECDSA P-256 with SHA-256, from three kinds of key reference
 * - `arn:aws:kms:<region>:<account>:key/<id>`: an AWS KMS asymmetric key (KeySpec ECC_NIST_P256,
 *   KeyUsage SIGN_VERIFY); KMS returns a DER signature.
 * - `https://<vault>.vault.azure.net/keys/<name>[/<version>]`: an Azure Key Vault EC P-256 key;
 *   Key Vault's ES256 returns the raw 64-byte r||s (IEEE P1363), normalised here to DER.
 * - `file:<path>`: a PEM private key (signing) or PEM public key (verification), for a state's
 *   own HSM-backed signer that exports a key file, and for tests.
 * Every signature is stored as DER, so one verification path serves all three.
 * The key services' SDKs are loaded only when such a key is used.
 */
import { type KeyObject, createHash, createPrivateKey, createPublicKey, sign as cryptoSign, verify as cryptoVerify } from "node:crypto";
import { readFileSync } from "node:fs";
import { AccessError, UsageError, describeError } from "./errors";
import { type Manifest, type ManifestSignature, SIGNATURE_ALGORITHM, signedStatement } from "./manifest";

/** A parsed key reference. */
export type KeyRef =
  | { readonly kind: "kms"; readonly ref: string; readonly region: string; readonly account: string }
  | { readonly kind: "keyvault"; readonly ref: string; readonly vault: string; readonly name: string; readonly version?: string }
  | { readonly kind: "file"; readonly ref: string; readonly path: string };

const KMS_ARN = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):(\d{12}):key\/[A-Za-z0-9-]+$/;
const KEY_VAULT_ID = /^https:\/\/([a-z0-9-]{3,24})\.vault\.azure\.net\/keys\/([A-Za-z0-9-]{1,127})(?:\/([0-9a-f]{32}))?\/?$/;

/** Parses `--signing-key` / `--public-key`; `option` names the option in the error. */
export function parseKeyRef(text: string, option: string): KeyRef {
  if (text.startsWith("file:")) {
    const path = text.slice("file:".length);
    if (!path) throw new UsageError(`${option} 'file:' needs a path: file:PATH`);
    return { kind: "file", ref: text, path };
  }
  const kms = KMS_ARN.exec(text);
  if (kms) return { kind: "kms", ref: text, region: kms[1], account: kms[2] };
  const kv = KEY_VAULT_ID.exec(text);
  if (kv) return { kind: "keyvault", ref: text.replace(/\/$/, ""), vault: kv[1], name: kv[2], version: kv[3] };
  throw new UsageError(
    `${option} must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), a Key Vault key id (https://VAULT.vault.azure.net/keys/NAME[/VERSION]) or file:PATH, got '${text}'`,
  );
}

/**
 * The KMS key behind an alias, as an alias ARN: `arn:<partition>:kms:<region>:<account>:alias/<name>`.
 * KMS takes an alias name or alias ARN wherever a KeyId is asked for (Sign, GetPublicKey); the ARN
 * also pins the account, so a caller whose credentials belong to another account fails instead of
 * signing with a same-named alias there ("To specify a KMS key in a different AWS account, you must
 * use the key ARN or alias ARN": https://docs.aws.amazon.com/kms/latest/APIReference/API_Sign.html#KMS-Sign-request-KeyId).
 * Used for the keys synth names (an alias is known at synth, the key's ARN only after deploy); the
 * manifest then records the key ARN that KMS reports as the signer, so a later re-pointed alias
 * changes nothing about what a manifest says. Users still give key ARNs (see parseKeyRef).
 */
export function kmsAliasRef(partition: string, region: string, account: string, alias: string): KeyRef {
  return { kind: "kms", ref: `arn:${partition}:kms:${region}:${account}:${alias}`, region, account };
}

/** A Key Vault key by its versionless id `https://<vault>.vault.azure.net/keys/<name>` (signs with the newest version). */
export function keyVaultRef(vault: string, name: string): KeyRef {
  return { kind: "keyvault", ref: `https://${vault}.vault.azure.net/keys/${name}`, vault, name };
}

/** SHA-256 (hex) of a public key's DER SubjectPublicKeyInfo. */
export function publicKeyFingerprint(key: KeyObject): string {
  return createHash("sha256").update(key.export({ type: "spki", format: "der" })).digest("hex");
}

function requireP256(key: KeyObject, ref: string): void {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (key.asymmetricKeyType !== "ec" || curve !== "prime256v1") {
    throw new UsageError(`key '${ref}' must be an EC P-256 key, got ${key.asymmetricKeyType}${curve ? ` (${curve})` : ""}`);
  }
}

function readPem(ref: string, path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    throw new UsageError(`cannot read key file '${path}' (${ref}): ${(e as Error).message}`);
  }
}

/** DER of one ASN.1 INTEGER holding the unsigned big-endian `bytes`. */
function derInteger(bytes: Buffer): Buffer {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  let v = bytes.subarray(i);
  if (v[0] & 0x80) v = Buffer.concat([Buffer.from([0]), v]);
  return Buffer.concat([Buffer.from([0x02, v.length]), v]);
}

/** Raw r||s (IEEE P1363, as Key Vault's ES256 returns it) to a DER ECDSA-Sig-Value (as KMS returns it). */
export function p1363ToDer(signature: Uint8Array): Buffer {
  const sig = Buffer.from(signature);
  if (sig.length !== 64) throw new Error(`an ES256 signature has 64 bytes (r||s), got ${sig.length}`);
  const body = Buffer.concat([derInteger(sig.subarray(0, 32)), derInteger(sig.subarray(32))]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

/** Loaded lazily: the CLI pays for the Azure SDK only when a Key Vault key is used. */
function keyVaultCrypto(ref: string) {
  const { CryptographyClient } = require("@azure/keyvault-keys") as typeof import("@azure/keyvault-keys");
  const { DefaultAzureCredential } = require("@azure/identity") as typeof import("@azure/identity");
  return new CryptographyClient(ref, new DefaultAzureCredential());
}

function kmsClient(region: string) {
  const { KMSClient } = require("@aws-sdk/client-kms") as typeof import("@aws-sdk/client-kms");
  // The endpoint comes from the SDK's standard configuration: AWS_ENDPOINT_URL_KMS or
  // AWS_ENDPOINT_URL (https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html).
  return new KMSClient({ region });
}

/** The public key behind a key reference (for a `file:` private key, its public half). */
export async function publicKeyOf(key: KeyRef): Promise<KeyObject> {
  return (await resolveKey(key)).pub;
}

/**
 * The public key behind a reference and the reference of the exact key version it belongs to: for a
 * versionless Key Vault id, the newest version's id (`KeyVaultKey.id` includes the version); for
 * any other reference, the reference itself.
 */
async function resolveKey(key: KeyRef): Promise<{ pub: KeyObject; ref: string }> {
  let pub: KeyObject;
  let ref = key.ref;
  try {
    if (key.kind === "file") pub = createPublicKey(readPem(key.ref, key.path));
    else if (key.kind === "kms") {
      const { GetPublicKeyCommand } = require("@aws-sdk/client-kms") as typeof import("@aws-sdk/client-kms");
      const out = await kmsClient(key.region).send(new GetPublicKeyCommand({ KeyId: key.ref }));
      if (!out.PublicKey) throw new AccessError(`KMS returned no public key for '${key.ref}'`);
      pub = createPublicKey({ key: Buffer.from(out.PublicKey), format: "der", type: "spki" });
    } else {
      const { KeyClient } = require("@azure/keyvault-keys") as typeof import("@azure/keyvault-keys");
      const { DefaultAzureCredential } = require("@azure/identity") as typeof import("@azure/identity");
      const client = new KeyClient(`https://${key.vault}.vault.azure.net`, new DefaultAzureCredential());
      // Without a version, getKey returns the newest version, and its id names that version:
      // https://learn.microsoft.com/azure/key-vault/keys/javascript-developer-guide-get-key ("Get latest version: await client.getKey(name)")
      const vaultKey = await client.getKey(key.name, key.version ? { version: key.version } : {});
      if (vaultKey.id) ref = vaultKey.id;
      const jwk = vaultKey.key;
      if (!jwk?.x || !jwk.y || jwk.crv !== "P-256") throw new UsageError(`Key Vault key '${key.ref}' must be an EC P-256 key, got ${jwk?.kty} ${jwk?.crv ?? ""}`.trim());
      pub = createPublicKey({ key: { kty: "EC", crv: "P-256", x: Buffer.from(jwk.x).toString("base64url"), y: Buffer.from(jwk.y).toString("base64url") }, format: "jwk" });
    }
  } catch (e) {
    if (e instanceof UsageError || e instanceof AccessError) throw e;
    if (key.kind === "file") throw new UsageError(`key file '${key.path}' holds no PEM key: ${(e as Error).message}`);
    throw new AccessError(`cannot read the public key of '${key.ref}': ${describeError(e)}`);
  }
  requireP256(pub, key.ref);
  return { pub, ref };
}

/** Signs the manifest's statement with the key; returns the signature block to embed. */
export async function signManifest(manifest: Manifest, key: KeyRef): Promise<ManifestSignature> {
  const statement = signedStatement(manifest);
  let der: Buffer;
  let pub: KeyObject;
  // What the manifest names as its signer: the exact key (version) that signed.
  let signer = key.ref;
  if (key.kind === "file") {
    let priv: KeyObject;
    try {
      priv = createPrivateKey(readPem(key.ref, key.path));
    } catch (e) {
      if (e instanceof UsageError) throw e;
      throw new UsageError(`--signing-key '${key.ref}' must be a PEM private key: ${(e as Error).message}`);
    }
    pub = createPublicKey(priv);
    requireP256(pub, key.ref);
    der = cryptoSign("sha256", statement, { key: priv, dsaEncoding: "der" });
  } else if (key.kind === "kms") {
    pub = await publicKeyOf(key);
    const { SignCommand } = require("@aws-sdk/client-kms") as typeof import("@aws-sdk/client-kms");
    try {
      // RAW: KMS hashes the message with SHA-256 and signs the digest; DER out.
      // https://docs.aws.amazon.com/kms/latest/APIReference/API_Sign.html
      // KeyId may be a key ARN or an alias ARN (kmsAliasRef); the answer's KeyId is "the Amazon
      // Resource Name (key ARN) of the asymmetric KMS key that was used to sign the message"
      // (https://docs.aws.amazon.com/kms/latest/APIReference/API_Sign.html#API_Sign_ResponseSyntax).
      const out = await kmsClient(key.region).send(new SignCommand({ KeyId: key.ref, Message: statement, MessageType: "RAW", SigningAlgorithm: "ECDSA_SHA_256" }));
      if (!out.Signature) throw new Error("no signature in the answer");
      der = Buffer.from(out.Signature);
      if (out.KeyId && KMS_ARN.test(out.KeyId)) signer = out.KeyId;
    } catch (e) {
      throw new AccessError(`KMS could not sign with '${key.ref}': ${describeError(e)}`);
    }
  } else {
    // A versionless id (the keys synth names) is resolved to the newest version first, and that
    // version signs: the public key checked below and the id the manifest names are then the
    // signer's, also after the vault rotates the key (the stacks set a rotation policy), and a
    // verifier can fetch exactly that version. (Key Vault would also sign with the newest version
    // given no version at all: https://github.com/Azure/azure-sdk-for-go/issues/23866.)
    ({ pub, ref: signer } = await resolveKey(key));
    try {
      // ES256 signs a SHA-256 digest and returns r||s (RFC 7518 section 3.4):
      // https://learn.microsoft.com/rest/api/keyvault/keys/sign/sign
      const digest = createHash("sha256").update(statement).digest();
      const out = await keyVaultCrypto(signer).sign("ES256", digest);
      der = p1363ToDer(out.result);
    } catch (e) {
      throw new AccessError(`Key Vault could not sign with '${key.ref}': ${describeError(e)}`);
    }
  }
  const signature: ManifestSignature = {
    algorithm: SIGNATURE_ALGORITHM,
    key: key.kind === "file" ? "file" : signer,
    publicKeySha256: publicKeyFingerprint(pub),
    value: der.toString("base64"),
  };
  // Check what the service returned before it is written where nobody can change it.
  if (!verifyWith(manifest, signature, pub)) throw new AccessError(`the signature returned for '${key.ref}' does not verify with its public key`);
  return signature;
}

/** Whether the signature is valid for the manifest under `pub`. */
export function verifyWith(manifest: Manifest, signature: ManifestSignature, pub: KeyObject): boolean {
  try {
    return cryptoVerify("sha256", signedStatement(manifest), { key: pub, dsaEncoding: "der" }, Buffer.from(signature.value, "base64"));
  } catch {
    return false;
  }
}
