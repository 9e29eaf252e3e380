/**
 * Magnitude pruning masks: which weights become zero.
 *
 * Exactness: a layer of n weights asked for sparsity s gets exactly k = round(s × n) zeros
 * (Math.round, halves up), so its measured sparsity is k / n, within 0.5 / n of s. Weights that
 * are already zero count among the k (their magnitude is the smallest). Ties at the threshold
 * magnitude are broken by position: the lowest flat index (row-major) is pruned first, and in
 * the global schedule the earlier layer (model order) first. Magnitude is the real value:
 * |w| for float32, |q| × channel scale for int8.
 */

/** Indices (ascending) of the `k` smallest magnitudes; ties go to the lower index. */
export function smallestK(mag: Float64Array, k: number): Uint32Array {
  const n = mag.length;
  if (k <= 0) return new Uint32Array(0);
  if (k >= n) return Uint32Array.from({ length: n }, (_v, i) => i);
  const sorted = Float64Array.from(mag).sort();
  const threshold = sorted[k - 1];
  let below = 0;
  for (let i = 0; i < n; i++) if (mag[i] < threshold) below++;
  let atThreshold = k - below;
  const out = new Uint32Array(k);
  let j = 0;
  for (let i = 0; i < n; i++) {
    if (mag[i] < threshold) out[j++] = i;
    else if (mag[i] === threshold && atThreshold > 0) {
      out[j++] = i;
      atThreshold--;
    }
  }
  return out;
}

/** Number of weights a layer of n pruned to sparsity s must have at zero. */
export function targetZeros(n: number, sparsity: number): number {
  return Math.min(n, Math.max(0, Math.round(sparsity * n)));
}

/**
 * 2:4 mask along the innermost (input) axis: in every group of four consecutive weights of a row
 * (a row ends every `inner` elements; a short last group keeps at most two) the two largest
 * magnitudes stay; ties keep the lower index. Returns the indices to zero.
 */
export function twoFourZeros(mag: Float64Array, inner: number): Uint32Array {
  const out: number[] = [];
  const rows = mag.length / inner;
  for (let r = 0; r < rows; r++) {
    for (let g = 0; g < inner; g += 4) {
      const start = r * inner + g;
      const len = Math.min(4, inner - g);
      if (len <= 2) continue;
      const idx = Array.from({ length: len }, (_v, i) => start + i);
      // Largest first; equal magnitudes: lower index first (kept).
      idx.sort((a, b) => mag[b] - mag[a] || a - b);
      for (let i = 2; i < len; i++) out.push(idx[i]);
    }
  }
  return Uint32Array.from(out.sort((a, b) => a - b));
}
