/** ReduceMax → REDUCE_MAX (common/reduce.ts); axes an input from opset 18. */
import { BuiltinOperator } from '../../tflite/generated/tflite';
import { reduceConverter } from './common/reduce';

export const reduceMax = reduceConverter(BuiltinOperator.REDUCE_MAX, 18);
