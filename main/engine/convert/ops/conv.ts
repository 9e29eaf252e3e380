/**
 * Conv (2-D, and 1-D as 2-D over [1, L]) → CONV_2D (group 1), DEPTHWISE_CONV_2D (group = input channels), or SPLIT +
 * CONV_2D per group + CONCATENATION (other groups). Weights OIHW → OHWI (depthwise 1HWC); an
 * omitted bias becomes zeros; padding TFLite's SAME/VALID cannot express becomes a PAD.
 */
import {
  ActivationFunctionType,
  BuiltinOperator,
  BuiltinOptions,
  ConcatenationOptionsT,
  Conv2DOptionsT,
  DepthwiseConv2DOptionsT,
  SplitOptionsT,
} from '../../tflite/generated/tflite';
import { float32Const, reshapeConst, transposeConst, type ConstTensor } from '../const-tensor';
import { channelsLastPerm } from '../layout';
import type { NodeContext } from '../node-context';
import type { OpConverter } from '../op-converter';
import { liftTo2d, lowerTo1d } from './common/one-d';
import { padSpatial, planWindow, windowAttrs, type WindowPlan } from './common/spatial';

export const conv: OpConverter = {
  convert(ctx) {
    const x0 = ctx.act(0);
    const w0 = ctx.constInput(1, 'the weight');
    const oneD = x0.dims.length === 3 && w0.dims.length === 3;
    if (!oneD && (x0.dims.length !== 4 || w0.dims.length !== 4))
      ctx.unsupported(`only 1-D and 2-D convolution (input rank ${x0.dims.length})`);
    if (w0.dtype !== 'float32') ctx.unsupported(`${w0.dtype} weights`);
    const x = oneD ? liftTo2d(ctx, x0) : x0;
    const w = oneD ? reshapeConst(w0, [w0.dims[0], w0.dims[1], 1, w0.dims[2]]) : w0;
    const [n, c, h, wd] = x.dims;
    const [m, cPerGroup, kh, kw] = w.dims;
    const group = ctx.attrs.int('group', 1);
    if (cPerGroup * group !== c || m % group !== 0)
      ctx.unsupported(`weights [${w.dims}] with group ${group} do not fit ${c} input channels`);
    const bias = ctx.optionalConst(2, 'the bias') ?? float32Const([m], new Float32Array(m));
    const attrs = oneD
      ? windowAttrs(ctx, ctx.attrs.ints('kernel_shape', [kw]), true)
      : windowAttrs(ctx, ctx.attrs.ints('kernel_shape', [kh, kw]));
    const plan = planWindow(ctx, [h, wd], attrs);
    const input = padSpatial(ctx, ctx.tensorIn(x, channelsLastPerm(4), 'nhwc'), [n, h, wd, c], plan);
    const out = [n, plan.out[0], plan.out[1], m];
    const name = oneD ? ctx.tempName('conv_2d') : ctx.outputName(0);
    let tensor: number;
    if (group === 1) tensor = conv2d(ctx, input.tensor, w, bias, plan, attrs, out, name);
    else if (group === c) {
      const filter = ctx.builder.constTensor(transposeConst(w, [1, 2, 3, 0]), ctx.tempName('filter'));
      const b = ctx.builder.constTensor(bias, ctx.tempName('bias'));
      tensor = ctx.builder.emit({
        op: BuiltinOperator.DEPTHWISE_CONV_2D,
        optionsType: BuiltinOptions.DepthwiseConv2DOptions,
        options: new DepthwiseConv2DOptionsT(
          plan.padding,
          attrs.strides[1],
          attrs.strides[0],
          m / c,
          ActivationFunctionType.NONE,
          attrs.dilations[1],
          attrs.dilations[0],
        ),
        inputs: [input.tensor, filter, b],
        shape: out,
        name,
      });
    } else tensor = groupedConv(ctx, input, w, bias, group, plan, attrs, out, name);
    const y = ctx.output(tensor, [n, m, plan.out[0], plan.out[1]], channelsLastPerm(4));
    return [oneD ? lowerTo1d(ctx, y) : y];
  },
};

function conv2d(
  ctx: NodeContext,
  input: number,
  w: ConstTensor,
  bias: ConstTensor,
  plan: WindowPlan,
  attrs: ReturnType<typeof windowAttrs>,
  out: number[],
  name: string,
): number {
  const filter = ctx.builder.constTensor(transposeConst(w, [0, 2, 3, 1]), `${name}/filter`);
  const b = ctx.builder.constTensor(bias, `${name}/bias`);
  return ctx.builder.emit({
    op: BuiltinOperator.CONV_2D,
    optionsType: BuiltinOptions.Conv2DOptions,
    options: new Conv2DOptionsT(
      plan.padding,
      attrs.strides[1],
      attrs.strides[0],
      ActivationFunctionType.NONE,
      attrs.dilations[1],
      attrs.dilations[0],
    ),
    inputs: [input, filter, b],
    shape: out,
    name,
  });
}

/** SPLIT the channels into groups, convolve each with its slice of the weights, concatenate. */
function groupedConv(
  ctx: NodeContext,
  input: { tensor: number; shape: number[] },
  w: ConstTensor,
  bias: ConstTensor,
  group: number,
  plan: WindowPlan,
  attrs: ReturnType<typeof windowAttrs>,
  out: number[],
  name: string,
): number {
  const [m, cPerGroup, kh, kw] = w.dims;
  const mPerGroup = m / group;
  const axis = ctx.builder.int32Tensor([3], ctx.tempName('split_axis'), []);
  const partShape = [...input.shape.slice(0, 3), cPerGroup];
  const parts = Array.from({ length: group }, (_, g) =>
    ctx.builder.graph.addTensor({ name: ctx.tempName(`group${g}`), shape: partShape, dtype: 'float32' }),
  );
  ctx.builder.graph.addOp({
    op: BuiltinOperator.SPLIT,
    inputs: [axis, input.tensor],
    outputs: parts,
    optionsType: BuiltinOptions.SplitOptions,
    options: new SplitOptionsT(group),
    node: ctx.builder.currentNode,
  });
  const per = mPerGroup * cPerGroup * kh * kw;
  const convs = parts.map((part, g) => {
    const wg: ConstTensor = {
      dtype: 'float32',
      dims: [mPerGroup, cPerGroup, kh, kw],
      data: w.data.slice(g * per, (g + 1) * per),
    };
    const bg = float32Const(
      [mPerGroup],
      (bias.data as Float32Array).slice(g * mPerGroup, (g + 1) * mPerGroup),
    );
    return conv2d(ctx, part, wg, bg, plan, attrs, [...out.slice(0, 3), mPerGroup], ctx.tempName(`conv${g}`));
  });
  return ctx.builder.emit({
    op: BuiltinOperator.CONCATENATION,
    optionsType: BuiltinOptions.ConcatenationOptions,
    options: new ConcatenationOptionsT(3, ActivationFunctionType.NONE),
    inputs: convs,
    shape: out,
    name,
  });
}
