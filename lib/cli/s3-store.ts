/**
 * A registry store in S3 (AWS SDK v3). What it relies on:
 * - Conditional create: PutObject and CompleteMultipartUpload with `If-None-Match: *` answer 412
 *   Precondition Failed when the key exists, and never overwrite it
 *   (https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html).
 * - Checksums: `x-amz-checksum-sha256` (ChecksumSHA256, base64) on PutObject and on each
 *   UploadPart makes S3 reject a body that arrived different (400 BadDigest), and satisfies Object
 *   Lock, which refuses a PUT without Content-MD5 or an x-amz-checksum-* header
 *   (https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html,
 *   https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-managing.html). Supplying the
 *   value makes the SDK's flexible-checksums middleware send it as is instead of computing a
 *   CRC32 (@aws-sdk/checksums flexible-checksums: `if (hasHeaderWithPrefix("x-amz-checksum-", ...)) return next(args)`).
 *   `ChecksumAlgorithm: SHA256` adds `x-amz-sdk-checksum-algorithm`, which S3 also stores.
 * - A multipart object's checksum is COMPOSITE (a checksum of the parts' checksums, `<b64>-<n>`),
 *   not the file's SHA-256; the file's SHA-256 is also written as metadata `x-amz-meta-sha256`.
 * - No x-amz-object-lock-* headers (the bucket's default retention applies; the bucket policy
 *   refuses them) and no SSE headers: the push plan says `encryptionHeaders: none`, S3 encrypts
 *   with the store's custody key by default (stacks/push-plan.ts AwsPushTarget.upload).
 */
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import type { Readable } from "node:stream";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { createHash } from "node:crypto";
import { httpStatus } from "./errors";
import type { FileDigests } from "./hash";
import { hashStream } from "./hash";
import { withRetry } from "./retry";
import { type ObjectStore, type PutResult, type StoredObject, type TransferOptions, parallel, partSizeFor } from "./store";
import type { S3StoreRef } from "./targets";

const b64ToHex = (b64: string) => Buffer.from(b64, "base64").toString("hex");
const hexToB64 = (hex: string) => Buffer.from(hex, "hex").toString("base64");

/** Not there: 404 NoSuchKey / NotFound. */
function notFound(e: unknown): boolean {
  return httpStatus(e) === 404;
}

export class S3Store implements ObjectStore {
  private readonly client: S3Client;

  /**
   * `endpoint`: an S3-compatible endpoint (an emulator, or an interface endpoint
   * `https://bucket.vpce-...`), addressed path-style as such endpoints need. Credentials and
   * region settings come from the SDK's standard chain.
   */
  constructor(
    readonly ref: S3StoreRef,
    private readonly transfer: TransferOptions,
    endpoint?: string,
  ) {
    this.client = new S3Client({ region: ref.region, maxAttempts: 1, ...(endpoint ? { endpoint, forcePathStyle: true } : {}) });
  }

  private key(relative: string): string {
    return `${this.ref.prefix}${relative}`;
  }

  async list(prefix: string): Promise<Map<string, number> | undefined> {
    const found = new Map<string, number>();
    let token: string | undefined;
    try {
      do {
        const page = await withRetry(() => this.client.send(new ListObjectsV2Command({ Bucket: this.ref.bucket, Prefix: this.key(prefix), ContinuationToken: token })));
        for (const o of page.Contents ?? []) if (o.Key !== undefined) found.set(o.Key.slice(this.ref.prefix.length), o.Size ?? 0);
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    } catch (e) {
      if (httpStatus(e) === 403) return undefined;
      throw e;
    }
    return found;
  }

  async stat(key: string): Promise<StoredObject | undefined> {
    try {
      const head = await withRetry(() => this.client.send(new HeadObjectCommand({ Bucket: this.ref.bucket, Key: this.key(key), ChecksumMode: "ENABLED" })));
      const size = head.ContentLength ?? 0;
      const checksum = head.ChecksumSHA256;
      // Multipart: ETag "<md5 of part md5s>-<parts>", checksum COMPOSITE ("<b64>-<parts>").
      const composite = head.ChecksumType === "COMPOSITE" || /-\d+"?$/.test(head.ETag ?? "") || (checksum?.includes("-") ?? false);
      if (checksum && !composite) return { size, sha256: b64ToHex(checksum), source: "service" };
      const meta = head.Metadata?.sha256;
      return meta ? { size, sha256: meta, source: "metadata" } : { size, source: "none" };
    } catch (e) {
      if (notFound(e)) return undefined;
      throw e;
    }
  }

  /** A conditional create's answer when the key exists: 412 (or 409 while a concurrent write to it is in flight: retried). */
  private async conditional(put: () => Promise<unknown>): Promise<PutResult> {
    try {
      await withRetry(put);
      return "sent";
    } catch (e) {
      if (httpStatus(e) === 412) return "exists";
      throw e;
    }
  }

  async putFile(key: string, path: string, digests: FileDigests, onBytes: (n: number) => void): Promise<PutResult> {
    if (digests.size <= this.transfer.singlePutMaxBytes) {
      return this.conditional(async () => {
        const body = createReadStream(path, { highWaterMark: 1 << 20 });
        let sent = 0;
        body.on("data", (chunk) => {
          sent += chunk.length;
          onBytes(chunk.length);
        });
        try {
          await this.client.send(
            new PutObjectCommand({
              Bucket: this.ref.bucket,
              Key: this.key(key),
              Body: body,
              ContentLength: digests.size,
              ContentType: "application/octet-stream",
              ChecksumAlgorithm: "SHA256",
              ChecksumSHA256: hexToB64(digests.sha256),
              Metadata: { sha256: digests.sha256 },
              IfNoneMatch: "*",
            }),
          );
        } catch (e) {
          onBytes(-sent);
          body.destroy();
          throw e;
        }
      });
    }
    return this.putMultipart(key, path, digests, onBytes);
  }

  private async putMultipart(key: string, path: string, digests: FileDigests, onBytes: (n: number) => void): Promise<PutResult> {
    const Key = this.key(key);
    const partSize = partSizeFor(digests.size, this.transfer, 10_000);
    const count = Math.ceil(digests.size / partSize);
    const created = await withRetry(() =>
      this.client.send(new CreateMultipartUploadCommand({ Bucket: this.ref.bucket, Key, ChecksumAlgorithm: "SHA256", ContentType: "application/octet-stream", Metadata: { sha256: digests.sha256 } })),
    );
    const UploadId = created.UploadId;
    const parts: { PartNumber: number; ETag?: string; ChecksumSHA256: string }[] = new Array(count);
    const file = await open(path, "r");
    try {
      await parallel(
        Array.from({ length: count }, (_, i) => i),
        this.transfer.partConcurrency,
        async (i) => {
          const length = Math.min(partSize, digests.size - i * partSize);
          const buf = Buffer.allocUnsafe(length);
          const { bytesRead } = await file.read(buf, 0, length, i * partSize);
          if (bytesRead !== length) throw new Error(`'${path}' changed while it was sent: read ${bytesRead} of ${length} bytes of part ${i + 1}`);
          const ChecksumSHA256 = createHash("sha256").update(buf).digest("base64");
          const out = await withRetry(() => this.client.send(new UploadPartCommand({ Bucket: this.ref.bucket, Key, UploadId, PartNumber: i + 1, Body: buf, ContentLength: length, ChecksumAlgorithm: "SHA256", ChecksumSHA256 })));
          parts[i] = { PartNumber: i + 1, ETag: out.ETag, ChecksumSHA256 };
          onBytes(length);
        },
      );
      const result = await this.conditional(() => this.client.send(new CompleteMultipartUploadCommand({ Bucket: this.ref.bucket, Key, UploadId, MultipartUpload: { Parts: parts }, IfNoneMatch: "*" })));
      if (result === "exists") await this.abort(Key, UploadId);
      return result;
    } catch (e) {
      await this.abort(Key, UploadId);
      throw e;
    } finally {
      await file.close();
    }
  }

  /** Best effort: the bucket's lifecycle rule removes incomplete uploads anyway. */
  private async abort(Key: string, UploadId: string | undefined): Promise<void> {
    await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.ref.bucket, Key, UploadId })).catch(() => undefined);
  }

  async putBytes(key: string, body: Buffer, contentType: string): Promise<PutResult> {
    const sha = createHash("sha256").update(body).digest();
    return this.conditional(() =>
      this.client.send(
        new PutObjectCommand({
          Bucket: this.ref.bucket,
          Key: this.key(key),
          Body: body,
          ContentLength: body.length,
          ContentType: contentType,
          ChecksumAlgorithm: "SHA256",
          ChecksumSHA256: sha.toString("base64"),
          Metadata: { sha256: sha.toString("hex") },
          IfNoneMatch: "*",
        }),
      ),
    );
  }

  async getBytes(key: string): Promise<Buffer | undefined> {
    try {
      return await withRetry(async () => {
        const out = await this.client.send(new GetObjectCommand({ Bucket: this.ref.bucket, Key: this.key(key) }));
        return Buffer.from(await out.Body!.transformToByteArray());
      });
    } catch (e) {
      if (notFound(e)) return undefined;
      throw e;
    }
  }

  async hashContent(key: string): Promise<{ size: number; sha256: string } | undefined> {
    try {
      return await withRetry(async () => {
        const out = await this.client.send(new GetObjectCommand({ Bucket: this.ref.bucket, Key: this.key(key) }));
        return hashStream(out.Body as Readable);
      });
    } catch (e) {
      if (notFound(e)) return undefined;
      throw e;
    }
  }
}
