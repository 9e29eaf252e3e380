/**
 * Gemm (Y = α·A·B' + β·C) with constant B → FULLY_CONNECTED: weights B (transB) or Bᵀ, scaled
 * by α; bias β·C when C is per output unit ([N] or [1, N] or a scalar).
 */
import { float32Const, numbersOf, transposeConst } from '../const-tensor';
import type { OpConverter } from '../op-converter';
import { fullyConnected } from './common/fully-connected';

export const gemm: OpConverter = {
  convert(ctx) {
    const a = ctx.act(0);
    const b = ctx.constInput(1, 'B');
    if (ctx.attrs.int('transA', 0) !== 0) ctx.unsupported('transA = 1');
    if (a.dims.length !== 2 || b.dims.length !== 2) ctx.unsupported('Gemm needs 2-D A and B');
    if (b.dtype !== 'float32') ctx.unsupported(`${b.dtype} B`);
    const weights = ctx.attrs.int('transB', 0) ? b : transposeConst(b, [1, 0]);
    const alpha = ctx.attrs.float('alpha', 1);
    const units = weights.dims[0];
    const w =
      alpha === 1
        ? weights
        : float32Const(
            weights.dims,
            numbersOf(weights).map((v) => v * alpha),
          );
    const c = ctx.optionalConst(2, 'C');
    const beta = ctx.attrs.float('beta', 1);
    let bias = new Float32Array(units);
    if (c) {
      const values = numbersOf(c);
      const perUnit =
        c.dims.length <= 2 &&
        (c.dims.length === 0 || c.dims.slice(0, -1).every((d) => d === 1 || a.dims[0] === 1));
      if (!perUnit || (values.length !== units && values.length !== 1))
        ctx.unsupported(`C of shape [${c.dims}]`);
      bias = Float32Array.from({ length: units }, (_, i) => beta * values[values.length === 1 ? 0 : i]);
    }
    return [fullyConnected(ctx, a, w, float32Const([units], bias))];
  },
};
