import { makeMaxMinKernel } from './common/maximum-minimum';

/** MINIMUM: elementwise min with broadcasting (see maximum-minimum.ts). */
export const kernel = makeMaxMinKernel(false);
