/**
 * NumPy-style broadcasting for binary elementwise kernels (shapes aligned at the trailing end,
 * a dimension of 1 stretches). Used by MAXIMUM, MINIMUM, PRELU and DIV.
 */
import type { OpContext } from '../types';

/** The broadcast output shape, or null when the shapes are incompatible. */
export function broadcastShape(a: readonly number[], b: readonly number[]): number[] | null {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) return null;
    out.push(da === 1 ? db : da);
  }
  return out;
}

export function broadcastShapeOrThrow(ctx: OpContext, a: readonly number[], b: readonly number[]): number[] {
  const s = broadcastShape(a, b);
  if (!s) ctx.invalid(`shapes [${a}] and [${b}] do not broadcast`);
  return s;
}

/**
 * For each element of `outShape`, the flat index into an operand of `shape`: an Int32Array map
 * built once in prepare, so eval is a plain gather (shapes are static).
 */
export function broadcastIndexMap(shape: readonly number[], outShape: readonly number[]): Int32Array {
  const rank = outShape.length;
  const total = outShape.reduce((x, y) => x * y, 1);
  const map = new Int32Array(total);
  // stride of the operand along each output dim, 0 where it is broadcast
  const strides = new Array<number>(rank).fill(0);
  let acc = 1;
  for (let i = rank - 1; i >= 0; i--) {
    const d = shape[shape.length - rank + i] ?? 1;
    strides[i] = d === 1 ? 0 : acc;
    acc *= d;
  }
  const idx = new Array<number>(rank).fill(0);
  let off = 0;
  for (let o = 0; o < total; o++) {
    map[o] = off;
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]++;
      off += strides[d];
      if (idx[d] < outShape[d]) break;
      off -= strides[d] * outShape[d];
      idx[d] = 0;
    }
  }
  return map;
}

/** True when no broadcasting is needed (identical shapes): callers can skip the index maps. */
export function isIdentity(shape: readonly number[], outShape: readonly number[]): boolean {
  return shape.length === outShape.length && shape.every((d, i) => d === outShape[i]);
}
