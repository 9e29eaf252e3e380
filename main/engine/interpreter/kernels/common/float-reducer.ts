/**
 * Float32 reductions that fold with one binary function (REDUCE_MAX, REDUCE_MIN, REDUCE_PROD),
 * over reduce.ts's plan (axes, keep_dims, the input → output element map), in input order as
 * reference_ops::ReduceGeneric does, each step rounded to float32. Quantized variants are
 * refused in prepare. To add one: `floatReducer('NAME', init, combine)` in its kernel file.
 */
import type { Kernel } from '../../types';
import { planReduce } from '../reduce';

export function floatReducer(
  name: string,
  init: number,
  combine: (acc: number, x: number) => number,
): Kernel {
  return {
    prepare(ctx) {
      const input = ctx.input(0);
      const output = ctx.output(0);
      if (input.dtype !== 'float32' || output.dtype !== 'float32')
        ctx.unsupported(`${name} on ${input.dtype} (float32 only)`);
      const plan = planReduce(ctx, input, ctx.input(1), Boolean(ctx.options?.keepDims));
      output.shape = plan.outShape;
      return () => {
        const x = input.data as Float32Array;
        const o = output.data as Float32Array;
        const map = plan.outIndex;
        o.fill(init);
        for (let k = 0; k < map.length; k++) o[map[k]] = combine(o[map[k]], x[k]);
      };
    },
  };
}
