/**
 * The IDX format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/ describes it):
 *   bytes 0-1  zero
 *   byte  2    element type: 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64
 *   byte  3    number of dimensions
 *   then one big-endian uint32 per dimension, then the elements, big-endian, C order.
 * Plain or gzipped (decided by magic bytes). The header is checked against the file length
 * before anything is allocated, so a huge declared size in a tiny file is refused cheaply; a
 * gzipped file is inflated only as far as its header says the data goes, and refused at once when
 * that is more than MAX_INFLATED_BYTES (limits.ts).
 */
import { DatasetError } from '../errors';
import { maybeGunzip } from './gzip';
import { formatBytes, limitExceeded, MAX_INFLATED_BYTES } from './limits';

/**
 * The parts of an MNIST-style IDX folder: train, t10k (test), and 'calibration', the shipped demo
 * subset's held-out calibration set.
 */
export type IdxSplit = 'train' | 't10k' | 'calibration';

export type IdxDType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

export interface IdxArray {
  dtype: IdxDType;
  shape: number[];
  /** uint8 stays a Uint8Array (a view of the decompressed bytes); other types are converted to native order. */
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

const TYPES: Record<number, [IdxDType, number]> = {
  0x08: ['uint8', 1],
  0x09: ['int8', 1],
  0x0b: ['int16', 2],
  0x0c: ['int32', 4],
  0x0d: ['float32', 4],
  0x0e: ['float64', 8],
};

/** Reads the header only: dtype, shape and where the data starts. Throws DatasetError. */
export function readIdxHeader(
  bytes: Uint8Array,
  what: string,
): { dtype: IdxDType; shape: number[]; offset: number; elementBytes: number } {
  if (bytes.length < 4)
    throw new DatasetError(`${what}: ${bytes.length} bytes is too short for an IDX header`);
  if (bytes[0] !== 0 || bytes[1] !== 0)
    throw new DatasetError(`${what}: not an IDX file (first two bytes must be zero)`);
  const type = TYPES[bytes[2]];
  if (!type)
    throw new DatasetError(`${what}: unknown IDX element type 0x${bytes[2].toString(16).padStart(2, '0')}`);
  const ndim = bytes[3];
  if (ndim === 0) throw new DatasetError(`${what}: IDX file declares zero dimensions`);
  const offset = 4 + 4 * ndim;
  if (bytes.length < offset)
    throw new DatasetError(`${what}: truncated IDX header (${ndim} dimensions need ${offset} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  let count = 1;
  for (let i = 0; i < ndim; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    shape.push(d);
    count *= d; // exact in doubles up to 2^53; a product past the file size is refused below anyway
  }
  const need = count * type[1];
  const have = bytes.length - offset;
  if (need > have) {
    throw new DatasetError(
      `${what}: truncated IDX data: shape [${shape.join(',')}] of ${type[0]} needs ${need} bytes, the file has ${have}`,
    );
  }
  return { dtype: type[0], shape, offset, elementBytes: type[1] };
}

/**
 * How many bytes the IDX file starting with `head` declares (header and data), for inflating no
 * further: null while the head is too short to tell, the head's own length when it is no IDX
 * header (readIdxHeader then says why). A declaration over MAX_INFLATED_BYTES is refused here.
 */
function idxDeclaredLength(head: Uint8Array, what: string): number | null {
  if (head.length < 4) return null;
  const type = TYPES[head[2]];
  if (head[0] !== 0 || head[1] !== 0 || !type || head[3] === 0) return head.length;
  const offset = 4 + 4 * head[3];
  if (head.length < offset) return null;
  const view = new DataView(head.buffer, head.byteOffset, offset);
  let count = 1;
  for (let i = 0; i < head[3]; i++) count *= view.getUint32(4 + 4 * i, false);
  const length = offset + count * type[1];
  if (length > MAX_INFLATED_BYTES)
    throw limitExceeded(
      what,
      `the IDX header declares ${length} bytes, over`,
      formatBytes(MAX_INFLATED_BYTES),
      'MAX_INFLATED_BYTES',
    );
  return length;
}

/**
 * Decodes an IDX file (plain or gzipped). Trailing bytes past the declared data are ignored (and,
 * gzipped, never inflated).
 */
export function decodeIdx(input: Uint8Array, what = 'IDX file'): IdxArray {
  const bytes = maybeGunzip(input, what, (head) => idxDeclaredLength(head, what));
  const { dtype, shape, offset, elementBytes } = readIdxHeader(bytes, what);
  const count = shape.reduce((a, b) => a * b, 1);
  if (dtype === 'uint8') return { dtype, shape, data: bytes.subarray(offset, offset + count) };
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, count * elementBytes);
  switch (dtype) {
    case 'int8':
      return { dtype, shape, data: new Int8Array(bytes.buffer, bytes.byteOffset + offset, count).slice() };
    case 'int16': {
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(2 * i, false);
      return { dtype, shape, data: out };
    }
    case 'int32': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(4 * i, false);
      return { dtype, shape, data: out };
    }
    case 'float32': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, false);
      return { dtype, shape, data: out };
    }
    case 'float64': {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(8 * i, false);
      return { dtype, shape, data: out };
    }
  }
}

/** Encodes a uint8 IDX file (used to write the shipped Fashion-MNIST subset). Plain bytes. */
export function encodeIdxUint8(shape: number[], data: Uint8Array): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (data.length !== count)
    throw new DatasetError(
      `IDX encode: shape [${shape.join(',')}] needs ${count} values, got ${data.length}`,
    );
  if (shape.length > 255) throw new DatasetError('IDX encode: too many dimensions');
  const out = new Uint8Array(4 + 4 * shape.length + count);
  out[2] = 0x08;
  out[3] = shape.length;
  const view = new DataView(out.buffer);
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * shape.length);
  return out;
}

/** An images/labels IDX pair, checked to agree: N images of HxW (or HxWxC) and N labels. */
export interface IdxImageSet {
  count: number;
  height: number;
  width: number;
  channels: number;
  /** count*height*width*channels bytes, image after image. */
  pixels: Uint8Array;
  labels: Uint8Array | null;
}

export function decodeIdxImages(
  images: Uint8Array,
  labels: Uint8Array | null,
  names: { images: string; labels?: string } = { images: 'images file', labels: 'labels file' },
): IdxImageSet {
  const img = decodeIdx(images, names.images);
  if (img.dtype !== 'uint8')
    throw new DatasetError(`${names.images}: images must be uint8, got ${img.dtype}`);
  if (img.shape.length !== 3 && img.shape.length !== 4)
    throw new DatasetError(
      `${names.images}: images must be 3-D [N,H,W] or 4-D [N,H,W,C], got [${img.shape.join(',')}]`,
    );
  const [count, height, width] = img.shape;
  const channels = img.shape[3] ?? 1;
  let lab: Uint8Array | null = null;
  if (labels) {
    const what = names.labels ?? 'labels file';
    const l = decodeIdx(labels, what);
    if (l.dtype !== 'uint8') throw new DatasetError(`${what}: labels must be uint8, got ${l.dtype}`);
    if (l.shape.length !== 1)
      throw new DatasetError(`${what}: labels must be 1-D, got [${l.shape.join(',')}]`);
    if (l.shape[0] !== count)
      throw new DatasetError(`${what}: ${l.shape[0]} labels for ${count} images in ${names.images}`);
    lab = l.data as Uint8Array;
  }
  return { count, height, width, channels, pixels: img.data as Uint8Array, labels: lab };
}
