/**
 * The smallest and largest of values[start..end) (Infinity and -Infinity when there are none).
 * NaN fails both comparisons and is ignored. Used by calibration, the hybrid kernels' input
 * quantization and the interpreter's range observer.
 */
export function minMaxOf(
  values: ArrayLike<number>,
  start = 0,
  end = values.length,
): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let k = start; k < end; k++) {
    const v = values[k];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}
