/**
 * `data-embassy push`: one snapshot of a registry's folder to every target store, then a signed
 * manifest per target. Each file is hashed once (streaming), sent under its SHA-256
 * (`objects/sha256/<hex>`) with the checksum the service checks, and never over an existing
 * object. Resuming is free: objects already listed are skipped; where the identity may not list
 * (the Azure ingest identity), the conditional create answers "exists" instead, at the price of
 * re-sending those bytes. The manifest is written last, so a manifest at a site means every
 * object it names was accepted there.
 */
import { lstatSync, readdirSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { UsageError, AccessError, describeError } from "./errors";
import { type FileDigests, hashFile } from "./hash";
import { type Manifest, type ManifestObject, type ManifestSignature, MANIFEST_FORMAT, OBJECTS_PREFIX, manifestBytes, manifestKey, objectKey } from "./manifest";
import { openStore } from "./open-store";
import type { Progress } from "./progress";
import { type KeyRef, signManifest } from "./signing";
import { type TransferOptions, parallel } from "./store";
import type { StoreRef } from "./targets";
import type { Topology } from "../topology/model";

export interface PushRequest {
  readonly topology: Topology;
  readonly registry: string;
  readonly from: string;
  readonly targets: readonly StoreRef[];
  readonly endpoints: ReadonlyMap<string, string>;
  /** --signing-key: signs every target's manifest; absent, each target's own key from synth signs. */
  readonly signingKey?: KeyRef;
  readonly transfer: TransferOptions;
  readonly env: NodeJS.ProcessEnv;
  readonly progress: Progress;
  /** Called when a non-fatal thing deserves the operator's attention. */
  readonly warn: (message: string) => void;
}

/** What one target got. */
export interface TargetResult {
  readonly site: string;
  readonly url: string;
  /** Objects sent (and accepted) in this run. */
  readonly sent: number;
  readonly sentBytes: number;
  /** Objects found by listing and not sent. */
  readonly skipped: number;
  /** Objects sent but answered "already exists" (the identity could not list). */
  readonly existed: number;
  readonly manifest: string;
  /** The key the manifest names as its signer (`file` for a local key); absent when unsigned. */
  readonly signedWith?: string;
}

export interface PushResult {
  readonly registry: string;
  readonly snapshot: string;
  readonly files: number;
  readonly bytes: number;
  /** Whether every target's manifest is signed. */
  readonly signed: boolean;
  readonly targets: readonly TargetResult[];
}

/**
 * The key that signs a target's manifest: --signing-key for every target when given, else the key
 * synth names for the target (a datacenter primary's target: that site's own key, which its ingest
 * identity may sign with; a cloud primary: the primary's key). See signingKeySiteIds in
 * stacks/push-plan.ts for why each target signs with its own key.
 */
export function signingKeyFor(req: Pick<PushRequest, "signingKey">, target: StoreRef): KeyRef | undefined {
  return req.signingKey ?? target.signingKey;
}

/** Every regular file under `dir`, as [absolute path, path relative to dir with '/'], sorted by the latter. */
export function filesUnder(dir: string): [string, string][] {
  let st;
  try {
    st = statSync(dir);
  } catch {
    throw new UsageError(`--from '${dir}' does not exist`);
  }
  if (!st.isDirectory()) throw new UsageError(`--from '${dir}' is not a folder`);
  const out: [string, string][] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) out.push([full, relative(dir, full).split(sep).join("/")]);
      else {
        // A symbolic link or device in a registry export is a mistake to surface, not to skip silently.
        const kind = lstatSync(full).isSymbolicLink() ? "a symbolic link" : "not a regular file";
        throw new UsageError(`'${full}' is ${kind}: push sends regular files only`);
      }
    }
  };
  walk(dir);
  out.sort(([, a], [, b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (out.length === 0) throw new UsageError(`--from '${dir}' holds no files`);
  return out;
}

export async function push(req: PushRequest): Promise<PushResult> {
  const files = filesUnder(req.from);
  const snapshot = new Date().toISOString();
  const totalBytes = files.reduce((n, [abs]) => n + statSync(abs).size, 0);
  const hashing = req.progress.bar("hashing", totalBytes);
  const digests = new Map<string, FileDigests>();
  await parallel(files, 4, async ([abs]) => {
    const d = await hashFile(abs);
    digests.set(abs, d);
    hashing.add(d.size);
  });
  hashing.done();
  const objects: ManifestObject[] = files.map(([abs, path]) => {
    const d = digests.get(abs)!;
    return { path, key: objectKey(d.sha256), size: d.size, sha256: d.sha256 };
  });
  // One statement for every target: the manifests differ only in their signature block.
  const manifest: Manifest = { format: MANIFEST_FORMAT, topology: req.topology.name, registry: req.registry, snapshot, objects };
  // Sign before sending anything: a key that cannot sign stops the push before any transfer.
  // Each distinct key signs once; --signing-key (req.signingKey) signs for every target.
  const signatures = new Map<string, ManifestSignature>();
  for (const target of req.targets) {
    const key = signingKeyFor(req, target);
    if (key && !signatures.has(key.ref)) signatures.set(key.ref, await signManifest(manifest, key));
  }
  const unsigned = req.targets.filter((t) => !signingKeyFor(req, t)).map((t) => t.site);
  if (unsigned.length > 0) {
    req.warn(`no --signing-key, and the synth output names no signing key for ${unsigned.join(", ")}: the manifest there is unsigned, and verify reports an unsigned manifest as a problem`);
  }
  // One upload per distinct content: two files with the same bytes are one object.
  const unique = new Map<string, { abs: string; digests: FileDigests }>();
  for (const [abs] of files) {
    const d = digests.get(abs)!;
    if (!unique.has(d.sha256)) unique.set(d.sha256, { abs, digests: d });
  }
  const transfer = req.transfer;
  const results: TargetResult[] = [];
  for (const target of req.targets) {
    const store = openStore(target, transfer, req.env, req.endpoints.get(target.site));
    const where = `${target.site} (${target.url})`;
    let listed: Map<string, number> | undefined;
    try {
      listed = await store.list(OBJECTS_PREFIX);
    } catch (e) {
      throw new AccessError(`cannot reach the store at ${where}: ${describeError(e)}`);
    }
    const todo: { abs: string; digests: FileDigests }[] = [];
    let skipped = 0;
    for (const item of unique.values()) {
      const size = listed?.get(objectKey(item.digests.sha256));
      if (size === undefined) todo.push(item);
      else {
        skipped++;
        if (size !== item.digests.size) req.warn(`${target.site}: ${objectKey(item.digests.sha256)} is ${size} bytes there, ${item.digests.size} here: run verify at '${target.site}'`);
      }
    }
    const bar = req.progress.bar(target.site, todo.reduce((n, t) => n + t.digests.size, 0));
    let sent = 0;
    let sentBytes = 0;
    let existed = 0;
    const one = async (item: { abs: string; digests: FileDigests }) => {
      let result;
      try {
        result = await store.putFile(objectKey(item.digests.sha256), item.abs, item.digests, (n) => bar.add(n));
      } catch (e) {
        throw new AccessError(`sending '${relative(req.from, item.abs).split(sep).join("/")}' to ${where} failed: ${describeError(e)}`);
      }
      if (result === "sent") {
        sent++;
        sentBytes += item.digests.size;
      } else existed++;
    };
    // Small files many at a time; large files one at a time (each already sends parts in parallel),
    // so memory stays at about partBytes x partConcurrency however large the files are.
    await parallel(todo.filter((t) => t.digests.size <= transfer.singlePutMaxBytes), 8, one);
    await parallel(todo.filter((t) => t.digests.size > transfer.singlePutMaxBytes), 1, one);
    bar.done();
    const key = manifestKey(snapshot);
    const signingKey = signingKeyFor(req, target);
    const signature = signingKey ? signatures.get(signingKey.ref) : undefined;
    const body = manifestBytes(signature ? { ...manifest, signature } : manifest);
    let written;
    try {
      written = await store.putBytes(key, body, "application/json");
    } catch (e) {
      throw new AccessError(`writing manifest ${key} to ${where} failed: ${describeError(e)}`);
    }
    if (written === "exists") throw new AccessError(`manifest ${key} already exists at ${where}: another push took a snapshot at the same millisecond; push again`);
    results.push({ site: target.site, url: target.url, sent, sentBytes, skipped, existed, manifest: key, signedWith: signature?.key });
  }
  return { registry: req.registry, snapshot, files: files.length, bytes: totalBytes, signed: results.every((r) => r.signedWith !== undefined), targets: results };
}
