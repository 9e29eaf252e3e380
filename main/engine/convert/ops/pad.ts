/**
 * Pad → PAD (constant 0), PADV2 (another constant), MIRROR_PAD REFLECT (mode reflect), or
 * MIRROR_PAD SYMMETRIC for mode edge when no side pads more than 1 (there the edge value and its
 * mirror are the same element; TFLite has no edge padding beyond that). Pads come from the
 * `pads` attribute before opset 11, else the constant input 1 (and `axes`, input 3, from 18);
 * negative pads (cropping) are refused. The padding follows the activation's layout.
 */
import {
  BuiltinOperator,
  BuiltinOptions,
  MirrorPadMode,
  MirrorPadOptionsT,
  PadOptionsT,
  PadV2OptionsT,
} from '../../tflite/generated/tflite';
import { constOf, numbersOf } from '../const-tensor';
import { permuteDims } from '../layout';
import type { NodeContext } from '../node-context';
import type { OpConverter } from '../op-converter';
import { requireDtype } from './common/unary';

/** [before, after] per ONNX axis. */
function padsOf(ctx: NodeContext, rank: number): [number, number][] {
  const flat = ctx.opset < 11 ? ctx.attrs.ints('pads', []) : numbersOf(ctx.constInput(1, 'pads'));
  const axesInput = ctx.opset >= 18 ? ctx.optionalConst(3, 'axes') : undefined;
  const axes = axesInput
    ? numbersOf(axesInput).map((a) => (a < 0 ? a + rank : a))
    : Array.from({ length: rank }, (_, i) => i);
  if (flat.length !== 2 * axes.length) ctx.unsupported(`${flat.length} pads for ${axes.length} axes`);
  const pads: [number, number][] = Array.from({ length: rank }, () => [0, 0]);
  axes.forEach((a, k) => {
    if (!(a >= 0 && a < rank)) ctx.unsupported(`axis ${a} out of range for rank ${rank}`);
    pads[a] = [flat[k], flat[k + axes.length]];
  });
  if (pads.some(([b, e]) => b < 0 || e < 0)) ctx.unsupported(`negative pads [${flat}] (cropping)`);
  return pads;
}

function constantValue(ctx: NodeContext): number {
  if (ctx.opset < 11) return ctx.attrs.float('value', 0);
  const v = ctx.optionalConst(2, 'constant_value');
  return v ? numbersOf(v)[0] : 0;
}

export const pad: OpConverter = {
  convert(ctx) {
    const x = requireDtype(ctx, ctx.act(0), 0, ['float32', 'int32']);
    const mode = ctx.attrs.string('mode', 'constant');
    const pads = padsOf(ctx, x.dims.length);
    const dims = x.dims.map((d, i) => d + pads[i][0] + pads[i][1]);
    const value = mode === 'constant' ? constantValue(ctx) : 0;
    const physical = permuteDims(pads, x.perm);
    const paddings = ctx.builder.int32Tensor(physical.flat(), ctx.tempName('paddings'), [physical.length, 2]);
    const request = {
      inputs: [x.tensor, paddings],
      shape: permuteDims(dims, x.perm),
      dtype: x.dtype,
      name: ctx.outputName(0),
    };
    let tensor: number;
    if (mode === 'constant') {
      tensor =
        value === 0
          ? ctx.builder.emit({
              ...request,
              op: BuiltinOperator.PAD,
              optionsType: BuiltinOptions.PadOptions,
              options: new PadOptionsT(),
            })
          : ctx.builder.emit({
              ...request,
              op: BuiltinOperator.PADV2,
              optionsType: BuiltinOptions.PadV2Options,
              options: new PadV2OptionsT(),
              inputs: [
                ...request.inputs,
                ctx.builder.constTensor(constOf(x.dtype, [], [value]), ctx.tempName('value')),
              ],
            });
    } else if (mode === 'reflect' || mode === 'edge') {
      if (mode === 'reflect' && pads.some(([b, e], i) => b >= x.dims[i] || e >= x.dims[i]))
        ctx.unsupported(`reflect pads [${pads.flat()}] reach past the edge of [${x.dims}]`);
      if (mode === 'edge' && pads.some(([b, e]) => b > 1 || e > 1))
        ctx.unsupported(`mode edge with pads over 1 [${pads.flat()}] (TFLite has no edge padding)`);
      const mirror = mode === 'reflect' ? MirrorPadMode.REFLECT : MirrorPadMode.SYMMETRIC;
      tensor = ctx.builder.emit({
        ...request,
        op: BuiltinOperator.MIRROR_PAD,
        optionsType: BuiltinOptions.MirrorPadOptions,
        options: new MirrorPadOptionsT(mirror),
      });
    } else return ctx.unsupported(`mode ${mode}`);
    return [ctx.output(tensor, dims, x.perm)];
  },
};
