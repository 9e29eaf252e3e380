/**
 * TRANSPOSE: output[i0..in] = input[index permuted by perm], up to 6-D, any fixed-size dtype.
 * A pure data movement: quantized values are copied as-is, like TFLite (which does not
 * requantize here; converters give TRANSPOSE equal input/output parameters).
 */
import type { Kernel, OpContext } from '../types';
import type { TypedArray } from '../../tensor/dtype';
import { constInts } from './common/kernel-util';
import { requireCopyable, requireInputDtype, stridesOf } from './common/layout';

export const MAX_TRANSPOSE_RANK = 6;

/** Moves `input` (shape `inShape`) into `output` with output dim i = input dim perm[i]. */
export function transposeData(
  input: TypedArray,
  inShape: readonly number[],
  perm: readonly number[],
  output: TypedArray,
): void {
  const rank = perm.length;
  const inStrides = stridesOf(inShape);
  const outShape = perm.map((p) => inShape[p]);
  const total = output.length;
  if (total === 0) return;
  if (rank === 0) {
    (output as any)[0] = input[0];
    return;
  }
  // Strides of the input, in output-dimension order; the innermost output dim runs fastest.
  const step = perm.map((p) => inStrides[p]);
  const idx = new Array<number>(rank).fill(0);
  const last = rank - 1;
  const innerN = outShape[last];
  const innerStep = step[last];
  const out = output as any;
  const src = input as any;
  let base = 0;
  for (let o = 0; o < total;) {
    let s = base;
    for (let k = 0; k < innerN; k++, s += innerStep) out[o++] = src[s];
    // odometer over the outer output dims
    let d = last - 1;
    while (d >= 0) {
      idx[d]++;
      base += step[d];
      if (idx[d] < outShape[d]) break;
      base -= step[d] * outShape[d];
      idx[d] = 0;
      d--;
    }
  }
}

function checkPerm(ctx: OpContext, perm: number[], rank: number): void {
  if (perm.length !== rank) ctx.invalid(`perm has ${perm.length} entries for a rank-${rank} input`);
  const seen = new Set<number>();
  for (const p of perm) {
    if (!Number.isInteger(p) || p < 0 || p >= rank)
      ctx.invalid(`perm value ${p} is out of range for rank ${rank}`);
    if (seen.has(p)) ctx.invalid(`perm repeats axis ${p}`);
    seen.add(p);
  }
}

export const kernel: Kernel = {
  prepare(ctx) {
    const input = ctx.input(0);
    const output = ctx.output(0);
    const rank = input.shape.length;
    if (rank > MAX_TRANSPOSE_RANK) ctx.unsupported(`rank ${rank} > ${MAX_TRANSPOSE_RANK}`);
    requireCopyable(ctx, input.dtype);
    requireInputDtype(ctx, output, input);
    const perm = constInts(ctx, ctx.input(1), 'perm');
    checkPerm(ctx, perm, rank);
    output.shape = perm.map((p) => input.shape[p]);
    const inShape = [...input.shape];
    return () => transposeData(input.data, inShape, perm, output.data);
  },
};
