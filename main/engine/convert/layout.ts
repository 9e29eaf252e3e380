/**
 * Layout permutations. Every converted activation carries `perm`: the order in which its ONNX
 * dims are stored in the TFLite tensor (physical dim i is ONNX dim perm[i]). Channel-first ONNX
 * activations live channel-last inside (NCHW → NHWC is perm [0, 2, 3, 1]); element-wise ops,
 * Concat, Pad and reductions carry the perm through (mapping their axes), so a TRANSPOSE is
 * emitted only where an op needs another order — and then only when the move changes memory
 * order at all (moving size-1 dims is a RESHAPE).
 */

export type Perm = readonly number[];

export function identityPerm(rank: number): number[] {
  return Array.from({ length: rank }, (_, i) => i);
}

/** Channel-first to channel-last for rank ≥ 3: [0, 2, …, rank-1, 1]; identity below. */
export function channelsLastPerm(rank: number): number[] {
  if (rank < 3) return identityPerm(rank);
  return [0, ...identityPerm(rank).slice(2), 1];
}

export function isIdentity(perm: Perm): boolean {
  return perm.every((p, i) => p === i);
}

export function samePerm(a: Perm, b: Perm): boolean {
  return a.length === b.length && a.every((p, i) => p === b[i]);
}

/** Dims in physical order: permuteDims(onnxDims, perm)[i] = onnxDims[perm[i]]. */
export function permuteDims<T>(dims: readonly T[], perm: Perm): T[] {
  return perm.map((p) => dims[p]);
}

/** The permutation that takes a tensor stored in `from` order to `to` order (a TRANSPOSE's perm). */
export function transposeBetween(from: Perm, to: Perm): number[] {
  return to.map((axis) => from.indexOf(axis));
}

/**
 * True when transposing a tensor of these (physical) dims by perm leaves its bytes in the same
 * order: the dims larger than 1 keep their relative order. Then a RESHAPE does the move.
 */
export function isMemoryNoop(dims: readonly number[], perm: Perm): boolean {
  let last = -1;
  for (const p of perm) {
    if (dims[p] === 1) continue;
    if (p < last) return false;
    last = p;
  }
  return true;
}

/** The physical position of ONNX axis `axis` (negative counts from the end) under perm. */
export function physicalAxis(axis: number, perm: Perm): number {
  const a = axis < 0 ? axis + perm.length : axis;
  return perm.indexOf(a);
}
