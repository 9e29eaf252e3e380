/**
 * Dropout (inference) → its input, unchanged; its mask output (opset 12+) is then all true, a
 * constant. training_mode (input 2 from opset 12) is unsupported unless it is a constant false or
 * the ratio a constant 0: training-mode dropout is random.
 */
import { constOf, numbersOf, type ConstTensor } from '../const-tensor';
import type { NodeContext } from '../node-context';
import type { OpConverter } from '../op-converter';
import { constValue, type Value } from '../values';

const isConstZero = (v: Value | undefined) => v?.kind === 'const' && numbersOf(v.value).every((x) => x === 0);

function refuseTraining(ctx: NodeContext): void {
  const training = ctx.opset >= 12 ? ctx.input(2) : undefined;
  if (training && !isConstZero(training) && !isConstZero(ctx.input(1)))
    ctx.unsupported('training_mode with a ratio that is not a constant 0 (random dropout)');
}

/** Every element kept: a bool tensor of these dims, all true. */
function allKept(dims: readonly number[]): ConstTensor {
  return constOf('bool', [...dims], new Array<number>(dims.reduce((a, b) => a * b, 1)).fill(1));
}

export const dropout: OpConverter = {
  convert: (ctx) => {
    refuseTraining(ctx);
    const x = ctx.requireInput(0);
    return [x, constValue(allKept(x.kind === 'const' ? x.value.dims : x.dims))];
  },
  fold: (ctx, [x]) => {
    refuseTraining(ctx);
    const c = x ?? ctx.unsupported('input 0 is missing');
    return [c, allKept(c.dims)];
  },
};
