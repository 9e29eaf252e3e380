/**
 * Greedy, lifetime-based activation memory planner, in the manner of TFLite Micro's
 * GreedyMemoryPlanner: buffers that are never alive at the same time may share bytes.
 *
 * Algorithm:
 *  1. Sort requests by size, largest first. Tie-break: earlier `first` use first, then lower
 *     request index — so the plan is deterministic and independent of the sort's stability.
 *  2. Place each request in turn. Among the already-placed buffers whose lifetimes overlap it
 *     (inclusive intervals [first, last] intersect), walk them in offset order and take the
 *     first gap, starting from offset 0, that is large enough; otherwise place it after the
 *     highest end among them.
 *  3. The arena size is the highest end over all placements.
 *
 * Sizes are rounded up to `alignment` bytes (16 by default), so every offset is aligned too.
 * Lifetimes are in operator indices: a tensor produced by op p and last read by op q lives in
 * [p, q]. An op's inputs and outputs are both alive at that op, so they never share bytes
 * (no in-place kernels).
 */
import { InvalidArgumentError } from '../errors';

export interface PlanRequest {
  /** Caller's id for the buffer (e.g. tensor index). */
  id: number;
  size: number;
  /** First operator index at which the buffer must hold data. */
  first: number;
  /** Last operator index that reads it (inclusive). */
  last: number;
}

export interface Placement extends PlanRequest {
  /** Byte offset in the arena (a multiple of the alignment). */
  offset: number;
  /** Size after rounding up to the alignment. */
  alignedSize: number;
}

export interface MemoryPlan {
  arenaBytes: number;
  /** In the order of the requests given. */
  placements: Placement[];
}

export function alignUp(n: number, alignment: number): number {
  return Math.ceil(n / alignment) * alignment;
}

export function planMemory(requests: readonly PlanRequest[], alignment = 16): MemoryPlan {
  if (!Number.isInteger(alignment) || alignment < 1)
    throw new InvalidArgumentError(`alignment ${alignment} must be a positive integer`);
  for (const r of requests) {
    if (!(r.size >= 0) || !Number.isFinite(r.size))
      throw new InvalidArgumentError(`buffer ${r.id}: bad size ${r.size}`);
    if (r.last < r.first)
      throw new InvalidArgumentError(`buffer ${r.id}: lifetime [${r.first}, ${r.last}] is empty`);
  }
  const order = requests.map((_, i) => i);
  order.sort((a, b) => {
    const ra = requests[a];
    const rb = requests[b];
    return rb.size - ra.size || ra.first - rb.first || a - b;
  });

  const placed: Placement[] = [];
  const result: Placement[] = new Array(requests.length);
  for (const i of order) {
    const r = requests[i];
    const alignedSize = alignUp(r.size, alignment);
    const live = placed
      .filter((p) => p.first <= r.last && r.first <= p.last && p.alignedSize > 0)
      .sort((a, b) => a.offset - b.offset || a.alignedSize - b.alignedSize);
    let offset = 0;
    if (alignedSize > 0) {
      for (const p of live) {
        if (offset + alignedSize <= p.offset) break; // fits in the gap before p
        offset = Math.max(offset, p.offset + p.alignedSize);
      }
    }
    const placement: Placement = { ...r, offset, alignedSize };
    placed.push(placement);
    result[i] = placement;
  }
  let arenaBytes = 0;
  for (const p of placed) arenaBytes = Math.max(arenaBytes, p.offset + p.alignedSize);
  return { arenaBytes, placements: result };
}
