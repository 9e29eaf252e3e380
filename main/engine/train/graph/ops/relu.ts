/** RELU: y = max(0, x); gradient 1 where x > 0, else 0 (TensorFlow's ReluGrad at the kink). */
import { unaryOp } from './unary';

export const relu = unaryOp(
  (x) => (x > 0 ? x : 0),
  (x) => (x > 0 ? 1 : 0),
);
