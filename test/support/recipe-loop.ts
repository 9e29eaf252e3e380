/**
 * A single-threaded training loop over the recipe hooks (engine/train/recipes/types.ts), for
 * tests of recipes while engine/train/run.ts (the data-parallel loop) is not there to call:
 * transformModel → graph → setup; per batch: weight hooks on the float master weights, state
 * broadcast, forward with the composed activation hooks, loss hook (else softmax
 * cross-entropy), backward, stats folded, weight gradients mapped back in reverse recipe order,
 * Adam on the master weights, onStep; export left to right. Keeps the last epoch (no
 * validation-based choice: tests read the figures they need themselves).
 */
import type { RecipeStep, TrainOptions } from '../../main/engine/train/api';
import { buildTrainGraph } from '../../main/engine/train/graph/graph';
import type { FloatArray, TrainGraph } from '../../main/engine/train/graph/types';
import { Prng } from '../../main/engine/train/prng';
import { createRecipes } from '../../main/engine/train/recipes/registry';
import type { Recipe, RecipeContext } from '../../main/engine/train/recipes/types';
import type { TflModel } from '../../main/engine/tflite/model';

export interface LoopData {
  inputs: Float32Array[];
  labels: number[];
}

export interface LoopResult {
  graph: TrainGraph;
  recipes: Recipe[];
  exported: TflModel;
  summaries: string[];
  losses: number[];
}

export function runRecipeLoop(
  model: TflModel,
  steps: RecipeStep[],
  data: LoopData,
  o: { epochs: number; batchSize: number; learningRate: number; seed: number },
): LoopResult {
  const options: Omit<TrainOptions, 'signal' | 'onBatch' | 'onEpoch'> = {
    recipe: steps,
    epochs: o.epochs,
    batchSize: o.batchSize,
    learningRate: o.learningRate,
    valSplit: 0.1,
    seed: o.seed,
  };
  const base: Omit<RecipeContext, 'step' | 'stepIndex'> = { original: model, options };
  const recipes = createRecipes(steps, base);
  const ctx = (k: number): RecipeContext => ({ ...base, step: steps[k], stepIndex: k });
  let m = model;
  recipes.forEach((r, k) => {
    if (r.transformModel) m = r.transformModel(m, ctx(k));
  });
  const graph = buildTrainGraph(m);
  recipes.forEach((r, k) => r.setup?.(graph, ctx(k)));
  const acts = recipes.flatMap((r) => (r.activations ? [r.activations] : []));
  if (acts.length > 0)
    graph.observer = {
      forward: (s, v, n, t) => acts.forEach((a) => a.forward(s, v, n, t)),
      backward: (s, v, g, n) => [...acts].reverse().forEach((a) => a.backward(s, v, g, n)),
    };
  const master = graph.params.map((p) => Float32Array.from(p.value));
  // Per param: the chain of inputs each weight hook saw (for backward).
  const chains: { r: Recipe; input: FloatArray; out: FloatArray }[][] = graph.params.map(() => []);
  const applyWeights = () => {
    graph.params.forEach((p, i) => {
      let input: FloatArray = master[i];
      chains[i] = [];
      for (const r of recipes) {
        if (!r.weights?.applies(p)) continue;
        const out = new Float32Array(p.size);
        r.weights.forward(p, input, out);
        chains[i].push({ r, input, out });
        input = out;
      }
      p.value.set(input);
    });
  };
  const mAdam = master.map((v) => new Float64Array(v.length));
  const vAdam = master.map((v) => new Float64Array(v.length));
  const lossHook = [...recipes].reverse().find((r) => r.loss)?.loss;
  const rng = new Prng(o.seed);
  const n = data.inputs.length;
  const stepsPerEpoch = Math.ceil(n / o.batchSize);
  const totalSteps = stepsPerEpoch * o.epochs;
  const inputSize = graph.inputSize;
  const classes = graph.classes;
  const losses: number[] = [];
  let step = 0;
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    const order = rng.shuffle(Array.from({ length: n }, (_, i) => i));
    let epochLoss = 0;
    for (let b = 0; b < n; b += o.batchSize) {
      const idx = order.slice(b, b + o.batchSize);
      const count = idx.length;
      const x = new Float32Array(count * inputSize);
      const labels = new Int32Array(count);
      idx.forEach((s, j) => {
        x.set(data.inputs[s], j * inputSize);
        labels[j] = data.labels[s];
      });
      applyWeights();
      for (const a of acts) a.setState?.(a.state?.());
      graph.zeroGrad();
      const logits = graph.forward(x, count, true);
      const dLogits = new Float32Array(count * classes);
      let loss = 0;
      if (lossHook) {
        loss = lossHook.loss({ logits, labels, count, classes, inputs: x, batchSize: count, dLogits });
      } else {
        for (let j = 0; j < count; j++) {
          let mx = -Infinity;
          for (let c = 0; c < classes; c++) mx = Math.max(mx, logits[j * classes + c]);
          let s = 0;
          for (let c = 0; c < classes; c++) s += Math.exp(logits[j * classes + c] - mx);
          for (let c = 0; c < classes; c++) {
            const p = Math.exp(logits[j * classes + c] - mx) / s;
            dLogits[j * classes + c] = (p - (c === labels[j] ? 1 : 0)) / count;
          }
          loss += -(logits[j * classes + labels[j]] - mx - Math.log(s));
        }
      }
      epochLoss += loss;
      graph.backward(dLogits);
      for (const a of acts) a.mergeStats?.(a.stats?.());
      step++;
      const lr = o.learningRate;
      const b1 = 0.9;
      const b2 = 0.999;
      graph.params.forEach((p, i) => {
        const g = Float64Array.from(p.grad);
        for (const c of [...chains[i]].reverse()) c.r.weights!.backward?.(p, c.input, c.out, g);
        const mm = mAdam[i];
        const vv = vAdam[i];
        const w = master[i];
        const c1 = 1 - b1 ** step;
        const c2 = 1 - b2 ** step;
        for (let k = 0; k < w.length; k++) {
          mm[k] = b1 * mm[k] + (1 - b1) * g[k];
          vv[k] = b2 * vv[k] + (1 - b2) * g[k] * g[k];
          w[k] -= (lr * (mm[k] / c1)) / (Math.sqrt(vv[k] / c2) + 1e-7);
        }
      });
      const progress = { step, totalSteps, epoch, stepsPerEpoch };
      for (const r of recipes) r.onStep?.(progress, graph);
    }
    losses.push(epochLoss / n);
    for (const r of recipes) r.onEpoch?.({ step, totalSteps, epoch, stepsPerEpoch }, graph);
  }
  applyWeights();
  let exported = graph.toModel();
  const summaries: string[] = [];
  recipes.forEach((r, k) => {
    if (r.export) {
      const e = r.export(exported, graph, ctx(k));
      exported = e.model;
      summaries.push(e.summary);
    } else if (r.summary) summaries.push(r.summary(graph, ctx(k)));
  });
  return { graph, recipes, exported, summaries, losses };
}
