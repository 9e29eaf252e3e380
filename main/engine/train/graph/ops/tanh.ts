/** TANH: y = tanh x; dy/dx = 1 - y² with y as stored. */
import { unaryOp } from './unary';

export const tanh = unaryOp(Math.tanh, (_x, y) => 1 - y * y);
