/**
 * STRIDED_SLICE with begin/end/ellipsis/new_axis/shrink masks, negative strides and the `offset`
 * option (end is relative to begin), following TFLite's strided_slice.cc: ellipsis and new-axis
 * bits are first expanded into an "effective" input of rank input+new axes, then each axis gets
 * start/stop by tflite::strided_slice::StridedSliceStartForAxis / StridedSliceEndForAxis.
 * A pure data movement for every dtype (quantized values are copied, as in TFLite).
 */
import type { Kernel, OpContext } from '../types';
import type { TypedArray } from '../../tensor/dtype';
import { constInts } from './common/kernel-util';
import { copyOperands, stridesOf } from './common/layout';

export interface StridedSliceSpec {
  begin: number[];
  end: number[];
  strides: number[];
  beginMask: number;
  endMask: number;
  ellipsisMask: number;
  newAxisMask: number;
  shrinkAxisMask: number;
  offset: boolean;
}

export interface StridedSlicePlan {
  /** Per effective axis: first index, element count, stride, and the input stride in elements. */
  start: number[];
  count: number[];
  step: number[];
  inStride: number[];
  outputShape: number[];
}

const bit = (mask: number, i: number) => (mask & (1 << i)) !== 0;
const clampInt = (v: number, lo: number, hi: number) => (hi < v ? hi : v < lo ? lo : v);

/** Plans the slice; throws RangeError describing the problem for bad parameters. */
export function planStridedSlice(inShape: readonly number[], s: StridedSliceSpec): StridedSlicePlan {
  const inputDims = inShape.length;
  const beginCount = s.begin.length;
  if (s.end.length !== beginCount || s.strides.length !== beginCount)
    throw new RangeError(
      `begin/end/strides lengths differ (${beginCount}, ${s.end.length}, ${s.strides.length})`,
    );
  let numAddAxis = 0;
  for (let i = 0; i < beginCount; i++) if (!bit(s.ellipsisMask, i) && bit(s.newAxisMask, i)) numAddAxis++;
  const effDims = inputDims + numAddAxis;

  // Expand the ellipsis to as many axes as begin does not cover; new_axis under it has no effect.
  let effEllipsis = 0;
  let effNewAxis = 0;
  let ellipsisStart = effDims;
  let expandedEllipsis = 0;
  for (let i = 0; i < effDims;) {
    if (bit(s.ellipsisMask, i)) {
      ellipsisStart = i;
      const ellipsisEnd = Math.max(i + 1, Math.min(i + 1 + numAddAxis + inputDims - beginCount, effDims));
      expandedEllipsis = ellipsisEnd - ellipsisStart - 1;
      for (; i < ellipsisEnd; i++) effEllipsis |= 1 << i;
      continue;
    }
    if (bit(s.newAxisMask, i - expandedEllipsis)) effNewAxis |= 1 << i;
    i++;
  }

  const start: number[] = [];
  const stop: number[] = [];
  const strides: number[] = [];
  const effShape: number[] = [];
  let beginMask = 0;
  let endMask = 0;
  let shrinkMask = 0;
  let addedEllipsis = 0;
  let addedAxes = 0;
  for (let i = 0; i < effDims; i++) {
    if (bit(effEllipsis, i)) {
      addedEllipsis = Math.max(0, i - ellipsisStart);
      beginMask |= 1 << i;
      endMask |= 1 << i;
      start.push(0);
      stop.push(0);
      strides.push(1);
      effShape.push(inShape[i - addedAxes]);
    } else if (bit(effNewAxis, i)) {
      start.push(0);
      stop.push(1);
      strides.push(1);
      effShape.push(1);
      addedAxes++;
    } else if (i >= beginCount + expandedEllipsis) {
      start.push(0);
      stop.push(0);
      strides.push(1);
      beginMask |= 1 << i;
      endMask |= 1 << i;
      effShape.push(inShape[i - addedAxes]);
    } else {
      const o = i - addedEllipsis;
      start.push(s.begin[o]);
      stop.push(s.end[o]);
      strides.push(s.strides[o]);
      if (bit(s.beginMask, o)) beginMask |= 1 << i;
      if (bit(s.endMask, o)) endMask |= 1 << i;
      if (bit(s.shrinkAxisMask, o)) shrinkMask |= 1 << i;
      effShape.push(inShape[i - addedAxes]);
    }
  }

  // Input strides on the effective shape (new axes have size 1, so any stride works for them).
  const inStrideEff = stridesOf(effShape);
  const plan: StridedSlicePlan = { start: [], count: [], step: [], inStride: inStrideEff, outputShape: [] };
  for (let i = 0; i < effDims; i++) {
    const stride = strides[i];
    if (stride === 0) throw new RangeError(`stride on axis ${i} is zero`);
    const size = effShape[i];
    // StridedSliceStartForAxis
    let b = start[i];
    if (b < 0) b += size;
    b = stride > 0 ? clampInt(b, 0, size) : clampInt(b, -1, size - 1);
    if (bit(beginMask, i)) b = stride > 0 ? 0 : size - 1;
    // StridedSliceEndForAxis
    let e: number;
    const shrink = bit(shrinkMask, i);
    if (shrink) {
      if (b < 0 || b >= size)
        throw new RangeError(`shrink index ${start[i]} is out of range for axis ${i} of size ${size}`);
      e = b + 1;
    } else {
      e = stop[i];
      if (s.offset) e += b;
      if (e < 0) e += size;
      e = stride > 0 ? clampInt(e, 0, size) : clampInt(e, -1, size - 1);
      if (bit(endMask, i)) e = stride > 0 ? size : -1;
    }
    const n = Math.max(0, Math.ceil((e - b) / stride));
    plan.start.push(b);
    plan.count.push(n);
    plan.step.push(stride);
    if (!shrink) plan.outputShape.push(n);
  }
  return plan;
}

/** Gathers the planned elements in row-major output order. */
export function stridedSliceData(input: TypedArray, plan: StridedSlicePlan, output: TypedArray): void {
  const rank = plan.count.length;
  const total = plan.count.reduce((a, b) => a * b, 1);
  if (total === 0) return;
  const src = input as any;
  const out = output as any;
  // delta[d]: input offset change when index d advances by one
  const delta = plan.step.map((st, d) => st * plan.inStride[d]);
  let base = 0;
  for (let d = 0; d < rank; d++) base += plan.start[d] * plan.inStride[d];
  if (rank === 0) {
    out[0] = src[0];
    return;
  }
  const idx = new Array<number>(rank).fill(0);
  const last = rank - 1;
  const innerN = plan.count[last];
  const innerDelta = delta[last];
  for (let o = 0; o < total;) {
    let s = base;
    for (let k = 0; k < innerN; k++, s += innerDelta) out[o++] = src[s];
    let d = last - 1;
    while (d >= 0) {
      idx[d]++;
      base += delta[d];
      if (idx[d] < plan.count[d]) break;
      base -= delta[d] * plan.count[d];
      idx[d] = 0;
      d--;
    }
  }
}

function spec(ctx: OpContext): StridedSliceSpec {
  const o = ctx.options ?? {};
  return {
    begin: constInts(ctx, ctx.input(1), 'begin'),
    end: constInts(ctx, ctx.input(2), 'end'),
    strides: ctx.inputs.length > 3 && ctx.inputs[3] ? constInts(ctx, ctx.input(3), 'strides') : [],
    beginMask: o.beginMask ?? 0,
    endMask: o.endMask ?? 0,
    ellipsisMask: o.ellipsisMask ?? 0,
    newAxisMask: o.newAxisMask ?? 0,
    shrinkAxisMask: o.shrinkAxisMask ?? 0,
    offset: o.offset ?? false,
  };
}

export const kernel: Kernel = {
  prepare(ctx) {
    const { input, output } = copyOperands(ctx);
    if (input.shape.length > 5) ctx.unsupported(`input rank ${input.shape.length} > 5`);
    const sp = spec(ctx);
    if (sp.strides.length === 0) ctx.unsupported('strides input is missing');
    if (sp.ellipsisMask & (sp.ellipsisMask - 1)) ctx.invalid('more than one ellipsis bit set');
    let plan: StridedSlicePlan;
    try {
      plan = planStridedSlice(input.shape, sp);
    } catch (e) {
      if (e instanceof RangeError) ctx.invalid(e.message);
      throw e;
    }
    output.shape = plan.outputShape;
    return () => stridedSliceData(input.data, plan, output.data);
  },
};
