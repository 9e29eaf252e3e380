/**
 * Hybrid FULLY_CONNECTED (dynamic-range models): float32 input and output, int8 weights
 * (per-tensor or per-channel scales), float32 bias. Follows TFLite's EvalHybrid with the portable
 * tensor utils:
 *  - each batch row of the input is quantized on the fly to int8: asymmetrically (range includes
 *    0, zero point nudged to [-128, 127]) when the op's asymmetric_quantize_inputs is set,
 *    otherwise symmetrically (scale = max|x| / 127);
 *  - per-tensor weights fold their scale into the row's scaling factor (float multiply);
 *    per-channel weights multiply it per output unit;
 *  - dot = sum(w * xq) in int32, minus row_sum(w) * zero point (asymmetric); output = bias +
 *    float(dot) * scale, each step rounded to float32 as the C code does; then the activation.
 */
import { activationRangeFloat } from '../../../quant/math';
import { fusedActivation } from './kernel-util';
import type { EvalFn, OpContext } from '../../types';
import type { FcOperands } from './fully-connected-geometry';
import { asymmetricQuantizeFloats, symmetricQuantizeFloats } from './hybrid';

const f32 = Math.fround;

export function prepareHybridFc(ctx: OpContext, { g, input, weights, bias, out }: FcOperands): EvalFn {
  if (weights.dtype !== 'int8') ctx.unsupported('hybrid FULLY_CONNECTED needs int8 weights');
  if (out.dtype !== 'float32') ctx.unsupported(`hybrid FULLY_CONNECTED with ${out.dtype} output`);
  if (bias && bias.dtype !== 'float32') ctx.unsupported(`hybrid FULLY_CONNECTED with ${bias.dtype} bias`);
  if (!weights.quant) ctx.unsupported('int8 weights without quantization parameters');
  if (!weights.isConst) ctx.unsupported('hybrid FULLY_CONNECTED needs constant weights');
  const { batches, units, depth } = g;
  const scales = weights.quant.scale;
  const perChannel = scales.length > 1;
  if (perChannel && scales.length !== units)
    ctx.invalid(`weights have ${scales.length} scales for ${units} units`);
  const channelScale = Float32Array.from(perChannel ? scales : [scales[0]]);
  const asymmetric = !!ctx.options?.asymmetricQuantizeInputs;
  const [lo, hi] = activationRangeFloat(fusedActivation(ctx));
  const w = weights.data as Int8Array;
  // Row sums of the (constant) weights, for the asymmetric zero-point correction.
  const rowSums = new Int32Array(units);
  for (let u = 0; u < units; u++) {
    let s = 0;
    for (let d = 0; d < depth; d++) s += w[u * depth + d];
    rowSums[u] = s;
  }
  const xq = new Int8Array(batches * depth);
  return () => {
    const x = input.data as Float32Array;
    const b = bias ? (bias.data as Float32Array) : null;
    const o = out.data as Float32Array;
    for (let bi = 0; bi < batches; bi++) {
      const xo = bi * depth;
      let rowScale: number;
      let offset = 0;
      if (asymmetric) {
        const r = asymmetricQuantizeFloats(x, xo, depth, xq);
        rowScale = r.scale;
        offset = r.offset;
      } else rowScale = symmetricQuantizeFloats(x, xo, depth, xq);
      if (!perChannel) rowScale = f32(rowScale * channelScale[0]);
      for (let u = 0; u < units; u++) {
        let dot = 0;
        const wo = u * depth;
        for (let d = 0; d < depth; d++) dot += w[wo + d] * xq[xo + d];
        dot = (dot - rowSums[u] * offset) | 0;
        const scale = perChannel ? f32(rowScale * channelScale[u]) : rowScale;
        const v = f32((b ? b[u] : 0) + f32(dot * scale));
        o[bi * units + u] = v < lo ? lo : v > hi ? hi : v;
      }
    }
  };
}
