/**
 * Binary element-wise ops with ONNX (numpy) broadcasting. The output takes the layout of the
 * full-rank activation operand, so channel-last tensors stay channel-last; constant operands are
 * expanded to the output rank and stored in that layout (a per-channel [C,1,1] bias becomes
 * [1,1,1,C]), which TFLite's broadcasting then applies.
 */
import type { BuiltinOperator, BuiltinOptions } from '../../../tflite/generated/tflite';
import { broadcastBinary, broadcastDims, reshapeConst, type ConstTensor } from '../../const-tensor';
import type { TflOptions } from '../../ir';
import { identityPerm, permuteDims } from '../../layout';
import type { NodeContext } from '../../node-context';
import type { OpConverter } from '../../op-converter';
import type { ActValue, Value } from '../../values';

/** The TFLite operator a binary op becomes. */
export interface BinaryOp {
  op: BuiltinOperator;
  optionsType: BuiltinOptions;
  options: () => TflOptions;
}

export interface BinarySpec extends BinaryOp {
  /** The same function on numbers, for folding constants. */
  fold: (x: number, y: number) => number;
}

export function binaryConverter(spec: BinarySpec): OpConverter {
  return {
    convert: (ctx) => [emitBinary(ctx, ctx.requireInput(0), ctx.requireInput(1), spec)],
    fold: (ctx, [a, b]) => [
      broadcastBinary(
        a ?? ctx.unsupported('input 0 is missing'),
        b ?? ctx.unsupported('input 1 is missing'),
        spec.fold,
      ),
    ],
  };
}

function dimsOf(v: Value): number[] {
  return v.kind === 'const' ? v.value.dims : v.dims;
}

/** Emits `spec.op` on two values (at least one an activation); the output value. */
export function emitBinary(
  ctx: NodeContext,
  a: Value,
  b: Value,
  spec: BinaryOp,
  name = ctx.outputName(0),
): ActValue {
  const dims =
    broadcastDims(dimsOf(a), dimsOf(b)) ??
    ctx.unsupported(`shapes [${dimsOf(a)}] and [${dimsOf(b)}] do not broadcast`);
  const rank = dims.length;
  const lead = [a, b].find((v): v is ActValue => v.kind === 'act' && v.dims.length === rank);
  const perm = lead ? lead.perm : identityPerm(rank);
  const operand = (v: Value, i: number): number => {
    const expanded = withRank(ctx, v, rank, `operand${i}`);
    return ctx.tensorIn(expanded, perm, `operand${i}`);
  };
  const tensor = ctx.builder.emit({
    op: spec.op,
    optionsType: spec.optionsType,
    options: spec.options(),
    inputs: [operand(a, 0), operand(b, 1)],
    shape: permuteDims(dims, perm),
    dtype: a.kind === 'act' ? a.dtype : a.value.dtype,
    name,
  });
  return ctx.output(tensor, dims, perm);
}

/** The value with leading 1s added up to `rank` (numpy broadcasting aligns from the right). */
function withRank(ctx: NodeContext, v: Value, rank: number, suffix: string): Value {
  const dims = dimsOf(v);
  if (dims.length === rank) return v;
  const expanded = [...Array<number>(rank - dims.length).fill(1), ...dims];
  if (v.kind === 'const') return { kind: 'const', value: reshapeConst(v.value, expanded) };
  return ctx.builder.reshape(v, expanded, ctx.tempName(suffix), `${ctx.where} broadcasts a lower-rank input`);
}

/** A per-channel vector [C] as a constant of ONNX dims [1, C, 1, …] for an input of `rank`. */
export function perChannel(c: ConstTensor, rank: number): ConstTensor {
  return reshapeConst(c, [1, c.data.length, ...Array<number>(Math.max(rank - 2, 0)).fill(1)]);
}
