/**
 * Parsing of tensor input files, pure (bytes in, typed arrays out): raw `.bin` bytes in the
 * tensor's dtype, NumPy `.npy` (format versions 1, 2 and 3; little-endian or byte-order-free
 * dtypes; C order), and `.csv` (numbers separated by commas and/or whitespace, as TFLite Micro's
 * golden files are). Every length is checked; a bad file throws DatasetError naming the problem,
 * a file with the wrong element count throws ShapeMismatchError. An .npy array keeps its own
 * dtype (float16 as raw halves, int64 as BigInt64Array); `npyNumbers` gives its values as
 * numbers, and decodeTensorFile widens float16 to a float32 tensor and fits any integer array to
 * an integer tensor, checking every value's range.
 */
import { DatasetError, ShapeMismatchError } from '../errors';
import { allocTyped, dtypeBytes, numElements } from './dtype';
import { halvesToFloat32 } from './float16';
import type { DType, TypedArray } from './dtype';

export interface NpyArray {
  dtype: DType;
  shape: number[];
  data: TypedArray;
}

const NPY_DTYPES: Record<string, DType> = {
  f4: 'float32',
  f8: 'float64',
  f2: 'float16',
  i1: 'int8',
  u1: 'uint8',
  i2: 'int16',
  u2: 'uint16',
  i4: 'int32',
  u4: 'uint32',
  i8: 'int64',
  b1: 'bool',
};

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export function isNpy(bytes: Uint8Array): boolean {
  return bytes.length >= 6 && MAGIC.every((b, i) => bytes[i] === b);
}

/** Parses a .npy file. `what` names the file in error messages. */
export function parseNpy(bytes: Uint8Array, what = 'npy file'): NpyArray {
  if (!isNpy(bytes)) throw new DatasetError(`${what}: not a .npy file (missing \\x93NUMPY magic)`);
  if (bytes.length < 10) throw new DatasetError(`${what}: truncated .npy header`);
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number;
  let headerStart: number;
  if (major === 1) {
    headerLen = view.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new DatasetError(`${what}: truncated .npy header`);
    headerLen = view.getUint32(8, true);
    headerStart = 12;
  } else {
    throw new DatasetError(`${what}: unsupported .npy format version ${major}`);
  }
  const dataStart = headerStart + headerLen;
  if (dataStart > bytes.length) {
    throw new DatasetError(
      `${what}: header claims ${headerLen} bytes but the file has ${bytes.length - headerStart} after it`,
    );
  }
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(
    bytes.subarray(headerStart, dataStart),
  );
  const descr = /['"]descr['"]\s*:\s*['"]([<>|=]?)([a-zA-Z]\d+)['"]/.exec(header);
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(header);
  const shapeM = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(header);
  if (!descr) unsupportedDescr(header, what);
  if (!descr || !fortran || !shapeM)
    throw new DatasetError(
      `${what}: malformed .npy header (expected a dict with 'descr', 'fortran_order' and 'shape')`,
    );
  const [, order, code] = descr;
  const dtype = NPY_DTYPES[code];
  if (!dtype) throw new DatasetError(`${what}: unsupported .npy dtype '${order}${code}' (${SUPPORTED})`);
  if (order === '>' && dtypeBytes(dtype) > 1)
    throw new DatasetError(`${what}: big-endian .npy data ('${order}${code}') is not supported`);
  const shape = shapeM[1]
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s, k) => {
      const n = Number(s.replace(/L$/, ''));
      if (!Number.isInteger(n) || n < 0)
        throw new DatasetError(
          `${what}: bad dimension (number ${k + 1}) in .npy shape: expected a whole number`,
        );
      return n;
    });
  const count = numElements(shape);
  if (fortran[1] === 'True' && shape.filter((d) => d > 1).length > 1) {
    throw new DatasetError(
      `${what}: Fortran-order .npy arrays are not supported; save with np.ascontiguousarray`,
    );
  }
  const need = count * dtypeBytes(dtype);
  const have = bytes.length - dataStart;
  if (have < need)
    throw new DatasetError(
      `${what}: truncated: shape (${shape.join(', ')}) of ${dtype} needs ${need} bytes of data, the file has ${have}`,
    );
  // Copy into a fresh, aligned buffer (the header length does not guarantee alignment here).
  const raw = bytes.slice(dataStart, dataStart + need);
  const data = viewBytes(dtype, raw, count);
  return { dtype, shape, data };
}

const SUPPORTED =
  'supported: float16/32/64, int8/16/32/64, uint8/16/32, bool; convert with arr.astype(np.float32)';

/** A descr that is not one simple type code: object, string, structured or sub-array dtypes. */
function unsupportedDescr(header: string, what: string): void {
  // Only a type-code-shaped descr is shown: the header is file contents, never echoed whole.
  const code = /['"]descr['"]\s*:\s*['"]([<>|=]?[A-Za-z]\w{0,8})['"]/.exec(header);
  if (code) throw new DatasetError(`${what}: unsupported .npy dtype '${code[1]}' (${SUPPORTED})`);
  if (/['"]descr['"]\s*:\s*['"]/.test(header))
    throw new DatasetError(`${what}: unsupported .npy dtype (${SUPPORTED})`);
  if (/['"]descr['"]\s*:\s*\[/.test(header))
    throw new DatasetError(`${what}: structured .npy dtypes (records) are not supported (${SUPPORTED})`);
}

/**
 * The array's values as numbers: float16 halves decoded, int64 converted (each must be a safe
 * integer, |v| <= 2^53 - 1, to survive the conversion), every other dtype as it is.
 */
export function npyNumbers(arr: NpyArray, what = 'npy file'): Exclude<TypedArray, BigInt64Array> {
  if (arr.dtype === 'float16') return halvesToFloat32(arr.data as Uint16Array);
  if (arr.data instanceof BigInt64Array) {
    const out = new Float64Array(arr.data.length);
    arr.data.forEach((v, i) => {
      const n = Number(v);
      if (!Number.isSafeInteger(n))
        throw new DatasetError(`${what}: int64 value ${v} at index ${i} is too large to use exactly`);
      out[i] = n;
    });
    return out;
  }
  return arr.data;
}

function viewBytes(dtype: DType, raw: Uint8Array, count: number): TypedArray {
  const out = allocTyped(dtype, count);
  new Uint8Array(out.buffer, out.byteOffset, out.byteLength).set(raw.subarray(0, count * dtypeBytes(dtype)));
  return out;
}

/** Raw little-endian bytes in `dtype`; the length must be a whole number of elements. */
export function parseBin(bytes: Uint8Array, dtype: DType, what = 'bin file'): TypedArray {
  const size = dtypeBytes(dtype);
  if (size === 0) throw new DatasetError(`${what}: dtype ${dtype} has no fixed element size`);
  if (bytes.length % size !== 0) {
    throw new DatasetError(
      `${what}: ${bytes.length} bytes is not a whole number of ${dtype} elements (${size} bytes each); the file may be truncated`,
    );
  }
  return viewBytes(dtype, bytes, bytes.length / size);
}

/** Numbers separated by commas and/or whitespace; parsed into `dtype` with range checks. */
export function parseCsv(text: string, dtype: DType, what = 'csv file'): TypedArray {
  const tokens = text.split(/[\s,]+/).filter((t) => t.length > 0);
  const out = allocTyped(dtype, tokens.length);
  const range = INT_RANGE[dtype];
  tokens.forEach((tok, i) => {
    const v = Number(tok);
    if (tok.trim() === '' || (Number.isNaN(v) && !/^[+-]?nan$/i.test(tok))) {
      throw new DatasetError(`${what}: value ${i + 1} is not a number`);
    }
    if (out instanceof BigInt64Array) {
      if (!/^[+-]?\d+$/.test(tok)) throw new DatasetError(`${what}: value ${i + 1} is not an integer`);
      out[i] = BigInt(tok);
      return;
    }
    if (range) {
      if (!Number.isInteger(v) || v < range[0] || v > range[1]) {
        throw new DatasetError(`${what}: value ${i + 1} does not fit ${dtype}`);
      }
    }
    out[i] = v;
  });
  return out;
}

const INT_RANGE: Partial<Record<DType, [number, number]>> = {
  int8: [-128, 127],
  uint8: [0, 255],
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int32: [-2147483648, 2147483647],
  uint32: [0, 4294967295],
  bool: [0, 1],
};

const INTEGER_DTYPES: ReadonlySet<DType> = new Set([
  'int8',
  'uint8',
  'int16',
  'uint16',
  'int32',
  'uint32',
  'int64',
]);

/**
 * An .npy array as data for a tensor of `dtype`: the same dtype as is, float16 widened exactly to
 * float32, and any integer array (int64 is NumPy's default on Linux) fitted to an integer tensor
 * with every value range-checked. Anything else is a DatasetError naming both dtypes.
 */
function npyForTensor(arr: NpyArray, dtype: DType, name: string): TypedArray {
  if (arr.dtype === dtype) return arr.data;
  if (arr.dtype === 'float16' && dtype === 'float32') return npyNumbers(arr, name);
  if (!INTEGER_DTYPES.has(arr.dtype) || !INTEGER_DTYPES.has(dtype))
    throw new DatasetError(`${name}: .npy dtype is ${arr.dtype}, the tensor is ${dtype}`);
  const out = allocTyped(dtype, arr.data.length);
  const range = INT_RANGE[dtype];
  arr.data.forEach((v: number | bigint, i: number) => {
    if (out instanceof BigInt64Array) {
      out[i] = BigInt(v);
      return;
    }
    if (range && (v < range[0] || v > range[1]))
      throw new DatasetError(`${name}: value ${v} at index ${i} does not fit the tensor's ${dtype}`);
    out[i] = Number(v);
  });
  return out;
}

/**
 * Reads one input file for a tensor of `dtype` and `shape`, choosing the parser by file name
 * (.npy, .csv/.txt, otherwise raw bytes). The element count must match the tensor.
 */
export function decodeTensorFile(
  name: string,
  bytes: Uint8Array,
  dtype: DType,
  shape: readonly number[],
): TypedArray {
  const lower = name.toLowerCase();
  let data: TypedArray;
  if (lower.endsWith('.npy') || isNpy(bytes)) {
    data = npyForTensor(parseNpy(bytes, name), dtype, name);
  } else if (lower.endsWith('.csv') || lower.endsWith('.txt')) {
    data = parseCsv(new TextDecoder().decode(bytes), dtype, name);
  } else {
    data = parseBin(bytes, dtype, name);
  }
  const n = numElements(shape);
  if (data.length !== n) {
    throw new ShapeMismatchError(
      `${name}: ${data.length} values, the tensor [${shape.join(',')}] of ${dtype} needs ${n}`,
    );
  }
  return data;
}
