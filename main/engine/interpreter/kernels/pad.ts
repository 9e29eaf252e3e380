/**
 * PAD (and, through preparePad, PADV2) after TFLite's reference_ops::Pad: a constant border of
 * `before`/`after` elements on each axis (rank up to 5), no arithmetic. The pad value is 0 for
 * float/int32, the output zero point for quantized PAD, or PADV2's scalar constant_values.
 * Quantized inputs are copied as integers, so input and output must share scale and zero point
 * (as TFLite's converter guarantees); the PADV2 constant must carry the output's parameters.
 */
import type { EvalFn, Kernel, OpContext, RtTensor } from '../types';
import type { TypedArray } from '../../tensor/dtype';
import { checkedElements, perTensorParams } from './common/conv';

type PadArray = Float32Array | Int8Array | Uint8Array | Int16Array | Int32Array;

export const MAX_PAD_RANK = 5;

/** Output = input surrounded by `value`; pads[i] = [before, after] for axis i. */
export function padTensor(
  input: PadArray,
  inShape: readonly number[],
  pads: readonly [number, number][],
  output: PadArray,
  value: number,
): void {
  output.fill(value);
  if (inShape.length === 0) {
    output[0] = input[0];
    return;
  }
  // Axes after the innermost padded one are copied whole: fold them into it, so that each copy
  // below moves a long run (NHWC padded in H and W: one copy per image row, not per pixel).
  let last = inShape.length - 1;
  while (last > 0 && pads[last][0] === 0 && pads[last][1] === 0) last--;
  let inner = 1;
  for (let i = last + 1; i < inShape.length; i++) inner *= inShape[i];
  inShape = [...inShape.slice(0, last), inShape[last] * inner];
  pads = [...pads.slice(0, last), [pads[last][0] * inner, pads[last][1] * inner]];
  const rank = inShape.length;
  const outShape = inShape.map((d, i) => d + pads[i][0] + pads[i][1]);
  const outStrides = new Array<number>(rank);
  let acc = 1;
  for (let i = rank - 1; i >= 0; i--) {
    outStrides[i] = acc;
    acc *= outShape[i];
  }
  const rowLen = inShape[rank - 1];
  let rows = 1;
  for (let i = 0; i < rank - 1; i++) rows *= inShape[i];
  if (rowLen === 0 || rows === 0) return;
  const idx = new Array<number>(rank - 1).fill(0);
  for (let r = 0; r < rows; r++) {
    let o = pads[rank - 1][0];
    for (let i = 0; i < rank - 1; i++) o += (idx[i] + pads[i][0]) * outStrides[i];
    output.set(input.subarray(r * rowLen, (r + 1) * rowLen), o);
    for (let i = rank - 2; i >= 0; i--) {
      if (++idx[i] < inShape[i]) break;
      idx[i] = 0;
    }
  }
}

export const PAD_DTYPES = ['float32', 'int8', 'uint8', 'int16', 'int32'];

export function readPaddings(ctx: OpContext, t: RtTensor, rank: number): [number, number][] {
  if (!t.isConst)
    ctx.unsupported('paddings must be a constant tensor (dynamic output shapes are not supported)');
  if (t.dtype !== 'int32' && t.dtype !== 'int64') ctx.unsupported(`paddings dtype ${t.dtype}`);
  if (t.shape.length !== 2 || t.shape[0] !== rank || t.shape[1] !== 2) {
    ctx.invalid(`paddings must have shape [${rank}, 2], got [${t.shape.join(',')}]`);
  }
  const v = Array.from(t.data as Int32Array | BigInt64Array, Number);
  const pads: [number, number][] = [];
  for (let i = 0; i < rank; i++) {
    const before = v[2 * i];
    const after = v[2 * i + 1];
    if (before < 0 || after < 0) ctx.invalid(`negative padding on axis ${i}`);
    pads.push([before, after]);
  }
  return pads;
}

/** Shared prepare for PAD and PADV2 (constant_values at input 2, optional). */
export function preparePad(ctx: OpContext, withConstant: boolean): EvalFn {
  const input = ctx.input(0);
  const output = ctx.output(0);
  if (input.dtype !== output.dtype) ctx.unsupported('input and output dtypes differ');
  if (!PAD_DTYPES.includes(input.dtype)) ctx.unsupported(`${ctx.opName} on ${input.dtype}`);
  const rank = input.shape.length;
  if (rank > MAX_PAD_RANK) ctx.unsupported(`rank ${rank} (TFLite pads up to ${MAX_PAD_RANK} dimensions)`);
  const pads = readPaddings(ctx, ctx.input(1), rank);
  output.shape = input.shape.map((d, i) => d + pads[i][0] + pads[i][1]);
  checkedElements(ctx, output.shape, 'output');

  const quantized = input.dtype === 'int8' || input.dtype === 'uint8' || input.dtype === 'int16';
  let value = 0;
  let outQ: { scale: number; zeroPoint: number } | null = null;
  if (quantized) {
    const inQ = perTensorParams(ctx, input, 'input');
    outQ = perTensorParams(ctx, output, 'output');
    if (inQ.scale !== outQ.scale || inQ.zeroPoint !== outQ.zeroPoint) {
      ctx.unsupported('input and output quantization differ (PAD copies quantized values)');
    }
    if (input.dtype === 'int16' && outQ.zeroPoint !== 0)
      ctx.unsupported('int16 activations must have zero point 0');
    value = outQ.zeroPoint;
  }
  const constant = withConstant ? (ctx.inputs[2] ?? null) : null;
  if (constant) {
    if (constant.dtype !== input.dtype)
      ctx.unsupported(`constant_values dtype ${constant.dtype} differs from input ${input.dtype}`);
    if (constant.data.length !== 1) ctx.invalid('constant_values must hold exactly one value');
    if (!constant.isConst) ctx.unsupported('constant_values must be a constant tensor');
    if (outQ) {
      const cq = perTensorParams(ctx, constant, 'constant_values');
      if (cq.scale !== outQ.scale || cq.zeroPoint !== outQ.zeroPoint) {
        ctx.unsupported('constant_values quantization differs from the output');
      }
    }
    value = (constant.data as Exclude<TypedArray, BigInt64Array>)[0];
  }
  const inShape = [...input.shape];
  return () => padTensor(input.data as PadArray, inShape, pads, output.data as PadArray, value);
}

export const kernel: Kernel = {
  prepare: (ctx) => preparePad(ctx, false),
};
