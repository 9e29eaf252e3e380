/** Gather on constants (shape arithmetic) → folded; Gather of an activation is not converted yet. */
import { gatherConst } from '../const-tensor';
import type { OpConverter } from '../op-converter';

export const gather: OpConverter = {
  convert: (ctx) => ctx.unsupported('Gather of an activation (only constant Gather chains fold)'),
  fold(ctx, [data, indices]) {
    const rank = data!.dims.length;
    const raw = ctx.attrs.int('axis', 0);
    const axis = raw < 0 ? raw + rank : raw;
    if (!(axis >= 0 && axis < rank)) ctx.unsupported(`axis ${raw} for rank ${rank}`);
    return [gatherConst(data!, indices!, axis)];
  },
};
