/**
 * Mutations inside a container, which then is made valid again: a gzip's IDX, an npz member, a
 * PNG chunk (CRC recomputed; the IDAT inflated, mutated and deflated again). Blind mutations of
 * the container mostly stop at its checks (CRC, inflate errors); these reach the decoder behind.
 *
 * Adding one: `(bytes, rng) => Mutated | null` (null when the bytes do not open as the
 * container), listed in INSIDE for its container format.
 */
import zlib from 'node:zlib';
import { unzipSync, zipSync } from 'fflate';
import { mutate, type Mutated, type MutationFormat, type Rng } from './mutators';

type Inside = (bytes: Uint8Array, rng: Rng) => Mutated | null;

const insideGzip: Inside = (bytes, rng) => {
  const inner = mutate(new Uint8Array(zlib.gunzipSync(bytes)), 'idx', rng);
  return { bytes: new Uint8Array(zlib.gzipSync(inner.bytes)), what: `inside the gzip: ${inner.what}` };
};

const insideZip: Inside = (bytes, rng) => {
  const members = unzipSync(bytes);
  const names = Object.keys(members);
  if (names.length === 0) return null;
  const name = rng.pick(names);
  const inner = mutate(members[name]!, 'npy', rng);
  members[name] = new Uint8Array(inner.bytes);
  return { bytes: zipSync(members), what: `inside ${name}: ${inner.what}` };
};

interface PngChunk {
  type: string;
  data: Uint8Array;
}

function pngChunks(bytes: Uint8Array): PngChunk[] {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const chunks: PngChunk[] = [];
  for (let at = 8; at + 12 <= bytes.length;) {
    const length = dv.getUint32(at);
    if (at + 12 + length > bytes.length) break;
    chunks.push({
      type: new TextDecoder().decode(bytes.subarray(at + 4, at + 8)),
      data: bytes.slice(at + 8, at + 8 + length),
    });
    at += 12 + length;
  }
  return chunks;
}

function pngFromChunks(signature: Uint8Array, chunks: PngChunk[]): Uint8Array {
  const parts = chunks.map(({ type, data }) => {
    const out = new Uint8Array(12 + data.length);
    const dv = new DataView(out.buffer);
    dv.setUint32(0, data.length);
    out.set(new TextEncoder().encode(type.padEnd(4).slice(0, 4)), 4);
    out.set(data, 8);
    dv.setUint32(8 + data.length, zlib.crc32(out.subarray(4, 8 + data.length)) >>> 0);
    return out;
  });
  return new Uint8Array(Buffer.concat([signature, ...parts]));
}

/** One chunk's data mutated (the IDAT's inflated rows, or the raw data of another), CRCs fixed. */
const insidePng: Inside = (bytes, rng) => {
  const chunks = pngChunks(bytes);
  if (chunks.length === 0) return null;
  const chunk = rng.pick(chunks);
  let what: string;
  if (chunk.type === 'IDAT' && rng.chance(0.7)) {
    const inner = mutate(new Uint8Array(zlib.inflateSync(chunk.data)), 'raw', rng);
    chunk.data = new Uint8Array(zlib.deflateSync(inner.bytes));
    what = `inside the IDAT rows: ${inner.what}`;
  } else {
    const inner = mutate(chunk.data, 'raw', rng);
    chunk.data = inner.bytes;
    what = `inside ${chunk.type}: ${inner.what}`;
  }
  return { bytes: pngFromChunks(bytes.subarray(0, 8), chunks), what: `${what} (CRC fixed)` };
};

const INSIDE: Partial<Record<MutationFormat, Inside>> = { gzip: insideGzip, zip: insideZip, png: insidePng };

/**
 * Mutates a file of the format: 40% of the time inside its container (when it has one and the
 * bytes open), otherwise the container's own bytes.
 */
export function mutateFile(bytes: Uint8Array, format: MutationFormat, rng: Rng): Mutated {
  const inside = INSIDE[format];
  if (inside && rng.chance(0.4)) {
    try {
      const m = inside(bytes, rng);
      if (m) return m;
    } catch {
      // Not a valid container (already mutated): mutate its bytes instead.
    }
  }
  return mutate(bytes, format, rng);
}
