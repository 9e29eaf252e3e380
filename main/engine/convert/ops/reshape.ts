/** Reshape with a constant shape → RESHAPE (0 copies the input dim unless allowzero, −1 is inferred). */
import { numbersOf } from '../const-tensor';
import { numElements } from '../../tensor/dtype';
import { reshapeConverter } from './common/reshape';

export const reshape = reshapeConverter((ctx, dims) => {
  const shape = numbersOf(ctx.constInput(1, 'the shape'));
  const allowZero = ctx.attrs.int('allowzero', 0) === 1;
  const out = shape.map((d, i) => (d === 0 && !allowZero ? dims[i] : d));
  const unknown = out.filter((d) => d === -1).length;
  const known = numElements(out.filter((d) => d !== -1));
  const total = numElements(dims);
  if (unknown > 1 || out.some((d) => d === undefined || d < -1)) ctx.unsupported(`shape [${shape}]`);
  const resolved = out.map((d) => (d === -1 ? total / known : d));
  if (numElements(resolved) !== total || resolved.some((d) => !Number.isInteger(d)))
    ctx.unsupported(`cannot reshape [${dims}] to [${shape}]`);
  return resolved;
});
