/**
 * What a PNG may cost to decode, checked before fast-png runs (pure). fast-png inflates IDAT and
 * iCCP with no limit, so this walks the chunks first, the way fast-png does (length, type, data,
 * CRC, up to IEND):
 *   - IHDR, the first chunk: width x height x channels x bit depth within MAX_IMAGE_PIXELS and
 *     MAX_IMAGE_BYTES (checkImageSize) before anything is inflated;
 *   - the IDAT stream is inflated, counting and keeping nothing, and refused as soon as it passes
 *     the size the IHDR implies (rows of filter byte + packed samples, per Adam7 pass when
 *     interlaced); fast-png then inflates the same bytes, so no more than that;
 *   - each iCCP profile likewise, within MAX_ICC_PROFILE_BYTES.
 * fast-png ignores the other compressed chunks (zTXt, iTXt) and APNG frames, so they cost nothing.
 * A chunk that runs past the end of the file ends the walk; fast-png reports the truncation.
 */
import { DatasetError } from '../errors';
import { checkImageSize } from './image-bounds';
import { inflatedSize } from './inflate';
import { MAX_ICC_PROFILE_BYTES } from './limits';

interface PngHeader {
  width: number;
  height: number;
  depth: number;
  /** Samples per pixel as stored (palette: 1 index). */
  channels: number;
  palette: boolean;
  interlaced: boolean;
}

/** Samples per pixel by PNG colour type: gray, RGB, palette, gray+alpha, RGBA. */
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** Adam7 passes: x start, y start, x step, y step. */
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
];

/** Checks a PNG's header and inflates its IDAT and iCCP streams within limits. Throws DatasetError. */
export function checkPng(bytes: Uint8Array, what: string): void {
  // Signature (8) + IHDR (4 length, 4 type, 13 data, 4 CRC).
  if (bytes.length < 33) throw new DatasetError(`${what}: truncated PNG (${bytes.length} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = (at: number) => String.fromCharCode(bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]);
  if (type(12) !== 'IHDR') throw new DatasetError(`${what}: corrupt PNG (the first chunk is not IHDR)`);
  const header = readHeader(view);
  if (!header) return; // an unknown colour type or depth: fast-png refuses it before allocating
  const stored = header.depth === 16 ? 2 : 1;
  // Palette images are expanded to RGB(A) after decoding (convertIndexedToRgb).
  if (header.palette) checkImageSize(what, header.width, header.height, 4, 1);
  checkImageSize(what, header.width, header.height, header.channels, stored);

  const idat: Uint8Array[] = [];
  for (let at = 8; at + 12 <= bytes.length;) {
    const length = view.getUint32(at, false);
    const kind = type(at + 4);
    const data = at + 8;
    if (data + length + 4 > bytes.length || kind === 'IEND') break;
    if (kind === 'IDAT') idat.push(bytes.subarray(data, data + length));
    if (kind === 'iCCP') checkIccProfile(bytes.subarray(data, data + length), what);
    at = data + length + 4;
  }
  const expected = imageDataSize(header);
  inflatedSize(idat, 'zlib', {
    what,
    stream: 'IDAT stream',
    limit: expected,
    limitName: 'the size its IHDR declares',
    corrupt: 'corrupt PNG image: IDAT stream',
  });
}

function readHeader(view: DataView): PngHeader | null {
  const depth = view.getUint8(24);
  const colorType = view.getUint8(25);
  const channels = CHANNELS[colorType];
  if (!channels || ![1, 2, 4, 8, 16].includes(depth)) return null;
  return {
    width: view.getUint32(16, false),
    height: view.getUint32(20, false),
    depth,
    channels,
    palette: colorType === 3,
    interlaced: view.getUint8(28) === 1,
  };
}

/** Bytes of the filtered image data: per row, one filter byte and the packed samples. */
function imageDataSize(h: PngHeader): number {
  const rows = (width: number, height: number) =>
    width > 0 && height > 0 ? height * (1 + Math.ceil((width * h.channels * h.depth) / 8)) : 0;
  if (!h.interlaced) return rows(h.width, h.height);
  return ADAM7.reduce(
    (sum, [x0, y0, dx, dy]) => sum + rows(Math.ceil((h.width - x0) / dx), Math.ceil((h.height - y0) / dy)),
    0,
  );
}

/** iCCP: a keyword (1-79 bytes), a NUL, the compression method, then the zlib-compressed profile. */
function checkIccProfile(chunk: Uint8Array, what: string): void {
  const nul = chunk.indexOf(0);
  if (nul < 0 || nul + 2 > chunk.length) return; // fast-png refuses it without inflating
  inflatedSize(chunk.subarray(nul + 2), 'zlib', {
    what,
    stream: 'iCCP profile',
    limit: MAX_ICC_PROFILE_BYTES,
    limitName: 'MAX_ICC_PROFILE_BYTES',
    corrupt: 'corrupt PNG image: iCCP profile',
  });
}
