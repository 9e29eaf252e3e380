/** Dropout (inference) → its input, unchanged; a mask output that something reads is unsupported. */
import type { OpConverter } from '../op-converter';

export const dropout: OpConverter = {
  convert: (ctx) => [ctx.requireInput(0)],
  fold: (_ctx, [x]) => [x!],
};
