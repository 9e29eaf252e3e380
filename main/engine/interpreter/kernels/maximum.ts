import { makeMaxMinKernel } from './common/maximum-minimum';

/** MAXIMUM: elementwise max with broadcasting (see maximum-minimum.ts). */
export const kernel = makeMaxMinKernel(true);
