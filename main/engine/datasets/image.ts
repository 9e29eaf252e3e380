/**
 * Image decoding for datasets, by magic bytes (never by file extension): PNG (fast-png), JPEG
 * (jpeg-js), BMP (bmp-ts, uncompressed 1/4/8/16/24/32-bit). All three are pure JavaScript; bmp-ts reads through Node's Buffer,
 * so BMP needs a Buffer global (Node, Electron main, workers; a browser needs a polyfill).
 *
 * Untrusted files: before a decoder runs, its header is checked against limits.ts (png-bounds.ts:
 * IHDR, and the IDAT and iCCP streams inflated within their limits; image-bounds.ts: JPEG's SOF
 * marker, BMP's header against the file length), jpeg-js runs with its own limits set, and any
 * decoder exception becomes a DatasetError naming the file.
 */
import { decode as decodePngLib, convertIndexedToRgb } from 'fast-png';
import { decode as decodeJpegLib } from 'jpeg-js';
import { decode as decodeBmpLib } from 'bmp-ts';
import { DatasetError } from '../errors';
import { BMP_UNCOMPRESSED, checkBmpHeader, checkJpegHeader } from './image-bounds';
import { MAX_IMAGE_PIXELS, MAX_JPEG_DECODER_MB } from './limits';
import { checkPng } from './png-bounds';
import type { RawImage } from './preprocess';

export type ImageFormat = 'png' | 'jpeg' | 'bmp';

export function sniffImage(bytes: Uint8Array): ImageFormat | null {
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47)
    return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 2 && bytes[0] === 0x42 && bytes[1] === 0x4d) return 'bmp';
  return null;
}

/** Decodes a PNG, JPEG or BMP file. `what` names the file in errors. */
export function decodeImage(bytes: Uint8Array, what = 'image'): RawImage {
  const format = sniffImage(bytes);
  if (!format) throw new DatasetError(`${what}: not a PNG, JPEG or BMP image (unrecognised signature)`);
  try {
    switch (format) {
      case 'png':
        return decodePng(bytes, what);
      case 'jpeg':
        return decodeJpeg(bytes, what);
      case 'bmp':
        return decodeBmp(bytes, what);
    }
  } catch (e) {
    if (e instanceof DatasetError) throw e;
    throw new DatasetError(`${what}: corrupt ${format.toUpperCase()} image (${(e as Error).message})`);
  }
}

function decodePng(bytes: Uint8Array, what: string): RawImage {
  checkPng(bytes, what);
  const png = decodePngLib(bytes);
  if (png.palette) {
    const rgb = convertIndexedToRgb(png);
    const channels = rgb.length / (png.width * png.height);
    return { width: png.width, height: png.height, channels, data: rgb, maxValue: 255 };
  }
  const maxValue = png.depth === 16 ? 65535 : png.depth === 8 ? 255 : 2 ** png.depth - 1;
  return { width: png.width, height: png.height, channels: png.channels, data: png.data, maxValue };
}

function decodeJpeg(bytes: Uint8Array, what: string): RawImage {
  checkJpegHeader(bytes, what);
  const img = decodeJpegLib(bytes, {
    useTArray: true,
    formatAsRGBA: true,
    maxResolutionInMP: MAX_IMAGE_PIXELS / 1e6,
    maxMemoryUsageInMB: MAX_JPEG_DECODER_MB,
  });
  return { width: img.width, height: img.height, channels: 4, data: img.data, maxValue: 255 };
}

function decodeBmp(bytes: Uint8Array, what: string): RawImage {
  const compression = checkBmpHeader(bytes, what);
  // bmp-ts' RLE paths and its toRGBA option misplace channels; its default ABGR output is right
  // for every uncompressed depth, so RLE is refused and ABGR is reordered here.
  if (compression === 1 || compression === 2)
    throw new DatasetError(`${what}: RLE-compressed BMP is not supported; save it uncompressed`);
  if (!BMP_UNCOMPRESSED.has(compression))
    throw new DatasetError(
      `${what}: BMP compression method ${compression} is not supported; save it uncompressed`,
    );
  const B = (globalThis as { Buffer?: { from(a: ArrayBufferLike, o: number, l: number): any } }).Buffer;
  if (!B) throw new DatasetError(`${what}: BMP decoding needs Node's Buffer (not available here)`);
  const img = decodeBmpLib(B.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { toRGBA: false });
  const abgr: Uint8Array = img.data;
  const n = img.width * Math.abs(img.height);
  if (abgr.length !== n * 4) throw new DatasetError(`${what}: corrupt BMP (pixel data size)`);
  const data = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    data[3 * i] = abgr[4 * i + 3];
    data[3 * i + 1] = abgr[4 * i + 2];
    data[3 * i + 2] = abgr[4 * i + 1];
  }
  return { width: img.width, height: Math.abs(img.height), channels: 3, data, maxValue: 255 };
}
