/**
 * ConvTranspose (1-D or 2-D, group 1) → TRANSPOSE_CONV with VALID padding onto the full output
 * ((in - 1)·stride + dilated kernel + output_padding), then a SLICE that crops ONNX's pads.
 * TFLite's transposed convolution has no dilation: the kernel (a constant) is dilated here by
 * inserting zeros. Weights [C_in, C_out, kH, kW] become [C_out, kH, kW, C_in]; a non-zero bias
 * is TRANSPOSE_CONV's fourth input. Head/tail crops come from pads, auto_pad or output_shape as
 * Operators.md defines them; an output_shape beyond the full output adds rows at the end (as
 * output_padding does) while that stays below the stride, else it is refused. A 1-D one
 * ([N, C, L]) runs as the 2-D one over [N, C, 1, L], like Conv (common/one-d.ts).
 */
import {
  ActivationFunctionType,
  BuiltinOperator,
  BuiltinOptions,
  Padding,
  SliceOptionsT,
  TransposeConvOptionsT,
} from '../../tflite/generated/tflite';
import { float32Const, transposeConst, type ConstTensor } from '../const-tensor';
import { channelsLastPerm } from '../layout';
import type { NodeContext } from '../node-context';
import type { OpConverter } from '../op-converter';
import { liftTo2d, lowerTo1d } from './common/one-d';
import { floatAct } from './common/unary';

/** Weights [C_in, C_out, kH, kW] with dilation d: zeros between taps, [C_in, C_out, kH', kW']. */
export function dilateKernel(w: ConstTensor, dilations: readonly number[]): ConstTensor {
  const [ci, co, kh, kw] = w.dims;
  const [dh, dw] = dilations;
  if (dh === 1 && dw === 1) return w;
  const kh2 = (kh - 1) * dh + 1;
  const kw2 = (kw - 1) * dw + 1;
  const src = w.data as Float32Array;
  const out = new Float32Array(ci * co * kh2 * kw2);
  for (let p = 0; p < ci * co; p++)
    for (let y = 0; y < kh; y++)
      for (let x = 0; x < kw; x++) out[(p * kh2 + y * dh) * kw2 + x * dw] = src[(p * kh + y) * kw + x];
  return float32Const([ci, co, kh2, kw2], out);
}

interface Crop {
  head: number;
  tail: number;
}

/** Per spatial dim: rows cropped before and after the full output (tail < 0: rows added). */
function crops(ctx: NodeContext, input: number[], full: number[], strides: number[], oneD: boolean): Crop[] {
  const autoPad = ctx.attrs.string('auto_pad', 'NOTSET');
  const outputShape = oneD
    ? [1, ...ctx.attrs.ints('output_shape', []).slice(-1)]
    : ctx.attrs.ints('output_shape', []);
  const split = (total: number, upper: boolean): Crop => {
    if (total < 0) return { head: 0, tail: total };
    const half = Math.floor(total / 2);
    return upper ? { head: half, tail: total - half } : { head: total - half, tail: half };
  };
  if (outputShape.length > (oneD ? 1 : 0)) {
    const out = outputShape.slice(-2);
    return full.map((f, i) => split(f - out[i], autoPad === 'SAME_UPPER'));
  }
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER')
    return full.map((f, i) => split(f - input[i] * strides[i], autoPad === 'SAME_UPPER'));
  if (autoPad === 'VALID') return full.map(() => ({ head: 0, tail: 0 }));
  if (autoPad !== 'NOTSET') ctx.unsupported(`auto_pad ${autoPad}`);
  const pads = oneD
    ? [0, ctx.attrs.ints('pads', [0, 0])[0], 0, ctx.attrs.ints('pads', [0, 0])[1]]
    : ctx.attrs.ints('pads', [0, 0, 0, 0]);
  return full.map((_, i) => ({ head: pads[i], tail: pads[i + 2] }));
}

export const convTranspose: OpConverter = {
  convert(ctx) {
    const x0 = floatAct(ctx);
    const w0 = ctx.constInput(1, 'the weight');
    const oneD = x0.dims.length === 3 && w0.dims.length === 3;
    if (!oneD && (x0.dims.length !== 4 || w0.dims.length !== 4))
      ctx.unsupported(`only 1-D and 2-D transposed convolution (input rank ${x0.dims.length})`);
    if (w0.dtype !== 'float32') ctx.unsupported(`${w0.dtype} weights`);
    const x = oneD ? liftTo2d(ctx, x0) : x0;
    const w = oneD ? { ...w0, dims: [w0.dims[0], w0.dims[1], 1, w0.dims[2]] } : w0;
    // 1-D attributes act on the last axis; the added height axis has stride and dilation 1.
    const attr2d = (name: string, fallback: number) =>
      oneD ? [fallback, ...ctx.attrs.ints(name, [fallback])] : ctx.attrs.ints(name, [fallback, fallback]);
    const group = ctx.attrs.int('group', 1);
    if (group !== 1) ctx.unsupported(`group ${group} (TRANSPOSE_CONV has no groups)`);
    const [n, c, h, wd] = x.dims;
    if (w.dims[0] !== c) ctx.unsupported(`weights [${w.dims}] do not fit ${c} input channels`);
    const strides = attr2d('strides', 1);
    const dilations = attr2d('dilations', 1);
    const outputPadding = attr2d('output_padding', 0);
    const kernel = dilateKernel(w, dilations);
    const m = kernel.dims[1];
    const full = [h, wd].map((size, i) => (size - 1) * strides[i] + kernel.dims[2 + i] + outputPadding[i]);
    const cut = crops(ctx, [h, wd], full, strides, oneD);
    cut.forEach((cr, i) => {
      if (cr.head < 0) ctx.unsupported(`negative pads (${cr.head})`);
      if (cr.tail < 0 && outputPadding[i] - cr.tail >= strides[i])
        ctx.unsupported(`an output ${-cr.tail} larger than the full transposed convolution`);
    });
    const computed = full.map((f, i) => f + Math.max(0, -cut[i].tail));
    const out = computed.map((f, i) => f - cut[i].head - Math.max(0, cut[i].tail));
    if (out.some((o) => !(o > 0))) ctx.unsupported(`pads leave an output of [${out}]`);
    const bias = ctx.optionalConst(2, 'the bias');
    const nhwc = channelsLastPerm(4);
    const fullShape = [n, computed[0], computed[1], m];
    const b = ctx.builder;
    const needsCrop = out.some((o, i) => o !== computed[i]);
    let tensor = b.emit({
      op: BuiltinOperator.TRANSPOSE_CONV,
      optionsType: BuiltinOptions.TransposeConvOptions,
      options: new TransposeConvOptionsT(Padding.VALID, strides[1], strides[0], ActivationFunctionType.NONE),
      inputs: [
        b.int32Tensor(fullShape, ctx.tempName('output_shape')),
        b.constTensor(transposeConst(kernel, [1, 2, 3, 0]), ctx.tempName('filter')),
        ctx.tensorIn(x, nhwc, 'nhwc'),
        // A zero bias is left out: runtimes parse the 3-input form (TFLite before the bias input,
        // Arm NN 22) as well.
        ...(bias && (bias.data as Float32Array).some((v) => v !== 0)
          ? [b.constTensor(bias, ctx.tempName('bias'))]
          : []),
      ],
      shape: fullShape,
      name: needsCrop ? ctx.tempName('full') : oneD ? ctx.tempName('transpose_conv') : ctx.outputName(0),
    });
    if (needsCrop)
      tensor = b.emit({
        op: BuiltinOperator.SLICE,
        optionsType: BuiltinOptions.SliceOptions,
        options: new SliceOptionsT(),
        inputs: [
          tensor,
          b.int32Tensor([0, cut[0].head, cut[1].head, 0], ctx.tempName('begin')),
          b.int32Tensor([n, out[0], out[1], m], ctx.tempName('size')),
        ],
        shape: [n, out[0], out[1], m],
        name: oneD ? ctx.tempName('crop') : ctx.outputName(0),
      });
    const y = ctx.output(tensor, [n, m, out[0], out[1]], nhwc);
    return [oneD ? lowerTo1d(ctx, y) : y];
  },
};
