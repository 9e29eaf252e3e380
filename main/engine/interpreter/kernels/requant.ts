/**
 * Quantization-parameter access for kernels whose activations are per-tensor quantized
 * (every activation in TFLite's int8/int16 scheme is; only weights are per-channel).
 */
import type { OpContext, RtTensor } from '../types';

export type QDType = 'int8' | 'uint8' | 'int16';

export function isQuantDType(d: string): d is QDType {
  return d === 'int8' || d === 'uint8' || d === 'int16';
}

export interface PerTensorQuant {
  scale: number;
  zeroPoint: number;
}

/** The single scale/zero point of a quantized activation; refuses missing or per-channel params. */
export function perTensorQuant(ctx: OpContext, t: RtTensor, what: string): PerTensorQuant {
  const q = t.quant;
  if (!q || q.scale.length === 0) ctx.invalid(`${what} (${t.dtype}) has no quantization parameters`);
  if (q.scale.length !== 1) ctx.unsupported(`${what} is per-channel quantized; expected per-tensor`);
  const scale = q.scale[0];
  const zeroPoint = q.zeroPoint[0] ?? 0;
  if (!(scale > 0) || !Number.isFinite(scale)) ctx.invalid(`${what} has invalid scale ${scale}`);
  return { scale, zeroPoint };
}

/** int16 activations in TFLite's 16x8 scheme are symmetric: zero point 0. */
export function requireZeroPointZeroForInt16(
  ctx: OpContext,
  t: RtTensor,
  q: PerTensorQuant,
  what: string,
): void {
  if (t.dtype === 'int16' && q.zeroPoint !== 0)
    ctx.unsupported(`int16 ${what} has zero point ${q.zeroPoint}; must be 0`);
}
