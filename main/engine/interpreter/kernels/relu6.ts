import { makeReluKernel } from './common/relu-family';

/** RELU6: min(max(0, x), 6); see common/relu-family.ts for the quantized arithmetic. */
export const kernel = makeReluKernel(0, 6);
