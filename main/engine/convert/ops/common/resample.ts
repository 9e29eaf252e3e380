/**
 * Resize modes TFLite's RESIZE_NEAREST_NEIGHBOR / RESIZE_BILINEAR cannot reproduce (cubic, other
 * nearest roundings, linear at scales that are not the size ratio, tf_crop_and_resize), written as
 * what they are: per spatial axis, each output row (column) is a weighted sum of a few input rows
 * (columns) fixed by the sizes. One axis at a time on the channel-last tensor: GATHER the k input
 * rows each output row reads (k = 1 nearest, 2 linear, 4 cubic), MUL by that tap's weight per
 * output row, ADD the taps, then ADD the extrapolation value where tf_crop_and_resize samples
 * outside the input. Exact up to float32 rounding; the sampling follows Operators.md (Resize) and
 * ONNX's reference implementation.
 */
import {
  ActivationFunctionType,
  AddOptionsT,
  BuiltinOperator,
  BuiltinOptions,
  GatherOptionsT,
  MulOptionsT,
} from '../../../tflite/generated/tflite';
import type { NodeContext } from '../../node-context';
import { onnxLinearWeights, onnxNearest, onnxSourceCoordinate, type ResizeAxis } from './resize-modes';

export type ResampleKind = 'nearest' | 'linear' | 'cubic';

export interface ResampleSpec {
  kind: ResampleKind;
  coordinateMode: string;
  nearestMode: string;
  /** cubic_coeff_a (cubic only). */
  cubicA: number;
  /** exclude_outside (cubic only): taps outside the input get weight 0, the rest renormalised. */
  excludeOutside: boolean;
  extrapolationValue: number;
}

/** One axis's sampling: per output index, k (input index, weight) taps and an added constant. */
export interface AxisTaps {
  indices: number[][];
  weights: number[][];
  /** Per output index: the value added (tf_crop_and_resize's extrapolation), else 0. */
  offset: number[];
}

/** ONNX's cubic convolution coefficients for the four taps at floor(c) - 1 … floor(c) + 2. */
function cubicCoefficients(t: number, a: number): number[] {
  const far = (d: number) => ((a * d - 5 * a) * d + 8 * a) * d - 4 * a;
  const near = (d: number) => ((a + 2) * d - (a + 3)) * d * d + 1;
  return [far(t + 1), near(t), near(1 - t), far(2 - t)];
}

/**
 * The taps of one axis. `roi` is tf_crop_and_resize's [start, end] for this axis (normalised);
 * undefined for other modes. A coordinate mode ONNX does not define is refused by the caller.
 */
export function axisTaps(spec: ResampleSpec, a: ResizeAxis, roi?: [number, number]): AxisTaps {
  const k = spec.kind === 'nearest' ? 1 : spec.kind === 'linear' ? 2 : 4;
  const taps: AxisTaps = { indices: [], weights: [], offset: [] };
  const last = a.inSize - 1;
  for (let x = 0; x < a.outSize; x++) {
    let c: number;
    if (roi) {
      const [s, e] = roi;
      c = a.outSize > 1 ? s * last + (x * (e - s) * last) / (a.outSize - 1) : 0.5 * (s + e) * last;
      if (c < 0 || c > last) {
        taps.indices.push(Array<number>(k).fill(0));
        taps.weights.push(Array<number>(k).fill(0));
        taps.offset.push(spec.extrapolationValue);
        continue;
      }
    } else c = onnxSourceCoordinate(spec.coordinateMode, x, a)!;
    let idx: number[];
    let w: number[];
    if (spec.kind === 'nearest') {
      idx = [onnxNearest(c, spec.nearestMode, a.inSize)];
      w = [1];
    } else if (spec.kind === 'linear') {
      const m = [...onnxLinearWeights(c, a.inSize)];
      idx = m.map(([i]) => i);
      w = m.map(([, v]) => v);
      if (idx.length === 1) {
        idx.push(idx[0]);
        w.push(0);
      }
    } else {
      const base = Math.floor(c);
      const raw = [base - 1, base, base + 1, base + 2];
      w = cubicCoefficients(c - base, spec.cubicA);
      if (spec.excludeOutside) {
        w = w.map((v, i) => (raw[i] < 0 || raw[i] > last ? 0 : v));
        const sum = w.reduce((p, v) => p + v, 0);
        w = w.map((v) => v / sum);
      }
      idx = raw.map((i) => Math.min(Math.max(i, 0), last));
    }
    taps.indices.push(idx);
    taps.weights.push(w);
    taps.offset.push(0);
  }
  return taps;
}

/**
 * Resamples NHWC `tensor` (physical `shape`) along physical axis `axis` (1 = H, 2 = W) by `taps`;
 * the new tensor (temp-named; `tensor` itself when the taps copy it) and its shape.
 */
export function resampleAxis(
  ctx: NodeContext,
  tensor: number,
  shape: number[],
  axis: 1 | 2,
  taps: AxisTaps,
): { tensor: number; shape: number[] } {
  const outSize = taps.indices.length;
  const outShape = shape.map((d, i) => (i === axis ? outSize : d));
  const k = taps.indices[0].length;
  const weightDims = [1, 1, 1, 1].map((d, i) => (i === axis ? outSize : d));
  const tag = axis === 1 ? 'h' : 'w';
  const identity =
    k === 1 &&
    taps.indices.every((ix, i) => ix[0] === i) &&
    shape[axis] === outSize &&
    taps.weights.every((w) => w[0] === 1);
  let sum: number | undefined;
  if (!identity)
    for (let t = 0; t < k; t++) {
      const gathered = ctx.builder.emit({
        op: BuiltinOperator.GATHER,
        optionsType: BuiltinOptions.GatherOptions,
        options: new GatherOptionsT(axis, 0),
        inputs: [
          tensor,
          ctx.builder.int32Tensor(
            taps.indices.map((ix) => ix[t]),
            ctx.tempName(`${tag}_index${t}`),
          ),
        ],
        shape: outShape,
        name: ctx.tempName(`${tag}_tap${t}`),
      });
      const unit = taps.weights.every((w) => w[t] === 1);
      const weighted = unit
        ? gathered
        : ctx.builder.emit({
            op: BuiltinOperator.MUL,
            optionsType: BuiltinOptions.MulOptions,
            options: new MulOptionsT(ActivationFunctionType.NONE),
            inputs: [
              gathered,
              ctx.builder.constTensor(
                {
                  dtype: 'float32',
                  dims: weightDims,
                  data: Float32Array.from(taps.weights.map((w) => w[t])),
                },
                ctx.tempName(`${tag}_weight${t}`),
              ),
            ],
            shape: outShape,
            name: ctx.tempName(`${tag}_weighted${t}`),
          });
      sum = sum === undefined ? weighted : add(ctx, sum, weighted, outShape, ctx.tempName(`${tag}_sum${t}`));
    }
  let out = sum ?? tensor;
  if (taps.offset.some((v) => v !== 0)) {
    const offset = ctx.builder.constTensor(
      { dtype: 'float32', dims: weightDims, data: Float32Array.from(taps.offset) },
      ctx.tempName(`${tag}_extrapolation`),
    );
    out = add(ctx, out, offset, outShape, ctx.tempName(`${tag}_extrapolated`));
  }
  return { tensor: out, shape: outShape };
}

function add(ctx: NodeContext, a: number, b: number, shape: number[], name: string): number {
  return ctx.builder.emit({
    op: BuiltinOperator.ADD,
    optionsType: BuiltinOptions.AddOptions,
    options: new AddOptionsT(ActivationFunctionType.NONE),
    inputs: [a, b],
    shape,
    name,
  });
}
