import { floatReducer } from './common/float-reducer';

/** REDUCE_MIN: float32 minimum over the axes. */
export const kernel = floatReducer('REDUCE_MIN', Infinity, (a, x) => (x < a ? x : a));
