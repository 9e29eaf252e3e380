/** Unsqueeze → RESHAPE with size-1 axes inserted (axes count in the output's rank). */
import { axesOf, reshapeConverter } from './common/reshape';

export const unsqueeze = reshapeConverter((ctx, dims) => {
  const rank =
    dims.length +
    (ctx.opset < 13 ? ctx.attrs.ints('axes', []).length : (ctx.optionalConst(1, 'axes')?.data.length ?? 0));
  const axes = axesOf(ctx, rank) ?? ctx.unsupported('no axes');
  const out: number[] = [];
  let next = 0;
  for (let i = 0; i < rank; i++) out.push(axes.includes(i) ? 1 : dims[next++]);
  return out;
});
