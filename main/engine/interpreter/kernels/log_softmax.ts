/**
 * LOG_SOFTMAX over the last axis, float32 (reference_ops::LogSoftmax):
 *   out = x - max - log(sum(exp(x - max))).
 * Computed in double and stored as float32, within the float tolerance of the reference's
 * float32 sums. The int8/uint8 reference (gemmlowp exp/log pipeline) is not implemented, so
 * quantized LOG_SOFTMAX is refused in prepare.
 */
import type { Kernel } from '../types';

export function logSoftmaxRows(x: Float32Array, out: Float32Array, depth: number): void {
  const rows = depth === 0 ? 0 : x.length / depth;
  for (let r = 0; r < rows; r++) {
    const base = r * depth;
    let max = -Infinity;
    for (let c = 0; c < depth; c++) if (x[base + c] > max) max = x[base + c];
    let sum = 0;
    for (let c = 0; c < depth; c++) sum += Math.exp(x[base + c] - max);
    const logSum = Math.log(sum);
    for (let c = 0; c < depth; c++) out[base + c] = x[base + c] - max - logSum;
  }
}

export const kernel: Kernel = {
  prepare(ctx) {
    const input = ctx.input(0);
    const output = ctx.output(0);
    if (input.dtype !== 'float32')
      return ctx.unsupported(`dtype ${input.dtype} (only float32 LOG_SOFTMAX is implemented)`);
    if (output.dtype !== 'float32') ctx.invalid(`output dtype ${output.dtype}`);
    if (input.shape.length === 0) ctx.invalid('LOG_SOFTMAX needs at least one dimension');
    output.shape = [...input.shape];
    const depth = input.shape[input.shape.length - 1];
    return () => logSoftmaxRows(input.data as Float32Array, output.data as Float32Array, depth);
  },
};
