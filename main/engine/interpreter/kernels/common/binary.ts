/**
 * Shape handling shared by binary elementwise kernels (ADD, SUB, MUL, ...): output shape by
 * broadcasting, and an element-index function that eval loops over.
 */
import { broadcastIndexMaps, broadcastShape } from './broadcast';
import type { OpContext, RtTensor } from '../../types';

/** TFLite's broadcasting kernels handle up to 6 dimensions (BroadcastAdd6DSlow). */
const MAX_BROADCAST_RANK = 6;
/**
 * The index maps cost 8 bytes per output element on top of the activations: 2^24 elements keep
 * them at 128 MiB (a 64 MiB float activation broadcast against a bias), so a hostile shape within
 * the interpreter's activation cap cannot take a case past half a gigabyte.
 */
const MAX_BROADCAST_ELEMENTS = 2 ** 24;

export interface BinaryLayout {
  n: number;
  /** null when both inputs have the output's element count (no broadcasting needed). */
  maps: [Int32Array, Int32Array] | null;
}

/** Sets the output shape and returns the iteration layout. */
export function prepareBinary(ctx: OpContext, a: RtTensor, b: RtTensor, out: RtTensor): BinaryLayout {
  const shape = broadcastShape(a.shape, b.shape);
  if (!shape) ctx.invalid(`shapes [${a.shape.join(',')}] and [${b.shape.join(',')}] do not broadcast`);
  let n = 1;
  for (const d of shape) n *= d;
  out.shape = shape;
  const sameA = a.shape.reduce((x, y) => x * y, 1) === n && a.shape.length <= shape.length;
  const sameB = b.shape.reduce((x, y) => x * y, 1) === n && b.shape.length <= shape.length;
  if (sameA && sameB) return { n, maps: null };
  if (shape.length > MAX_BROADCAST_RANK)
    ctx.unsupported(`broadcasting over ${shape.length} dimensions (at most ${MAX_BROADCAST_RANK})`);
  // The index maps cost 8 bytes per output element; a corrupt shape must not exhaust memory.
  if (n > MAX_BROADCAST_ELEMENTS)
    ctx.unsupported(`a broadcast output of ${n} elements (at most ${MAX_BROADCAST_ELEMENTS})`);
  return { n, maps: broadcastIndexMaps(a.shape, b.shape, shape) };
}
