/**
 * DIV with broadcasting and fused activation.
 *  - float32: IEEE division (a float32 quotient of float32 values equals the double quotient
 *    rounded to float32), then the activation clamp.
 *  - int32: C++ integer division (truncating toward zero), then the int32 activation clamp; a
 *    zero divisor throws InvalidArgumentError at eval instead of producing garbage.
 * Quantized (uint8) DIV is refused: its reference uses a reciprocal routine not implemented here.
 */
import { InvalidArgumentError } from '../../errors';
import { activationRangeFloat } from '../../quant/math';
import { broadcastIndexMaps, broadcastShape } from '../broadcast';
import { fusedActivation, int32ActivationRange } from '../kernel-util';
import type { Kernel } from '../types';

export const kernel: Kernel = {
  prepare(ctx) {
    const a = ctx.input(0);
    const b = ctx.input(1);
    const output = ctx.output(0);
    if (b.dtype !== a.dtype || output.dtype !== a.dtype)
      ctx.invalid(`dtypes differ: ${a.dtype}, ${b.dtype}, ${output.dtype}`);
    if (a.dtype !== 'float32' && a.dtype !== 'int32') return ctx.unsupported(`dtype ${a.dtype}`);
    const act = fusedActivation(ctx);
    const outShape = broadcastShape(a.shape, b.shape);
    if (!outShape) return ctx.invalid(`shapes [${a.shape}] and [${b.shape}] do not broadcast`);
    output.shape = outShape;
    const [ia, ib] = broadcastIndexMaps(a.shape, b.shape, outShape);
    if (a.dtype === 'float32') {
      const [lo, hi] = activationRangeFloat(act);
      return () => {
        const x = a.data as Float32Array;
        const y = b.data as Float32Array;
        const o = output.data as Float32Array;
        for (let i = 0; i < ia.length; i++) {
          const v = x[ia[i]] / y[ib[i]];
          o[i] = v < lo ? lo : v > hi ? hi : v;
        }
      };
    }
    const [lo, hi] = int32ActivationRange(act);
    return () => {
      const x = a.data as Int32Array;
      const y = b.data as Int32Array;
      const o = output.data as Int32Array;
      for (let i = 0; i < ia.length; i++) {
        const d = y[ib[i]];
        if (d === 0)
          throw new InvalidArgumentError(`DIV (operator ${ctx.opIndex}): integer division by zero`);
        const v = Math.trunc(x[ia[i]] / d) | 0; // INT32_MIN / -1 wraps as on two's-complement hardware
        o[i] = v < lo ? lo : v > hi ? hi : v;
      }
    };
  },
};
