/**
 * Element-wise ops of one float32 input that keep its dims and layout (Sigmoid, Tanh, Sqrt,
 * LeakyRelu, HardSwish…): one TFLite operator on the activation as it is stored, or the same
 * function on a constant. To add one: `unaryConverter({ op, fold })` in its op file.
 */
import type { BuiltinOperator, BuiltinOptions } from '../../../tflite/generated/tflite';
import { constOf, float32Const, numbersOf } from '../../const-tensor';
import type { TflOptions } from '../../ir';
import type { NodeContext } from '../../node-context';
import type { OpConverter } from '../../op-converter';
import type { DType } from '../../../tensor/dtype';
import { constValue, type ActValue, type Value } from '../../values';
import { emitBinary, type BinaryOp } from './elementwise';

export interface UnarySpec {
  op: BuiltinOperator;
  optionsType?: BuiltinOptions;
  options?: (ctx: NodeContext) => TflOptions;
  /** The same function on one number (float64; the constant stores it as its dtype). */
  fold: (x: number, ctx: NodeContext) => number;
}

/** Input i as a float32 activation; other dtypes are refused (the converter writes float32 models). */
export function floatAct(ctx: NodeContext, i = 0): ActValue {
  return requireFloat32(ctx, ctx.act(i), i);
}

/** The value when its dtype is one of `allowed`; another is refused naming the input. */
export function requireDtype<V extends Value>(
  ctx: NodeContext,
  v: V,
  i: number,
  allowed: readonly DType[],
): V {
  const dtype = v.kind === 'act' ? v.dtype : v.value.dtype;
  if (!allowed.includes(dtype))
    ctx.unsupported(
      `${dtype} input ${i} (the converter writes float32 models; ${ctx.node.opType} also takes ${allowed.join(', ')})`,
    );
  return v;
}

/** The value when it is float32; another dtype is refused naming the input. */
export function requireFloat32<V extends Value>(ctx: NodeContext, v: V, i: number): V {
  const dtype = v.kind === 'act' ? v.dtype : v.value.dtype;
  if (dtype !== 'float32') ctx.unsupported(`${dtype} input ${i} (the converter writes float32 models)`);
  return v;
}

export function emitUnary(
  ctx: NodeContext,
  x: ActValue,
  spec: UnarySpec,
  name = ctx.outputName(0),
): ActValue {
  const tensor = ctx.builder.emit({
    op: spec.op,
    optionsType: spec.optionsType,
    options: spec.options?.(ctx),
    inputs: [x.tensor],
    shape: [...ctx.builder.graph.tensors[x.tensor].shape],
    dtype: x.dtype,
    name,
  });
  return ctx.output(tensor, x.dims, x.perm);
}

/** Folds a unary op: `fn` on every element of input 0, kept in its dtype. */
function foldUnary(fn: (x: number, ctx: NodeContext) => number): NonNullable<OpConverter['fold']> {
  return (ctx, [x]) => {
    const c = x ?? ctx.unsupported('input 0 is missing');
    return [
      constOf(
        c.dtype,
        c.dims,
        numbersOf(c).map((v) => fn(v, ctx)),
      ),
    ];
  };
}

export function unaryConverter(spec: UnarySpec): OpConverter {
  return { convert: (ctx) => [emitUnary(ctx, floatAct(ctx), spec)], fold: foldUnary(spec.fold) };
}

/**
 * A unary op that TFLite computes as a binary op with a float32 scalar (Neg: x MUL -1,
 * Reciprocal: 1 DIV x), for ops Lowbit's interpreter has no kernel of their own for.
 */
export function scalarOperandConverter(
  op: BinaryOp,
  scalar: number,
  scalarFirst: boolean,
  fold: (x: number) => number,
): OpConverter {
  return {
    convert(ctx) {
      const x = floatAct(ctx);
      const s = constValue(float32Const([], [scalar]));
      return [emitBinary(ctx, scalarFirst ? s : x, scalarFirst ? x : s, op)];
    },
    fold: foldUnary(fold),
  };
}
