/**
 * Shape helpers shared by the shape/elementwise kernels in this folder (row-major strides, axis
 * normalisation). Pure functions; the ctx argument only reports errors.
 */
import type { OpContext } from '../../types';

/** Row-major strides in elements. */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/** A possibly negative axis into [0, rank); refuses out-of-range axes in prepare. */
export function normalizeAxis(ctx: OpContext, axis: number, rank: number, what = 'axis'): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank)
    ctx.invalid(`${what} ${axis} is out of range for rank ${rank}`);
  return a;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
