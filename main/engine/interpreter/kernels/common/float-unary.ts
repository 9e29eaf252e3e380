/**
 * Float32-only elementwise unary kernels (SQRT, RSQRT, EXP...): the output takes the input's
 * shape and each element is `fn(x)` computed in double precision and rounded to float32 by the
 * store, as TFLite's reference kernels do with std::sqrt / std::exp on float. Quantized variants
 * are refused in prepare (TFLite has some; Lowbit needs only the float path for converted models).
 * To add one: a kernel file `export const kernel = floatUnaryKernel('NAME', (x) => ...)`.
 */
import { applyFloat } from './unary-lut';
import { sameDtypeElementwise } from './kernel-util';
import type { Kernel } from '../../types';

export function floatUnaryKernel(name: string, fn: (x: number) => number): Kernel {
  return {
    prepare(ctx) {
      const { input, output } = sameDtypeElementwise(ctx);
      if (input.dtype !== 'float32') ctx.unsupported(`${name} on ${input.dtype} (float32 only)`);
      return () => applyFloat(input.data, output.data, fn);
    },
  };
}
