/**
 * The crafted cases of issue 18: files made to cost far more than their size (aliasing and
 * decompression bombs) and paths that are not regular files (/dev/zero, a FIFO). Every
 * `npm run fuzz` runs each of them once, under the same time and memory limits as the random
 * cases. The bombs take seconds to compress, so they are built once into a cache folder
 * (os.tmpdir()/lowbit-fuzz-cache, named with their version) and hard-linked into case folders.
 *
 * Adding a crafted case: add an entry to CRAFTED_CASES; `prepare` writes what it needs into the
 * case folder (or returns an outside path such as /dev/zero) and returns the path to open.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import * as flatbuffers from 'flatbuffers';
import {
  Buffer as TflBufferTable,
  Model,
  SubGraph,
  Tensor,
  TensorType,
} from '../../main/engine/tflite/generated/tflite';
import { npyBytes } from './seeds';

export interface CraftedCase {
  name: string;
  /** What the file is and what it would cost unbounded. */
  description: string;
  target: 'model' | 'dataset';
  /** Built once into the cache (seconds of compression): left out of the quick set in npm test. */
  cached?: boolean;
  /** Writes the case into `dir` (bombs come from the cache) and returns the path to open. */
  prepare(dir: string): Promise<string>;
}

const CACHE = path.join(os.tmpdir(), 'lowbit-fuzz-cache');

/** A cached file of the bytes `build` makes (written to a temp name, renamed when complete). */
async function cached(name: string, build: () => Promise<Uint8Array>): Promise<string> {
  const file = path.join(CACHE, name);
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(CACHE, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, await build());
  fs.renameSync(tmp, file);
  return file;
}

/** A dataset case whose file is built once into the cache, then placed in the case folder. */
function cachedDataset(
  name: string,
  description: string,
  build: () => Promise<Uint8Array>,
  place: (dir: string, file: string) => string,
): CraftedCase {
  return {
    name,
    description,
    target: 'dataset',
    cached: true,
    prepare: async (dir) => place(dir, await cached(`${name}-v1`, build)),
  };
}

function linkInto(src: string, dest: string): string {
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  try {
    fs.linkSync(src, dest);
  } catch {
    fs.copyFileSync(src, dest);
  }
  return dest;
}

/** `header` then `zeros` zero bytes, as a stream of 1 MiB chunks. */
function* zeroStream(header: Uint8Array, zeros: number): Generator<Uint8Array> {
  yield header;
  const chunk = new Uint8Array(1 << 20);
  for (let left = zeros; left > 0; left -= chunk.length)
    yield left >= chunk.length ? chunk : chunk.subarray(0, left);
}

async function compress(
  chunks: Iterable<Uint8Array>,
  z: zlib.Gzip | zlib.Deflate | zlib.DeflateRaw,
): Promise<Uint8Array> {
  const parts: Buffer[] = [];
  z.on('data', (b: Buffer) => parts.push(b));
  await pipeline(Readable.from(chunks), z);
  return new Uint8Array(Buffer.concat(parts));
}

const BOMB_ZLIB = { level: 9, memLevel: 9 } as const;

/**
 * A valid TFLite model of about 256 KB whose Model.buffers vector lists one 160 KiB buffer
 * 24,000 times: a reader that copies each entry needs 3.9 GB.
 */
export function aliasedBuffersModel(): Uint8Array {
  const b = new flatbuffers.Builder(300_000);
  const data = TflBufferTable.createDataVector(b, new Uint8Array(160 * 1024).fill(7));
  TflBufferTable.startBuffer(b);
  TflBufferTable.addData(b, data);
  const big = TflBufferTable.endBuffer(b);
  TflBufferTable.startBuffer(b);
  const empty = TflBufferTable.endBuffer(b);
  const buffers = Model.createBuffersVector(b, [empty, ...new Array<number>(24_000).fill(big)]);
  const tensors = [0, 1, 2].map((k) => {
    const name = b.createString(`t${k}`);
    const shape = Tensor.createShapeVector(b, k === 0 ? [1] : [40 * 1024]);
    Tensor.startTensor(b);
    Tensor.addShape(b, shape);
    Tensor.addType(b, TensorType.FLOAT32);
    Tensor.addBuffer(b, k);
    Tensor.addName(b, name);
    return Tensor.endTensor(b);
  });
  const subgraph = SubGraph.createSubGraph(
    b,
    SubGraph.createTensorsVector(b, tensors),
    SubGraph.createInputsVector(b, [0]),
    SubGraph.createOutputsVector(b, [0]),
    SubGraph.createOperatorsVector(b, []),
    b.createString('main'),
    0,
  );
  const subgraphs = Model.createSubgraphsVector(b, [subgraph]);
  const codes = Model.createOperatorCodesVector(b, []);
  Model.startModel(b);
  Model.addVersion(b, 3);
  Model.addOperatorCodes(b, codes);
  Model.addSubgraphs(b, subgraphs);
  Model.addBuffers(b, buffers);
  Model.finishModelBuffer(b, Model.endModel(b));
  return b.asUint8Array().slice();
}

/** An 8-bit gray PNG's bytes with the given IHDR size and IDAT stream. */
function pngFile(width: number, height: number, idat: Uint8Array): Uint8Array {
  const chunk = (type: string, data: Uint8Array) => {
    const out = new Uint8Array(12 + data.length);
    const dv = new DataView(out.buffer);
    dv.setUint32(0, data.length);
    out.set(new TextEncoder().encode(type), 4);
    out.set(data, 8);
    dv.setUint32(8 + data.length, zlib.crc32(out.subarray(4, 8 + data.length)) >>> 0);
    return out;
  };
  const ihdr = new Uint8Array(13);
  const dv = new DataView(ihdr.buffer);
  dv.setUint32(0, width);
  dv.setUint32(4, height);
  ihdr.set([8, 0, 0, 0, 0], 8); // 8-bit gray, deflate, adaptive filters, no interlace
  const parts = [
    Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a),
    chunk('IHDR', ihdr),
    chunk('IDAT', idat),
    chunk('IEND', new Uint8Array(0)),
  ];
  return new Uint8Array(Buffer.concat(parts));
}

/** A zip whose central directory lists `names`, every entry pointing at the one member at offset 0. */
function aliasedZip(memberBytes: number, deflated: Uint8Array, crc: number, names: string[]): Uint8Array {
  const enc = new TextEncoder();
  const first = enc.encode(names[0]);
  const local = new Uint8Array(30 + first.length);
  const lv = new DataView(local.buffer);
  lv.setUint32(0, 0x04034b50, true);
  lv.setUint16(4, 20, true);
  lv.setUint16(8, 8, true); // deflate
  lv.setUint32(14, crc, true);
  lv.setUint32(18, deflated.length, true);
  lv.setUint32(22, memberBytes, true);
  lv.setUint16(26, first.length, true);
  local.set(first, 30);
  const central = names.map((n) => {
    const name = enc.encode(n);
    const e = new Uint8Array(46 + name.length);
    const v = new DataView(e.buffer);
    v.setUint32(0, 0x02014b50, true);
    v.setUint16(4, 20, true);
    v.setUint16(6, 20, true);
    v.setUint16(10, 8, true);
    v.setUint32(16, crc, true);
    v.setUint32(20, deflated.length, true);
    v.setUint32(24, memberBytes, true);
    v.setUint16(28, name.length, true);
    v.setUint32(42, 0, true); // local header offset: all the same member
    e.set(name, 46);
    return e;
  });
  const cdAt = local.length + deflated.length;
  const cdSize = central.reduce((a, e) => a + e.length, 0);
  const eocd = new Uint8Array(22);
  const ev = new DataView(eocd.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, names.length, true);
  ev.setUint16(10, names.length, true);
  ev.setUint32(12, cdSize, true);
  ev.setUint32(16, cdAt, true);
  return new Uint8Array(Buffer.concat([local, deflated, ...central, eocd]));
}

/** 'x.npy', 'y.npy', then a0.npy, a1.npy...: every name a distinct member. */
const aliasNames = (n: number) => ['x.npy', 'y.npy', ...Array.from({ length: n - 2 }, (_, k) => `a${k}.npy`)];

function mkfifo(file: string): string {
  execFileSync('mkfifo', [file]);
  return file;
}

export const CRAFTED_CASES: readonly CraftedCase[] = [
  {
    name: 'tflite-aliased-buffers',
    description:
      '256 KB .tflite, Model.buffers lists one 160 KiB buffer 24,000 times (3.9 GB if each is copied)',
    target: 'model',
    prepare: async (dir) => {
      const file = path.join(dir, 'aliased.tflite');
      fs.writeFileSync(file, aliasedBuffersModel());
      return file;
    },
  },
  {
    name: 'dev-zero-model',
    description: '/dev/zero as a model',
    target: 'model',
    prepare: async () => '/dev/zero',
  },
  {
    name: 'dev-zero-dataset',
    description: '/dev/zero as a dataset',
    target: 'dataset',
    prepare: async () => '/dev/zero',
  },
  {
    name: 'fifo-model',
    description: 'a FIFO (no writer) named model.tflite',
    target: 'model',
    prepare: async (dir) => mkfifo(path.join(dir, 'model.tflite')),
  },
  {
    name: 'fifo-dataset',
    description: 'a FIFO (no writer) named data.npy',
    target: 'dataset',
    prepare: async (dir) => mkfifo(path.join(dir, 'data.npy')),
  },
  cachedDataset(
    'npz-aliased-members',
    'npz of 32 entries aliasing one 300 MB deflated member (9.6 GB inflated)',
    async () => {
      const rows = 4_687_500;
      const header = npyBytes('<f4', [rows, 16], new Uint8Array(0));
      const deflated = await compress(zeroStream(header, rows * 64), zlib.createDeflateRaw(BOMB_ZLIB));
      let crc = zlib.crc32(header);
      for (const c of zeroStream(new Uint8Array(0), rows * 64)) crc = zlib.crc32(c, crc);
      return aliasedZip(header.length + rows * 64, deflated, crc >>> 0, aliasNames(32));
    },
    (dir, file) => linkInto(file, path.join(dir, 'data.npz')),
  ),
  cachedDataset(
    'idx-gzip-bomb',
    '4 MB gzipped IDX images file inflating to 4.2 GB',
    async () => {
      const count = 5_357_143; // x 28 x 28 = 4.2e9 bytes
      const header = new Uint8Array(16);
      const dv = new DataView(header.buffer);
      [0x00000803, count, 28, 28].forEach((v, k) => dv.setUint32(4 * k, v));
      return compress(zeroStream(header, count * 784), zlib.createGzip(BOMB_ZLIB));
    },
    (dir, file) => linkInto(file, path.join(dir, 'images.idx3-ubyte.gz')),
  ),
  cachedDataset(
    'png-bomb',
    'PNG (IHDR 40000x80000 gray, 3 MB) inflating to 3.2 GB, first image of a class folder',
    async () => {
      const [w, h] = [40_000, 80_000];
      return pngFile(
        w,
        h,
        await compress(zeroStream(new Uint8Array(0), (w + 1) * h), zlib.createDeflate(BOMB_ZLIB)),
      );
    },
    classFolderWith,
  ),
  cachedDataset(
    'png-idat-bomb',
    'PNG (IHDR 8192x8192 gray, 3 MB) whose IDAT inflates to 3.2 GB, 50x what IHDR declares',
    async () =>
      pngFile(
        8192,
        8192,
        await compress(zeroStream(new Uint8Array(0), 3_200_000_000), zlib.createDeflate(BOMB_ZLIB)),
      ),
    classFolderWith,
  ),
];

/** A class folder dataset whose first image (a/bomb.png) is `png`, the other a valid 4x4 PNG. */
function classFolderWith(dir: string, png: string): string {
  linkInto(png, path.join(dir, 'a', 'bomb.png'));
  fs.mkdirSync(path.join(dir, 'b'));
  fs.writeFileSync(path.join(dir, 'b', 'ok.png'), pngFile(4, 4, zlib.deflateSync(new Uint8Array(4 * 5))));
  return dir;
}
