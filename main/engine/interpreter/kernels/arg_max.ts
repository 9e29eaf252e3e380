/**
 * ARG_MAX along a constant axis; output int32 or int64 (output_type). Ties resolve to the
 * smallest index, as TFLite's reference (strict greater-than while scanning) does. Quantized
 * inputs compare codes, which orders like the real values for a positive scale.
 */
import { constInts } from './common/kernel-util';
import type { Kernel } from '../types';
import { normalizeAxis, outerInner } from './common/layout';

const DTYPES = ['float32', 'int8', 'uint8', 'int16', 'int32', 'int64', 'bool'];

export const kernel: Kernel = {
  prepare(ctx) {
    const input = ctx.input(0);
    const output = ctx.output(0);
    if (!DTYPES.includes(input.dtype)) ctx.unsupported(`dtype ${input.dtype}`);
    if (output.dtype !== 'int32' && output.dtype !== 'int64') ctx.unsupported(`output dtype ${output.dtype}`);
    const axisValues = constInts(ctx, ctx.input(1), 'axis');
    if (axisValues.length !== 1) ctx.invalid(`axis has ${axisValues.length} values, expected 1`);
    const rank = input.shape.length;
    const axis = normalizeAxis(ctx, axisValues[0], rank);
    const axisSize = input.shape[axis];
    if (axisSize === 0) ctx.invalid('arg max over an empty axis');
    const { outer, inner } = outerInner(input.shape, axis);
    output.shape = input.shape.filter((_, i) => i !== axis);
    const is64 = output.dtype === 'int64';
    return () => {
      const x = input.data as any;
      const o = output.data as any;
      for (let b = 0; b < outer; b++)
        for (let j = 0; j < inner; j++) {
          const base = b * axisSize * inner + j;
          let best = x[base];
          let bestIdx = 0;
          for (let k = 1; k < axisSize; k++) {
            const v = x[base + k * inner];
            if (v > best) {
              best = v;
              bestIdx = k;
            }
          }
          o[b * inner + j] = is64 ? BigInt(bestIdx) : bestIdx;
        }
    };
  },
};
