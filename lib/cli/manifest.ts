/**
 * The snapshot manifest and the store layout. Within each target's prefix a registry store holds
 * - `objects/sha256/<hex>`: every file's bytes, named by their SHA-256 (content addressed: a key
 *   always means the same bytes, so WORM never gets in the way, a second push of the same files
 *   sends nothing and an interrupted push resumes by skipping what is there);
 * - `manifests/<snapshot time, ISO 8601 with ':' as '-'>.json`: one per push, naming every file
 *   of the snapshot (path in the pushed folder, object key, size, SHA-256) and carrying its
 *   signature inside the document. Keys sort by time, so the newest manifest is the last one.
 */
import { sha256Hex } from "./hash";

export const MANIFEST_FORMAT = "data-embassy-manifest/1";
export const OBJECTS_PREFIX = "objects/sha256/";
export const MANIFESTS_PREFIX = "manifests/";
/** The one signature algorithm: ECDSA on NIST P-256 with SHA-256 (KMS ECC_NIST_P256 / ECDSA_SHA_256, Key Vault ES256). */
export const SIGNATURE_ALGORITHM = "ECDSA_P256_SHA256";

/** One file of a snapshot. */
export interface ManifestObject {
  /** Path relative to the pushed folder, with `/` separators. */
  readonly path: string;
  /** Object key relative to the store's prefix: `objects/sha256/<sha256>`. */
  readonly key: string;
  readonly size: number;
  /** Lower-case hex. */
  readonly sha256: string;
}

/** The signature over a manifest's signed statement (see {@link signedStatement}). */
export interface ManifestSignature {
  readonly algorithm: typeof SIGNATURE_ALGORITHM;
  /** The key that signed: a KMS key ARN, a Key Vault key id, or `file` for a local PEM key. */
  readonly key: string;
  /** SHA-256 (hex) of the public key's DER SubjectPublicKeyInfo: which key, whatever its name. */
  readonly publicKeySha256: string;
  /** Base64 of the DER-encoded ECDSA signature (r, s). */
  readonly value: string;
}

export interface Manifest {
  readonly format: typeof MANIFEST_FORMAT;
  readonly topology: string;
  readonly registry: string;
  /** When the snapshot was taken (ISO 8601, UTC, milliseconds). */
  readonly snapshot: string;
  /** Sorted by path. */
  readonly objects: readonly ManifestObject[];
  /** Absent: the manifest is unsigned (verify reports it). */
  readonly signature?: ManifestSignature;
}

/** The store key of an object with this SHA-256 (relative to the store's prefix). */
export function objectKey(sha256: string): string {
  return `${OBJECTS_PREFIX}${sha256}`;
}

/** The store key of the manifest of a snapshot taken at `snapshot` (ISO 8601). */
export function manifestKey(snapshot: string): string {
  return `${MANIFESTS_PREFIX}${snapshot.replace(/:/g, "-")}.json`;
}

const ISO = /^(\d{4}-\d{2}-\d{2})T(\d{2})[:-](\d{2})[:-](\d{2})(\.\d{3})?Z$/;

/**
 * `--manifest TIME`: a snapshot time as ISO 8601 UTC, with ':' or '-' between hours, minutes
 * and seconds (the key's own spelling works too). Returns the manifest key, or undefined when
 * the text is no such time.
 */
export function manifestKeyOf(time: string): string | undefined {
  const m = ISO.exec(time.replace(/\.json$/, "").replace(/^manifests\//, ""));
  if (!m) return undefined;
  return manifestKey(`${m[1]}T${m[2]}:${m[3]}:${m[4]}${m[5] ?? ".000"}Z`);
}

/** JSON with object keys sorted at every level and no whitespace: the bytes a signature covers. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * What is signed: a short, domain-separated statement naming the SHA-256 of the canonical
 * manifest without its signature. Short, because AWS KMS signs a RAW message of at most 4096
 * bytes (and hashes it with SHA-256 itself for ECDSA_SHA_256), while a manifest of many files is
 * far longer; signing the statement is as strong as signing the manifest (SHA-256 is collision
 * resistant) and is the same bytes for every key service.
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_Sign.html ("Message ... up to 4096 bytes"; MessageType RAW)
 */
export function signedStatement(manifest: Manifest): Buffer {
  const { signature: _signature, ...unsigned } = manifest;
  return Buffer.from(`data-embassy manifest v1 sha256:${sha256Hex(canonicalJson(unsigned))}`, "utf8");
}

/** The manifest document as stored: the canonical JSON of the whole manifest, signature included. */
export function manifestBytes(manifest: Manifest): Buffer {
  return Buffer.from(`${canonicalJson(manifest)}\n`, "utf8");
}

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * Reads a stored manifest; returns it, or a list of what is wrong with its form (a manifest that
 * does not parse is reported like a tampered one: its signature cannot be checked).
 */
export function parseManifest(text: string): { manifest?: Manifest; errors: string[] } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return { errors: [`not JSON (${(e as Error).message})`] };
  }
  const errors: string[] = [];
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) return { errors: ["not a JSON object"] };
  const m = doc as Record<string, unknown>;
  if (m.format !== MANIFEST_FORMAT) errors.push(`format must be '${MANIFEST_FORMAT}', got ${JSON.stringify(m.format)}`);
  for (const field of ["topology", "registry", "snapshot"]) if (typeof m[field] !== "string") errors.push(`${field} must be a string, got ${JSON.stringify(m[field])}`);
  if (!Array.isArray(m.objects)) errors.push(`objects must be a list, got ${JSON.stringify(m.objects)}`);
  else {
    m.objects.forEach((o: unknown, i) => {
      const x = (o ?? {}) as Record<string, unknown>;
      const bad = typeof x.path !== "string" || typeof x.key !== "string" || typeof x.sha256 !== "string" || !HEX64.test(x.sha256) || typeof x.size !== "number" || !Number.isSafeInteger(x.size) || x.size < 0;
      if (bad) errors.push(`objects[${i}] must have path, key, size (bytes) and sha256 (64 hex digits), got ${JSON.stringify(o)}`);
    });
  }
  if (m.signature !== undefined) {
    const s = (m.signature ?? {}) as Record<string, unknown>;
    if (s.algorithm !== SIGNATURE_ALGORITHM || typeof s.key !== "string" || typeof s.publicKeySha256 !== "string" || typeof s.value !== "string") {
      errors.push(`signature must have algorithm '${SIGNATURE_ALGORITHM}', key, publicKeySha256 and value, got ${JSON.stringify(m.signature)}`);
    }
  }
  return errors.length > 0 ? { errors } : { manifest: doc as Manifest, errors };
}
