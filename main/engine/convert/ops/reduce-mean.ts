/** ReduceMean → MEAN (common/reduce.ts); axes an input from opset 18. */
import { BuiltinOperator } from '../../tflite/generated/tflite';
import { reduceConverter } from './common/reduce';

export const reduceMean = reduceConverter(BuiltinOperator.MEAN, 18);
