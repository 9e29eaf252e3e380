/**
 * MaxPool and AveragePool (2-D, and 1-D as 2-D over [1, L]) → MAX_POOL_2D / AVERAGE_POOL_2D on the
 * channel-last tensor; dilated MaxPool as strided slices and MAXIMUM.
 */
import {
  ActivationFunctionType,
  BuiltinOperator,
  BuiltinOptions,
  MaximumMinimumOptionsT,
  MulOptionsT,
  Padding,
  Pool2DOptionsT,
  StridedSliceOptionsT,
} from '../../../tflite/generated/tflite';
import { channelsLastPerm } from '../../layout';
import type { NodeContext } from '../../node-context';
import type { ActValue } from '../../values';
import { liftTo2d, lowerTo1d } from './one-d';
import { padSpatial, planWindow, windowAttrs, type WindowAttrs, type WindowPlan } from './spatial';

/** The lowest float32: max pooling's padding, which never wins a window. */
const LOWEST_FLOAT32 = -3.4028234663852886e38;

export function pool2d(
  ctx: NodeContext,
  op: BuiltinOperator.MAX_POOL_2D | BuiltinOperator.AVERAGE_POOL_2D,
): ActValue {
  const x0 = ctx.act(0);
  const oneD = x0.dims.length === 3;
  if (!oneD && x0.dims.length !== 4)
    ctx.unsupported(`only 1-D and 2-D pooling (input rank ${x0.dims.length})`);
  if (ctx.node.outputs.length > 1 && ctx.node.outputs[1]) ctx.unsupported('the Indices output');
  const kernel = ctx.attrs.ints('kernel_shape', []);
  if (kernel.length !== x0.dims.length - 2) ctx.unsupported(`kernel_shape [${kernel}]`);
  const x = oneD ? liftTo2d(ctx, x0) : x0;
  const [n, c, h, w] = x.dims;
  const attrs = windowAttrs(ctx, kernel, oneD);
  const max = op === BuiltinOperator.MAX_POOL_2D;
  const dilated = attrs.dilations.some((d) => d !== 1);
  if (dilated && !max) ctx.unsupported('dilated average pooling');
  let plan = planWindow(ctx, [h, w], attrs, ctx.attrs.int('ceil_mode', 0) === 1);
  const padded = plan.pads.some(([b, a]) => b > 0 || a > 0);
  // TFLite's SAME average excludes padding, as count_include_pad = 0 does; explicit padding counts.
  // Other padding with count_include_pad = 0 averages over the zero-padded window and rescales each
  // output position by kernel area / real elements in its window (a constant map).
  let excludePad = false;
  if (!max && padded) {
    const includePad = ctx.attrs.int('count_include_pad', 0) === 1;
    if (includePad) plan = { ...plan, padding: Padding.VALID, explicit: plan.pads };
    else if (plan.padding !== Padding.SAME) excludePad = true;
  }
  // Max pooling pads with a value that never wins a window: zero when the input cannot be negative
  // (after a ReLU: every window holds a real element ≥ 0), which a plain PAD gives and more
  // runtimes run (Arm NN 20.08 has no PADV2); otherwise the lowest float through PADV2.
  const padValue = max && !nonNegative(ctx, x0) ? LOWEST_FLOAT32 : undefined;
  const input = padSpatial(ctx, ctx.tensorIn(x, channelsLastPerm(4), 'nhwc'), [n, h, w, c], plan, padValue);
  if (dilated) {
    const y = ctx.output(
      dilatedMax(ctx, input.tensor, [n, plan.out[0], plan.out[1], c], attrs, oneD),
      [n, c, plan.out[0], plan.out[1]],
      channelsLastPerm(4),
    );
    return oneD ? lowerTo1d(ctx, y) : y;
  }
  let tensor = ctx.builder.emit({
    op,
    optionsType: BuiltinOptions.Pool2DOptions,
    options: poolOptions(plan, attrs.strides, attrs.kernel),
    inputs: [input.tensor],
    shape: [n, plan.out[0], plan.out[1], c],
    name: oneD || excludePad ? ctx.tempName('pool_2d') : ctx.outputName(0),
  });
  if (excludePad)
    tensor = rescaleByRealCount(ctx, tensor, [n, plan.out[0], plan.out[1], c], [h, w], plan, attrs, oneD);
  const y = ctx.output(tensor, [n, c, plan.out[0], plan.out[1]], channelsLastPerm(4));
  return oneD ? lowerTo1d(ctx, y) : y;
}

/**
 * Dilated max pooling, which TFLite's MAX_POOL_2D lacks: for each kernel tap (a, b) the strided
 * slice of the (padded) NHWC input that tap reads at every output position, then MAXIMUM over the
 * taps. Exact (max is max in any order).
 */
function dilatedMax(
  ctx: NodeContext,
  input: number,
  shape: number[],
  attrs: WindowAttrs,
  oneD: boolean,
): number {
  const [n, oh, ow, c] = shape;
  const [sh, sw] = attrs.strides;
  const [dh, dw] = attrs.dilations;
  let result: number | undefined;
  for (let a = 0; a < attrs.kernel[0]; a++)
    for (let b = 0; b < attrs.kernel[1]; b++) {
      const begin = [0, a * dh, b * dw, 0];
      const end = [n, a * dh + (oh - 1) * sh + 1, b * dw + (ow - 1) * sw + 1, c];
      const tap = ctx.builder.emit({
        op: BuiltinOperator.STRIDED_SLICE,
        optionsType: BuiltinOptions.StridedSliceOptions,
        options: new StridedSliceOptionsT(0, 0),
        inputs: [
          input,
          ctx.builder.int32Tensor(begin, ctx.tempName(`tap${a}_${b}_begin`)),
          ctx.builder.int32Tensor(end, ctx.tempName(`tap${a}_${b}_end`)),
          ctx.builder.int32Tensor([1, sh, sw, 1], ctx.tempName(`tap${a}_${b}_strides`)),
        ],
        shape,
        name: ctx.tempName(`tap${a}_${b}`),
      });
      const lastTap = a === attrs.kernel[0] - 1 && b === attrs.kernel[1] - 1;
      result =
        result === undefined
          ? tap
          : ctx.builder.emit({
              op: BuiltinOperator.MAXIMUM,
              optionsType: BuiltinOptions.MaximumMinimumOptions,
              options: new MaximumMinimumOptionsT(),
              inputs: [result, tap],
              shape,
              name: lastTap && !oneD ? ctx.outputName(0) : ctx.tempName(`max${a}_${b}`),
            });
    }
  return result!;
}

/**
 * Multiplies an average over zero-padded windows (NHWC `shape`) by kernel area / real elements in
 * each window: ONNX's count_include_pad = 0 over padding TFLite's SAME does not describe.
 */
function rescaleByRealCount(
  ctx: NodeContext,
  tensor: number,
  shape: number[],
  input: number[],
  plan: WindowPlan,
  attrs: WindowAttrs,
  oneD: boolean,
): number {
  const real = (d: number): number[] =>
    Array.from({ length: plan.out[d] }, (_, i) => {
      const start = i * attrs.strides[d] - plan.pads[d][0];
      return Math.min(start + attrs.kernel[d], input[d]) - Math.max(start, 0);
    });
  const [rows, cols] = [real(0), real(1)];
  if ([...rows, ...cols].some((r) => r <= 0)) ctx.unsupported('a window that holds only padding');
  const area = attrs.kernel[0] * attrs.kernel[1];
  const scale = new Float32Array(plan.out[0] * plan.out[1]);
  rows.forEach((r, i) => cols.forEach((k, j) => (scale[i * plan.out[1] + j] = area / (r * k))));
  const map = ctx.builder.constTensor(
    { dtype: 'float32', dims: [1, plan.out[0], plan.out[1], 1], data: scale },
    ctx.tempName('real_count_scale'),
  );
  return ctx.builder.emit({
    op: BuiltinOperator.MUL,
    optionsType: BuiltinOptions.MulOptions,
    options: new MulOptionsT(ActivationFunctionType.NONE),
    inputs: [tensor, map],
    shape,
    name: oneD ? ctx.tempName('pool_2d_scaled') : ctx.outputName(0),
  });
}

/** True when the activation comes out of a ReLU or ReLU6 (an operator or a fused activation). */
function nonNegative(ctx: NodeContext, x: ActValue): boolean {
  const op = ctx.builder.graph.producer(x.tensor);
  if (!op) return false;
  if (op.op === BuiltinOperator.RELU || op.op === BuiltinOperator.RELU6) return true;
  const fused = (op.options as { fusedActivationFunction?: ActivationFunctionType } | null)
    ?.fusedActivationFunction;
  return fused === ActivationFunctionType.RELU || fused === ActivationFunctionType.RELU6;
}

function poolOptions(plan: WindowPlan, strides: number[], kernel: number[]): Pool2DOptionsT {
  return new Pool2DOptionsT(
    plan.padding,
    strides[1],
    strides[0],
    kernel[1],
    kernel[0],
    ActivationFunctionType.NONE,
  );
}
