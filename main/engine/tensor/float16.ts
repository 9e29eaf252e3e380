/**
 * IEEE 754 half precision, which TFLite tensors and NumPy ('<f2') store as raw 16-bit patterns
 * (held in a Uint16Array): exact conversion to numbers, for kernels, optimizers and input files.
 */

/** IEEE half (as raw bits) to number, exactly. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

let halfTable: Float32Array | null = null;

/** All 65,536 half values as float32 (exact), built on first use: a lookup beats the arithmetic. */
export function halfLookup(): Float32Array {
  if (!halfTable) {
    halfTable = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) halfTable[h] = halfToFloat(h);
  }
  return halfTable;
}

/** Half bit patterns to float32 values (every half is exactly a float32). */
export function halvesToFloat32(halves: Uint16Array): Float32Array {
  const table = halfLookup();
  const out = new Float32Array(halves.length);
  for (let k = 0; k < halves.length; k++) out[k] = table[halves[k]];
  return out;
}
