/** Types shared by the full-integer planner (full-integer.ts) and its rewriter (full-integer-rewrite.ts). */
import type { OpQuantSpec } from './op-specs';

/** A full-integer model's input/output type. */
export type ModelIo = 'float' | 'int8' | 'uint8' | 'int16';

/** Whether one operator is quantized, and why. */
export interface OpPlan {
  quantize: boolean;
  name: string;
  reason: string;
  spec?: OpQuantSpec;
}
