/**
 * ONNX Slice's per-axis arithmetic (Operators.md, Slice): negative starts/ends count from the
 * end, then both are clamped — to [0, dim] for a positive step, to [0, dim - 1] (start) and
 * [-1, dim - 1] (end) for a negative one — and the axis keeps ceil((end - start) / step)
 * elements. TFLite's STRIDED_SLICE reads negative ends as counted from the end too, so an end of
 * -1 ("before index 0" for a negative step) becomes its end_mask bit instead.
 */
import { allocTyped, numElements } from '../../../tensor/dtype';
import type { ConstTensor } from '../../const-tensor';

export interface SliceAxis {
  /** First index read (0 ≤ begin < dim when the axis is not empty). */
  begin: number;
  /** One past the last index, in the step's direction; -1 means "through index 0". */
  end: number;
  step: number;
  /** Elements the axis keeps. */
  size: number;
}

const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);

export function sliceAxis(dim: number, start: number, end: number, step: number): SliceAxis {
  const s = start < 0 ? start + dim : start;
  const e = end < 0 ? end + dim : end;
  const begin = step > 0 ? clamp(s, 0, dim) : clamp(s, 0, dim - 1);
  const stop = step > 0 ? clamp(e, 0, dim) : clamp(e, -1, dim - 1);
  const size = Math.max(0, Math.ceil((stop - begin) / step));
  return { begin, end: stop, step, size };
}

/**
 * Every axis of a tensor of `dims`, sliced where `axes` (non-negative) say, whole elsewhere.
 * starts/ends/steps are ONNX's per-listed-axis values.
 */
export function slicePlan(
  dims: readonly number[],
  axes: readonly number[],
  starts: readonly number[],
  ends: readonly number[],
  steps: readonly number[],
): SliceAxis[] {
  const plan = dims.map((d) => ({ begin: 0, end: d, step: 1, size: d }));
  axes.forEach((axis, k) => {
    plan[axis] = sliceAxis(dims[axis], starts[k], ends[k], steps[k]);
  });
  return plan;
}

/** The slice of a constant (for folding Shape → Slice chains). */
export function sliceConst(c: ConstTensor, plan: readonly SliceAxis[]): ConstTensor {
  const dims = plan.map((p) => p.size);
  const out = allocTyped(c.dtype, numElements(dims));
  const strides = new Array<number>(c.dims.length);
  let acc = 1;
  for (let i = c.dims.length - 1; i >= 0; i--) {
    strides[i] = acc;
    acc *= c.dims[i];
  }
  const src = c.data as unknown as ArrayLike<unknown>;
  const dst = out as unknown as unknown[];
  const index = new Array<number>(dims.length).fill(0);
  for (let o = 0; o < out.length; o++) {
    let from = 0;
    for (let i = 0; i < dims.length; i++) from += (plan[i].begin + index[i] * plan[i].step) * strides[i];
    dst[o] = src[from];
    for (let i = dims.length - 1; i >= 0; i--) {
      if (++index[i] < dims[i]) break;
      index[i] = 0;
    }
  }
  return { dtype: c.dtype, dims, data: out };
}
