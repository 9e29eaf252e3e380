/**
 * Bounded inflation (pure: fflate's streaming decoders, no node:zlib). The compressed bytes are
 * pushed a slice at a time and the output is counted as it comes, so a stream that inflates past
 * its limit is stopped after at most one slice's worth of extra output (DEFLATE expands at most
 * ~1032:1, so 16 KB in gives at most ~17 MB out), however long it would have run, and whatever
 * size a header or trailer claimed. Used by gzip IDX files, .npz members and PNG chunks.
 */
import { Gunzip, Inflate, Unzlib } from 'fflate';
import { DatasetError } from '../errors';
import { formatBytes, limitExceeded } from './limits';

/** gzip (RFC 1952, all members), zlib (RFC 1950, PNG) or raw DEFLATE (RFC 1951, zip members). */
export type Compression = 'gzip' | 'zlib' | 'deflate';

export interface InflateLimit {
  /** The file (or file:member) the stream belongs to, for errors. */
  what: string;
  /** What the stream is, for errors ("gzip stream", "members", "IDAT stream"): "the <stream> inflates past...". */
  stream: string;
  /** Most bytes the stream may inflate to. */
  limit: number;
  /** The limit's name in limits.ts, quoted in the error. */
  limitName: string;
  /** How a corrupt stream is reported after the file name; default "corrupt <kind> stream". */
  corrupt?: string;
  /** Bytes expected (a header's or trailer's claim, not trusted): the output buffer's first size, within the limit. */
  sizeHint?: number;
  /**
   * The bytes the caller needs, read from the head of the output (e.g. an IDX header's shape),
   * or null while the head is too short to tell. Inflation stops there; it may throw (a declared
   * size over the limit) to refuse the stream at once.
   */
  until?: (head: Uint8Array) => number | null;
}

/**
 * DEFLATE cannot expand data by more than about 1032:1 (a 258-byte match per ~2 bits): a header
 * or trailer claiming more for its compressed size is corrupt or hostile.
 */
export const MAX_DEFLATE_RATIO = 1032;

/** Thrown from the output callback to stop a decoder once the caller has what it needs. */
const ENOUGH = Symbol('enough');

/** Compressed bytes pushed per step: bounds the output of one step to ~17 MB. */
const SLICE = 16 * 1024;

function decoder(kind: Compression, ondata: (chunk: Uint8Array) => void): Inflate | Gunzip | Unzlib {
  const cb = (chunk: Uint8Array): void => ondata(chunk);
  if (kind === 'gzip') return new Gunzip(cb);
  if (kind === 'zlib') return new Unzlib(cb);
  return new Inflate(cb);
}

/**
 * Compressed input: one array, or the pieces of one stream in order (a PNG's IDAT chunks), so
 * nothing is concatenated first.
 */
export type CompressedInput = Uint8Array | readonly Uint8Array[];

/** Pushes the input through a decoder slice by slice; `ondata` sees every output chunk. */
function run(
  input: CompressedInput,
  kind: Compression,
  l: InflateLimit,
  ondata: (chunk: Uint8Array) => void,
): void {
  const d = decoder(kind, ondata);
  const pieces = input instanceof Uint8Array ? [input] : input;
  try {
    for (const piece of pieces)
      for (let at = 0; at < piece.length; at += SLICE) d.push(piece.subarray(at, at + SLICE), false);
    d.push(new Uint8Array(0), true);
  } catch (e) {
    if (e instanceof DatasetError || e === ENOUGH) throw e;
    throw new DatasetError(`${l.what}: ${l.corrupt ?? `corrupt ${kind} stream`} (${(e as Error).message})`);
  }
}

/**
 * Inflates the input, refusing output past `l.limit` while inflating. Returns exactly the
 * inflated bytes, or the first `until(head)` of them when `until` is given (the rest of the
 * stream is then never inflated).
 */
export function inflateBounded(input: CompressedInput, kind: Compression, l: InflateLimit): Uint8Array {
  let out = new Uint8Array(0);
  let size = 0;
  let wanted: number | null = null;
  const grow = (need: number) => {
    if (need <= out.length) return;
    const expected = wanted ?? (l.until ? 0 : l.limit);
    const hint = Math.min(l.sizeHint ?? 0, expected);
    const grown = new Uint8Array(Math.min(l.limit, Math.max(need, 2 * out.length, hint)));
    grown.set(out.subarray(0, size));
    out = grown;
  };
  try {
    run(input, kind, l, (chunk) => {
      if (wanted === null && l.until) wanted = learnWanted(l, out.subarray(0, size), chunk);
      if (wanted === null && size + chunk.length > l.limit) throw overLimit(l);
      const keep = wanted === null ? chunk : chunk.subarray(0, Math.max(0, wanted - size));
      grow(size + keep.length);
      out.set(keep, size);
      size += keep.length;
      if (wanted !== null && size >= wanted) {
        size = wanted;
        throw ENOUGH;
      }
    });
  } catch (e) {
    if (e !== ENOUGH) throw e;
  }
  return size === out.length ? out : out.subarray(0, size);
}

/** Bytes of a new chunk shown to `until` along with the output before it: headers are short. */
const HEAD_PEEK = 64 * 1024;

/** Asks `l.until` how many bytes are wanted, given the output so far and the start of the next chunk. */
function learnWanted(l: InflateLimit, before: Uint8Array, chunk: Uint8Array): number | null {
  const peek = chunk.subarray(0, HEAD_PEEK);
  let head = peek;
  if (before.length > 0) {
    head = new Uint8Array(before.length + peek.length);
    head.set(before);
    head.set(peek, before.length);
  }
  const wanted = l.until!(head);
  if (wanted !== null && wanted > l.limit) throw overLimit(l);
  return wanted;
}

/** How many bytes `input` inflates to, refusing more than `l.limit` while inflating; keeps nothing. */
export function inflatedSize(input: CompressedInput, kind: Compression, l: InflateLimit): number {
  let size = 0;
  run(input, kind, l, (chunk) => {
    size += chunk.length;
    if (size > l.limit) throw overLimit(l);
  });
  return size;
}

function overLimit(l: InflateLimit): DatasetError {
  return limitExceeded(l.what, `the ${l.stream} inflates past`, formatBytes(l.limit), l.limitName);
}
