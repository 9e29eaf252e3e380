/**
 * Split → SPLIT into equal parts along the axis as the activation stores it (outputs keep its
 * layout). Sizes come from the `split` attribute (before opset 13), the constant input 1, or
 * equal parts (num_outputs from opset 18, else the output count); unequal sizes are refused
 * (Lowbit's interpreter has no SPLIT_V).
 */
import { BuiltinOperator, BuiltinOptions, SplitOptionsT } from '../../tflite/generated/tflite';
import { numbersOf } from '../const-tensor';
import { permuteDims } from '../layout';
import type { OpConverter } from '../op-converter';
import { requireDtype } from './common/unary';

export const split: OpConverter = {
  convert(ctx) {
    const x = requireDtype(ctx, ctx.act(0), 0, ['float32', 'int32', 'int64']);
    const rank = x.dims.length;
    const raw = ctx.attrs.int('axis', 0);
    const axis = raw < 0 ? raw + rank : raw;
    if (!(axis >= 0 && axis < rank)) ctx.unsupported(`axis ${raw} for rank ${rank}`);
    const parts = ctx.node.outputs.length;
    const given =
      ctx.opset < 13
        ? ctx.attrs.ints('split', [])
        : numbersOf(
            ctx.optionalConst(1, 'split') ?? { dtype: 'int64', dims: [0], data: new BigInt64Array() },
          );
    const size = x.dims[axis];
    if (size % parts !== 0 && given.length === 0)
      ctx.unsupported(`${size} elements into ${parts} parts (uneven)`);
    const sizes = given.length > 0 ? given : Array<number>(parts).fill(size / parts);
    if (sizes.length !== parts || sizes.some((s) => s !== sizes[0]) || sizes[0] * parts !== size)
      ctx.unsupported(`parts of sizes [${sizes}] (SPLIT makes equal parts; the interpreter has no SPLIT_V)`);
    const dims = x.dims.map((d, i) => (i === axis ? sizes[0] : d));
    const outputs = ctx.node.outputs.map((_, i) =>
      ctx.builder.graph.addTensor({
        name: ctx.outputName(i),
        shape: permuteDims(dims, x.perm),
        dtype: x.dtype,
      }),
    );
    ctx.builder.graph.addOp({
      op: BuiltinOperator.SPLIT,
      inputs: [ctx.builder.int32Tensor([x.perm.indexOf(axis)], ctx.tempName('axis'), []), x.tensor],
      outputs,
      optionsType: BuiltinOptions.SplitOptions,
      options: new SplitOptionsT(parts),
      node: ctx.builder.currentNode,
    });
    return outputs.map((t) => ctx.output(t, dims, x.perm, x.dtype));
  },
};
