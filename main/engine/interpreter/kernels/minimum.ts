import { makeMaxMinKernel } from './maximum-minimum';

/** MINIMUM: elementwise min with broadcasting (see maximum-minimum.ts). */
export const kernel = makeMaxMinKernel(false);
