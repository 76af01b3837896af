/**
 * One registry store (an S3 bucket prefix or a Blob container prefix) as push and verify see it.
 * Keys are relative to the store's prefix. Every write is a conditional create, so nothing the
 * CLI sends ever replaces an existing object.
 */
import type { FileDigests } from "./hash";
import type { StoreRef } from "./targets";

/** What a store says about one object. */
export interface StoredObject {
  readonly size: number;
  /**
   * The object's SHA-256 (hex) as the store holds it, and where it comes from: `service` = a
   * checksum the service computed or validated over the whole object at upload (S3 single-part
   * ChecksumSHA256), `metadata` = the `sha256` metadata push wrote (S3 multipart uploads, Azure;
   * recorded, not re-computed by the service: `--deep` re-hashes the content).
   */
  readonly sha256?: string;
  readonly source: "service" | "metadata" | "none";
}

/** The outcome of a conditional create. */
export type PutResult = "sent" | "exists";

export interface ObjectStore {
  readonly ref: StoreRef;
  /** Sizes of the objects under a relative prefix, or undefined when the identity may not list. */
  list(prefix: string): Promise<Map<string, number> | undefined>;
  /** Size and stored SHA-256 of one object, or undefined when there is none. */
  stat(key: string): Promise<StoredObject | undefined>;
  /** Streams a file to `key` with its checksums; `exists` when something is already there. */
  putFile(key: string, path: string, digests: FileDigests, onBytes: (n: number) => void): Promise<PutResult>;
  /** Writes small bytes (a manifest) to `key` with their SHA-256; `exists` when something is already there. */
  putBytes(key: string, body: Buffer, contentType: string): Promise<PutResult>;
  /** The object's bytes, or undefined when there is none. */
  getBytes(key: string): Promise<Buffer | undefined>;
  /** Re-hashes the object's content as stored (streaming), or undefined when there is none. */
  hashContent(key: string): Promise<{ size: number; sha256: string } | undefined>;
}

/** Transfer tuning; the defaults suit both clouds. */
export interface TransferOptions {
  /** Files up to this size go in one PUT; larger ones in parts/blocks. */
  readonly singlePutMaxBytes: number;
  /** Size of each part (S3, at least 5 MiB except the last) or block (Azure). */
  readonly partBytes: number;
  /** Parts or blocks of one file in flight at once. */
  readonly partConcurrency: number;
}

const MiB = 1024 * 1024;

/**
 * 64 MiB single PUTs and 16 MiB parts: S3 allows a single PUT of up to 5 GiB and parts of 5 MiB
 * to 5 GiB, at most 10,000 parts (https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html);
 * Azure allows Put Blob up to 5000 MiB and Put Block up to 4000 MiB, at most 50,000 committed
 * blocks (https://learn.microsoft.com/rest/api/storageservices/put-block#remarks). Smaller units
 * make a retry cheap and keep memory at partBytes x partConcurrency per large file.
 * `push --part-size MiB` sets both the part size and the single-PUT limit (files larger than one
 * part go in parts of that size): smaller parts for a slow or flaky link, where a failed part is
 * cheap to resend; larger ones for fewer requests. 5 MiB is S3's smallest part, 4000 MiB Azure's
 * largest block.
 */
export function transferOptions(partMiB?: number): TransferOptions {
  if (partMiB !== undefined) return { singlePutMaxBytes: partMiB * MiB, partBytes: partMiB * MiB, partConcurrency: 4 };
  return { singlePutMaxBytes: 64 * MiB, partBytes: 16 * MiB, partConcurrency: 4 };
}

/** The bounds of `--part-size` in MiB (see {@link transferOptions}). */
export const PART_SIZE_MIB = { min: 5, max: 4000 } as const;

/** The part size for a file: the configured one, grown so the file needs at most `maxParts` parts. */
export function partSizeFor(size: number, options: TransferOptions, maxParts: number): number {
  return Math.max(options.partBytes, Math.ceil(size / maxParts / MiB) * MiB);
}

/** Runs `work` over items with at most `limit` in flight; the first error stops new work and is thrown. */
export async function parallel<T>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: unknown;
  const worker = async () => {
    while (failed === undefined && next < items.length) {
      const i = next++;
      try {
        await work(items[i], i);
      } catch (e) {
        failed ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failed !== undefined) throw failed;
}
