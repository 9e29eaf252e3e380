import { makeReluKernel } from './common/relu-family';

/** RELU: max(0, x); see common/relu-family.ts for the quantized arithmetic. */
export const kernel = makeReluKernel(0, Infinity);
