/** Concat → CONCATENATION in the layout of the first activation operand (axis mapped through it). */
import {
  ActivationFunctionType,
  BuiltinOperator,
  BuiltinOptions,
  ConcatenationOptionsT,
} from '../../tflite/generated/tflite';
import { concatConsts } from '../const-tensor';
import { identityPerm, permuteDims, physicalAxis } from '../layout';
import type { NodeContext } from '../node-context';
import type { OpConverter } from '../op-converter';
import type { ActValue, Value } from '../values';
import { dimsOfValue } from './common/reshape';

function axisOf(ctx: NodeContext, rank: number): number {
  const raw = ctx.attrs.int('axis', ctx.opset < 4 ? 1 : NaN);
  if (Number.isNaN(raw)) ctx.unsupported('no axis');
  const axis = raw < 0 ? raw + rank : raw;
  if (!(axis >= 0 && axis < rank)) ctx.unsupported(`axis ${raw} for rank ${rank}`);
  return axis;
}

export const concat: OpConverter = {
  convert(ctx) {
    const inputs: Value[] = ctx.node.inputs.map((_, i) => ctx.requireInput(i));
    const rank = dimsOfValue(inputs[0]).length;
    const axis = axisOf(ctx, rank);
    const lead = inputs.find((v): v is ActValue => v.kind === 'act');
    const perm = lead ? lead.perm : identityPerm(rank);
    const dims = [...dimsOfValue(inputs[0])];
    dims[axis] = inputs.reduce((n, v) => n + dimsOfValue(v)[axis], 0);
    const tensor = ctx.builder.emit({
      op: BuiltinOperator.CONCATENATION,
      optionsType: BuiltinOptions.ConcatenationOptions,
      options: new ConcatenationOptionsT(physicalAxis(axis, perm), ActivationFunctionType.NONE),
      inputs: inputs.map((v, i) => ctx.tensorIn(v, perm, `input${i}`)),
      shape: permuteDims(dims, perm),
      dtype: lead?.dtype,
      name: ctx.outputName(0),
    });
    return [ctx.output(tensor, dims, perm)];
  },
  fold: (ctx, parts) => [
    concatConsts(
      parts.map((p) => p!),
      axisOf(ctx, parts[0]!.dims.length),
    ),
  ],
};
