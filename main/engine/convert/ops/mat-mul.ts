/** MatMul with a constant 2-D right operand → FULLY_CONNECTED (weights Bᵀ, zero bias; keep_num_dims past rank 2). */
import { float32Const, transposeConst } from '../const-tensor';
import type { OpConverter } from '../op-converter';
import { fullyConnected } from './common/fully-connected';

export const matMul: OpConverter = {
  convert(ctx) {
    const a = ctx.act(0);
    const b =
      ctx.input(1)?.kind === 'const' ? ctx.constInput(1, 'B') : ctx.unsupported('MatMul of two activations');
    if (b.dims.length !== 2 || a.dims.length < 2) ctx.unsupported(`MatMul of [${a.dims}] by [${b.dims}]`);
    if (b.dtype !== 'float32') ctx.unsupported(`${b.dtype} B`);
    const units = b.dims[1];
    return [
      fullyConnected(ctx, a, transposeConst(b, [1, 0]), float32Const([units], new Float32Array(units))),
    ];
  },
};
