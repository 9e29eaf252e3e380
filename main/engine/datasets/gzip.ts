/**
 * gzip detection and bounded decompression (pure: fflate, no node:zlib, so it also runs in a
 * browser or worker). Whether bytes are gzipped is decided by the magic bytes 1f 8b, never by
 * the file name.
 */
import { gunzipSync } from 'fflate';
import { DatasetError } from '../errors';

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * DEFLATE cannot expand data by more than about 1032:1 (a 258-byte match per ~2 bits). A trailer
 * that claims more is corrupt or hostile; refusing it matters because the decoder preallocates
 * the size the trailer (ISIZE, the length mod 2^32) declares.
 */
const MAX_DEFLATE_RATIO = 1032;

/** Returns the bytes, gunzipped when they start with the gzip magic. `what` names the file. */
export function maybeGunzip(bytes: Uint8Array, what: string): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  if (bytes.length < 18) throw new DatasetError(`${what}: truncated gzip stream (${bytes.length} bytes)`);
  const n = bytes.length;
  const isize = (bytes[n - 4] | (bytes[n - 3] << 8) | (bytes[n - 2] << 16) | (bytes[n - 1] << 24)) >>> 0;
  if (isize > (n - 18) * MAX_DEFLATE_RATIO + 1024) {
    throw new DatasetError(
      `${what}: gzip trailer declares ${isize} bytes, impossible for ${n} compressed bytes (corrupt or truncated)`,
    );
  }
  try {
    return gunzipSync(bytes);
  } catch (e) {
    throw new DatasetError(`${what}: corrupt gzip stream (${(e as Error).message})`);
  }
}
