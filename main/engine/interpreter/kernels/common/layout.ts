/**
 * Shape helpers shared by the shape/elementwise kernels in this folder (row-major strides, axis
 * normalisation). Pure functions; the ctx argument only reports errors.
 */
import { dtypeBytes, type DType } from '../../../tensor/dtype';
import type { OpContext, RtTensor } from '../../types';

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

/**
 * Element counts before and after `axis` (the shape seen as [outer, shape[axis], inner]); with
 * `inclusive`, inner also counts the axis itself.
 */
export function outerInner(
  shape: readonly number[],
  axis: number,
  inclusive = false,
): { outer: number; inner: number } {
  let outer = 1;
  let inner = 1;
  for (let d = 0; d < axis; d++) outer *= shape[d];
  for (let d = inclusive ? axis : axis + 1; d < shape.length; d++) inner *= shape[d];
  return { outer, inner };
}

/** Refuses a dtype that data-movement kernels cannot copy element by element. */
export function requireCopyable(ctx: OpContext, dtype: DType): void {
  if (dtypeBytes(dtype) === 0 || dtype === 'complex64') ctx.unsupported(`dtype ${dtype}`);
}

/** Refuses an output whose dtype is not the input's. */
export function requireInputDtype(ctx: OpContext, output: RtTensor, input: RtTensor): void {
  if (output.dtype !== input.dtype)
    ctx.invalid(`output dtype ${output.dtype} differs from input ${input.dtype}`);
}

/** Input 0 and output 0 of a kernel that copies elements: a copyable dtype, the same on both. */
export function copyOperands(ctx: OpContext): { input: RtTensor; output: RtTensor } {
  const input = ctx.input(0);
  const output = ctx.output(0);
  requireCopyable(ctx, input.dtype);
  requireInputDtype(ctx, output, input);
  return { input, output };
}
