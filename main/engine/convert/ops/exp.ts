/** Exp → EXP. */
import { BuiltinOperator } from '../../tflite/generated/tflite';
import { unaryConverter } from './common/unary';

export const exp = unaryConverter({ op: BuiltinOperator.EXP, fold: Math.exp });
