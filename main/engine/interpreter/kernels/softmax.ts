/**
 * SOFTMAX over the last dimension with beta. float32 computes in double (within 1e-6 of a
 * float64 reference); int8/uint8 -> int8/uint8/int16 and int16 -> int16 follow TFLite's
 * reference fixed-point methods (see common/softmax-quant.ts).
 */
import { numElements } from '../../tensor/dtype';
import type { Kernel, OpContext } from '../types';
import { prepareSoftmaxQuantized } from './common/softmax-quant';

export const kernel: Kernel = {
  prepare(ctx: OpContext) {
    const input = ctx.input(0);
    const out = ctx.output(0);
    if (input.shape.length < 1) ctx.invalid('input must have at least one dimension');
    out.shape = [...input.shape];
    const depth = input.shape[input.shape.length - 1];
    const outer = depth === 0 ? 0 : numElements(input.shape) / depth;
    const beta: number = ctx.options?.beta ?? 1;
    if (input.dtype !== 'float32') return prepareSoftmaxQuantized(ctx, { input, out, beta, outer, depth });
    if (out.dtype !== 'float32') ctx.unsupported(`float input with ${out.dtype} output`);
    return () => {
      const x = input.data as Float32Array;
      const o = out.data as Float32Array;
      for (let i = 0; i < outer; i++) {
        const base = i * depth;
        let max = -Infinity;
        for (let c = 0; c < depth; c++) if (x[base + c] > max) max = x[base + c];
        let sum = 0;
        for (let c = 0; c < depth; c++) {
          const e = Math.exp((x[base + c] - max) * beta);
          o[base + c] = e;
          sum += e;
        }
        for (let c = 0; c < depth; c++) o[base + c] = Math.exp((x[base + c] - max) * beta) / sum;
      }
    };
  },
};
