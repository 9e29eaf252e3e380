/** MaxPool (2-D) → MAX_POOL_2D; padding beyond TFLite's SAME is a PADV2 with the lowest float. */
import { BuiltinOperator } from '../../tflite/generated/tflite';
import type { OpConverter } from '../op-converter';
import { pool2d } from './common/pool';

export const maxPool: OpConverter = { convert: (ctx) => [pool2d(ctx, BuiltinOperator.MAX_POOL_2D)] };
