/**
 * PACK: stacks N same-shaped inputs along a new axis (axis in [-(rank+1), rank]).
 * A copy for every dtype; quantized inputs must share the output's parameters (TFLite).
 */
import type { Kernel } from '../types';
import { concatData } from './concatenation';
import { normalizeAxis, outerInner, requireCopyable, sameShape } from './common/layout';

export const kernel: Kernel = {
  prepare(ctx) {
    const output = ctx.output(0);
    const inputs = ctx.inputs.map((_, i) => ctx.input(i));
    const n: number = ctx.options?.valuesCount ?? inputs.length;
    if (n !== inputs.length || n === 0) ctx.invalid(`values_count ${n} but ${inputs.length} inputs`);
    const first = inputs[0];
    requireCopyable(ctx, first.dtype);
    const rank = first.shape.length;
    const axis = normalizeAxis(ctx, ctx.options?.axis ?? 0, rank + 1);
    for (const [i, t] of inputs.entries()) {
      if (t.dtype !== first.dtype) ctx.invalid(`input ${i} dtype ${t.dtype} differs from ${first.dtype}`);
      if (!sameShape(t.shape, first.shape))
        ctx.invalid(`input ${i} shape [${t.shape}] differs from [${first.shape}]`);
      if (
        t.quant &&
        output.quant &&
        (t.quant.scale[0] !== output.quant.scale[0] || t.quant.zeroPoint[0] !== output.quant.zeroPoint[0])
      )
        ctx.unsupported(`input ${i} quantization differs from the output's`);
    }
    if (output.dtype !== first.dtype) ctx.invalid(`output dtype ${output.dtype} differs from ${first.dtype}`);
    output.shape = [...first.shape.slice(0, axis), n, ...first.shape.slice(axis)];
    const { outer, inner } = outerInner(first.shape, axis, true);
    // Stacking along the new axis is a concatenation of [outer, 1, inner] pieces.
    return () =>
      concatData(
        inputs.map((t) => ({ data: t.data, chunk: inner, requant: null })),
        outer,
        output.data,
        0,
        0,
        0,
      );
  },
};
