/** Flatten → RESHAPE to [product of dims before axis, product from axis]. */
import { numElements } from '../../tensor/dtype';
import { reshapeConverter } from './common/reshape';

export const flatten = reshapeConverter((ctx, dims) => {
  const raw = ctx.attrs.int('axis', 1);
  const axis = raw < 0 ? raw + dims.length : raw;
  if (!(axis >= 0 && axis <= dims.length)) ctx.unsupported(`axis ${raw} for rank ${dims.length}`);
  return [numElements(dims.slice(0, axis)), numElements(dims.slice(axis))];
});
