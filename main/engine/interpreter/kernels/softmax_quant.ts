/** Quantized SOFTMAX (placeholder until the fixed-point paths land): refuses, never approximates. */
import type { EvalFn, OpContext, RtTensor } from '../types';

export function prepareSoftmaxQuantized(
  ctx: OpContext,
  _input: RtTensor,
  _out: RtTensor,
  _beta: number,
  _outer: number,
  _depth: number,
): EvalFn {
  ctx.unsupported('quantized SOFTMAX is not implemented yet');
}
