/**
 * Transpose → nothing: the output is the input's tensor with another layout (values.ts: the
 * tensor stores ONNX dim perm[i] at position i), so the permutation is absorbed into the layout
 * and a TRANSPOSE is emitted only if a later op needs the data in another order.
 */
import { transposeConst } from '../const-tensor';
import type { NodeContext } from '../node-context';
import type { OpConverter } from '../op-converter';

/** ONNX's perm (default: reverse the dims), checked to be a permutation of 0..rank-1. */
function permOf(ctx: NodeContext, rank: number): number[] {
  const perm = ctx.attrs.ints(
    'perm',
    Array.from({ length: rank }, (_, i) => rank - 1 - i),
  );
  const seen = new Set(perm);
  if (perm.length !== rank || seen.size !== rank || perm.some((p) => !(p >= 0 && p < rank)))
    ctx.unsupported(`perm [${perm}] is not a permutation of ${rank} axes`);
  return perm;
}

export const transpose: OpConverter = {
  convert(ctx) {
    const x = ctx.act(0);
    const perm = permOf(ctx, x.dims.length);
    // Output ONNX dim j is input dim perm[j]; physical position i holds input dim x.perm[i],
    // which is output dim perm.indexOf(x.perm[i]).
    const layout = x.perm.map((p) => perm.indexOf(p));
    ctx.note('absorbed into the layout');
    return [{ ...x, dims: perm.map((p) => x.dims[p]), perm: layout }];
  },
  fold: (ctx, [x]) => {
    const c = x ?? ctx.unsupported('input 0 is missing');
    return [transposeConst(c, permOf(ctx, c.dims.length))];
  },
};
