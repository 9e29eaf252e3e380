/** Tanh → TANH. */
import { BuiltinOperator } from '../../tflite/generated/tflite';
import { unaryConverter } from './common/unary';

export const tanh = unaryConverter({ op: BuiltinOperator.TANH, fold: Math.tanh });
