/** LOGISTIC: y = 1 / (1 + e^-x); dy/dx = y (1 - y) with y as stored. */
import { unaryOp } from './unary';

export const logistic = unaryOp(
  (x) => 1 / (1 + Math.exp(-x)),
  (_x, y) => y * (1 - y),
);
