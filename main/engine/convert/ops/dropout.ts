/**
 * Dropout (inference) → its input, unchanged. A mask output that something reads is
 * unsupported, and so is training_mode (input 2 from opset 12) unless it is a constant false or
 * the ratio a constant 0: training-mode dropout is random.
 */
import { numbersOf } from '../const-tensor';
import type { NodeContext } from '../node-context';
import type { OpConverter } from '../op-converter';
import type { Value } from '../values';

const isConstZero = (v: Value | undefined) => v?.kind === 'const' && numbersOf(v.value).every((x) => x === 0);

function refuseTraining(ctx: NodeContext): void {
  const training = ctx.opset >= 12 ? ctx.input(2) : undefined;
  if (training && !isConstZero(training) && !isConstZero(ctx.input(1)))
    ctx.unsupported('training_mode with a ratio that is not a constant 0 (random dropout)');
}

export const dropout: OpConverter = {
  convert: (ctx) => {
    refuseTraining(ctx);
    return [ctx.requireInput(0)];
  },
  fold: (ctx, [x]) => {
    refuseTraining(ctx);
    return [x!];
  },
};
