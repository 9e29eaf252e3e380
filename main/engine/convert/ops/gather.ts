/**
 * Gather on constants (shape arithmetic) → folded. Gather of an activation by constant indices →
 * GATHER on the activation in ONNX order (negative indices made positive here); runtime
 * indices are refused.
 */
import { BuiltinOperator, BuiltinOptions, GatherOptionsT } from '../../tflite/generated/tflite';
import { gatherConst, numbersOf } from '../const-tensor';
import { identityPerm } from '../layout';
import type { NodeContext } from '../node-context';
import type { OpConverter } from '../op-converter';

function axisOf(ctx: NodeContext, rank: number): number {
  const raw = ctx.attrs.int('axis', 0);
  const axis = raw < 0 ? raw + rank : raw;
  if (!(axis >= 0 && axis < rank)) ctx.unsupported(`axis ${raw} for rank ${rank}`);
  return axis;
}

export const gather: OpConverter = {
  convert(ctx) {
    const x = ctx.act(0);
    const indices = ctx.constInput(1, 'the indices');
    const axis = axisOf(ctx, x.dims.length);
    const size = x.dims[axis];
    const idx = numbersOf(indices).map((i) => (i < 0 ? i + size : i));
    if (idx.some((i) => !(i >= 0 && i < size))) ctx.unsupported(`an index outside [${-size}, ${size})`);
    const dims = [...x.dims.slice(0, axis), ...indices.dims, ...x.dims.slice(axis + 1)];
    const tensor = ctx.builder.emit({
      op: BuiltinOperator.GATHER,
      optionsType: BuiltinOptions.GatherOptions,
      options: new GatherOptionsT(axis, 0),
      inputs: [
        ctx.tensorIn(x, identityPerm(x.dims.length), 'onnx_order'),
        ctx.builder.int32Tensor(idx, ctx.tempName('indices'), [...indices.dims]),
      ],
      shape: dims,
      dtype: x.dtype,
      name: ctx.outputName(0),
    });
    return [ctx.output(tensor, dims, identityPerm(dims.length))];
  },
  fold(ctx, [data, indices]) {
    return [gatherConst(data!, indices!, axisOf(ctx, data!.dims.length))];
  },
};
