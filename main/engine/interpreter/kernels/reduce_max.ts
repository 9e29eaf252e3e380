import { floatReducer } from './common/float-reducer';

/** REDUCE_MAX: float32 maximum over the axes. */
export const kernel = floatReducer('REDUCE_MAX', -Infinity, (a, x) => (x > a ? x : a));
