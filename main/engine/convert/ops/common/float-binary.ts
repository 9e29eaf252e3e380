/**
 * Binary element-wise ops on float32 values (Sub, Mul, Div, Pow, Max, Min, PRelu): ONNX
 * broadcasting and layouts as common/elementwise.ts does them, after refusing other dtypes, and
 * the variadic form (Max, Min: a chain of the binary op, left to right).
 */
import { broadcastBinary, type ConstTensor } from '../../const-tensor';
import type { NodeContext } from '../../node-context';
import type { OpConverter } from '../../op-converter';
import type { DType } from '../../../tensor/dtype';
import { constValue, type Value } from '../../values';
import { emitBinary, type BinarySpec } from './elementwise';
import { requireDtype, requireFloat32 } from './unary';

export function floatBinaryConverter(spec: BinarySpec): OpConverter {
  return {
    convert: (ctx) => [
      emitBinary(
        ctx,
        requireFloat32(ctx, ctx.requireInput(0), 0),
        requireFloat32(ctx, ctx.requireInput(1), 1),
        spec,
      ),
    ],
    fold: (ctx, [a, b]) => [
      broadcastBinary(
        a ?? ctx.unsupported('input 0 is missing'),
        b ?? ctx.unsupported('input 1 is missing'),
        spec.fold,
      ),
    ],
  };
}

/**
 * Max, Min, Sum over any number of inputs: one op per extra input, the last named as the output
 * (`then` may add a last step, as Mean's division). `dtypes`: what the TFLite op computes
 * exactly (MAXIMUM / MINIMUM compare, so int32 and int64 convert too).
 */
export function variadicConverter(
  spec: BinarySpec,
  dtypes: readonly DType[] = ['float32'],
  then?: { spec: BinarySpec; operand: (count: number) => ConstTensor },
): OpConverter {
  return {
    convert(ctx: NodeContext) {
      const inputs = ctx.node.inputs.map((_, i) => requireDtype(ctx, ctx.requireInput(i), i, dtypes));
      const steps: [Value, BinarySpec][] = inputs.slice(1).map((v) => [v, spec]);
      if (then) steps.push([constValue(then.operand(inputs.length)), then.spec]);
      let v: Value = inputs[0];
      steps.forEach(([operand, s], i) => {
        const last = i === steps.length - 1;
        v = emitBinary(ctx, v, operand, s, last ? ctx.outputName(0) : ctx.tempName(`step${i + 1}`));
      });
      return [v];
    },
    fold: (ctx, inputs) => {
      const present = inputs.map((c, i) => c ?? ctx.unsupported(`input ${i} is missing`));
      const folded = present
        .slice(1)
        .reduce((acc: ConstTensor, c) => broadcastBinary(acc, c, spec.fold), present[0]);
      return [then ? broadcastBinary(folded, then.operand(present.length), then.spec.fold) : folded];
    },
  };
}
