/**
 * MatMul (numpy semantics, operands of rank ≥ 2). A constant 2-D right operand → FULLY_CONNECTED
 * (weights Bᵀ, zero bias; keep_num_dims past rank 2). Anything else (two activations, a constant
 * with batch dims) → BATCH_MATMUL on both operands in ONNX order, batch dims broadcast.
 */
import { BatchMatMulOptionsT, BuiltinOperator, BuiltinOptions } from '../../tflite/generated/tflite';
import { broadcastDims, float32Const, transposeConst } from '../const-tensor';
import { identityPerm } from '../layout';
import type { OpConverter } from '../op-converter';
import type { Value } from '../values';
import { fullyConnected } from './common/fully-connected';

const dimsOf = (v: Value) => (v.kind === 'const' ? v.value.dims : v.dims);

export const matMul: OpConverter = {
  convert(ctx) {
    const a = ctx.requireInput(0);
    const b = ctx.requireInput(1);
    const [ad, bd] = [dimsOf(a), dimsOf(b)];
    if (ad.length < 2 || bd.length < 2) ctx.unsupported(`MatMul of [${ad}] by [${bd}] (1-D operand)`);
    for (const [v, i] of [
      [a, 0],
      [b, 1],
    ] as const) {
      const dtype = v.kind === 'const' ? v.value.dtype : v.dtype;
      if (dtype !== 'float32') ctx.unsupported(`${dtype} input ${i}`);
    }
    if (a.kind === 'act' && b.kind === 'const' && bd.length === 2) {
      const units = bd[1];
      return [
        fullyConnected(
          ctx,
          a,
          transposeConst(b.value, [1, 0]),
          float32Const([units], new Float32Array(units)),
        ),
      ];
    }
    if (a.kind === 'const' && b.kind === 'const') ctx.unsupported('MatMul of two constants');
    const k = ad[ad.length - 1];
    if (bd[bd.length - 2] !== k) ctx.unsupported(`MatMul of [${ad}] by [${bd}]: inner dims differ`);
    const batch =
      broadcastDims(ad.slice(0, -2), bd.slice(0, -2)) ??
      ctx.unsupported(`MatMul of [${ad}] by [${bd}]: batch dims do not broadcast`);
    if (batch.length + 2 > 5) ctx.unsupported(`MatMul of rank ${batch.length + 2} (TFLite takes up to 5)`);
    const dims = [...batch, ad[ad.length - 2], bd[bd.length - 1]];
    const tensor = ctx.builder.emit({
      op: BuiltinOperator.BATCH_MATMUL,
      optionsType: BuiltinOptions.BatchMatMulOptions,
      options: new BatchMatMulOptionsT(false, false, false),
      inputs: [
        ctx.tensorIn(a, identityPerm(ad.length), 'lhs'),
        ctx.tensorIn(b, identityPerm(bd.length), 'rhs'),
      ],
      shape: dims,
      name: ctx.outputName(0),
    });
    return [ctx.output(tensor, dims, identityPerm(dims.length))];
  },
};
