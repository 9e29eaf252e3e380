import { makeReluKernel } from './common/relu-family';

/** RELU_N1_TO_1: min(max(-1, x), 1); see common/relu-family.ts for the quantized arithmetic. */
export const kernel = makeReluKernel(-1, 1);
