/** RELU6: y = min(max(0, x), 6); gradient 1 where 0 < x < 6, else 0. */
import { unaryOp } from './unary';

export const relu6 = unaryOp(
  (x) => (x > 0 ? (x < 6 ? x : 6) : 0),
  (x) => (x > 0 && x < 6 ? 1 : 0),
);
