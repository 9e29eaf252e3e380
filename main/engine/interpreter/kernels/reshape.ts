/**
 * RESHAPE: the new shape comes from the constant shape input (1-D int32), else from the
 * options' new_shape, else the output tensor's static shape; one -1 is inferred.
 */
import { numElements } from '../../tensor/dtype';
import { constInts } from './common/kernel-util';
import { prepareCopy } from './common/reshape';
import type { Kernel, OpContext } from '../types';

export const kernel: Kernel = {
  prepare(ctx: OpContext) {
    const input = ctx.input(0);
    const out = ctx.output(0);
    const shapeT = ctx.inputs[1] ?? null;
    let shape: number[];
    if (shapeT && shapeT.isConst && shapeT.shape.length === 1) shape = constInts(ctx, shapeT, 'shape');
    else if (ctx.options?.newShape?.length) shape = [...ctx.options.newShape];
    else shape = [...out.shape];
    const unknown = shape.filter((d) => d === -1).length;
    if (unknown > 1 || shape.some((d) => d < -1)) ctx.invalid(`bad new shape [${shape.join(',')}]`);
    if (unknown === 1) {
      const known = numElements(shape.filter((d) => d !== -1));
      const total = numElements(input.shape);
      if (known === 0 || total % known !== 0)
        ctx.invalid(`cannot infer -1 in [${shape.join(',')}] from ${total} elements`);
      shape = shape.map((d) => (d === -1 ? total / known : d));
    }
    return prepareCopy(ctx, input, out, shape);
  },
};
