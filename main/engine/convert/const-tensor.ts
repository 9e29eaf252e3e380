/**
 * Constant tensors as the converter folds them: ONNX values known at conversion time
 * (initializers, Constant nodes, and whatever Shape/Gather/Cast/Concat/Unsqueeze chains compute
 * from them). Dims are in ONNX order; data is row-major in the typed array of the dtype
 * (int64 as BigInt64Array, as TensorProto decoding gives it).
 *
 * The helpers here are the folding arithmetic shared by the op converters: read values as
 * numbers, make int64/float32 constants, broadcast an element-wise function, transpose, gather.
 */
import { ModelFormatError } from '../errors';
import { allocTyped, numElements, type DType, type TypedArray } from '../tensor/dtype';

export interface ConstTensor {
  dtype: DType;
  dims: number[];
  data: TypedArray;
}

/** The values as JavaScript numbers (int64 beyond 2^53 loses precision, which no shape needs). */
export function numbersOf(c: ConstTensor): number[] {
  return Array.from(c.data as ArrayLike<number | bigint>, (v) => Number(v));
}

export function int64Const(dims: number[], values: readonly number[]): ConstTensor {
  return { dtype: 'int64', dims, data: BigInt64Array.from(values, (v) => BigInt(Math.trunc(v))) };
}

export function float32Const(dims: number[], values: ArrayLike<number>): ConstTensor {
  return { dtype: 'float32', dims, data: Float32Array.from(values) };
}

/** A constant of the given dtype holding these numbers (truncated toward zero for integer types). */
export function constOf(dtype: DType, dims: number[], values: ArrayLike<number>): ConstTensor {
  const data = allocTyped(dtype, values.length);
  if (data instanceof BigInt64Array)
    for (let i = 0; i < values.length; i++) data[i] = BigInt(Math.trunc(values[i]));
  else if (dtype === 'float32' || dtype === 'float64') (data as Float32Array).set(values);
  else for (let i = 0; i < values.length; i++) (data as Int32Array)[i] = Math.trunc(values[i]);
  return { dtype, dims, data };
}

/** ONNX (numpy) broadcasting of two shapes, or undefined when they do not broadcast. */
export function broadcastDims(a: readonly number[], b: readonly number[]): number[] | undefined {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return undefined;
    out.push(x === 1 ? y : x);
  }
  return out;
}

/** Row-major strides for dims, with 0 where a dim of size 1 is broadcast to `to`. */
function broadcastStrides(dims: readonly number[], to: readonly number[]): number[] {
  const padded = [...Array<number>(to.length - dims.length).fill(1), ...dims];
  const strides = new Array<number>(to.length).fill(0);
  let s = 1;
  for (let i = to.length - 1; i >= 0; i--) {
    strides[i] = padded[i] === 1 && to[i] !== 1 ? 0 : s;
    s *= padded[i];
  }
  return strides;
}

/** Calls visit(outIndex, aIndex, bIndex) for every element of the broadcast of two shapes. */
function forEachBroadcast(
  a: readonly number[],
  b: readonly number[],
  out: readonly number[],
  visit: (o: number, i: number, j: number) => void,
): void {
  const sa = broadcastStrides(a, out);
  const sb = broadcastStrides(b, out);
  const n = numElements(out);
  const index = new Array<number>(out.length).fill(0);
  let ia = 0;
  let ib = 0;
  for (let o = 0; o < n; o++) {
    visit(o, ia, ib);
    for (let d = out.length - 1; d >= 0; d--) {
      index[d]++;
      ia += sa[d];
      ib += sb[d];
      if (index[d] < out[d]) break;
      ia -= sa[d] * out[d];
      ib -= sb[d] * out[d];
      index[d] = 0;
    }
  }
}

/** An element-wise function of two constants with ONNX broadcasting; the result has a's dtype. */
export function broadcastBinary(
  a: ConstTensor,
  b: ConstTensor,
  fn: (x: number, y: number) => number,
): ConstTensor {
  const dims = broadcastDims(a.dims, b.dims);
  if (!dims) throw new ModelFormatError(`shapes [${a.dims}] and [${b.dims}] do not broadcast`);
  const x = numbersOf(a);
  const y = numbersOf(b);
  const out = new Array<number>(numElements(dims));
  forEachBroadcast(a.dims, b.dims, dims, (o, i, j) => {
    out[o] = fn(x[i], y[j]);
  });
  return constOf(a.dtype, dims, out);
}

/** The constant with its dims permuted: result dim i is input dim perm[i]. */
export function transposeConst(c: ConstTensor, perm: readonly number[]): ConstTensor {
  const dims = perm.map((p) => c.dims[p]);
  if (perm.every((p, i) => p === i)) return { ...c, dims };
  const inStrides = new Array<number>(c.dims.length);
  let s = 1;
  for (let i = c.dims.length - 1; i >= 0; i--) {
    inStrides[i] = s;
    s *= c.dims[i];
  }
  const strides = perm.map((p) => inStrides[p]);
  const out = allocTyped(c.dtype, c.data.length);
  const src = c.data as unknown as ArrayLike<unknown>;
  const dst = out as unknown as unknown[];
  const index = new Array<number>(dims.length).fill(0);
  let from = 0;
  for (let o = 0; o < out.length; o++) {
    dst[o] = src[from];
    for (let d = dims.length - 1; d >= 0; d--) {
      index[d]++;
      from += strides[d];
      if (index[d] < dims[d]) break;
      from -= strides[d] * dims[d];
      index[d] = 0;
    }
  }
  return { dtype: c.dtype, dims, data: out };
}

/** The same data with other dims (the element count must match). */
export function reshapeConst(c: ConstTensor, dims: number[]): ConstTensor {
  if (numElements(dims) !== c.data.length)
    throw new ModelFormatError(`cannot reshape [${c.dims}] to [${dims}]`);
  return { ...c, dims };
}

/** ONNX Gather on constants: data indexed along axis by indices (negative counts from the end). */
export function gatherConst(data: ConstTensor, indices: ConstTensor, axis: number): ConstTensor {
  const size = data.dims[axis];
  const idx = numbersOf(indices).map((i) => (i < 0 ? i + size : i));
  if (idx.some((i) => !(i >= 0 && i < size)))
    throw new ModelFormatError(`Gather index out of range [0, ${size})`);
  const outer = numElements(data.dims.slice(0, axis));
  const inner = numElements(data.dims.slice(axis + 1));
  const dims = [...data.dims.slice(0, axis), ...indices.dims, ...data.dims.slice(axis + 1)];
  const out = allocTyped(data.dtype, numElements(dims));
  const src = data.data as unknown as ArrayLike<unknown>;
  const dst = out as unknown as unknown[];
  let o = 0;
  for (let a = 0; a < outer; a++)
    for (const i of idx) for (let k = 0; k < inner; k++) dst[o++] = src[(a * size + i) * inner + k];
  return { dtype: data.dtype, dims, data: out };
}

/** ONNX Concat on constants along axis. */
export function concatConsts(parts: readonly ConstTensor[], axis: number): ConstTensor {
  const first = parts[0];
  const dims = [...first.dims];
  dims[axis] = parts.reduce((n, p) => n + p.dims[axis], 0);
  const outer = numElements(first.dims.slice(0, axis));
  const out = allocTyped(first.dtype, numElements(dims));
  const dst = out as unknown as unknown[];
  let o = 0;
  for (let a = 0; a < outer; a++)
    for (const p of parts) {
      const chunk = numElements(p.dims.slice(axis));
      const src = p.data as unknown as ArrayLike<unknown>;
      for (let k = 0; k < chunk; k++) dst[o++] = src[a * chunk + k];
    }
  return { dtype: first.dtype, dims, data: out };
}

/** The constant's values as another dtype (ONNX Cast on a constant). */
export function castConst(c: ConstTensor, dtype: DType): ConstTensor {
  return constOf(dtype, c.dims, numbersOf(c));
}
