/**
 * 1-D window ops (Conv1d, MaxPool1d, AveragePool1d: input [N, C, L]) run as their 2-D TFLite
 * operators over [N, 1, L, C]. The rank-3 activation is stored channel-last ([N, L, C]), so the
 * move to rank 4 and back is a RESHAPE each way, never a TRANSPOSE.
 */
import { channelsLastPerm, permuteDims } from '../../layout';
import type { NodeContext } from '../../node-context';
import type { ActValue } from '../../values';

/** [N, C, L] → the same values as [N, C, 1, L] stored NHWC. */
export function liftTo2d(ctx: NodeContext, x: ActValue): ActValue {
  const [n, c, l] = x.dims;
  const dims = [n, c, 1, l];
  const perm = channelsLastPerm(4);
  const source = ctx.tensorIn(x, channelsLastPerm(3), 'nlc');
  const tensor = ctx.builder.physicalReshape(source, permuteDims(dims, perm), x.dtype, ctx.tempName('as_2d'));
  return ctx.output(tensor, dims, perm);
}

/** [N, M, 1, L'] stored NHWC → [N, M, L'] stored channel-last, named as the node's output. */
export function lowerTo1d(ctx: NodeContext, v: ActValue): ActValue {
  const [n, m, , l] = v.dims;
  const dims = [n, m, l];
  const perm = channelsLastPerm(3);
  const tensor = ctx.builder.physicalReshape(v.tensor, permuteDims(dims, perm), v.dtype, ctx.outputName(0));
  return ctx.output(tensor, dims, perm);
}
