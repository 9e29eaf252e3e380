// Issue 18, item 2: bounded decoding. Each crafted file (test/support/crafted-datasets.ts) is a
// few KB or MB that would inflate to gigabytes or make a decoder allocate gigabytes; each must be
// refused (or processed) within the limits of main/engine/datasets/limits.ts, quickly and without
// the memory. Legitimate files of the same kinds still decode (and the datasets-*.test.ts files
// check them byte for byte).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { encode as encodePng } from 'fast-png';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { parseNpz } from '../../main/engine/datasets/arrays';
import { maybeGunzip } from '../../main/engine/datasets/gzip';
import { decodeIdx } from '../../main/engine/datasets/idx';
import { decodeImage } from '../../main/engine/datasets/image';
import { MAX_IMAGE_PIXELS } from '../../main/engine/datasets/limits';
import { DatasetError } from '../../main/engine/errors';
import {
  bmpClaiming,
  craftedDatasetFiles,
  craftedPng,
  gzipBomb,
  idxHeader,
  jpegClaiming,
  jpegWithScans,
  MiB,
  npy,
  npzOfZeros,
} from '../support/crafted-datasets';
import { lowbitInProcess } from '../support/cli';

/** Growth of ArrayBuffer memory a refused file may leave behind (the limits allow up to 256 MiB). */
const MEMORY_BOUND = 64 * MiB;
/** Loose: each case takes milliseconds to a few hundred on its own; the machine may be busy. */
const TIME_BOUND_MS = 10_000;

/** Runs `decode` on a crafted file, expects `error`, and checks the time and memory it took. */
function expectRefused(name: string, file: Uint8Array, decode: () => unknown, error: RegExp): void {
  const before = process.memoryUsage().arrayBuffers;
  const rssBefore = process.resourceUsage().maxRSS;
  const t0 = performance.now();
  let thrown: unknown = null;
  try {
    decode();
  } catch (e) {
    thrown = e;
  }
  const ms = performance.now() - t0;
  const grew = process.memoryUsage().arrayBuffers - before;
  const peakGrew = (process.resourceUsage().maxRSS - rssBefore) * 1024;
  console.info(
    `${name}: ${file.length} bytes refused in ${ms.toFixed(0)} ms, arrayBuffers +${(grew / MiB).toFixed(1)} MiB, peak RSS +${(peakGrew / MiB).toFixed(1)} MiB: ${(thrown as Error)?.message}`,
  );
  expect(thrown).toBeInstanceOf(DatasetError);
  expect((thrown as Error).message).toMatch(error);
  expect((thrown as Error).message).not.toContain('\n');
  expect(ms).toBeLessThan(TIME_BOUND_MS);
  expect(grew).toBeLessThan(MEMORY_BOUND);
}

describe('bounded decoding of crafted files (issue 18)', () => {
  it('.npz: 2,000 central-directory entries aliasing one deflated 10 MiB member', () => {
    const npz = npzOfZeros(2000, 10, true);
    expect(npz.length).toBeLessThan(200 * 1024);
    expectRefused(
      'aliasing npz',
      npz,
      () => parseNpz(npz, 'alias.npz'),
      /^alias\.npz: members entry 1 and entry 2 share bytes \(an aliasing archive\), refused$/,
    );
  });

  it('.npz: members declaring more than MAX_INFLATED_BYTES together are refused before inflating', () => {
    const npz = npzOfZeros(2, 150, false);
    expectRefused(
      'oversized npz',
      npz,
      () => parseNpz(npz, 'big.npz'),
      /^big\.npz: the archive's members declare \d+ bytes together, over the limit of 256 MiB \(MAX_INFLATED_BYTES\)$/,
    );
    // The same archive at a size within the limit is read, every member in full.
    const ok = parseNpz(npzOfZeros(2, 2, false), 'ok.npz');
    expect([...ok.keys()]).toEqual(['a0', 'a1']);
    expect(ok.get('a1')!.shape).toEqual([2 * MiB]);
  });

  it('gzip IDX: 4 GiB of zeros in 4 MB with a lying ISIZE', () => {
    // The IDX header declares 1 image of 28x28; the stream goes on for 4 GiB; ISIZE claims 1000.
    const gz = gzipBomb(4096, idxHeader([1, 28, 28]), 1000);
    expect(gz.length).toBeLessThan(5 * MiB);
    const t0 = performance.now();
    const idx = decodeIdx(gz, 'bomb-idx3-ubyte.gz');
    console.info(`gzip IDX bomb (small header): processed in ${(performance.now() - t0).toFixed(0)} ms`);
    expect(idx.shape).toEqual([1, 28, 28]);
    expect(idx.data.length).toBe(784);
    // The same stream under a header declaring 4 GiB of images is refused at once...
    const declared = gzipBomb(4096, idxHeader([5_478_274, 28, 28]), 0);
    expectRefused(
      'gzip IDX bomb (huge header)',
      declared,
      () => decodeIdx(declared, 'huge.gz'),
      /^huge\.gz: the IDX header declares \d+ bytes, over the limit of 256 MiB \(MAX_INFLATED_BYTES\)$/,
    );
    // ...and a stream of zeros with no header stops at the first bytes.
    const headless = gzipBomb(4096, new Uint8Array(0), 0);
    expectRefused(
      'gzip of zeros, no IDX header',
      headless,
      () => decodeIdx(headless, 'zeros.gz'),
      /^zeros\.gz: unknown IDX element type 0x00$/,
    );
  });

  it('gzip: a stream past MAX_INFLATED_BYTES is stopped while inflating, whatever ISIZE says', () => {
    const gz = gzipBomb(300, new Uint8Array(0), 100);
    expect(() => maybeGunzip(gz, 'z.gz')).toThrow(
      /^z\.gz: the gzip stream inflates past the limit of 256 MiB \(MAX_INFLATED_BYTES\)$/,
    );
  });

  it('PNG: a huge IHDR is refused before anything is inflated', () => {
    const png = craftedPng({ width: 100_000, height: 100_000, idatMiB: 0 });
    expectRefused(
      'PNG huge IHDR',
      png,
      () => decodeImage(png, 'huge.png'),
      /^huge\.png: image size 100000x100000 is out of range: 10000000000 pixels, over the limit of 16777216 pixels \(MAX_IMAGE_PIXELS\)$/,
    );
    // One row past the pixel limit at the deepest format (RGBA, 16 bits: MAX_IMAGE_BYTES at 4096 x 4096).
    const deep = craftedPng({ width: 4096, height: 4097, colorType: 6, depth: 16, idatMiB: 0 });
    expect(() => decodeImage(deep, 'deep.png')).toThrow(
      /^deep\.png: image size 4096x4097 .*\(MAX_IMAGE_PIXELS\)$/,
    );
  });

  it('PNG: an IDAT stream of 1 GiB for a 1000x1000 image (1 MB file)', () => {
    const png = craftedPng({ width: 1000, height: 1000, idatMiB: 1024 });
    expect(png.length).toBeLessThan(2 * MiB);
    expectRefused(
      'PNG IDAT bomb',
      png,
      () => decodeImage(png, 'idat.png'),
      /^idat\.png: the IDAT stream inflates past the limit of 1001000 bytes \(the size its IHDR declares\)$/,
    );
  });

  it('PNG: an iCCP profile of 1 GiB (1 MB file)', () => {
    const png = craftedPng({ width: 2, height: 2, iccpMiB: 1024 });
    expect(png.length).toBeLessThan(2 * MiB);
    expectRefused(
      'PNG iCCP bomb',
      png,
      () => decodeImage(png, 'icc.png'),
      /^icc\.png: the iCCP profile inflates past the limit of 16 MiB \(MAX_ICC_PROFILE_BYTES\)$/,
    );
  });

  it('JPEG: a SOF marker claiming 65535x65535 pixels', () => {
    const jpg = jpegClaiming(65535, 65535);
    expectRefused(
      'JPEG giant SOF',
      jpg,
      () => decodeImage(jpg, 'giant.jpg'),
      /^giant\.jpg: image size 65535x65535 is out of range: \d+ pixels, over the limit of 16777216 pixels \(MAX_IMAGE_PIXELS\)$/,
    );
  });

  it('JPEG: 100,000 progressive scans of end-of-band runs (3.5 MB, minutes of decoding)', () => {
    const jpg = jpegWithScans(100_000, 4096);
    expectRefused(
      'JPEG scan bomb',
      jpg,
      () => decodeImage(jpg, 'scans.jpg'),
      /^scans\.jpg: the JPEG's scans \(SOS markers\) go past the limit of 100 \(MAX_JPEG_SCANS\)$/,
    );
    // At the limit the file decodes (a small frame keeps this quick).
    expect(decodeImage(jpegWithScans(99, 256), 'ok.jpg').width).toBe(256);
  });

  it('BMP: a header claiming more than the file holds', () => {
    const bmp = bmpClaiming(4000, 4000);
    expectRefused(
      'BMP short file',
      bmp,
      () => decodeImage(bmp, 'short.bmp'),
      /^short\.bmp: truncated BMP: 4000x4000 at 24 bits needs 48000054 bytes, the file has 1024$/,
    );
    const wide = bmpClaiming(8192, 4096);
    expect(() => decodeImage(wide, 'wide.bmp')).toThrow(/\(MAX_IMAGE_PIXELS\)$/);
  });

  it('legitimate files of each kind still decode', () => {
    const pixels = new Uint8Array(1000 * 1000).map((_, i) => (i * 7) % 251);
    const png = encodePng({ width: 1000, height: 1000, channels: 1, depth: 8, data: pixels });
    expect(Buffer.from(decodeImage(png, 'ok.png').data).equals(Buffer.from(pixels))).toBe(true);
    const zeros = craftedPng({ width: 3, height: 2 });
    expect(Array.from(decodeImage(zeros, 'z.png').data)).toEqual([0, 0, 0, 0, 0, 0]);
    const gz = new Uint8Array(zlib.gzipSync(Buffer.concat([idxHeader([2, 2]), Uint8Array.of(1, 2, 3, 4)])));
    expect(Array.from(decodeIdx(gz, 'ok.gz').data)).toEqual([1, 2, 3, 4]);
    // Two gzip members, as pigz or `cat a.gz b.gz` write: both are read.
    const two = Buffer.concat([zlib.gzipSync(idxHeader([2, 2])), zlib.gzipSync(Uint8Array.of(5, 6, 7, 8))]);
    expect(Array.from(decodeIdx(new Uint8Array(two), 'two.gz').data)).toEqual([5, 6, 7, 8]);
    // An .npz as zip writers make it (fflate's zipSync: one stored, one deflated member).
    const x = Uint8Array.of(1, 2, 3, 4, 5, 6);
    const npz = zipSync({
      'x.npy': [npy('|u1', [2, 3], x), { level: 0 }],
      'y.npy': npy('<i4', [2], Int32Array.of(0, 1)),
    });
    const arrays = parseNpz(npz, 'ok.npz');
    expect(Array.from(arrays.get('x')!.data as Uint8Array)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(arrays.get('y')!.data as Int32Array)).toEqual([0, 1]);
    // Member names are file contents: errors show one only when it is a plain token.
    const odd = zipSync({ 'a line of the secret file.npy': Uint8Array.of(1, 2, 3) });
    expect(() => parseNpz(odd, 'odd.npz')).toThrow(/^odd\.npz:entry 1: not a \.npy file/);
    // The largest image the limits allow, 4096 x 4096, gray: decodes.
    expect(MAX_IMAGE_PIXELS).toBe(4096 * 4096);
    expect(decodeImage(craftedPng({ width: 4096, height: 4096 }), 'max.png').data.length).toBe(
      MAX_IMAGE_PIXELS,
    );
  });

  it('the CLI reports a crafted dataset in one line naming the file and the limit, exit 2', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lowbit-limits-'));
    try {
      const model = path.join('assets', 'demo', 'fashion_cnn.tflite');
      const cases: [string, Uint8Array, RegExp][] = [
        ['alias.npz', npzOfZeros(2000, 10, true), /alias\.npz: members entry 1 and entry 2 share bytes/],
        [
          't10k-images-idx3-ubyte.gz',
          gzipBomb(4096, idxHeader([5_478_274, 28, 28]), 0),
          /\(MAX_INFLATED_BYTES\)$/,
        ],
      ];
      for (const [name, bytes, message] of cases) {
        const file = path.join(dir, name);
        fs.writeFileSync(file, bytes);
        const r = await lowbitInProcess('evaluate', model, '--dataset', file);
        expect(r.code).toBe(2);
        const lines = r.stderr.trim().split('\n');
        expect(lines).toHaveLength(1);
        expect(lines[0]).toContain(file);
        expect(lines[0]).toMatch(message);
      }
      // A flat image folder holding a PNG bomb: refused when the first image is decoded.
      const folder = path.join(dir, 'images');
      fs.mkdirSync(folder, { recursive: true });
      fs.writeFileSync(
        path.join(folder, 'bomb.png'),
        craftedPng({ width: 1000, height: 1000, idatMiB: 1024 }),
      );
      const r = await lowbitInProcess('evaluate', model, '--dataset', folder);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/bomb\.png: the IDAT stream inflates past the limit of 1001000 bytes/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('every file of craftedDatasetFiles (the fuzz harness set) is refused or read within the limits', () => {
    for (const { name, bytes } of craftedDatasetFiles()) {
      const decode = name.endsWith('.npz')
        ? () => parseNpz(bytes, name)
        : name.endsWith('.gz')
          ? () => decodeIdx(bytes, name)
          : () => decodeImage(bytes, name);
      if (name.startsWith('small-header'))
        expect((decode() as { shape: number[] }).shape).toEqual([1, 28, 28]);
      else expectRefused(name, bytes, decode, new RegExp(`^${name.replace(/\./g, '\\.')}: `));
    }
  });
});
