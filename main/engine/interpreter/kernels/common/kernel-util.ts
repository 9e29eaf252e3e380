/**
 * Small helpers shared by kernels' prepare functions (dtype checks, per-tensor quantization
 * parameters, fused activation ranges). Pure; no kernel state.
 */
import { activationRangeQuantized, quantizeMultiplier, type QuantizedMultiplier } from '../../../quant/math';
import { numElements } from '../../../tensor/dtype';
import type { OpContext, RtTensor } from '../../types';
import type { DType } from '../../../tensor/dtype';

export type QDType = 'int8' | 'uint8' | 'int16';

export function isQuantDtype(d: DType): d is QDType {
  return d === 'int8' || d === 'uint8' || d === 'int16';
}

/**
 * Input 0 and output 0 of an elementwise op that keeps the dtype (activations): refuses another
 * output dtype and gives the output the input's shape.
 */
export function sameDtypeElementwise(ctx: OpContext): { input: RtTensor; output: RtTensor } {
  const input = ctx.input(0);
  const output = ctx.output(0);
  if (output.dtype !== input.dtype)
    ctx.invalid(`output dtype ${output.dtype} differs from input ${input.dtype}`);
  output.shape = [...input.shape];
  return { input, output };
}

/** One scale and zero point (a per-tensor quantized tensor). */
export interface PerTensorQuant {
  scale: number;
  zeroPoint: number;
}

/** Per-tensor scale and zero point; refuses missing or per-channel parameters. */
export function perTensor(ctx: OpContext, t: RtTensor, what: string): PerTensorQuant {
  if (!t.quant) ctx.unsupported(`${what} (${t.dtype}) has no quantization parameters`);
  if (t.quant.scale.length !== 1)
    ctx.unsupported(`${what} is per-channel quantized; only per-tensor is supported here`);
  const scale = t.quant.scale[0];
  if (!(scale > 0) || !Number.isFinite(scale)) ctx.invalid(`${what} has scale ${scale}`);
  return { scale, zeroPoint: t.quant.zeroPoint[0] };
}

/** The op's fused activation (0 NONE, 1 RELU, 2 RELU_N1_TO_1, 3 RELU6); others are refused. */
export function fusedActivation(ctx: OpContext): number {
  const a = ctx.options?.fusedActivationFunction ?? 0;
  if (a < 0 || a > 3) ctx.unsupported(`fused activation ${a} (TANH/SIGN_BIT fusions are not supported)`);
  return a;
}

export function quantActivationRange(act: number, out: RtTensor, q: PerTensorQuant): [number, number] {
  return activationRangeQuantized(act, q.scale, q.zeroPoint, out.dtype as QDType);
}

/** Integer activation range for int32 outputs (tflite::CalculateActivationRange<int32_t>). */
export function int32ActivationRange(act: number): [number, number] {
  switch (act) {
    case 1:
      return [0, 2147483647];
    case 2:
      return [-1, 1];
    case 3:
      return [0, 6];
    default:
      return [-2147483648, 2147483647];
  }
}

/** A real multiplier as TFLite's prepare computes it (double precision) and quantizes it. */
export function multiplierOf(real: number): QuantizedMultiplier {
  return quantizeMultiplier(real);
}

export function requireDtype(ctx: OpContext, t: RtTensor, allowed: readonly DType[], what: string): void {
  if (!allowed.includes(t.dtype))
    ctx.unsupported(`${what} dtype ${t.dtype} (supported: ${allowed.join(', ')})`);
}

export function sameElementCount(ctx: OpContext, a: number[], b: number[]): void {
  if (numElements(a) !== numElements(b)) {
    ctx.invalid(`shape [${a.join(',')}] and [${b.join(',')}] have different element counts`);
  }
}

/** Reads a small constant integer tensor (int32 or int64) as numbers. */
export function constInts(ctx: OpContext, t: RtTensor, what: string): number[] {
  if (!t.isConst) ctx.unsupported(`${what} must be a constant tensor`);
  if (t.data instanceof BigInt64Array) return Array.from(t.data, (v) => Number(v));
  if (t.dtype !== 'int32' && t.dtype !== 'int64')
    ctx.unsupported(`${what} has dtype ${t.dtype}, expected int32`);
  return Array.from(t.data as Int32Array);
}

/**
 * Per-channel (de)quantization along `axis`: the channel of flat index k is
 * floor(k / inner) % channels. Refuses a scale count that is not the axis' size.
 */
export function perChannelLayout(
  ctx: OpContext,
  shape: readonly number[],
  axis: number,
  scales: number,
): { channels: number; inner: number } {
  const channels = shape[axis];
  if (channels !== scales) ctx.invalid(`${scales} scales for ${channels} channels on axis ${axis}`);
  return { channels, inner: numElements(shape.slice(axis + 1)) };
}
