/** Identity → its input, unchanged (no operator). */
import type { OpConverter } from '../op-converter';

export const identity: OpConverter = {
  convert: (ctx) => [ctx.requireInput(0)],
  fold: (_ctx, [x]) => [x!],
};
