import { floatUnaryKernel } from './common/float-unary';

/** RSQRT: float32 1 / sqrt(x) (Infinity at 0, NaN below). */
export const kernel = floatUnaryKernel('RSQRT', (x) => 1 / Math.sqrt(x));
