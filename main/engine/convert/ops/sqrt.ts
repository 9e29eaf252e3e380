/** Sqrt → SQRT. */
import { BuiltinOperator } from '../../tflite/generated/tflite';
import { unaryConverter } from './common/unary';

export const sqrt = unaryConverter({ op: BuiltinOperator.SQRT, fold: Math.sqrt });
