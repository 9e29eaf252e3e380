/**
 * The smallest and largest of `values` (Infinity and -Infinity when there are none). NaN fails
 * both comparisons and is ignored. Used by calibration and by the interpreter's range observer.
 */
export function minMaxOf(values: ArrayLike<number>): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let k = 0; k < values.length; k++) {
    const v = values[k];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}
