/** PADV2: PAD with an explicit scalar pad value (input 2, constant_values); see pad.ts. */
import type { Kernel } from '../types';
import { preparePad } from './pad';

export const kernel: Kernel = {
  prepare: (ctx) => preparePad(ctx, true),
};
