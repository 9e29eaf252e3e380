/**
 * TFLite's sparse tensor format (schema `SparsityParameters`), encode and decode. Pure.
 *
 * A sparse constant stores only some of its elements, in "traversal order": the tensor's n
 * dimensions (permuted by `traversal_order`), optionally followed by k block dimensions
 * (`block_map` says which original dimension each one subdivides). `dim_metadata[t]` describes
 * level t of that traversal: DENSE (all `dense_size` positions are stored) or SPARSE_CSR
 * (`array_segments[p]..array_segments[p+1]` are the stored positions under parent p, and
 * `array_indices` gives each one's coordinate). The buffer holds the leaves' values in order.
 * This is the layout of tensorflow/lite/tools/optimize/sparsity/format_converter.cc; the
 * converter writes sparse FULLY_CONNECTED weights as traversal (0, 1), [DENSE, SPARSE_CSR].
 *
 * The encoder writes exactly that layout generalised to rank n: dims 0..n-2 DENSE, the innermost
 * dim SPARSE_CSR with the coordinates of the non-zero elements (zero = all element bytes 0, so a
 * float -0.0 is kept, and an int8 weight with zero point 0 is dropped only when it is 0).
 * The decoder accepts any valid traversal order, block map and DENSE/CSR mix; a file is
 * untrusted, so every segment, index and length is checked (ModelFormatError) before use.
 */
import { ModelFormatError } from '../errors';
import {
  DimensionMetadataT,
  DimensionType,
  Int32VectorT,
  SparseIndexVector,
  SparsityParametersT,
  Uint16VectorT,
  Uint8VectorT,
} from './generated/tflite';

/** Largest dense tensor a sparse constant may expand to (1 GiB). */
export const MAX_DENSE_BYTES = 2 ** 30;

export interface SparseEncoding {
  sparsity: SparsityParametersT;
  /** The stored (non-zero) values, in traversal order. */
  values: Uint8Array;
}

/**
 * Encodes a dense row-major tensor of `elemBytes`-byte elements: every dim DENSE except the last,
 * which is SPARSE_CSR. Segments and indices use the narrowest vector type that holds them
 * (uint8, uint16, int32), as the converter does.
 */
export function encodeSparse(dense: Uint8Array, shape: readonly number[], elemBytes: number): SparseEncoding {
  const n = shape.length;
  if (n === 0) throw new ModelFormatError('a scalar cannot be stored sparse');
  const total = shape.reduce((a, b) => a * b, 1);
  if (dense.length !== total * elemBytes) {
    throw new ModelFormatError(
      `sparse encoding: ${dense.length} bytes for shape [${shape.join(',')}] of ${elemBytes}-byte elements`,
    );
  }
  const inner = shape[n - 1];
  const rows = total / Math.max(inner, 1);
  const segments = new Array<number>(rows + 1);
  const indices: number[] = [];
  const kept: number[] = [];
  segments[0] = 0;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < inner; c++) {
      const e = r * inner + c;
      let zero = true;
      for (let b = 0; b < elemBytes; b++) if (dense[e * elemBytes + b] !== 0) zero = false;
      if (!zero) {
        indices.push(c);
        kept.push(e);
      }
    }
    segments[r + 1] = indices.length;
  }
  const values = new Uint8Array(kept.length * elemBytes);
  kept.forEach((e, k) => values.set(dense.subarray(e * elemBytes, (e + 1) * elemBytes), k * elemBytes));
  const dims: DimensionMetadataT[] = [];
  for (let d = 0; d < n - 1; d++) dims.push(new DimensionMetadataT(DimensionType.DENSE, shape[d]));
  const seg = indexVector(segments);
  const idx = indexVector(indices);
  dims.push(new DimensionMetadataT(DimensionType.SPARSE_CSR, 0, seg.type, seg.vec, idx.type, idx.vec));
  const order = shape.map((_d, i) => i);
  return { sparsity: new SparsityParametersT(order, [], dims), values };
}

function indexVector(values: number[]): {
  type: SparseIndexVector;
  vec: Int32VectorT | Uint16VectorT | Uint8VectorT;
} {
  const max = values.reduce((a, b) => Math.max(a, b), 0);
  if (max <= 0xff) return { type: SparseIndexVector.Uint8Vector, vec: new Uint8VectorT(values) };
  if (max <= 0xffff) return { type: SparseIndexVector.Uint16Vector, vec: new Uint16VectorT(values) };
  return { type: SparseIndexVector.Int32Vector, vec: new Int32VectorT(values) };
}

function vectorValues(
  type: SparseIndexVector,
  vec: Int32VectorT | Uint16VectorT | Uint8VectorT | null,
  what: string,
): number[] {
  if (type === SparseIndexVector.NONE || !vec) throw new ModelFormatError(`${what} is missing`);
  return vec.values;
}

/**
 * Densifies a sparse constant: returns the row-major dense bytes of `shape`, zero where nothing
 * is stored. Throws ModelFormatError on any inconsistency (bad order, segments out of range,
 * indices past the dimension, value bytes that do not match the stored element count).
 */
export function decodeSparse(
  sparsity: SparsityParametersT,
  values: Uint8Array,
  shape: readonly number[],
  elemBytes: number,
): Uint8Array {
  const n = shape.length;
  const order = sparsity.traversalOrder;
  const blockMap = sparsity.blockMap ?? [];
  const k = blockMap.length;
  const meta = sparsity.dimMetadata;
  const bad = (m: string) => new ModelFormatError(`sparse tensor: ${m}`);
  if (n === 0) throw bad('a scalar cannot be sparse');
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw bad(`shape [${shape.join(',')}] is not static`);
  if (order.length !== n + k) throw bad(`traversal_order has ${order.length} entries, expected ${n + k}`);
  if (meta.length !== n + k) throw bad(`dim_metadata has ${meta.length} entries, expected ${n + k}`);
  const seen = new Set(order);
  if (seen.size !== n + k || order.some((d) => !Number.isInteger(d) || d < 0 || d >= n + k))
    throw bad(`traversal_order [${order.join(',')}] is not a permutation of 0..${n + k - 1}`);
  if (order.slice(0, n).some((d) => d >= n)) throw bad('traversal_order lists a block dimension first');
  if (blockMap.some((d) => !Number.isInteger(d) || d < 0 || d >= n) || new Set(blockMap).size !== k)
    throw bad(`block_map [${blockMap.join(',')}] is invalid`);
  const levelOf = new Array<number>(n + k);
  order.forEach((d, t) => (levelOf[d] = t));
  // Block sizes come from the block dims' dense_size (the converter always stores them DENSE).
  const blockSize = new Array<number>(n).fill(1);
  const blockDimOf = new Array<number>(n).fill(-1);
  blockMap.forEach((d, j) => {
    const m = meta[levelOf[n + j]];
    if (m.format !== DimensionType.DENSE) throw bad(`block dimension ${n + j} is not DENSE`);
    if (!(m.denseSize > 0) || shape[d] % m.denseSize !== 0)
      throw bad(`block size ${m.denseSize} does not divide dimension ${d} (${shape[d]})`);
    blockSize[d] = m.denseSize;
    blockDimOf[d] = n + j;
  });
  const sizeOf = (d: number) => (d < n ? shape[d] / blockSize[d] : blockSize[blockMap[d - n]]);
  const levels = order.map((d, t) => {
    const m = meta[t];
    const size = sizeOf(d);
    if (m.format === DimensionType.DENSE) {
      if (m.denseSize !== size) throw bad(`level ${t}: dense_size ${m.denseSize}, dimension has ${size}`);
      return { d, size, dense: true, seg: [] as number[], idx: [] as number[] };
    }
    if (m.format !== DimensionType.SPARSE_CSR) throw bad(`level ${t}: unknown format ${m.format}`);
    const seg = vectorValues(m.arraySegmentsType, m.arraySegments, `level ${t} array_segments`);
    const idx = vectorValues(m.arrayIndicesType, m.arrayIndices, `level ${t} array_indices`);
    for (const i of idx)
      if (!(i >= 0 && i < size)) throw bad(`level ${t}: index ${i} outside 0..${size - 1}`);
    for (let p = 0; p < seg.length; p++) {
      if (!(seg[p] >= 0 && seg[p] <= idx.length) || (p > 0 && seg[p] < seg[p - 1]))
        throw bad(`level ${t}: array_segments are not non-decreasing within 0..${idx.length}`);
    }
    return { d, size, dense: false, seg, idx };
  });
  const total = shape.reduce((a, b) => a * b, 1);
  // A few bytes of metadata can declare a huge dense shape: cap what densifying may allocate.
  if (total * elemBytes > MAX_DENSE_BYTES)
    throw bad(
      `densified shape [${shape.join(',')}] would take ${total * elemBytes} bytes (limit ${MAX_DENSE_BYTES})`,
    );
  const out = new Uint8Array(total * elemBytes);
  const strides = new Array<number>(n).fill(1);
  for (let d = n - 2; d >= 0; d--) strides[d] = strides[d + 1] * shape[d + 1];
  const coord = new Array<number>(n + k).fill(0);
  let leaf = 0;
  const storedLeaves = values.length / elemBytes;
  if (!Number.isInteger(storedLeaves))
    throw bad(`${values.length} value bytes for ${elemBytes}-byte elements`);
  // Depth-first over the traversal levels; `pos` is the node's position within its level.
  const visit = (t: number, pos: number): void => {
    if (t === n + k) {
      if (leaf >= storedLeaves) throw bad(`more stored positions than the ${storedLeaves} values`);
      let off = 0;
      for (let d = 0; d < n; d++) {
        const b = blockDimOf[d];
        off += (b >= 0 ? coord[d] * blockSize[d] + coord[b] : coord[d]) * strides[d];
      }
      out.set(values.subarray(leaf * elemBytes, (leaf + 1) * elemBytes), off * elemBytes);
      leaf++;
      return;
    }
    const L = levels[t];
    if (L.dense) {
      for (let i = 0; i < L.size; i++) {
        coord[L.d] = i;
        visit(t + 1, pos * L.size + i);
      }
      return;
    }
    if (pos + 1 >= L.seg.length) throw bad(`level ${t}: no segment for position ${pos}`);
    for (let q = L.seg[pos]; q < L.seg[pos + 1]; q++) {
      coord[L.d] = L.idx[q];
      visit(t + 1, q);
    }
  };
  visit(0, 0);
  if (leaf !== storedLeaves) throw bad(`${storedLeaves} values stored, ${leaf} positions described`);
  return out;
}
