/** GlobalAveragePool → MEAN over the spatial axes of the channel-last tensor, keep_dims. */
import { BuiltinOperator, BuiltinOptions, ReducerOptionsT } from '../../tflite/generated/tflite';
import { channelsLastPerm, permuteDims } from '../layout';
import type { OpConverter } from '../op-converter';

export const globalAveragePool: OpConverter = {
  convert(ctx) {
    const x = ctx.act(0);
    const rank = x.dims.length;
    if (rank < 3) ctx.unsupported(`input of rank ${rank}`);
    const perm = channelsLastPerm(rank);
    const input = ctx.tensorIn(x, perm, 'nhwc');
    const spatial = Array.from({ length: rank - 2 }, (_, i) => i + 1);
    const dims = x.dims.map((d, i) => (i < 2 ? d : 1));
    const tensor = ctx.builder.emit({
      op: BuiltinOperator.MEAN,
      optionsType: BuiltinOptions.ReducerOptions,
      options: new ReducerOptionsT(true),
      inputs: [input, ctx.builder.int32Tensor(spatial, ctx.tempName('axes'))],
      shape: permuteDims(dims, perm),
      name: ctx.outputName(0),
    });
    return [ctx.output(tensor, dims, perm)];
  },
};
