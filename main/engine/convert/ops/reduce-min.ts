/** ReduceMin → REDUCE_MIN (common/reduce.ts); axes an input from opset 18. */
import { BuiltinOperator } from '../../tflite/generated/tflite';
import { reduceConverter } from './common/reduce';

export const reduceMin = reduceConverter(BuiltinOperator.REDUCE_MIN, 18);
