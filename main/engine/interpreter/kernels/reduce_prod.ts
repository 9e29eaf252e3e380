import { floatReducer } from './common/float-reducer';

/** REDUCE_PROD: float32 product over the axes, in input order. */
export const kernel = floatReducer('REDUCE_PROD', 1, (a, x) => a * x);
