/**
 * Random integer-convolution parameters for the walk tests of CONV_2D and DEPTHWISE_CONV_2D
 * (conv_2d_walk.test.ts, depthwise_int.test.ts). Each test keeps its own seeded generator; the
 * draws here happen in a fixed order, so a test's cases do not depend on which helper made them.
 */
import type { ConvQuant } from '../../main/engine/interpreter/kernels/common/conv';

export type IntKind = 'int8' | 'uint8' | 'int16';

/** The representable range of each integer activation type. */
export function intRange(kind: IntKind): [number, number] {
  return kind === 'int8' ? [-128, 127] : kind === 'uint8' ? [0, 255] : [-32768, 32767];
}

/** A zeroed typed array of `kind` with n elements. */
export function intArray(kind: IntKind, n: number): Int8Array | Uint8Array | Int16Array {
  return kind === 'int8' ? new Int8Array(n) : kind === 'uint8' ? new Uint8Array(n) : new Int16Array(n);
}

/**
 * Requantization parameters and a bias (null in every fifth case `k`) for outC channels, drawn
 * with `int(lo, hi)` in this order: input offset, output offset, multipliers, shifts, activation
 * minimum (odd k: the type's minimum), bias.
 */
export function randomConvRequant(
  int: (lo: number, hi: number) => number,
  kind: IntKind,
  outC: number,
  filterOffset: number,
  k: number,
): { q: ConvQuant; bias: Float64Array | null } {
  const [qmin, qmax] = intRange(kind);
  const q: ConvQuant = {
    inputOffset: kind === 'int16' ? 0 : -int(qmin, qmax),
    filterOffset,
    outputOffset: kind === 'int16' ? 0 : int(qmin, qmax),
    multipliers: Int32Array.from({ length: outC }, () => int(1073741824, 2147483647)),
    shifts: Int32Array.from({ length: outC }, () => int(-14, 1)),
    actMin: k % 2 ? qmin : int(qmin, 0),
    actMax: qmax,
  };
  const bias = k % 5 === 0 ? null : Float64Array.from({ length: outC }, () => int(-(2 ** 20), 2 ** 20));
  return { q, bias };
}
