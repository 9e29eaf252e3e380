/**
 * UNPACK: splits a tensor into `num` outputs along `axis`, removing that axis.
 */
import type { Kernel } from '../types';
import { normalizeAxis, outerInner, requireCopyable, requireInputDtype } from './common/layout';
import { splitData } from './split';

export const kernel: Kernel = {
  prepare(ctx) {
    const input = ctx.input(0);
    requireCopyable(ctx, input.dtype);
    const rank = input.shape.length;
    if (rank === 0) ctx.invalid('cannot unpack a scalar');
    const axis = normalizeAxis(ctx, ctx.options?.axis ?? 0, rank);
    const num: number = ctx.options?.num || input.shape[axis];
    if (num !== input.shape[axis] || num !== ctx.outputs.length)
      ctx.invalid(`num ${num}, dim ${input.shape[axis]} and ${ctx.outputs.length} outputs must agree`);
    const { outer, inner } = outerInner(input.shape, axis);
    for (const out of ctx.outputs) {
      requireInputDtype(ctx, out, input);
      out.shape = input.shape.filter((_, i) => i !== axis);
    }
    return () =>
      splitData(
        input.data,
        ctx.outputs.map((o) => o.data),
        outer,
        inner,
      );
  },
};
