import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";

/** The digests of one file, computed in one streaming pass (constant memory, any size). */
export interface FileDigests {
  readonly size: number;
  /** Lower-case hex. */
  readonly sha256: string;
  /** MD5, raw bytes: Azure's Content-MD5 (a transport check; never an integrity claim on its own). */
  readonly md5: Buffer;
}

/** Hashes a file while reading it once in 1 MiB chunks. */
export async function hashFile(path: string): Promise<FileDigests> {
  const sha = createHash("sha256");
  const md5 = createHash("md5");
  let size = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    const buf = chunk as Buffer;
    sha.update(buf);
    md5.update(buf);
    size += buf.length;
  }
  return { size, sha256: sha.digest("hex"), md5: md5.digest() };
}

/** SHA-256 (hex) of everything a stream yields. */
export async function hashStream(stream: AsyncIterable<Uint8Array | string>): Promise<{ size: number; sha256: string }> {
  const sha = createHash("sha256");
  let size = 0;
  for await (const chunk of stream) {
    const buf = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    sha.update(buf);
    size += buf.length;
  }
  return { size, sha256: sha.digest("hex") };
}

/** SHA-256 of bytes, hex. */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}
