/**
 * `prune:S`: TFMOT magnitude pruning (prune_low_magnitude with a PolynomialDecay schedule from 0
 * to S, power 3, begin step 0, end at two thirds of the run, updates every 100 steps:
 * prune-schedule.ts). Each update zeroes, per layer, the round(s·n) smallest magnitudes at the
 * schedule's sparsity s (ties: the lower flat index first, optimize/prune/magnitude.ts), so the
 * export has exactly round(S·n) zeros in every pruned layer. The kernels of CONV_2D,
 * DEPTHWISE_CONV_2D and FULLY_CONNECTED are pruned, as TFMOT prunes Conv2D, DepthwiseConv2D and
 * Dense kernels; biases are not. Masking itself: masked-weights.ts.
 */
import { smallestK, targetZeros } from '../../optimize/prune/magnitude';
import { maskedRecipe } from './masked-weights';
import type { RecipeFactory } from './types';
import { WEIGHT_OPS } from './weight-tensors';

export const pruneRecipe: RecipeFactory = (step, ctx) => {
  if (step.kind !== 'prune') throw new Error(`prune recipe given a ${step.kind} step`);
  return maskedRecipe(
    {
      name: 'prune',
      finalSparsity: step.sparsity,
      applies: (p) => WEIGHT_OPS.has(p.opName),
      mask(_p, mag, sparsity, out) {
        out.fill(1);
        for (const i of smallestK(mag, targetZeros(mag.length, sparsity))) out[i] = 0;
      },
    },
    ctx,
  );
};
