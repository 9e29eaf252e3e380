/** SHAPE: the input's shape as a 1-D int32 or int64 tensor. */
import type { Kernel, OpContext } from '../types';

export const kernel: Kernel = {
  prepare(ctx: OpContext) {
    const input = ctx.input(0);
    const out = ctx.output(0);
    if (out.dtype !== 'int32' && out.dtype !== 'int64') ctx.unsupported(`output dtype ${out.dtype}`);
    out.shape = [input.shape.length];
    const dims = [...input.shape];
    return () => {
      const o = out.data;
      if (o instanceof BigInt64Array) dims.forEach((d, i) => (o[i] = BigInt(d)));
      else (o as Int32Array).set(dims);
    };
  },
};
