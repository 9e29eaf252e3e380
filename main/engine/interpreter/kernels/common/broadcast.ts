import type { OpContext, RtTensor } from '../../types';

/**
 * NumPy-style broadcasting for binary elementwise kernels (TFLite's NdArrayDesc semantics:
 * shapes are right-aligned, a dimension of 1 repeats).
 */
export function broadcastShape(a: readonly number[], b: readonly number[]): number[] | null {
  const rank = Math.max(a.length, b.length);
  const out: number[] = new Array(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) return null;
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/**
 * For every flat output index, the flat index into a and into b. Computed once in prepare so
 * eval is a flat loop; memory is 8 bytes per output element, only for broadcasting shapes.
 */
export function broadcastIndexMaps(
  a: readonly number[],
  b: readonly number[],
  out: readonly number[],
): [Int32Array, Int32Array] {
  const rank = out.length;
  const stridesFor = (s: readonly number[]) => {
    const st = new Array<number>(rank).fill(0);
    let acc = 1;
    for (let i = rank - 1; i >= 0; i--) {
      const d = s[s.length - rank + i] ?? 1;
      st[i] = d === 1 ? 0 : acc;
      acc *= d;
    }
    return st;
  };
  const sa = stridesFor(a);
  const sb = stridesFor(b);
  let n = 1;
  for (const d of out) n *= d;
  const ia = new Int32Array(n);
  const ib = new Int32Array(n);
  const idx = new Array<number>(rank).fill(0);
  let pa = 0;
  let pb = 0;
  for (let k = 0; k < n; k++) {
    ia[k] = pa;
    ib[k] = pb;
    // odometer increment
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]++;
      pa += sa[d];
      pb += sb[d];
      if (idx[d] < out[d]) break;
      pa -= sa[d] * out[d];
      pb -= sb[d] * out[d];
      idx[d] = 0;
    }
  }
  return [ia, ib];
}

/**
 * Broadcasts a with b (refusing shapes that do not broadcast), sets the output shape and returns
 * the index maps: input a's and input b's flat index for every output element.
 */
export function broadcastOperands(
  ctx: OpContext,
  a: RtTensor,
  b: RtTensor,
  output: RtTensor,
  maxRank = Infinity,
): [Int32Array, Int32Array] {
  const outShape = broadcastShape(a.shape, b.shape);
  if (!outShape) return ctx.invalid(`shapes [${a.shape}] and [${b.shape}] do not broadcast`);
  if (outShape.length > maxRank) ctx.unsupported(`rank ${outShape.length} > ${maxRank}`);
  output.shape = outShape;
  return broadcastIndexMaps(a.shape, b.shape, outShape);
}
