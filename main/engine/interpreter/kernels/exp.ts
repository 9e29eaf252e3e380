import { floatUnaryKernel } from './common/float-unary';

/** EXP: float32 e^x. */
export const kernel = floatUnaryKernel('EXP', Math.exp);
