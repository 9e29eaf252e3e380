/** Sigmoid → LOGISTIC. */
import { BuiltinOperator } from '../../tflite/generated/tflite';
import { unaryConverter } from './common/unary';

export const sigmoid = unaryConverter({ op: BuiltinOperator.LOGISTIC, fold: (x) => 1 / (1 + Math.exp(-x)) });
