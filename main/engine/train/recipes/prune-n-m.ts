/**
 * `prune:N:M` (e.g. `prune:2:4`): structured N:M sparsity as TFMOT's prune_low_magnitude with
 * sparsity_m_by_n: in every group of M consecutive weights along the input-channel axis, the N
 * largest magnitudes stay and the others are zero (ties: the lower index stays). The input
 * channel is the innermost axis of TFLite's CONV_2D [out, kh, kw, in] and FULLY_CONNECTED
 * [out, in] weights, so groups are runs of M consecutive values that never cross a row; a row
 * whose input-channel count is not a multiple of M ends in a short group that keeps at most N.
 * DEPTHWISE_CONV_2D is not pruned (TFMOT's M-by-N sparsity covers Conv2D and Dense only), nor
 * are layers with at most N input channels (nothing to choose; the first convolution of a
 * grayscale model). The mask is applied from the first step and recomputed on the same schedule
 * as `prune:S` (prune-schedule.ts) until its end step.
 */
import { maskedRecipe } from './masked-weights';
import type { RecipeFactory } from './types';

/** Writes the N:M mask of `mag` (rows of `inner` values) into `out`: 1 keep, 0 prune. */
export function nOfMMask(mag: Float64Array, inner: number, n: number, m: number, out: Uint8Array): void {
  out.fill(1);
  const idx: number[] = [];
  for (let row = 0; row < mag.length; row += inner) {
    for (let g = 0; g < inner; g += m) {
      const len = Math.min(m, inner - g);
      if (len <= n) continue;
      idx.length = 0;
      for (let i = 0; i < len; i++) idx.push(row + g + i);
      idx.sort((a, b) => mag[b]! - mag[a]! || a - b);
      for (let i = n; i < len; i++) out[idx[i]!] = 0;
    }
  }
}

const innerOf = (shape: readonly number[]) => shape[shape.length - 1]!;

export const pruneNMRecipe: RecipeFactory = (step, ctx) => {
  if (step.kind !== 'prune-n-m') throw new Error(`prune N:M recipe given a ${step.kind} step`);
  const { n, m } = step;
  return maskedRecipe(
    {
      name: `prune ${n}:${m}`,
      finalSparsity: 1 - n / m,
      applies: (p) => (p.opName === 'CONV_2D' || p.opName === 'FULLY_CONNECTED') && innerOf(p.shape) > n,
      mask: (p, mag, _sparsity, out) => nOfMMask(mag, innerOf(p.shape), n, m, out),
      describe(p, v) {
        const inner = innerOf(p.shape);
        let z = 0;
        for (let i = 0; i < v.length; i++) if (v[i] === 0) z++;
        return `${z.toLocaleString('en-US')} of ${v.length.toLocaleString('en-US')}, ${n}:${m} along ${inner} input channels`;
      },
    },
    ctx,
  );
};
