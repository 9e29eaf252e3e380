/**
 * `finetune`: plain float training. No hooks change the weights, activations, loss or export;
 * the run trains every trainable parameter and writes the best epoch's float model.
 */
import type { RecipeFactory } from './types';

export const finetuneRecipe: RecipeFactory = (step) => ({
  step,
  summary: (graph) => {
    const n = graph.params.reduce((s, p) => s + p.size, 0);
    return `finetune: ${n.toLocaleString('en-US')} float parameters trained in ${graph.params.length} tensors`;
  },
});
