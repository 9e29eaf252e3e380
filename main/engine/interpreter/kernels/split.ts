/**
 * SPLIT: input 0 is the axis (a constant int32 scalar), input 1 the tensor; num_splits equal
 * pieces along the axis, one per output. The axis dimension must divide evenly.
 */
import { constInts } from './common/kernel-util';
import type { Kernel } from '../types';
import type { TypedArray } from '../../tensor/dtype';
import { normalizeAxis, outerInner, requireCopyable, requireInputDtype } from './common/layout';

/** Copies piece k of `count` equal pieces along an axis with `outer` rows and `chunk` elements per piece. */
export function splitData(input: TypedArray, outputs: TypedArray[], outer: number, chunk: number): void {
  const src = input as any;
  const n = outputs.length;
  for (let k = 0; k < n; k++) {
    const out = outputs[k] as any;
    let o = 0;
    for (let b = 0; b < outer; b++) {
      const base = (b * n + k) * chunk;
      for (let j = 0; j < chunk; j++) out[o++] = src[base + j];
    }
  }
}

export const kernel: Kernel = {
  prepare(ctx) {
    const axisValues = constInts(ctx, ctx.input(0), 'axis');
    if (axisValues.length !== 1) ctx.invalid(`axis has ${axisValues.length} values, expected 1`);
    const input = ctx.input(1);
    requireCopyable(ctx, input.dtype);
    const rank = input.shape.length;
    const axis = normalizeAxis(ctx, axisValues[0], rank);
    const n: number = ctx.options?.numSplits ?? ctx.outputs.length;
    if (n !== ctx.outputs.length) ctx.invalid(`num_splits ${n} but ${ctx.outputs.length} outputs`);
    if (n <= 0 || input.shape[axis] % n !== 0)
      ctx.invalid(`dim ${input.shape[axis]} on axis ${axis} does not split into ${n}`);
    const piece = input.shape[axis] / n;
    const { outer, inner } = outerInner(input.shape, axis);
    for (const out of ctx.outputs) {
      requireInputDtype(ctx, out, input);
      out.shape = input.shape.map((d, i) => (i === axis ? piece : d));
    }
    return () =>
      splitData(
        input.data,
        ctx.outputs.map((o) => o.data),
        outer,
        piece * inner,
      );
  },
};
