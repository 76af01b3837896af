/**
 * `data-embassy verify`: checks one site's store against a manifest (the newest, or a named
 * one): the manifest's form and signature, then every object it names (present, same size, same
 * SHA-256 as the store records it; with --deep, the content re-hashed).
 */
import type { KeyObject } from "node:crypto";
import { AccessError, UsageError, describeError } from "./errors";
import { MANIFESTS_PREFIX, type Manifest, OBJECTS_PREFIX, manifestKeyOf, objectKey, parseManifest } from "./manifest";
import type { ObjectStore } from "./store";
import { parallel } from "./store";
import { type KeyRef, parseKeyRef, publicKeyFingerprint, publicKeyOf, verifyWith } from "./signing";
import type { Topology } from "../topology/model";

/** What can be wrong. */
export type ProblemKind = "missing" | "size" | "checksum" | "manifest-missing" | "manifest-invalid" | "manifest-unsigned" | "manifest-signature";

export interface Problem {
  readonly kind: ProblemKind;
  /** The object's or the manifest's key (relative to the store's prefix). */
  readonly key: string;
  /** The file's path in the snapshot, for objects. */
  readonly path?: string;
  readonly message: string;
}

export interface SignatureCheck {
  readonly status: "valid" | "unsigned" | "invalid" | "untrusted" | "not-checked";
  /** The key the manifest names, when signed. */
  readonly key?: string;
  /** The key the signature was checked with. */
  readonly checkedWith?: string;
}

export interface VerifyReport {
  readonly site: string;
  readonly registry: string;
  readonly store: string;
  readonly manifest?: { readonly key: string; readonly snapshot: string; readonly objects: number; readonly bytes: number };
  readonly signature: SignatureCheck;
  readonly deep: boolean;
  /** Objects checked. */
  readonly checked: number;
  readonly problems: readonly Problem[];
  readonly ok: boolean;
}

export interface VerifyRequest {
  readonly topology: Topology;
  readonly registry: string;
  readonly store: ObjectStore;
  /** `latest` or a snapshot time. */
  readonly manifest: string;
  readonly publicKey?: KeyRef;
  readonly deep: boolean;
}

/**
 * The site's own signing key (the one synth names for the store, trusted by construction) when the
 * manifest says it was signed with it: a KMS key (named by its key ARN) whose public key is the one
 * behind the site's alias, or a version of the site's Key Vault key. The manifest's claims only
 * choose the key to check with; the signature itself decides.
 */
async function siteKeyFor(siteKey: KeyRef, manifest: Manifest): Promise<{ key: KeyObject; ref: string } | undefined> {
  let named: KeyRef;
  try {
    named = parseKeyRef(manifest.signature!.key, "the manifest's signature key");
  } catch {
    return undefined;
  }
  if (siteKey.kind === "kms" && named.kind === "kms") {
    const pub = await publicKeyOf(siteKey);
    return publicKeyFingerprint(pub) === manifest.signature!.publicKeySha256 ? { key: pub, ref: siteKey.ref } : undefined;
  }
  if (siteKey.kind === "keyvault" && named.kind === "keyvault" && named.vault === siteKey.vault && named.name === siteKey.name) {
    // The version the manifest names (an older one after a rotation): still the site's key.
    return { key: await publicKeyOf(named), ref: named.ref };
  }
  return undefined;
}

/**
 * The key to check a manifest's signature with. An explicit --public-key always wins. Otherwise
 * only the key synth names for the site (the store's signingKey): a manifest signed with any other
 * key is a problem, by name, even a key of the custody account or a custody vault. Whoever can
 * create a key there and write to the store could otherwise sign a forged manifest with a key of
 * their own, name it in the manifest, and have it reported valid: a name in the manifest is the
 * forger's word. A site whose key synth does not name needs --public-key (a usage error, exit 2).
 */
async function checkingKey(req: VerifyRequest, manifest: Manifest, manifestKey: string): Promise<{ key?: KeyObject; ref?: string; problem?: Problem }> {
  if (req.publicKey) return { key: await publicKeyOf(req.publicKey), ref: req.publicKey.ref };
  const signature = manifest.signature!;
  const named = signature.key === "file" ? `a local key (public key sha256 ${signature.publicKeySha256})` : `'${signature.key}'`;
  const siteKey = req.store.ref.signingKey;
  if (!siteKey) {
    throw new UsageError(
      `manifest ${manifestKey} is signed with ${named}, and the synth output names no signing key for site '${req.store.ref.site}': give the public key to check it with --public-key (a KMS key ARN, a Key Vault key id or file:PATH)`,
    );
  }
  const own = await siteKeyFor(siteKey, manifest);
  if (own) return own;
  return {
    problem: { kind: "manifest-signature", key: manifestKey, message: `signed with ${named}, not the site's signing key '${siteKey.ref}'; pass --public-key to check it against another key` },
  };
}

async function latestManifest(store: ObjectStore): Promise<string | undefined> {
  const listed = await store.list(MANIFESTS_PREFIX);
  if (listed === undefined) throw new AccessError(`the identity may not list ${store.ref.url}${MANIFESTS_PREFIX}: give --manifest TIME, or verify with the site's read role`);
  const keys = [...listed.keys()].filter((k) => k.endsWith(".json")).sort();
  return keys[keys.length - 1];
}

export async function verify(req: VerifyRequest): Promise<VerifyReport> {
  const { store } = req;
  const base = { site: store.ref.site, registry: req.registry, store: store.ref.url, deep: req.deep };
  const problems: Problem[] = [];
  const finish = (extra: Partial<VerifyReport> & { signature: SignatureCheck; checked: number }): VerifyReport => ({ ...base, ...extra, problems, ok: problems.length === 0 });
  let key: string | undefined;
  try {
    if (req.manifest === "latest") key = await latestManifest(store);
    else {
      key = manifestKeyOf(req.manifest);
      if (!key) throw new UsageError(`--manifest must be 'latest' or a snapshot time such as 2026-01-31T12:00:00.000Z, got '${req.manifest}'`);
    }
    if (key === undefined) {
      problems.push({ kind: "manifest-missing", key: MANIFESTS_PREFIX, message: `no manifest at ${store.ref.url}${MANIFESTS_PREFIX}: nothing was pushed here yet, or it was removed` });
      return finish({ signature: { status: "not-checked" }, checked: 0 });
    }
    const bytes = await store.getBytes(key);
    if (bytes === undefined) {
      problems.push({ kind: "manifest-missing", key, message: "missing" });
      return finish({ signature: { status: "not-checked" }, checked: 0 });
    }
    const parsed = parseManifest(bytes.toString("utf8"));
    if (!parsed.manifest) {
      problems.push({ kind: "manifest-invalid", key, message: `not a valid manifest (tampered or damaged): ${parsed.errors.join("; ")}` });
      return finish({ signature: { status: "not-checked" }, checked: 0 });
    }
    const manifest = parsed.manifest;
    const summary = { key, snapshot: manifest.snapshot, objects: manifest.objects.length, bytes: manifest.objects.reduce((n, o) => n + o.size, 0) };
    // The signature first: everything below trusts the manifest's list.
    let signature: SignatureCheck;
    if (!manifest.signature) {
      signature = { status: "unsigned" };
      problems.push({ kind: "manifest-unsigned", key, message: "unsigned: nothing shows who wrote this list" });
    } else {
      const checking = await checkingKey(req, manifest, key);
      if (checking.problem) {
        signature = { status: "untrusted", key: manifest.signature.key };
        problems.push(checking.problem);
      } else if (verifyWith(manifest, manifest.signature, checking.key!)) {
        signature = { status: "valid", key: manifest.signature.key, checkedWith: checking.ref };
      } else {
        signature = { status: "invalid", key: manifest.signature.key, checkedWith: checking.ref };
        const fingerprint = publicKeyFingerprint(checking.key!);
        const other = fingerprint !== manifest.signature.publicKeySha256 ? ` (signed by public key sha256 ${manifest.signature.publicKeySha256}, checked with ${fingerprint})` : "";
        problems.push({ kind: "manifest-signature", key, message: `signature does not match the manifest: badly signed or changed after signing${other}` });
      }
    }
    for (const [field, expected] of [["registry", req.registry], ["topology", req.topology.name]] as const) {
      if (manifest[field] !== expected) problems.push({ kind: "manifest-invalid", key, message: `${field} is '${manifest[field]}', expected '${expected}'` });
    }
    // Objects: one listing for presence and size, then each object's stored checksum.
    const listed = await store.list(OBJECTS_PREFIX);
    const byKey = new Map<string, { path: string; size: number; sha256: string }>();
    for (const o of manifest.objects) {
      if (o.key !== objectKey(o.sha256)) problems.push({ kind: "manifest-invalid", key, message: `object '${o.path}' has key '${o.key}', expected '${objectKey(o.sha256)}'` });
      if (!byKey.has(o.key)) byKey.set(o.key, o);
    }
    const found: Problem[][] = [];
    await parallel([...byKey.entries()], 16, async ([objKey, o], i) => {
      const own: Problem[] = (found[i] = []);
      const at = { key: objKey, path: o.path };
      if (listed !== undefined && !listed.has(objKey)) {
        own.push({ kind: "missing", ...at, message: "missing" });
        return;
      }
      const stored = await store.stat(objKey);
      if (!stored) {
        own.push({ kind: "missing", ...at, message: "missing" });
        return;
      }
      if (stored.size !== o.size) own.push({ kind: "size", ...at, message: `size ${stored.size} bytes, manifest says ${o.size}` });
      if (stored.sha256 === undefined) own.push({ kind: "checksum", ...at, message: "no SHA-256 stored with the object (neither a service checksum nor sha256 metadata): not written by push" });
      else if (stored.sha256 !== o.sha256) own.push({ kind: "checksum", ...at, message: `stored SHA-256 ${stored.sha256} (${stored.source}), manifest says ${o.sha256}` });
      if (req.deep && own.length === 0) {
        const content = await store.hashContent(objKey);
        if (!content) own.push({ kind: "missing", ...at, message: "missing" });
        else if (content.sha256 !== o.sha256) own.push({ kind: "checksum", ...at, message: `content SHA-256 ${content.sha256}, manifest says ${o.sha256}` });
      }
    });
    problems.push(...found.flat());
    return finish({ manifest: summary, signature, checked: byKey.size });
  } catch (e) {
    if (e instanceof UsageError || e instanceof AccessError) throw e;
    throw new AccessError(`cannot read ${store.ref.url}${key ? ` (${key})` : ""}: ${describeError(e)}`);
  }
}

/** The report as text: a summary, then one line per problem naming the object and what is wrong. */
export function formatReport(r: VerifyReport): string {
  const lines = [`verify ${r.registry} at ${r.site} ${r.store}`];
  if (r.manifest) {
    const sig = r.signature.status === "valid" ? `signature valid (${r.signature.checkedWith})` : `signature ${r.signature.status}`;
    lines.push(`manifest ${r.manifest.key}: snapshot ${r.manifest.snapshot}, ${r.manifest.objects} files, ${r.manifest.bytes} bytes, ${sig}`);
  }
  for (const p of r.problems) {
    const subject = p.path !== undefined ? `${p.key} (${p.path})` : p.kind.startsWith("manifest") ? `manifest ${p.key}` : p.key;
    lines.push(`${subject}: ${p.message}`);
  }
  const how = r.deep ? "size and SHA-256 of the content" : "size and stored SHA-256";
  lines.push(r.ok ? `OK: ${r.checked} objects present with the manifest's ${how}` : `FAILED: ${r.problems.length} problem${r.problems.length === 1 ? "" : "s"} (${r.checked} objects checked)`);
  return `${lines.join("\n")}\n`;
}
