/**
 * Shape helpers shared by the shape/elementwise kernels in this folder (row-major strides, axis
 * normalisation, constant int operands). Pure functions; the ctx argument only reports errors.
 */
import type { OpContext, RtTensor } from '../types';

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

/**
 * The values of a small constant integer operand (shape, axis, perm, begin...). Non-constant
 * operands would make output shapes data-dependent, which prepare cannot plan: refused.
 */
export function constInts(ctx: OpContext, t: RtTensor, what: string): number[] {
  if (!t.isConst) ctx.unsupported(`${what} must be a constant tensor (dynamic shapes are not supported)`);
  if (t.dtype === 'int32') return Array.from(t.data as Int32Array);
  if (t.dtype === 'int64') return Array.from(t.data as BigInt64Array, (v) => Number(v));
  return ctx.unsupported(`${what} has dtype ${t.dtype}; expected int32 or int64`);
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
