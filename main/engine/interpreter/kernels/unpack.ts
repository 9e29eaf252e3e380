/**
 * UNPACK: splits a tensor into `num` outputs along `axis`, removing that axis.
 */
import { dtypeBytes } from '../../tensor/dtype';
import type { Kernel } from '../types';
import { normalizeAxis } from './common/layout';
import { splitData } from './split';

export const kernel: Kernel = {
  prepare(ctx) {
    const input = ctx.input(0);
    if (dtypeBytes(input.dtype) === 0 || input.dtype === 'complex64') ctx.unsupported(`dtype ${input.dtype}`);
    const rank = input.shape.length;
    if (rank === 0) ctx.invalid('cannot unpack a scalar');
    const axis = normalizeAxis(ctx, ctx.options?.axis ?? 0, rank);
    const num: number = ctx.options?.num || input.shape[axis];
    if (num !== input.shape[axis] || num !== ctx.outputs.length)
      ctx.invalid(`num ${num}, dim ${input.shape[axis]} and ${ctx.outputs.length} outputs must agree`);
    let outer = 1;
    let inner = 1;
    for (let d = 0; d < axis; d++) outer *= input.shape[d];
    for (let d = axis + 1; d < rank; d++) inner *= input.shape[d];
    for (const out of ctx.outputs) {
      if (out.dtype !== input.dtype)
        ctx.invalid(`output dtype ${out.dtype} differs from input ${input.dtype}`);
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
