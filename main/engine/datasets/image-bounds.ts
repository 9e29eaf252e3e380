/**
 * What an image file may cost to decode, checked from its header before a decoder allocates
 * (pure). The size rule shared by every format is `checkImageSize`; JPEG's size comes from its
 * SOF marker (`checkJpegHeader`), BMP's from its info header, with the pixel data checked against
 * the file length (`checkBmpHeader`). PNG, which also inflates, is png-bounds.ts. A new image
 * format gets a check here (or its own file) and a call in image.ts before its decoder runs.
 */
import { DatasetError } from '../errors';
import { formatBytes, limitExceeded, MAX_IMAGE_BYTES, MAX_IMAGE_PIXELS, MAX_JPEG_SCANS } from './limits';

/**
 * Width and height positive, at most MAX_IMAGE_PIXELS pixels, and at most MAX_IMAGE_BYTES once
 * decoded to `channels` samples of `bytesPerSample` bytes per pixel.
 */
export function checkImageSize(
  what: string,
  width: number,
  height: number,
  channels: number,
  bytesPerSample: number,
): void {
  if (!(width > 0 && height > 0))
    throw new DatasetError(`${what}: image size ${width}x${height} is out of range`);
  const pixels = width * height;
  if (pixels > MAX_IMAGE_PIXELS)
    throw limitExceeded(
      what,
      `image size ${width}x${height} is out of range: ${pixels} pixels, over`,
      `${MAX_IMAGE_PIXELS} pixels`,
      'MAX_IMAGE_PIXELS',
    );
  const bytes = pixels * channels * bytesPerSample;
  if (bytes > MAX_IMAGE_BYTES)
    throw limitExceeded(
      what,
      `a ${width}x${height} image of ${channels} x ${8 * bytesPerSample}-bit channels decodes to ${bytes} bytes, over`,
      formatBytes(MAX_IMAGE_BYTES),
      'MAX_IMAGE_BYTES',
    );
}

/** Start-of-frame markers (baseline, extended, progressive, lossless; Huffman or arithmetic). */
const SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);
const SOS = 0xda;

/**
 * Walks a JPEG's marker segments up to the first scan and checks every frame header's size
 * (jpeg-js decodes to RGBA, 4 bytes per pixel), and counts the scans (`checkJpegScans`). A file
 * whose markers do not parse is left to jpeg-js, which refuses it under its own limits.
 */
export function checkJpegHeader(bytes: Uint8Array, what: string): void {
  checkJpegScans(bytes, what);
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return;
    const marker = bytes[at + 1];
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2; // markers without a length
      continue;
    }
    if (marker === SOS || marker === 0xd9) return;
    const length = (bytes[at + 2] << 8) | bytes[at + 3];
    if (SOF.has(marker) && at + 9 <= bytes.length) {
      const height = (bytes[at + 5] << 8) | bytes[at + 6];
      const width = (bytes[at + 7] << 8) | bytes[at + 8];
      // Height 0 means "defined by a later DNL marker", which jpeg-js does not support anyway.
      checkImageSize(what, width, height, 4, 1);
    }
    at += 2 + length;
  }
}

/**
 * Each scan of a progressive JPEG makes jpeg-js visit every block of the image, and a scan that
 * skips all blocks with end-of-band runs takes a dozen bytes: 1 MB of them would take minutes.
 * Scans are counted as FF DA pairs anywhere in the file (entropy-coded data stuffs every FF with
 * 00, so there the pair is always a real marker; in metadata it can only over-count).
 */
function checkJpegScans(bytes: Uint8Array, what: string): void {
  let scans = 0;
  for (let at = bytes.indexOf(0xff); at >= 0 && at + 1 < bytes.length; at = bytes.indexOf(0xff, at + 1)) {
    if (bytes[at + 1] === SOS && ++scans > MAX_JPEG_SCANS)
      throw limitExceeded(
        what,
        `the JPEG's scans (SOS markers) go past`,
        `${MAX_JPEG_SCANS}`,
        'MAX_JPEG_SCANS',
      );
  }
}

/** Depths bmp-ts decodes (anything else it would read as 32-bit). */
const BMP_DEPTHS = new Set([1, 4, 8, 16, 24, 32]);

/** Compression methods whose pixel data is stored as is: BI_RGB, BI_BITFIELDS, BI_ALPHABITFIELDS. */
export const BMP_UNCOMPRESSED = new Set([0, 3, 6]);

/**
 * A BMP's info header: the size within the limits (bmp-ts decodes to 4 bytes per pixel), a depth
 * bmp-ts knows, the palette inside the file, and for uncompressed data, the rows (padded to 4
 * bytes) inside the file. Returns the compression method.
 */
export function checkBmpHeader(bytes: Uint8Array, what: string): number {
  if (bytes.length < 30) throw new DatasetError(`${what}: truncated BMP (${bytes.length} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const width = view.getInt32(18, true);
  const height = Math.abs(view.getInt32(22, true));
  const bpp = view.getUint16(28, true);
  checkImageSize(what, width, height, 4, 1);
  if (!BMP_DEPTHS.has(bpp)) throw new DatasetError(`${what}: unsupported BMP depth of ${bpp} bits per pixel`);
  const compression = bytes.length >= 34 ? view.getUint32(30, true) : 0;
  const headerSize = bytes.length >= 18 ? view.getUint32(14, true) : 0;
  const colors = bytes.length >= 50 ? view.getUint32(46, true) : 0;
  const paletteEnd = 14 + headerSize + 4 * (colors || (bpp <= 8 ? 2 ** bpp : 0));
  if (paletteEnd > bytes.length)
    throw new DatasetError(
      `${what}: truncated BMP: its header and palette need ${paletteEnd} bytes, the file has ${bytes.length}`,
    );
  if (BMP_UNCOMPRESSED.has(compression)) {
    const rowBytes = Math.ceil((width * bpp) / 32) * 4;
    const offset = view.getUint32(10, true);
    if (offset + rowBytes * height > bytes.length)
      throw new DatasetError(
        `${what}: truncated BMP: ${width}x${height} at ${bpp} bits needs ${offset + rowBytes * height} bytes, the file has ${bytes.length}`,
      );
  }
  return compression;
}
