/** Squeeze → RESHAPE without the given size-1 axes (all size-1 axes when none are given). */
import { axesOf, reshapeConverter } from './common/reshape';

export const squeeze = reshapeConverter((ctx, dims) => {
  const axes = axesOf(ctx, dims.length) ?? dims.flatMap((d, i) => (d === 1 ? [i] : []));
  if (axes.some((a) => dims[a] !== 1)) ctx.unsupported(`squeezing axes [${axes}] of [${dims}]`);
  return dims.filter((_, i) => !axes.includes(i));
});
