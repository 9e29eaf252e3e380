// Issue 5: IDX decoding (plain and gzipped) against Debian's Fashion-MNIST files, decoded
// independently with Python's gzip+struct for the golden values below.
import fs from 'node:fs';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeIdx, decodeIdxImages, encodeIdxUint8 } from '../../main/engine/datasets/idx';
import { DatasetError } from '../../main/engine/errors';
import { DEBIAN_FASHION_MNIST, findIdxPair, readIdxDirectory } from '../../main/files/idx-files';

const debian = fs.existsSync(`${DEBIAN_FASHION_MNIST}/t10k-images-idx3-ubyte.gz`);
const read = (f: string) => new Uint8Array(fs.readFileSync(f));

// Row 13 of the first t10k image and the first ten t10k labels (Python: gzip.open(...).read()).
const T10K_IMAGE0_ROW13 = [
  0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 3, 0, 0, 89, 139, 90, 94, 153, 149, 131, 151, 169, 172, 143, 159, 169, 48, 0,
];
const T10K_LABELS_0_9 = [9, 2, 1, 1, 6, 1, 4, 6, 5, 7];

describe.skipIf(!debian)("Debian's Fashion-MNIST IDX files", () => {
  it('decodes the gzipped t10k pair byte-exactly', () => {
    const set = readIdxDirectory(DEBIAN_FASHION_MNIST, 't10k');
    expect([set.count, set.height, set.width, set.channels]).toEqual([10000, 28, 28, 1]);
    expect(Array.from(set.pixels.subarray(13 * 28, 14 * 28))).toEqual(T10K_IMAGE0_ROW13);
    let sum = 0;
    for (let i = 0; i < 784; i++) sum += set.pixels[i];
    expect(sum).toBe(33456);
    expect(Array.from(set.labels!.subarray(0, 10))).toEqual(T10K_LABELS_0_9);
  });

  it('gives the same arrays for the plain (gunzipped) files', () => {
    const gz = read(`${DEBIAN_FASHION_MNIST}/t10k-labels-idx1-ubyte.gz`);
    const plain = new Uint8Array(zlib.gunzipSync(gz));
    expect(plain[0]).toBe(0); // not gzip: the decoder must take the plain path
    const a = decodeIdx(gz, 'gz');
    const b = decodeIdx(plain, 'plain');
    expect(a.shape).toEqual([10000]);
    expect(Buffer.from(b.data as Uint8Array).equals(Buffer.from(a.data as Uint8Array))).toBe(true);
  });

  it('finds the standard file names of both splits', () => {
    const train = findIdxPair(DEBIAN_FASHION_MNIST, 'train')!;
    expect(train.images).toMatch(/train-images-idx3-ubyte\.gz$/);
    expect(train.labels).toMatch(/train-labels-idx1-ubyte\.gz$/);
  });
});

describe('IDX decoder', () => {
  it('round-trips a generated uint8 file and decodes other element types big-endian', () => {
    const pixels = Uint8Array.from({ length: 2 * 3 * 4 }, (_, i) => i * 10);
    const set = decodeIdxImages(encodeIdxUint8([2, 3, 4], pixels), encodeIdxUint8([2], Uint8Array.of(7, 1)));
    expect([set.count, set.height, set.width]).toEqual([2, 3, 4]);
    expect(Array.from(set.pixels)).toEqual(Array.from(pixels));
    expect(Array.from(set.labels!)).toEqual([7, 1]);
    // int16 [2]: 0x0102, 0xFFFE (-2); float32 [1]: 1.5 = 0x3FC00000
    const i16 = decodeIdx(Uint8Array.of(0, 0, 0x0b, 1, 0, 0, 0, 2, 0x01, 0x02, 0xff, 0xfe));
    expect(Array.from(i16.data)).toEqual([258, -2]);
    const f32 = decodeIdx(Uint8Array.of(0, 0, 0x0d, 1, 0, 0, 0, 1, 0x3f, 0xc0, 0, 0));
    expect(Array.from(f32.data)).toEqual([1.5]);
  });

  it('refuses truncated data, naming the file', () => {
    const full = encodeIdxUint8([3, 2, 2], new Uint8Array(12));
    expect(() => decodeIdx(full.subarray(0, full.length - 1), 'a/images.idx')).toThrow(DatasetError);
    expect(() => decodeIdx(full.subarray(0, full.length - 1), 'a/images.idx')).toThrow(
      /a\/images\.idx: truncated IDX data: shape \[3,2,2\] of uint8 needs 12 bytes, the file has 11/,
    );
    expect(() => decodeIdx(full.subarray(0, 9), 'x.idx')).toThrow(/x\.idx: truncated IDX header/);
    expect(() => decodeIdx(Uint8Array.of(0, 0, 0x42, 1, 0, 0, 0, 0), 'x.idx')).toThrow(
      /unknown IDX element type 0x42/,
    );
  });

  it('refuses a huge declared size in a tiny file before allocating', () => {
    // [4294967295, 4294967295, 4294967295] uint8 in a 16-byte file.
    const bomb = Uint8Array.of(0, 0, 8, 3, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255);
    expect(() => decodeIdx(bomb, 'bomb.idx')).toThrow(/bomb\.idx: truncated IDX data/);
    // A gzip whose trailer claims 4 GB for a few compressed bytes.
    const gz = new Uint8Array(zlib.gzipSync(encodeIdxUint8([1], Uint8Array.of(1))));
    gz.set([255, 255, 255, 255], gz.length - 4);
    expect(() => decodeIdx(gz, 'bomb.gz')).toThrow(/bomb\.gz: gzip trailer declares 4294967295 bytes/);
  });

  it('refuses mismatched image and label counts', () => {
    const images = encodeIdxUint8([3, 2, 2], new Uint8Array(12));
    const labels = encodeIdxUint8([2], Uint8Array.of(0, 1));
    expect(() => decodeIdxImages(images, labels, { images: 'imgs.idx', labels: 'labs.idx' })).toThrow(
      'labs.idx: 2 labels for 3 images in imgs.idx',
    );
  });

  it('refuses a corrupt gzip stream', () => {
    const gz = new Uint8Array(zlib.gzipSync(encodeIdxUint8([64], new Uint8Array(64).fill(3))));
    gz[12] ^= 0xff;
    expect(() => decodeIdx(gz, 'c.gz')).toThrow(DatasetError);
  });
});
