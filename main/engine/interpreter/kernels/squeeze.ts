/** SQUEEZE: drops the listed size-1 dimensions (negative axes count from the end), or all of them. */
import { prepareCopy } from './common/reshape';
import type { Kernel, OpContext } from '../types';

export const kernel: Kernel = {
  prepare(ctx: OpContext) {
    const input = ctx.input(0);
    const rank = input.shape.length;
    const dims: number[] = ctx.options?.squeezeDims ?? [];
    const drop = new Set<number>();
    for (const d of dims) {
      const a = d < 0 ? d + rank : d;
      if (a < 0 || a >= rank) ctx.invalid(`squeeze dimension ${d} is out of range for rank ${rank}`);
      if (input.shape[a] !== 1) ctx.invalid(`cannot squeeze dimension ${d} of size ${input.shape[a]}`);
      drop.add(a);
    }
    const shape = input.shape.filter((s, i) => (drop.size ? !drop.has(i) : s !== 1));
    return prepareCopy(ctx, input, ctx.output(0), shape);
  },
};
