/**
 * A tiny reader for uncompressed 8-bit palettised BMP images (the grayscale test images from
 * TFLM's person_detection example). Test support only. Returns the gray level of every pixel,
 * rows top to bottom (BMP stores them bottom-up when the height is positive).
 */
export interface GrayImage {
  width: number;
  height: number;
  /** width * height gray levels, row-major from the top-left pixel. */
  pixels: Uint8Array;
}

export function readGrayBmp(bytes: Uint8Array): GrayImage {
  if (bytes.length < 54 || bytes[0] !== 0x42 || bytes[1] !== 0x4d) throw new Error('not a BMP file');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dataOffset = dv.getUint32(10, true);
  const headerSize = dv.getUint32(14, true);
  const width = dv.getInt32(18, true);
  const rawHeight = dv.getInt32(22, true);
  const bpp = dv.getUint16(28, true);
  const compression = dv.getUint32(30, true);
  if (bpp !== 8 || compression !== 0)
    throw new Error(`unsupported BMP: ${bpp} bpp, compression ${compression}`);
  const height = Math.abs(rawHeight);
  const colors = dv.getUint32(46, true) || 256;
  const paletteAt = 14 + headerSize;
  const gray = new Uint8Array(256);
  for (let i = 0; i < colors; i++) {
    const b = bytes[paletteAt + 4 * i];
    const g = bytes[paletteAt + 4 * i + 1];
    const r = bytes[paletteAt + 4 * i + 2];
    if (r !== g || g !== b) throw new Error(`palette entry ${i} is not gray`);
    gray[i] = g;
  }
  const stride = Math.ceil(width / 4) * 4;
  if (dataOffset + stride * height > bytes.length) throw new Error('BMP pixel data is truncated');
  const pixels = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const srcRow = rawHeight > 0 ? height - 1 - y : y;
    for (let x = 0; x < width; x++) pixels[y * width + x] = gray[bytes[dataOffset + srcRow * stride + x]];
  }
  return { width, height, pixels };
}
