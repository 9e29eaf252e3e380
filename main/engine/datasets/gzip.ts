/**
 * gzip detection and bounded decompression (pure: fflate, no node:zlib, so it also runs in a
 * browser or worker). Whether bytes are gzipped is decided by the magic bytes 1f 8b, never by
 * the file name. The stream is inflated a slice at a time and refused as soon as its output
 * passes MAX_INFLATED_BYTES (limits.ts), so neither a deflate bomb nor a lying trailer costs more
 * than the limit in memory or time.
 */
import { DatasetError } from '../errors';
import { inflateBounded, MAX_DEFLATE_RATIO } from './inflate';
import { MAX_INFLATED_BYTES } from './limits';

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Returns the bytes, gunzipped (every member) when they start with the gzip magic. `what` names
 * the file. `until` (see InflateLimit) reads how many bytes are needed from the head of the
 * output; inflation stops there.
 */
export function maybeGunzip(
  bytes: Uint8Array,
  what: string,
  until?: (head: Uint8Array) => number | null,
): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  if (bytes.length < 18) throw new DatasetError(`${what}: truncated gzip stream (${bytes.length} bytes)`);
  const n = bytes.length;
  // ISIZE, the last member's length mod 2^32: a hint for the output buffer, never trusted as a
  // bound. A size DEFLATE cannot produce from these bytes is refused before inflating anything.
  const isize = (bytes[n - 4] | (bytes[n - 3] << 8) | (bytes[n - 2] << 16) | (bytes[n - 1] << 24)) >>> 0;
  if (isize > (n - 18) * MAX_DEFLATE_RATIO + 1024) {
    throw new DatasetError(
      `${what}: gzip trailer declares ${isize} bytes, impossible for ${n} compressed bytes (corrupt or truncated)`,
    );
  }
  return inflateBounded(bytes, 'gzip', {
    what,
    stream: 'gzip stream',
    limit: MAX_INFLATED_BYTES,
    limitName: 'MAX_INFLATED_BYTES',
    sizeHint: isize,
    until,
  });
}
