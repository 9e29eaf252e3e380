import { floatUnaryKernel } from './common/float-unary';

/** SQRT: float32 square root (NaN for negative inputs, as std::sqrt). */
export const kernel = floatUnaryKernel('SQRT', Math.sqrt);
