/**
 * CAST between float32, int8, uint8, int16, int32, int64 and bool, as C's static_cast:
 * float -> integer truncates toward zero (out-of-range values wrap here; C leaves them
 * undefined), integer -> narrower integer wraps, anything -> bool is (x != 0).
 */
import { numElements } from '../../tensor/dtype';
import type { Kernel, OpContext } from '../types';
import type { DType } from '../../tensor/dtype';

const CASTABLE: DType[] = [
  'float32',
  'int8',
  'uint8',
  'int16',
  'int32',
  'int64',
  'bool',
  'uint16',
  'uint32',
  'float64',
];

export const kernel: Kernel = {
  prepare(ctx: OpContext) {
    const input = ctx.input(0);
    const out = ctx.output(0);
    if (!CASTABLE.includes(input.dtype) || !CASTABLE.includes(out.dtype))
      ctx.unsupported(`cast ${input.dtype} -> ${out.dtype}`);
    out.shape = [...input.shape];
    const n = numElements(input.shape);
    const toBool = out.dtype === 'bool';
    const fromFloat = input.dtype === 'float32' || input.dtype === 'float64';
    return () => {
      const x = input.data;
      const o = out.data;
      if (o instanceof BigInt64Array) {
        for (let k = 0; k < n; k++) {
          const v = x[k];
          o[k] = typeof v === 'bigint' ? v : BigInt(fromFloat ? Math.trunc(v) : v);
        }
        return;
      }
      for (let k = 0; k < n; k++) {
        const v = Number(x[k]);
        // Typed-array stores truncate toward zero and wrap integers modulo 2^bits.
        o[k] = toBool ? (v !== 0 ? 1 : 0) : v;
      }
    };
  },
};
