/**
 * POW with broadcasting, after TFLite's reference_ops::Pow: float32 std::pow(a, b) (computed in
 * double, stored as float32), and int32 by repeated multiplication with a negative exponent
 * refused at eval (TFLite's IntegerPow requires b >= 0). Quantized POW does not exist in TFLite.
 */
import { InvalidArgumentError } from '../../errors';
import { prepareBinary } from './common/binary';
import type { Kernel } from '../types';

/** a^b for int32 with b >= 0, wrapping to int32 as C++'s int multiplication does in practice. */
export function intPow(a: number, b: number): number {
  let result = 1;
  let base = a | 0;
  let e = b;
  while (e > 0) {
    if (e & 1) result = Math.imul(result, base);
    base = Math.imul(base, base);
    e >>>= 1;
  }
  return result;
}

export const kernel: Kernel = {
  prepare(ctx) {
    const a = ctx.input(0);
    const b = ctx.input(1);
    const output = ctx.output(0);
    if (b.dtype !== a.dtype || output.dtype !== a.dtype)
      ctx.invalid(`dtypes differ: ${a.dtype}, ${b.dtype}, ${output.dtype}`);
    if (a.dtype !== 'float32' && a.dtype !== 'int32') return ctx.unsupported(`dtype ${a.dtype}`);
    const { n, maps } = prepareBinary(ctx, a, b, output);
    const isFloat = a.dtype === 'float32';
    const opIndex = ctx.opIndex;
    return () => {
      const x = a.data as Float32Array | Int32Array;
      const y = b.data as Float32Array | Int32Array;
      const o = output.data as Float32Array | Int32Array;
      for (let i = 0; i < n; i++) {
        const u = x[maps ? maps[0][i] : i];
        const v = y[maps ? maps[1][i] : i];
        if (isFloat) o[i] = Math.pow(u, v);
        else {
          if (v < 0)
            throw new InvalidArgumentError(`POW (operator ${opIndex}): negative int32 exponent ${v}`);
          o[i] = intPow(u, v);
        }
      }
    };
  },
};
