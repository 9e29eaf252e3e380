/**
 * One thread's share of data-parallel training (pool.ts): the model rebuilt from its bytes, the
 * recipe's per-thread hooks (model transform, activation fake-quant, loss), and a trainable graph.
 * `run` computes one shard: forward, loss, and (for training shards) backward into zeroed
 * gradients. The same class runs inline on the main thread and in every pool thread, so results
 * do not depend on where a shard ran.
 */
import { readTflite } from '../tflite/reader';
import type { TflModel } from '../tflite/model';
import type { TrainOptions } from './api';
import { buildTrainGraph } from './graph/graph';
import type { ActivationObserver, TrainGraph } from './graph/types';
import { argmax, softmaxCrossEntropy } from './loss';
import type { ShardRequest, ShardResult, ShardState, ShardWorkerInit } from './pool';
import { createRecipes } from './recipes/registry';
import type { Recipe, RecipeContext } from './recipes/types';

/** The recipes' model transforms, in order (distillation builds its student here). */
export function transformedModel(
  original: TflModel,
  recipes: Recipe[],
  ctx: (r: Recipe, i: number) => RecipeContext,
): TflModel {
  let model = original;
  recipes.forEach((r, i) => {
    if (r.transformModel) model = r.transformModel(model, ctx(r, i));
  });
  return model;
}

/** The recipes' activation hooks as one observer: forward in recipe order, backward in reverse. */
export function composeObservers(recipes: Recipe[]): ActivationObserver | undefined {
  const hooks = recipes.flatMap((r) => (r.activations ? [r.activations] : []));
  if (hooks.length === 0) return undefined;
  return {
    forward: (site, values, count, training) => {
      for (const h of hooks) h.forward(site, values, count, training);
    },
    backward: (site, values, grad, count) => {
      for (let i = hooks.length - 1; i >= 0; i--) hooks[i]!.backward(site, values, grad, count);
    },
  };
}

export function optionsOf(init: ShardWorkerInit): RecipeContext['options'] {
  return {
    recipe: init.recipe,
    epochs: init.epochs,
    batchSize: init.batchSize,
    learningRate: init.learningRate,
    valSplit: init.valSplit,
    seed: init.seed,
  } satisfies Omit<TrainOptions, 'signal' | 'onBatch' | 'onEpoch'>;
}

export class ShardWorker {
  readonly graph: TrainGraph;
  /** This thread's recipe instances, in recipe order. */
  readonly recipes: Recipe[];
  /** The model as given (before the recipes' transforms). */
  readonly original: TflModel;
  private dLogits: Float32Array = new Float32Array(0);

  constructor(init: ShardWorkerInit) {
    const original = readTflite(init.modelBytes);
    this.original = original;
    const base = { original, options: optionsOf(init) };
    this.recipes = createRecipes(init.recipe, base);
    const model = transformedModel(original, this.recipes, (r, i) => ({
      ...base,
      step: r.step,
      stepIndex: i,
    }));
    this.graph = buildTrainGraph(model);
    this.graph.observer = composeObservers(this.recipes);
  }

  /**
   * `into`: buffers (one per parameter, of its size) the gradients are copied into and returned
   * as the result's grads, instead of new copies (the inline pool reuses them batch after batch).
   */
  run(state: ShardState, req: ShardRequest, into?: Float64Array[]): ShardResult {
    const g = this.graph;
    g.params.forEach((p, i) => p.value.set(state.params[i]!));
    this.recipes.forEach((r, i) => {
      if (state.recipeState[i] !== undefined) r.activations?.setState?.(state.recipeState[i]);
    });
    const training = !req.evalOnly;
    const logits = g.forward(req.inputs, req.count, training);
    const classes = g.classes;
    if (this.dLogits.length < req.count * classes) this.dLogits = new Float32Array(req.count * classes);
    const dLogits = training ? this.dLogits : undefined;
    const lossHook = [...this.recipes].reverse().find((r) => r.loss)?.loss;
    let lossSum: number;
    let correct = 0;
    if (lossHook && training) {
      lossSum = lossHook.loss({
        logits,
        labels: req.labels,
        count: req.count,
        classes,
        inputs: req.inputs,
        batchSize: req.batchSize,
        dLogits: dLogits!,
      });
      for (let s = 0; s < req.count; s++) if (argmax(logits, s, classes) === req.labels[s]) correct++;
    } else {
      const r = softmaxCrossEntropy(logits, req.labels, req.count, classes, req.batchSize, dLogits);
      lossSum = r.loss;
      correct = r.correct;
    }
    if (!training) return { lossSum, correct, grads: [], stats: [] };
    g.zeroGrad();
    g.backward(dLogits!.subarray(0, req.count * classes));
    return {
      lossSum,
      correct,
      grads: into
        ? g.params.map((p, i) => {
            into[i]!.set(p.grad);
            return into[i]!;
          })
        : g.params.map((p) => p.grad.slice()),
      stats: this.recipes.map((r) => r.activations?.stats?.()),
    };
  }
}
