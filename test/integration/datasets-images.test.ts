// Issue 5: PNG/JPEG/BMP decoding through the libraries, on images generated here with the
// libraries' own encoders, plus TFLM's person.bmp against values read with Python's struct.
import fs from 'node:fs';
import { encode as encodeBmp } from 'bmp-ts';
import { encode as encodePng } from 'fast-png';
import { encode as encodeJpeg } from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { decodeImage, sniffImage } from '../../main/engine/datasets/image';
import { preprocessImage, resolvePreprocess } from '../../main/engine/datasets/preprocess';
import { DatasetError } from '../../main/engine/errors';

const gray = resolvePreprocess({ scale: 'none' }, [1, 2, 3, 1]);

describe('image decoding', () => {
  it('PNG: 8-bit gray, 8-bit RGB and 16-bit gray, exact values', () => {
    const g8 = encodePng({
      width: 3,
      height: 2,
      channels: 1,
      depth: 8,
      data: Uint8Array.of(0, 10, 20, 30, 40, 255),
    });
    expect(sniffImage(g8)).toBe('png');
    const a = decodeImage(g8, 'g8.png');
    expect([a.width, a.height, a.channels, a.maxValue]).toEqual([3, 2, 1, 255]);
    expect(Array.from(a.data)).toEqual([0, 10, 20, 30, 40, 255]);

    const rgb = encodePng({
      width: 1,
      height: 2,
      channels: 3,
      depth: 8,
      data: Uint8Array.of(255, 0, 0, 0, 0, 255),
    });
    const b = decodeImage(rgb, 'rgb.png');
    expect([b.channels, Array.from(b.data)]).toEqual([3, [255, 0, 0, 0, 0, 255]]);
    // BT.601 luma, scaled to 0..1: red -> 0.299, blue -> 0.114
    const p = resolvePreprocess({ scale: '0..1' }, [1, 2, 1, 1]);
    expect(Array.from(preprocessImage(b, p))).toEqual([Math.fround(0.299), Math.fround(0.114)]);

    const g16 = encodePng({ width: 2, height: 1, channels: 1, depth: 16, data: Uint16Array.of(0, 65535) });
    const c = decodeImage(g16, 'g16.png');
    expect([c.maxValue, Array.from(c.data)]).toEqual([65535, [0, 65535]]);
    expect(Array.from(preprocessImage(c, resolvePreprocess({}, [1, 1, 2, 1])))).toEqual([0, 1]);
  });

  it('JPEG: a flat-colour image decodes within 2 levels of its colour', () => {
    const w = 16;
    const h = 8;
    const data = new Uint8Array(w * h * 4);
    for (let i = 0; i < w * h; i++) data.set([200, 100, 50, 255], 4 * i);
    const jpg = new Uint8Array(encodeJpeg({ width: w, height: h, data }, 100).data);
    expect(sniffImage(jpg)).toBe('jpeg');
    const img = decodeImage(jpg, 'flat.jpg');
    expect([img.width, img.height, img.channels]).toEqual([16, 8, 4]);
    for (let i = 0; i < w * h; i++) {
      expect(Math.abs(img.data[4 * i] - 200)).toBeLessThanOrEqual(2);
      expect(Math.abs(img.data[4 * i + 1] - 100)).toBeLessThanOrEqual(2);
      expect(Math.abs(img.data[4 * i + 2] - 50)).toBeLessThanOrEqual(2);
    }
  });

  it('BMP: 24-bit generated image, exact RGB', () => {
    // bmp-ts takes ABGR input: pixels red, green / blue, white
    const abgr = Uint8Array.of(0, 0, 0, 255, 0, 0, 255, 0, 0, 255, 0, 0, 0, 255, 255, 255);
    const bmp = new Uint8Array(encodeBmp({ width: 2, height: 2, data: Buffer.from(abgr), bitPP: 24 }).data);
    expect(sniffImage(bmp)).toBe('bmp');
    const img = decodeImage(bmp, 'gen.bmp');
    expect([img.width, img.height, img.channels]).toEqual([2, 2, 3]);
    const rgb = Array.from({ length: 4 }, (_, i) => Array.from(img.data.subarray(3 * i, 3 * i + 3)));
    expect(rgb).toEqual([
      [255, 0, 0],
      [0, 255, 0],
      [0, 0, 255],
      [255, 255, 255],
    ]);
  });

  it("BMP: TFLM's 8-bit palette person.bmp, bottom-up rows, matches an independent decode", () => {
    const bytes = new Uint8Array(fs.readFileSync('/work/shared/data/person_detection/person.bmp'));
    const img = decodeImage(bytes, 'person.bmp');
    expect([img.width, img.height]).toEqual([96, 96]);
    const p = resolvePreprocess({ scale: '0..255' }, [1, 96, 96, 1]);
    const x = preprocessImage(img, p);
    const px = (y: number, xx: number) => Math.round(x[y * 96 + xx]);
    expect(Array.from({ length: 12 }, (_, i) => px(0, i))).toEqual([
      11, 16, 18, 29, 45, 55, 68, 78, 80, 79, 93, 104,
    ]);
    expect(Array.from({ length: 12 }, (_, i) => px(48, 40 + i))).toEqual([
      143, 143, 143, 143, 141, 143, 143, 145, 143, 145, 143, 143,
    ]);
  });

  it('a corrupt or unknown image is a DatasetError naming the file', () => {
    const png = encodePng({ width: 4, height: 4, channels: 1, depth: 8, data: new Uint8Array(16).fill(7) });
    const broken = png.slice(0, png.length - 20);
    expect(() => decodeImage(broken, 'cls/broken.png')).toThrow(DatasetError);
    expect(() => decodeImage(broken, 'cls/broken.png')).toThrow(/^cls\/broken\.png: /);
    expect(() => decodeImage(Uint8Array.of(1, 2, 3, 4), 'x.gif')).toThrow(
      'x.gif: not a PNG, JPEG or BMP image',
    );
    // A BMP header claiming 100000 x 100000 pixels in 60 bytes.
    const huge = new Uint8Array(60);
    huge.set([0x42, 0x4d]);
    const v = new DataView(huge.buffer);
    v.setInt32(18, 100000, true);
    v.setInt32(22, 100000, true);
    v.setUint16(28, 24, true);
    expect(() => decodeImage(huge, 'huge.bmp')).toThrow(
      /huge\.bmp: image size 100000x100000 is out of range/,
    );
    const jpg = new Uint8Array(encodeJpeg({ width: 8, height: 8, data: new Uint8Array(256) }, 90).data);
    expect(() => decodeImage(jpg.slice(0, 40), 'cut.jpg')).toThrow(/^cut\.jpg: corrupt JPEG image/);
  });

  it('gray preprocessing of a decoded gray PNG keeps raw values with scale=none', () => {
    const g = decodeImage(
      encodePng({ width: 3, height: 2, channels: 1, depth: 8, data: Uint8Array.of(1, 2, 3, 4, 5, 6) }),
    );
    expect(Array.from(preprocessImage(g, gray))).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
