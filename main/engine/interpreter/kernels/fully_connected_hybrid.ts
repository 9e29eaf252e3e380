/**
 * Hybrid FULLY_CONNECTED (dynamic-range models): float input and output, int8 weights.
 * Placeholder until the exact hybrid path lands: refuses rather than approximates.
 */
import type { EvalFn, OpContext, RtTensor } from '../types';
import type { FcGeometry } from './fully_connected';

export function prepareHybridFc(
  ctx: OpContext,
  _g: FcGeometry,
  _input: RtTensor,
  _weights: RtTensor,
  _bias: RtTensor | null,
  _out: RtTensor,
): EvalFn {
  ctx.unsupported('hybrid (float input, int8 weights) FULLY_CONNECTED is not implemented yet');
}
