/** AveragePool (2-D) → AVERAGE_POOL_2D; count_include_pad = 1 with padding is a PAD first. */
import { BuiltinOperator } from '../../tflite/generated/tflite';
import type { OpConverter } from '../op-converter';
import { pool2d } from './common/pool';

export const averagePool: OpConverter = { convert: (ctx) => [pool2d(ctx, BuiltinOperator.AVERAGE_POOL_2D)] };
