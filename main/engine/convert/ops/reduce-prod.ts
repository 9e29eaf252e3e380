/** ReduceProd → REDUCE_PROD (common/reduce.ts); axes an input from opset 18. */
import { BuiltinOperator } from '../../tflite/generated/tflite';
import { reduceConverter } from './common/reduce';

export const reduceProd = reduceConverter(BuiltinOperator.REDUCE_PROD, 18);
