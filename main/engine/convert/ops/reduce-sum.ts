/** ReduceSum → SUM (common/reduce.ts); axes an input from opset 13. */
import { BuiltinOperator } from '../../tflite/generated/tflite';
import { reduceConverter } from './common/reduce';

export const reduceSum = reduceConverter(BuiltinOperator.SUM, 13);
