/**
 * MIRROR_PAD after TFLite's mirror_pad.cc: each axis is extended by reflecting the input.
 * REFLECT leaves the edge out ([1,2,3] padded by 2 → [3,2,1,2,3,2,1]), SYMMETRIC repeats it
 * ([1,2,3] → [2,1,1,2,3,3,2]). TFLite limits the padding to dim - 1 (REFLECT) or dim
 * (SYMMETRIC) per side, so one reflection always lands inside the input. Values are copied,
 * never computed, so quantized tensors need the same parameters in and out.
 */
import { checkedElements, perTensorParams } from './common/conv';
import { MAX_PAD_RANK, PAD_DTYPES, readPaddings } from './pad';
import type { Kernel } from '../types';
import type { TypedArray } from '../../tensor/dtype';

export const MIRROR_REFLECT = 0;
export const MIRROR_SYMMETRIC = 1;

/** Input coordinate that output coordinate `o` reads along an axis of extent `d`. */
export function mirrorIndex(o: number, before: number, d: number, symmetric: boolean): number {
  const p = o - before;
  if (p < 0) return symmetric ? -p - 1 : -p;
  if (p >= d) return symmetric ? 2 * d - 1 - p : 2 * d - 2 - p;
  return p;
}

/**
 * Copies `input` into `output` with mirrored borders. Per axis, a small table gives the input
 * coordinate of each output coordinate (no per-element map: memory stays O(sum of dims)).
 */
export function mirrorPad(
  input: Exclude<TypedArray, BigInt64Array>,
  inShape: readonly number[],
  pads: readonly [number, number][],
  symmetric: boolean,
  output: Exclude<TypedArray, BigInt64Array>,
): void {
  const rank = inShape.length;
  if (rank === 0) {
    output[0] = input[0];
    return;
  }
  const outShape = inShape.map((d, i) => d + pads[i][0] + pads[i][1]);
  const inStrides = new Array<number>(rank);
  let acc = 1;
  for (let i = rank - 1; i >= 0; i--) {
    inStrides[i] = acc;
    acc *= inShape[i];
  }
  const sources = outShape.map((e, i) =>
    Int32Array.from(
      { length: e },
      (_, o) => mirrorIndex(o, pads[i][0], inShape[i], symmetric) * inStrides[i],
    ),
  );
  const n = output.length;
  const idx = new Array<number>(rank).fill(0);
  for (let k = 0; k < n; k++) {
    let src = 0;
    for (let i = 0; i < rank; i++) src += sources[i][idx[i]];
    output[k] = input[src];
    for (let i = rank - 1; i >= 0; i--) {
      if (++idx[i] < outShape[i]) break;
      idx[i] = 0;
    }
  }
}

export const kernel: Kernel = {
  prepare(ctx) {
    const input = ctx.input(0);
    const output = ctx.output(0);
    if (input.dtype !== output.dtype) ctx.unsupported('input and output dtypes differ');
    if (!PAD_DTYPES.includes(input.dtype)) ctx.unsupported(`MIRROR_PAD on ${input.dtype}`);
    const rank = input.shape.length;
    if (rank > MAX_PAD_RANK) ctx.unsupported(`rank ${rank} (at most ${MAX_PAD_RANK})`);
    const mode: number = ctx.options?.mode ?? MIRROR_REFLECT;
    if (mode !== MIRROR_REFLECT && mode !== MIRROR_SYMMETRIC) ctx.unsupported(`mirror pad mode ${mode}`);
    const symmetric = mode === MIRROR_SYMMETRIC;
    const pads = readPaddings(ctx, ctx.input(1), rank);
    pads.forEach(([before, after], i) => {
      const limit = symmetric ? input.shape[i] : input.shape[i] - 1;
      if (before > limit || after > limit)
        ctx.invalid(
          `padding [${before}, ${after}] on axis ${i} exceeds ${limit} for ${symmetric ? 'SYMMETRIC' : 'REFLECT'}`,
        );
    });
    output.shape = input.shape.map((d, i) => d + pads[i][0] + pads[i][1]);
    checkedElements(ctx, output.shape, 'output');
    if (input.quant || output.quant) {
      const a = perTensorParams(ctx, input, 'input');
      const b = perTensorParams(ctx, output, 'output');
      if (a.scale !== b.scale || a.zeroPoint !== b.zeroPoint)
        ctx.unsupported('input and output quantization differ (MIRROR_PAD copies values)');
    }
    const inShape = [...input.shape];
    type Values = Exclude<TypedArray, BigInt64Array>;
    return () => mirrorPad(input.data as Values, inShape, pads, symmetric, output.data as Values);
  },
};
