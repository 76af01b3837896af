/**
 * A registry store in an Azure Blob container (@azure/storage-blob 12). What it relies on:
 * - Conditional create: `If-None-Match: *` on Put Blob / Put Block List fails when the blob
 *   exists (409 BlobAlreadyExists, or 412 ConditionNotMet) and never overwrites it
 *   (https://learn.microsoft.com/rest/api/storageservices/specifying-conditional-headers-for-blob-service-operations).
 * - Checksums: a file up to the single-PUT limit goes in one Put Blob with `Content-MD5`, which
 *   the service checks against what arrived (400 Md5Mismatch) and keeps as the blob's MD5
 *   (https://learn.microsoft.com/rest/api/storageservices/put-blob#request-headers). The SDK's
 *   BlockBlobClient.upload() passes `transactionalContentMD5` through when no other checksum
 *   algorithm is configured ("Customized": utils.common.js setUploadChecksumParameters), though
 *   its options type does not declare it. Larger files are staged in blocks, each with its own
 *   checked `Content-MD5` (Put Block), and committed with Put Block List carrying the whole
 *   file's MD5 as `x-ms-blob-content-md5` (stored, not re-computed by the service).
 * - Every blob carries the file's SHA-256 as metadata `sha256`: Azure has no SHA-256 checksum of
 *   its own, so verify compares this value and re-hashes the content with --deep.
 * - No immutability headers: the container's version-level immutability policy applies.
 */
import type { Readable } from "node:stream";
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { BlobServiceClient, type BlockBlobUploadOptions, type ContainerClient, StorageSharedKeyCredential } from "@azure/storage-blob";
import { UsageError, httpStatus } from "./errors";
import { type FileDigests, hashStream } from "./hash";
import { withRetry } from "./retry";
import { type ObjectStore, type PutResult, type StoredObject, type TransferOptions, parallel, partSizeFor } from "./store";
import type { BlobStoreRef } from "./targets";

/** `AccountName=...;AccountKey=...;BlobEndpoint=...` as a map. */
function connectionStringParts(text: string): Map<string, string> {
  const parts = new Map<string, string>();
  for (const item of text.split(";")) {
    const at = item.indexOf("=");
    if (at > 0) parts.set(item.slice(0, at).trim(), item.slice(at + 1).trim());
  }
  return parts;
}

/**
 * The container client. Credentials from the standard chain: with AZURE_STORAGE_CONNECTION_STRING
 * (Azurite, or a break-glass key), its shared key, which must be the store's account; otherwise
 * DefaultAzureCredential (a datacenter's federated credential through AZURE_FEDERATED_TOKEN_FILE,
 * a managed identity, az login). `endpoint` is a Blob-compatible service root: the account name
 * is added as the first path segment (Azurite's layout) unless the host already starts with it.
 */
export function containerClient(ref: BlobStoreRef, env: NodeJS.ProcessEnv, endpoint?: string): ContainerClient {
  let url = `https://${ref.account}.blob.core.windows.net`;
  if (endpoint) url = new URL(endpoint).hostname.startsWith(`${ref.account}.`) ? endpoint.replace(/\/$/, "") : `${endpoint.replace(/\/$/, "")}/${ref.account}`;
  // The Storage pipeline's own retries are off: withRetry re-opens the file on each attempt.
  const options = { retryOptions: { maxTries: 1 } };
  const cs = env.AZURE_STORAGE_CONNECTION_STRING;
  if (cs) {
    const parts = connectionStringParts(cs);
    const name = parts.get("AccountName");
    const key = parts.get("AccountKey");
    if (!name || !key) throw new UsageError("AZURE_STORAGE_CONNECTION_STRING must name AccountName and AccountKey");
    if (name !== ref.account) throw new UsageError(`AZURE_STORAGE_CONNECTION_STRING is for account '${name}', but the store at site '${ref.site}' is account '${ref.account}'`);
    if (!endpoint && parts.get("BlobEndpoint")) url = parts.get("BlobEndpoint")!.replace(/\/$/, "");
    return new BlobServiceClient(url, new StorageSharedKeyCredential(name, key), options).getContainerClient(ref.container);
  }
  const { DefaultAzureCredential } = require("@azure/identity") as typeof import("@azure/identity");
  return new BlobServiceClient(url, new DefaultAzureCredential(), options).getContainerClient(ref.container);
}

function exists(e: unknown): boolean {
  return httpStatus(e) === 409 || httpStatus(e) === 412;
}

export class AzureStore implements ObjectStore {
  private readonly container: ContainerClient;
  /** What the last listing said about each blob (size, metadata): saves a request per blob in verify. */
  private readonly listed = new Map<string, StoredObject>();

  constructor(
    readonly ref: BlobStoreRef,
    private readonly transfer: TransferOptions,
    env: NodeJS.ProcessEnv,
    endpoint?: string,
  ) {
    this.container = containerClient(ref, env, endpoint);
  }

  private key(relative: string): string {
    return `${this.ref.prefix}${relative}`;
  }

  private static stored(size: number, metadata: Record<string, string> | undefined): StoredObject {
    const sha256 = metadata?.sha256;
    return sha256 ? { size, sha256, source: "metadata" } : { size, source: "none" };
  }

  async list(prefix: string): Promise<Map<string, number> | undefined> {
    const found = new Map<string, number>();
    try {
      await withRetry(async () => {
        found.clear();
        for await (const blob of this.container.listBlobsFlat({ prefix: this.key(prefix), includeMetadata: true })) {
          const key = blob.name.slice(this.ref.prefix.length);
          const size = blob.properties.contentLength ?? 0;
          found.set(key, size);
          this.listed.set(key, AzureStore.stored(size, blob.metadata));
        }
      });
    } catch (e) {
      if (httpStatus(e) === 403) return undefined;
      throw e;
    }
    return found;
  }

  async stat(key: string): Promise<StoredObject | undefined> {
    const known = this.listed.get(key);
    if (known) return known;
    try {
      const p = await withRetry(() => this.container.getBlobClient(this.key(key)).getProperties());
      return AzureStore.stored(p.contentLength ?? 0, p.metadata);
    } catch (e) {
      if (httpStatus(e) === 404) return undefined;
      throw e;
    }
  }

  private async conditional(put: () => Promise<unknown>): Promise<PutResult> {
    try {
      await withRetry(put);
      return "sent";
    } catch (e) {
      if (exists(e)) return "exists";
      throw e;
    }
  }

  async putFile(key: string, path: string, digests: FileDigests, onBytes: (n: number) => void): Promise<PutResult> {
    const blob = this.container.getBlockBlobClient(this.key(key));
    const metadata = { sha256: digests.sha256 };
    const conditions = { ifNoneMatch: "*" };
    if (digests.size <= this.transfer.singlePutMaxBytes) {
      let sent = 0;
      const options: BlockBlobUploadOptions & { transactionalContentMD5: Uint8Array } = {
        transactionalContentMD5: digests.md5,
        blobHTTPHeaders: { blobContentType: "application/octet-stream", blobContentMD5: digests.md5 },
        metadata,
        conditions,
        onProgress: (p) => {
          onBytes(p.loadedBytes - sent);
          sent = p.loadedBytes;
        },
      };
      return this.conditional(async () => {
        try {
          // A body factory: each attempt reads the file afresh.
          await blob.upload(() => createReadStream(path, { highWaterMark: 1 << 20 }), digests.size, options);
        } catch (e) {
          onBytes(-sent);
          sent = 0;
          throw e;
        }
      });
    }
    const blockSize = partSizeFor(digests.size, this.transfer, 50_000);
    const count = Math.ceil(digests.size / blockSize);
    // Block ids: base64 of equal-length strings, as Put Block requires within one blob.
    const ids = Array.from({ length: count }, (_, i) => Buffer.from(`block-${String(i).padStart(8, "0")}`).toString("base64"));
    const file = await open(path, "r");
    try {
      await parallel(ids, this.transfer.partConcurrency, async (id, i) => {
        const length = Math.min(blockSize, digests.size - i * blockSize);
        const buf = Buffer.allocUnsafe(length);
        const { bytesRead } = await file.read(buf, 0, length, i * blockSize);
        if (bytesRead !== length) throw new Error(`'${path}' changed while it was sent: read ${bytesRead} of ${length} bytes of block ${i + 1}`);
        const md5 = createHash("md5").update(buf).digest();
        await withRetry(() => blob.stageBlock(id, buf, length, { transactionalContentMD5: md5 }));
        onBytes(length);
      });
    } finally {
      await file.close();
    }
    return this.conditional(() => blob.commitBlockList(ids, { blobHTTPHeaders: { blobContentType: "application/octet-stream", blobContentMD5: digests.md5 }, metadata, conditions }));
  }

  async putBytes(key: string, body: Buffer, contentType: string): Promise<PutResult> {
    const sha256 = createHash("sha256").update(body).digest("hex");
    const md5 = createHash("md5").update(body).digest();
    const options: BlockBlobUploadOptions & { transactionalContentMD5: Uint8Array } = {
      transactionalContentMD5: md5,
      blobHTTPHeaders: { blobContentType: contentType, blobContentMD5: md5 },
      metadata: { sha256 },
      conditions: { ifNoneMatch: "*" },
    };
    return this.conditional(() => this.container.getBlockBlobClient(this.key(key)).upload(body, body.length, options));
  }

  async getBytes(key: string): Promise<Buffer | undefined> {
    try {
      return await withRetry(() => this.container.getBlobClient(this.key(key)).downloadToBuffer());
    } catch (e) {
      if (httpStatus(e) === 404) return undefined;
      throw e;
    }
  }

  async hashContent(key: string): Promise<{ size: number; sha256: string } | undefined> {
    try {
      return await withRetry(async () => {
        const out = await this.container.getBlobClient(this.key(key)).download();
        return hashStream(out.readableStreamBody as Readable);
      });
    } catch (e) {
      if (httpStatus(e) === 404) return undefined;
      throw e;
    }
  }
}
