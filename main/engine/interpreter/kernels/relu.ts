import { makeReluKernel } from './relu-family';

/** RELU: max(0, x); see relu-family.ts for the quantized arithmetic. */
export const kernel = makeReluKernel(0, Infinity);
