/**
 * Gemm (Y = α·A'·B' + β·C) with constant B → FULLY_CONNECTED: weights B (transB) or Bᵀ, scaled
 * by α. transA reads A through its transposed layout (a TRANSPOSE only if A is stored in the
 * other order). β·C is the bias when it is per output unit ([N], [1, N] or a scalar); a C that
 * varies along rows ([M, N], [M, 1]) is added after a zero-bias FULLY_CONNECTED by an ADD.
 */
import {
  AddOptionsT,
  ActivationFunctionType,
  BuiltinOperator,
  BuiltinOptions,
} from '../../tflite/generated/tflite';
import { float32Const, numbersOf, transposeConst } from '../const-tensor';
import type { OpConverter } from '../op-converter';
import { constValue, type ActValue } from '../values';
import { emitBinary } from './common/elementwise';
import { fullyConnected } from './common/fully-connected';

export const gemm: OpConverter = {
  convert(ctx) {
    let a: ActValue = ctx.act(0);
    const b = ctx.constInput(1, 'B');
    if (a.dims.length !== 2 || b.dims.length !== 2) ctx.unsupported('Gemm needs 2-D A and B');
    if (b.dtype !== 'float32') ctx.unsupported(`${b.dtype} B`);
    if (ctx.attrs.int('transA', 0) !== 0) {
      if (a.featureOrder) ctx.unsupported('transA of a Flatten of channel-last features');
      a = { ...a, dims: [a.dims[1], a.dims[0]], perm: a.perm.map((p) => 1 - p) };
    }
    const weights = ctx.attrs.int('transB', 0) ? b : transposeConst(b, [1, 0]);
    const alpha = ctx.attrs.float('alpha', 1);
    const units = weights.dims[0];
    const rows = a.dims[0];
    const w =
      alpha === 1
        ? weights
        : float32Const(
            weights.dims,
            numbersOf(weights).map((v) => v * alpha),
          );
    const c = ctx.optionalConst(2, 'C');
    const beta = ctx.attrs.float('beta', 1);
    if (!c) return [fullyConnected(ctx, a, w, float32Const([units], new Float32Array(units)))];
    if (c.dtype !== 'float32') ctx.unsupported(`${c.dtype} C`);
    const values = numbersOf(c);
    const cDims = [...Array<number>(2 - Math.min(2, c.dims.length)).fill(1), ...c.dims.slice(-2)];
    if (
      c.dims.length > 2 ||
      !(cDims[0] === 1 || cDims[0] === rows) ||
      !(cDims[1] === 1 || cDims[1] === units)
    )
      ctx.unsupported(`C of shape [${c.dims}] does not broadcast to [${rows},${units}]`);
    if (cDims[0] === 1 || rows === 1) {
      const bias = Float32Array.from({ length: units }, (_, i) => beta * values[cDims[1] === 1 ? 0 : i]);
      return [fullyConnected(ctx, a, w, float32Const([units], bias))];
    }
    const product = fullyConnected(
      ctx,
      a,
      w,
      float32Const([units], new Float32Array(units)),
      ctx.tempName('product'),
    );
    const scaled = float32Const(
      cDims,
      values.map((v) => beta * v),
    );
    return [
      emitBinary(ctx, product, constValue(scaled), {
        op: BuiltinOperator.ADD,
        optionsType: BuiltinOptions.AddOptions,
        options: () => new AddOptionsT(ActivationFunctionType.NONE),
      }),
    ];
  },
};
