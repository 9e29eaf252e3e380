/**
 * Softmax → SOFTMAX over the physical last axis. From opset 13 the axis is one dim (default −1);
 * a channel-last tensor whose axis is not last is moved (a reported TRANSPOSE). Before 13 the
 * input is coerced to 2-D at `axis` (default 1): a RESHAPE around SOFTMAX unless axis is the last.
 */
import { BuiltinOperator, BuiltinOptions, SoftmaxOptionsT } from '../../tflite/generated/tflite';
import { numElements } from '../../tensor/dtype';
import { identityPerm, permuteDims, physicalAxis } from '../layout';
import type { NodeContext } from '../node-context';
import type { OpConverter } from '../op-converter';
import type { ActValue } from '../values';

function softmaxLast(ctx: NodeContext, x: ActValue, name: string): ActValue {
  const tensor = ctx.builder.emit({
    op: BuiltinOperator.SOFTMAX,
    optionsType: BuiltinOptions.SoftmaxOptions,
    options: new SoftmaxOptionsT(1),
    inputs: [x.tensor],
    shape: permuteDims(x.dims, x.perm),
    name,
  });
  return ctx.output(tensor, x.dims, x.perm);
}

export const softmax: OpConverter = {
  convert(ctx) {
    const x = ctx.act(0);
    const rank = x.dims.length;
    const raw = ctx.attrs.int('axis', ctx.opset < 13 ? 1 : -1);
    const axis = raw < 0 ? raw + rank : raw;
    if (!(axis >= 0 && axis < rank)) ctx.unsupported(`axis ${raw} for rank ${rank}`);
    if (ctx.opset < 13 && axis !== rank - 1) {
      const why = `${ctx.where} flattens its input to 2-D`;
      const flat = ctx.builder.reshape(
        x,
        [numElements(x.dims.slice(0, axis)), numElements(x.dims.slice(axis))],
        ctx.tempName('2d'),
        why,
      );
      const y = softmaxLast(ctx, flat, ctx.tempName('softmax'));
      return [ctx.builder.reshape(y, x.dims, ctx.outputName(0), why)];
    }
    if (physicalAxis(axis, x.perm) === rank - 1) return [softmaxLast(ctx, x, ctx.outputName(0))];
    const perm = [...identityPerm(rank).filter((d) => d !== axis), axis];
    const moved = ctx.output(ctx.tensorIn(x, perm, 'axis_last'), x.dims, perm);
    return [softmaxLast(ctx, moved, ctx.outputName(0))];
  },
};
