/**
 * SUB: the same arithmetic as ADD with the second operand negated after rescaling (TFLite negates
 * input2's multiplier; multiplyByQuantizedMultiplier rounds symmetrically, so both are equal).
 */
import type { Kernel } from '../types';
import { prepareAddLike } from './add';

export const kernel: Kernel = {
  prepare: (ctx) => prepareAddLike(ctx, -1),
};
