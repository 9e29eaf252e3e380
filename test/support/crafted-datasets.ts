/**
 * Crafted hostile dataset files (issue 18), built in memory in a few KB or MB: decompression
 * bombs, aliasing archives and headers that lie. Shared by the limit regression tests
 * (test/integration/datasets-limits.test.ts) and the fuzz harness, which mutates them further.
 *
 * Bombs are made without compressing gigabytes: a block of zeros is deflated once, ending on a
 * byte boundary (Z_SYNC_FLUSH ends with an empty stored block), and that block is repeated; its
 * back-references (distance 1 into zeros) stay valid wherever it lands after zeros. A final empty
 * fixed-Huffman block (03 00) closes the stream. Checksums (gzip CRC, zlib Adler-32) are not
 * computed: Lowbit's decoders do not check them, and a bomb must be refused before they matter.
 */
import zlib from 'node:zlib';
import { encode as encodeJpeg } from 'jpeg-js';
import { crc32 } from '../../main/engine/deploy/crc32';

export const MiB = 1024 * 1024;

/**
 * A .npy file: NumPy format 1.0 header (padded to 64 bytes) and the raw data. `descr` is a type
 * code ('<f4'), or a structured dtype as its Python literal ("[('a', '<f4')]").
 */
export function npy(descr: string, shape: number[], data: ArrayBufferView): Uint8Array {
  const literal = descr.startsWith('[') ? descr : `'${descr}'`;
  let header = `{'descr': ${literal}, 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 255, header.length >> 8]);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) out.set(p, (at += p.length) - p.length);
  return out;
}

const le = (n: number, bytes: 2 | 4) => {
  const b = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i++) b[i] = (n >>> (8 * i)) & 0xff;
  return b;
};
const be32 = (n: number) => Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);

/**
 * Raw DEFLATE (no final block yet) of `head` followed by `zeroMiB` MiB of zeros: about 1 KB per
 * MiB. Close it with `DEFLATE_END`.
 */
export function deflatedZeros(zeroMiB: number, head: Uint8Array = new Uint8Array(0)): Uint8Array {
  const flush = { finishFlush: zlib.constants.Z_SYNC_FLUSH };
  const block = new Uint8Array(zlib.deflateRawSync(new Uint8Array(MiB), flush));
  const parts = head.length ? [new Uint8Array(zlib.deflateRawSync(head, flush))] : [];
  for (let i = 0; i < zeroMiB; i++) parts.push(block);
  return concat(parts);
}
/** An empty final fixed-Huffman block: BFINAL=1, BTYPE=01, end-of-block. */
export const DEFLATE_END = Uint8Array.of(0x03, 0x00);

/** A gzip file of `head` + `zeroMiB` MiB of zeros whose trailer claims `isize` bytes. */
export function gzipBomb(zeroMiB: number, head: Uint8Array, isize: number): Uint8Array {
  const header = Uint8Array.of(0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff);
  return concat([header, deflatedZeros(zeroMiB, head), DEFLATE_END, le(0, 4), le(isize >>> 0, 4)]);
}

/** An IDX header (no data): uint8 by default. */
export function idxHeader(shape: number[], type = 0x08): Uint8Array {
  return concat([Uint8Array.of(0, 0, type, shape.length), ...shape.map(be32)]);
}

/**
 * An .npz of `entries` members (a0.npy, a1.npy...), each a deflated .npy of `memberMiB` MiB of
 * zeros (about 1 KB per MiB). Aliased: the archive holds the member once and every central
 * directory entry points at it, so extracting every entry would cost entries x memberMiB MiB.
 * Not aliased: each entry has its own copy, an honest archive of that size.
 */
export function npzOfZeros(entries: number, memberMiB: number, aliased: boolean): Uint8Array {
  const size = memberMiB * MiB;
  const head = npy('|u1', [size], new Uint8Array(0));
  const data = concat([deflatedZeros(memberMiB, head), DEFLATE_END]);
  const sizes = [le(0, 4), le(data.length, 4), le(head.length + size, 4)]; // crc (unchecked), sizes
  const locals: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (let i = 0; i < entries; i++) {
    const name = new TextEncoder().encode(`a${i}.npy`);
    const at = aliased ? 0 : offset;
    if (!aliased || i === 0) {
      // signature, version, flags, method 8, time, date, crc and sizes, name and extra lengths
      const local = concat([le(0x04034b50, 4), le(20, 2), le(0, 2), le(8, 2), le(0, 4), ...sizes]);
      locals.push(concat([local, le(name.length, 2), le(0, 2), name, data]));
      offset += locals[locals.length - 1].length;
    }
    // signature, versions, flags, method 8, time, date, crc and sizes, name/extra/comment lengths,
    // disk, attributes, local header offset
    const fixed = concat([le(0x02014b50, 4), le(20, 2), le(20, 2), le(0, 2), le(8, 2), le(0, 4), ...sizes]);
    central.push(concat([fixed, le(name.length, 2), le(0, 4), le(0, 4), le(0, 4), le(at, 4), name]));
  }
  const directory = concat(central);
  // signature, disk numbers, entry counts, directory size and offset, comment length
  const end = concat([
    le(0x06054b50, 4),
    le(0, 4),
    le(entries, 2),
    le(entries, 2),
    le(directory.length, 4),
    le(offset, 4),
    le(0, 2),
  ]);
  return concat([...locals, directory, end]);
}

function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const typed = concat([new TextEncoder().encode(type), data]);
  return concat([be32(data.length), typed, be32(crc32(typed))]);
}

/** A zlib stream of `zeroMiB` MiB of zeros (Adler-32 left zero). */
function zlibZeros(zeroMiB: number, head: Uint8Array = new Uint8Array(0)): Uint8Array {
  return concat([Uint8Array.of(0x78, 0x9c), deflatedZeros(zeroMiB, head), DEFLATE_END, le(0, 4)]);
}

export interface CraftedPng {
  width: number;
  height: number;
  /** PNG colour type (0 gray, 2 RGB, 6 RGBA...) and bit depth. Default 8-bit gray. */
  colorType?: number;
  depth?: number;
  /** MiB of zeros the IDAT stream inflates to (default: exactly the rows of an 8-bit gray image). */
  idatMiB?: number;
  /** MiB of zeros an iCCP chunk's profile inflates to (default: no iCCP). */
  iccpMiB?: number;
}

/** A PNG of zeros built from the parts above: a huge IHDR, an IDAT bomb, an iCCP bomb. */
export function craftedPng(p: CraftedPng): Uint8Array {
  const ihdr = concat([
    be32(p.width),
    be32(p.height),
    Uint8Array.of(p.depth ?? 8, p.colorType ?? 0, 0, 0, 0),
  ]);
  const chunks = [pngChunk('IHDR', ihdr)];
  if (p.iccpMiB !== undefined)
    chunks.push(
      pngChunk('iCCP', concat([new TextEncoder().encode('icc\0'), Uint8Array.of(0), zlibZeros(p.iccpMiB)])),
    );
  const rows = p.idatMiB === undefined ? new Uint8Array(p.height * (1 + p.width)) : new Uint8Array(0);
  chunks.push(pngChunk('IDAT', zlibZeros(p.idatMiB ?? 0, rows)));
  chunks.push(pngChunk('IEND', new Uint8Array(0)));
  return concat([Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a), ...chunks]);
}

/** A real 8x8 JPEG whose SOF0 marker is patched to claim width x height. */
export function jpegClaiming(width: number, height: number): Uint8Array {
  const jpg = new Uint8Array(encodeJpeg({ width: 8, height: 8, data: new Uint8Array(256) }, 90).data);
  for (let i = 2; i + 9 < jpg.length; i++) {
    if (jpg[i] === 0xff && jpg[i + 1] === 0xc0) {
      jpg.set([height >> 8, height & 0xff, width >> 8, width & 0xff], i + 5);
      return jpg;
    }
  }
  throw new Error('jpeg-js wrote no SOF0 marker');
}

/**
 * A progressive JPEG of `size` x `size` pixels with `scans` AC scans of the luma channel, each a
 * few bytes of end-of-band runs (a one-code Huffman table for EOB14: 15 bits skip 32,767 blocks)
 * that still make a decoder visit every block: a CPU bomb of about 5 ms per scan at 4096 x 4096.
 */
export function jpegWithScans(scans: number, size: number): Uint8Array {
  const base = new Uint8Array(
    encodeJpeg({ width: 16, height: 16, data: new Uint8Array(16 * 16 * 4) }, 90).data,
  );
  const sof = base.findIndex((b, i) => b === 0xff && base[i + 1] === 0xc0);
  const sos = base.findIndex((b, i) => b === 0xff && base[i + 1] === 0xda);
  const head = base.slice(0, sos);
  head[sof + 1] = 0xc2; // progressive
  head.set([size >> 8, size & 0xff, size >> 8, size & 0xff], sof + 5);
  const luma = head[sof + 10];
  // DHT, AC table 2: one code of length 1 ("0") for symbol 0xE0, EOB run of 2^14 + 14 extra bits.
  const counts = new Uint8Array(16);
  counts[0] = 1;
  const dht = concat([Uint8Array.of(0xff, 0xc4, 0, 20, 0x12), counts, Uint8Array.of(0xe0)]);
  // Each run: bit 0 then fourteen 1 bits (32,767 blocks); padded with 1 bits, FF stuffed with 00.
  const runs = Math.ceil(((size / 8) * size) / 8 / 32767);
  const bits = '011111111111111'.repeat(runs).padEnd(Math.ceil((15 * runs) / 8) * 8, '1');
  const data: number[] = [];
  for (let i = 0; i < bits.length; i += 8) {
    data.push(parseInt(bits.slice(i, i + 8), 2));
    if (data[data.length - 1] === 0xff) data.push(0);
  }
  // SOS: one component (luma, AC table 2), spectral selection 1..63, no successive approximation.
  const scan = Uint8Array.from([0xff, 0xda, 0, 8, 1, luma, 0x02, 1, 63, 0, ...data]);
  return concat([head, dht, ...Array.from({ length: scans }, () => scan), Uint8Array.of(0xff, 0xd9)]);
}

/** A 24-bit BITMAPINFOHEADER BMP claiming width x height, holding `fileBytes` bytes in all. */
export function bmpClaiming(width: number, height: number, fileBytes = 1024): Uint8Array {
  const out = new Uint8Array(fileBytes);
  const v = new DataView(out.buffer);
  out.set([0x42, 0x4d]);
  v.setUint32(2, fileBytes, true);
  v.setUint32(10, 54, true);
  v.setUint32(14, 40, true);
  v.setInt32(18, width, true);
  v.setInt32(22, height, true);
  v.setUint16(26, 1, true);
  v.setUint16(28, 24, true);
  return out;
}

/**
 * One file per crafted case of issue 18, named as a dataset file of its kind (images are meant to
 * sit in an image folder). Each is a few KB to ~4 MB; each must be refused (or, for the IDX whose
 * header declares one image, read as that image) within the limits of datasets/limits.ts.
 */
export function craftedDatasetFiles(): { name: string; bytes: Uint8Array }[] {
  return [
    { name: 'aliasing.npz', bytes: npzOfZeros(2000, 10, true) },
    { name: 'oversized.npz', bytes: npzOfZeros(2, 150, false) },
    { name: 'small-header-idx3-ubyte.gz', bytes: gzipBomb(4096, idxHeader([1, 28, 28]), 1000) },
    { name: 'huge-header-idx3-ubyte.gz', bytes: gzipBomb(4096, idxHeader([5_478_274, 28, 28]), 0) },
    { name: 'headerless-idx3-ubyte.gz', bytes: gzipBomb(4096, new Uint8Array(0), 0) },
    { name: 'huge-ihdr.png', bytes: craftedPng({ width: 100_000, height: 100_000, idatMiB: 0 }) },
    { name: 'idat-bomb.png', bytes: craftedPng({ width: 1000, height: 1000, idatMiB: 1024 }) },
    { name: 'iccp-bomb.png', bytes: craftedPng({ width: 2, height: 2, iccpMiB: 1024 }) },
    { name: 'giant-sof.jpg', bytes: jpegClaiming(65535, 65535) },
    { name: 'scan-bomb.jpg', bytes: jpegWithScans(100_000, 4096) },
    { name: 'short.bmp', bytes: bmpClaiming(4000, 4000) },
  ];
}
