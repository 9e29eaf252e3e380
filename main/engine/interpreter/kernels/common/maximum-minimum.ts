/**
 * MAXIMUM / MINIMUM with broadcasting. Quantized inputs compare codes directly, as TFLite's
 * reference does (it requires both inputs and the output to share one scale and zero point).
 */
import { broadcastOperands } from './broadcast';
import type { Kernel } from '../../types';

const DTYPES = ['float32', 'int8', 'uint8', 'int16', 'int32', 'int64'];

export function makeMaxMinKernel(isMax: boolean): Kernel {
  return {
    prepare(ctx) {
      const a = ctx.input(0);
      const b = ctx.input(1);
      const output = ctx.output(0);
      if (!DTYPES.includes(a.dtype)) ctx.unsupported(`dtype ${a.dtype}`);
      if (b.dtype !== a.dtype || output.dtype !== a.dtype)
        ctx.invalid(`dtypes differ: ${a.dtype}, ${b.dtype}, ${output.dtype}`);
      if (a.quant && b.quant && output.quant) {
        const same = (x: typeof a.quant) =>
          x!.scale[0] === output.quant!.scale[0] && x!.zeroPoint[0] === output.quant!.zeroPoint[0];
        if (!same(a.quant) || !same(b.quant)) ctx.unsupported('inputs and output quantization differ');
      }
      const [ia, ib] = broadcastOperands(ctx, a, b, output);
      return () => {
        const x = a.data as any;
        const y = b.data as any;
        const o = output.data as any;
        const n = ia.length;
        for (let i = 0; i < n; i++) {
          const u = x[ia[i]];
          const v = y[ib[i]];
          o[i] = isMax ? (u > v ? u : v) : u < v ? u : v;
        }
      };
    },
  };
}
