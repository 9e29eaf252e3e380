/**
 * Mutations for the fuzzer: blind ones that work on any bytes (flips, truncation, splices, 32-bit
 * fields set to extremes) and structure-aware ones that know one container (flatbuffer offsets,
 * zip central directories, gzip trailers, PNG IHDR, npy headers, IDX and BMP headers). Every
 * mutation is a pure function of the bytes and the Rng, so a case is replayed from its seed.
 *
 * Adding a mutation: write `(bytes, rng) => Mutated`, describe what it did in `what` (the
 * description is saved with a finding), and list it under the formats it understands in
 * MUTATIONS_BY_FORMAT (or BLIND for every format).
 */
import zlib from 'node:zlib';
import { mulberry32 } from '../support/random';

/** A seeded source of choices. */
export class Rng {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  float(): number {
    return this.next();
  }
  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

export interface Mutated {
  bytes: Uint8Array;
  /** What was done, for the finding's record: "flip 3 bytes", "IHDR width=2147483647". */
  what: string;
}

export type Mutation = (bytes: Uint8Array, rng: Rng) => Mutated;

/** Values that break size arithmetic: zero, one, sign bits, all ones, near 2^31 and 2^32. */
const EXTREMES_U32 = [0, 1, 0x7f, 0xff, 0xffff, 0x7ffffffe, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

const copyOf = (bytes: Uint8Array) => Uint8Array.from(bytes);

// ---------------------------------------------------------------- blind

const flipBytes: Mutation = (bytes, rng) => {
  const out = copyOf(bytes);
  const n = 1 + rng.int(8);
  for (let i = 0; i < n && out.length > 0; i++) out[rng.int(out.length)] ^= 1 << rng.int(8);
  return { bytes: out, what: `flip ${n} bits` };
};

const randomBytes: Mutation = (bytes, rng) => {
  const out = copyOf(bytes);
  const at = rng.int(Math.max(1, out.length));
  const n = Math.min(out.length - at, 1 + rng.int(16));
  for (let i = 0; i < n; i++) out[at + i] = rng.int(256);
  return { bytes: out, what: `randomize ${n} bytes at ${at}` };
};

const truncate: Mutation = (bytes, rng) => {
  const at = rng.chance(0.3) ? rng.int(Math.min(bytes.length + 1, 64)) : rng.int(bytes.length + 1);
  return { bytes: bytes.slice(0, at), what: `truncate to ${at}` };
};

/** Copies a run of the file over another place in it (or duplicates it in place). */
const splice: Mutation = (bytes, rng) => {
  if (bytes.length < 2) return truncate(bytes, rng);
  const from = rng.int(bytes.length);
  const len = 1 + rng.int(Math.min(bytes.length - from, 4096));
  const to = rng.int(bytes.length);
  const chunk = bytes.slice(from, from + len);
  if (rng.chance(0.5)) {
    const out = copyOf(bytes);
    out.set(chunk.subarray(0, out.length - to), to);
    return { bytes: out, what: `overwrite ${len} bytes at ${to} with bytes from ${from}` };
  }
  const out = new Uint8Array(bytes.length + len);
  out.set(bytes.subarray(0, to));
  out.set(chunk, to);
  out.set(bytes.subarray(to), to + len);
  return { bytes: out, what: `insert ${len} bytes from ${from} at ${to}` };
};

const deleteRun: Mutation = (bytes, rng) => {
  if (bytes.length === 0) return randomBytes(bytes, rng);
  const at = rng.int(bytes.length);
  const len = 1 + rng.int(Math.min(bytes.length - at, 256));
  const out = new Uint8Array(Math.max(0, bytes.length - len));
  out.set(bytes.subarray(0, at));
  out.set(bytes.subarray(at + len), at);
  return { bytes: out, what: `delete ${len} bytes at ${at}` };
};

/** A 32-bit little-endian field (anywhere, aligned or not) set to an extreme value. */
const extremeU32: Mutation = (bytes, rng) => {
  if (bytes.length < 4) return flipBytes(bytes, rng);
  const out = copyOf(bytes);
  const near = rng.chance(0.5) ? Math.min(bytes.length - 4, 256) : bytes.length - 4;
  const at = rng.int(near + 1);
  const value = rng.chance(0.8) ? rng.pick(EXTREMES_U32) : bytes.length + rng.int(64) - 32;
  view(out).setUint32(at, value >>> 0, rng.chance(0.85));
  return { bytes: out, what: `u32 at ${at} = ${value >>> 0}` };
};

export const BLIND: readonly Mutation[] = [flipBytes, randomBytes, truncate, splice, deleteRun, extremeU32];

// ---------------------------------------------------------------- flatbuffers (TFLite)

/**
 * A flatbuffer is tables and vectors joined by 32-bit offsets relative to where they are stored.
 * Redirecting one (an aligned u32 that looks like a forward offset inside the file) makes two
 * fields share bytes, a vector overlap a table, or a table point into a buffer's data.
 */
const redirectOffset: Mutation = (bytes, rng) => {
  if (bytes.length < 16) return flipBytes(bytes, rng);
  const out = copyOf(bytes);
  const dv = view(out);
  const limit = Math.min(bytes.length - 4, rng.chance(0.7) ? 65536 : bytes.length - 4);
  for (let tries = 0; tries < 64; tries++) {
    const at = rng.int(limit >> 2) << 2;
    const v = dv.getUint32(at, true);
    if (v === 0 || v % 4 !== 0 || at + v >= bytes.length) continue;
    const target = rng.chance(0.2) ? rng.pick(EXTREMES_U32) : (rng.int(bytes.length >> 2) << 2) - at;
    dv.setUint32(at, target >>> 0, true);
    return { bytes: out, what: `flatbuffer offset at ${at}: ${v} -> ${target >>> 0}` };
  }
  return extremeU32(bytes, rng);
};

/** A vector length (the u32 before a vector's elements) made huge or off by a little. */
const vectorLength: Mutation = (bytes, rng) => {
  if (bytes.length < 16) return flipBytes(bytes, rng);
  const out = copyOf(bytes);
  const dv = view(out);
  for (let tries = 0; tries < 64; tries++) {
    const at = rng.int((bytes.length - 4) >> 2) << 2;
    const v = dv.getUint32(at, true);
    if (v === 0 || v > 4096) continue;
    const to = rng.chance(0.5) ? rng.pick(EXTREMES_U32) : v + rng.int(9) - 4;
    dv.setUint32(at, to >>> 0, true);
    return { bytes: out, what: `small u32 (vector length?) at ${at}: ${v} -> ${to >>> 0}` };
  }
  return extremeU32(bytes, rng);
};

// ---------------------------------------------------------------- zip (npz)

/** The end-of-central-directory record's offset, or -1. */
function findEocd(bytes: Uint8Array): number {
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65535); i--) {
    if (bytes[i] === 0x50 && bytes[i + 1] === 0x4b && bytes[i + 2] === 5 && bytes[i + 3] === 6) return i;
  }
  return -1;
}

/** Duplicates the central directory's first entry (twice the same member, maybe renamed). */
const zipDuplicateEntry: Mutation = (bytes, rng) => {
  const eocd = findEocd(bytes);
  if (eocd < 0) return flipBytes(bytes, rng);
  const dv = view(bytes);
  const cdSize = dv.getUint32(eocd + 12, true);
  const cdAt = dv.getUint32(eocd + 16, true);
  if (cdAt + 46 > eocd || cdAt + cdSize > eocd) return flipBytes(bytes, rng);
  const entryLen =
    46 + dv.getUint16(cdAt + 28, true) + dv.getUint16(cdAt + 30, true) + dv.getUint16(cdAt + 32, true);
  const entry = bytes.slice(cdAt, cdAt + entryLen);
  const copies = 1 + rng.int(rng.chance(0.3) ? 200 : 3);
  // Renaming the copies (last letter before ".npy") makes them distinct members that alias one.
  const rename = rng.chance(0.5);
  const tail = bytes.slice(eocd);
  const out = new Uint8Array(eocd + copies * entryLen + tail.length);
  out.set(bytes.subarray(0, eocd));
  for (let k = 0; k < copies; k++) {
    const e = Uint8Array.from(entry);
    const nameLen = view(e).getUint16(28, true);
    if (rename && nameLen > 4) e[46 + nameLen - 5] = 0x61 + (k % 26);
    out.set(e, eocd + k * entryLen);
  }
  const newEocd = eocd + copies * entryLen;
  out.set(tail, newEocd);
  const odv = view(out);
  odv.setUint16(newEocd + 8, odv.getUint16(newEocd + 8, true) + copies, true);
  odv.setUint16(newEocd + 10, odv.getUint16(newEocd + 10, true) + copies, true);
  odv.setUint32(newEocd + 12, cdSize + copies * entryLen, true);
  return {
    bytes: out,
    what: `zip: first central-directory entry duplicated ${copies}x${rename ? ', renamed' : ''}`,
  };
};

/** A size, offset or count field of the zip's records set to an extreme value. */
const zipField: Mutation = (bytes, rng) => {
  const eocd = findEocd(bytes);
  if (eocd < 0) return extremeU32(bytes, rng);
  const out = copyOf(bytes);
  const dv = view(out);
  const cdAt = dv.getUint32(eocd + 16, true);
  const fields: [number, number][] = [
    [eocd + 8, 2],
    [eocd + 10, 2],
    [eocd + 12, 4],
    [eocd + 16, 4],
    [18, 4], // local header: compressed size
    [22, 4], // local header: uncompressed size
    [26, 2], // local header: name length
    [28, 2], // local header: extra length
  ];
  if (cdAt + 46 <= eocd)
    fields.push([cdAt + 20, 4], [cdAt + 24, 4], [cdAt + 28, 2], [cdAt + 42, 4], [cdAt + 10, 2]);
  const [at, width] = rng.pick(fields);
  if (at + width > out.length) return extremeU32(bytes, rng);
  const value = rng.pick(EXTREMES_U32);
  if (width === 2) dv.setUint16(at, value & 0xffff, true);
  else dv.setUint32(at, value >>> 0, true);
  return { bytes: out, what: `zip field at ${at} = ${width === 2 ? value & 0xffff : value >>> 0}` };
};

// ---------------------------------------------------------------- gzip

/** The gzip trailer's ISIZE (length mod 2^32) lies. */
const gzipIsize: Mutation = (bytes, rng) => {
  if (bytes.length < 18) return truncate(bytes, rng);
  const out = copyOf(bytes);
  const value = rng.pick(EXTREMES_U32);
  view(out).setUint32(out.length - 4, value >>> 0, true);
  return { bytes: out, what: `gzip ISIZE = ${value >>> 0}` };
};

/** Header flags (FEXTRA, FNAME, FCOMMENT...) set without the fields they announce. */
const gzipFlags: Mutation = (bytes, rng) => {
  if (bytes.length < 10) return truncate(bytes, rng);
  const out = copyOf(bytes);
  out[3] = rng.int(256);
  return { bytes: out, what: `gzip FLG = ${out[3]}` };
};

// ---------------------------------------------------------------- PNG

function pngChunkCrc(out: Uint8Array, at: number, len: number): void {
  view(out).setUint32(at + 8 + len, zlib.crc32(out.subarray(at + 4, at + 8 + len)) >>> 0);
}

/** IHDR's width and height set huge (CRC fixed, so only the sizes are wrong). */
const pngHugeDimensions: Mutation = (bytes, rng) => {
  if (bytes.length < 33) return truncate(bytes, rng);
  const out = copyOf(bytes);
  const dv = view(out);
  const w = rng.pick([0, 1, 65535, 100000, 0x7fffffff, 0x80000000, 0xffffffff]);
  const h = rng.pick([0, 1, 65535, 100000, 0x7fffffff, 0x80000000, 0xffffffff]);
  dv.setUint32(16, w >>> 0);
  dv.setUint32(20, h >>> 0);
  if (rng.chance(0.5)) out[24] = rng.pick([1, 2, 4, 8, 16, 3, 0, 255]);
  if (rng.chance(0.5)) out[25] = rng.pick([0, 2, 3, 4, 6, 7, 255]);
  pngChunkCrc(out, 8, 13);
  return { bytes: out, what: `PNG IHDR ${w}x${h} depth ${out[24]} colour type ${out[25]}` };
};

/** The IDAT stream re-compressed from much more data than IHDR declares (or a random chunk length). */
const pngChunkLength: Mutation = (bytes, rng) => {
  if (bytes.length < 41) return truncate(bytes, rng);
  const out = copyOf(bytes);
  view(out).setUint32(33, rng.pick(EXTREMES_U32) >>> 0);
  return { bytes: out, what: `PNG second chunk length = ${view(out).getUint32(33)}` };
};

// ---------------------------------------------------------------- npy

const NPY_DESCRS = [
  "'<f4'",
  "'<f2'",
  "'<f8'",
  "'<i8'",
  "'<u8'",
  "'|i1'",
  "'|u1'",
  "'<i2'",
  "'>f4'",
  "'<c8'",
  "'<c16'",
  "'|b1'",
  "'<U4'",
  "'|O'",
  "'|V8'",
  "'<f16'",
  "'<i4'",
  "''",
  "[('a', '<f4')]",
];
const NPY_SHAPES = [
  '()',
  '(0,)',
  '(1,)',
  '(-1,)',
  '(4, 4)',
  '(2, 4, 4, 1)',
  '(2147483648,)',
  '(4294967296, 4294967296)',
  '(1e20,)',
  '(3, 4, 5, 6, 7, 8, 9)',
  '(16, 1, 1, 1, 1)',
  '(2, 16)',
  '(0, 16)',
  '(65536, 65536, 65536)',
  '(2,',
  '(a,)',
];

/** A new npy header with an odd descr, shape or fortran order, over the old data. */
const npyHeader: Mutation = (bytes, rng) => {
  if (bytes.length < 10) return truncate(bytes, rng);
  const dv = view(bytes);
  const version = bytes[6];
  const hlenBytes = version === 1 ? 2 : 4;
  const oldLen = hlenBytes === 2 ? dv.getUint16(8, true) : bytes.length >= 12 ? dv.getUint32(8, true) : 0;
  const dataAt = Math.min(bytes.length, 8 + hlenBytes + oldLen);
  const descr = rng.pick(NPY_DESCRS);
  const shape = rng.pick(NPY_SHAPES);
  const fortran = rng.chance(0.2) ? 'True' : 'False';
  let header = `{'descr': ${descr}, 'fortran_order': ${fortran}, 'shape': ${shape}, }`;
  header += ' '.repeat(63 - ((8 + hlenBytes + header.length) % 64)) + '\n';
  const head = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + hlenBytes + head.length + bytes.length - dataAt);
  out.set(bytes.subarray(0, 8));
  if (hlenBytes === 2) view(out).setUint16(8, head.length, true);
  else view(out).setUint32(8, head.length, true);
  out.set(head, 8 + hlenBytes);
  out.set(bytes.subarray(dataAt), 8 + hlenBytes + head.length);
  return { bytes: out, what: `npy header descr ${descr} shape ${shape} fortran ${fortran}` };
};

/** The npy header length field set to an extreme (or the version byte changed). */
const npyHeaderLength: Mutation = (bytes, rng) => {
  if (bytes.length < 12) return truncate(bytes, rng);
  const out = copyOf(bytes);
  if (rng.chance(0.3)) {
    out[6] = rng.pick([0, 1, 2, 3, 255]);
    return { bytes: out, what: `npy version ${out[6]}` };
  }
  const v = rng.pick(EXTREMES_U32);
  view(out).setUint16(8, v & 0xffff, true);
  return { bytes: out, what: `npy header length = ${v & 0xffff}` };
};

// ---------------------------------------------------------------- IDX

/** IDX magic (type byte, dimension count) or one dimension set to an extreme. */
const idxHeader: Mutation = (bytes, rng) => {
  if (bytes.length < 8) return truncate(bytes, rng);
  const out = copyOf(bytes);
  const dv = view(out);
  if (rng.chance(0.3)) {
    out[2] = rng.pick([0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e, 0x00, 0xff]);
    out[3] = rng.pick([0, 1, 2, 3, 4, 255]);
    return { bytes: out, what: `IDX type 0x${out[2].toString(16)}, ${out[3]} dims` };
  }
  const dims = Math.min(out[3], (out.length - 4) >> 2);
  const at = 4 + 4 * rng.int(Math.max(1, dims));
  const v = rng.pick(EXTREMES_U32);
  dv.setUint32(at, v >>> 0);
  return { bytes: out, what: `IDX dimension at ${at} = ${v >>> 0}` };
};

// ---------------------------------------------------------------- BMP, JPEG

const bmpHeader: Mutation = (bytes, rng) => {
  if (bytes.length < 54) return truncate(bytes, rng);
  const out = copyOf(bytes);
  const dv = view(out);
  const field = rng.pick([
    [10, 4, 'pixel data offset'],
    [14, 4, 'header size'],
    [18, 4, 'width'],
    [22, 4, 'height'],
    [28, 2, 'bits per pixel'],
    [30, 4, 'compression'],
    [34, 4, 'image size'],
    [46, 4, 'colours used'],
  ] as const);
  const v = field[1] === 2 ? rng.pick([0, 1, 4, 8, 16, 24, 32, 64, 0xffff]) : rng.pick(EXTREMES_U32);
  if (field[1] === 2) dv.setUint16(field[0], v, true);
  else dv.setUint32(field[0], v >>> 0, true);
  return { bytes: out, what: `BMP ${field[2]} = ${v >>> 0}` };
};

/** The JPEG start-of-frame's height and width (u16 each) set to extremes. */
const jpegFrameSize: Mutation = (bytes, rng) => {
  const out = copyOf(bytes);
  for (let i = 2; i + 9 < out.length; i++) {
    if (out[i] === 0xff && out[i + 1] >= 0xc0 && out[i + 1] <= 0xc2) {
      const dv = view(out);
      const h = rng.pick([0, 1, 0x7fff, 0xffff]);
      const w = rng.pick([0, 1, 0x7fff, 0xffff]);
      dv.setUint16(i + 5, h);
      dv.setUint16(i + 7, w);
      if (rng.chance(0.3)) out[i + 9] = rng.pick([0, 1, 3, 4, 255]);
      return { bytes: out, what: `JPEG frame ${w}x${h}, ${out[i + 9]} components` };
    }
  }
  return flipBytes(bytes, rng);
};

// ---------------------------------------------------------------- text (CSV)

const CSV_ODDITIES = [
  '',
  '\n',
  ',,,,',
  'nan',
  '1e400',
  '-1e400',
  '"',
  '"a,b"',
  '\u0000',
  '\uFEFF',
  '\r\n',
  '9'.repeat(400),
  'x',
  '-',
  ',\n,\n',
];

/** A line or cell of odd text spliced in. */
const csvOddity: Mutation = (bytes, rng) => {
  const text = new TextDecoder().decode(bytes);
  const at = rng.int(text.length + 1);
  const odd = rng.pick(CSV_ODDITIES);
  const out = new TextEncoder().encode(text.slice(0, at) + odd + text.slice(at));
  return { bytes: out, what: `text ${JSON.stringify(odd.slice(0, 20))} at ${at}` };
};

/** The same text repeated many times, or many columns on one line. */
const csvWide: Mutation = (bytes, rng) => {
  if (bytes.length > 65536) return csvOddity(bytes, rng);
  const text = new TextDecoder().decode(bytes);
  const lines = text.split('\n');
  const line = rng.pick(lines);
  const out = rng.chance(0.5)
    ? `${lines[0]}\n${(line + '\n').repeat(2000)}`
    : `${lines[0]}\n${(line + ',').repeat(2000)}\n`;
  return { bytes: new TextEncoder().encode(out), what: `CSV widened (${out.length} chars)` };
};

/** The formats whose structure some mutation understands; the rest get blind mutations only. */
export type MutationFormat =
  'tflite' | 'zip' | 'gzip' | 'png' | 'npy' | 'idx' | 'bmp' | 'jpeg' | 'text' | 'raw';

export const MUTATIONS_BY_FORMAT: Record<MutationFormat, readonly Mutation[]> = {
  tflite: [redirectOffset, redirectOffset, vectorLength, vectorLength],
  zip: [zipDuplicateEntry, zipField],
  gzip: [gzipIsize, gzipFlags],
  png: [pngHugeDimensions, pngChunkLength],
  npy: [npyHeader, npyHeader, npyHeaderLength],
  idx: [idxHeader],
  bmp: [bmpHeader],
  jpeg: [jpegFrameSize],
  text: [csvOddity, csvOddity, csvWide],
  raw: [],
};

/**
 * Applies 1 to 3 mutations: structure-aware ones about half the time when the format has any,
 * blind ones otherwise.
 */
export function mutate(bytes: Uint8Array, format: MutationFormat, rng: Rng): Mutated {
  const aware = MUTATIONS_BY_FORMAT[format];
  const count = 1 + (rng.chance(0.3) ? rng.int(3) : 0);
  let current = bytes;
  const what: string[] = [];
  for (let i = 0; i < count; i++) {
    const m = aware.length > 0 && rng.chance(0.55) ? rng.pick(aware) : rng.pick(BLIND);
    const r = m(current, rng);
    current = r.bytes;
    what.push(r.what);
  }
  return { bytes: current, what: what.join('; ') };
}
