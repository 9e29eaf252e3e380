/**
 * Drives recipes' weight hooks as the training loop does, without the trainable graph: effective
 * weights from master weights through each step's `weights.forward` in recipe order, gradients
 * back through `weights.backward` in reverse order, a plain SGD step on the master weights and on
 * the recipes' own parameters, then `onStep`. The gradients are seeded pseudo-random values, so
 * tests see what the hooks do to any gradient. For recipe tests (prune, cluster).
 */
import type { RecipeStep } from '../../main/engine/train/api';
import type { TrainGraph, TrainParam } from '../../main/engine/train/graph/types';
import { createRecipes } from '../../main/engine/train/recipes/registry';
import type { Recipe } from '../../main/engine/train/recipes/types';
import { BuiltinOperator, type TflModel } from '../../main/engine/tflite/model';
import { bufferAs } from '../../main/engine/tflite/edit';
import { Prng } from '../../main/engine/train/prng';

/** Weight and bias parameters of subgraph 0's CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED ops. */
export function paramsOf(model: TflModel): TrainParam[] {
  const sg = model.subgraphs[0];
  const out: TrainParam[] = [];
  sg.operators.forEach((op, opIndex) => {
    const c = model.operatorCodes[op.opcodeIndex];
    const code = Math.max(c.builtinCode, c.deprecatedBuiltinCode);
    const opName = BuiltinOperator[code];
    if (!['CONV_2D', 'DEPTHWISE_CONV_2D', 'FULLY_CONNECTED'].includes(opName)) return;
    [1, 2].forEach((k) => {
      const t = sg.tensors[op.inputs[k]];
      const value = bufferAs(model.buffers[t.buffer].data, Float32Array);
      out.push({
        tensorIndex: op.inputs[k],
        name: String(t.name ?? ''),
        shape: [...t.shape],
        size: value.length,
        role: k === 1 ? 'weight' : 'bias',
        quantAxis: k === 1 ? (opName === 'DEPTHWISE_CONV_2D' ? 3 : 0) : -1,
        opIndex,
        opName,
        value,
        grad: new Float64Array(value.length),
      });
    });
  });
  return out;
}

/** The part of TrainGraph the recipes' setup and export read. */
export function graphOf(params: TrainParam[]): TrainGraph {
  return { params } as unknown as TrainGraph;
}

export interface Driver {
  recipes: Recipe[];
  params: TrainParam[];
  /** Master weights, per param. */
  master: Float32Array[];
  /** Gradient each hook chain returned to the master weights at the last step. */
  masterGrad: Float64Array[];
  /** Runs the forward chain for the next batch (writes param.value). */
  forward(): void;
  /** forward + random gradients + backward + SGD + onStep, `n` times. */
  steps(n: number): void;
  done: number;
}

export function driveRecipes(
  model: TflModel,
  recipe: RecipeStep[],
  totalSteps: number,
  { seed = 1, lr = 0.01 } = {},
): Driver {
  const params = paramsOf(model);
  const options = { recipe, epochs: 1, batchSize: 32, learningRate: lr, valSplit: 0.1, seed };
  const recipes = createRecipes(recipe, { original: model, options });
  const graph = graphOf(params);
  recipes.forEach((r, stepIndex) => r.setup?.(graph, { original: model, options, step: r.step, stepIndex }));
  const master = params.map((p) => Float32Array.from(p.value));
  const masterGrad = params.map((p) => new Float64Array(p.size));
  const rng = new Prng(seed);
  const chains = params.map((p) => recipes.filter((r) => r.weights?.applies(p)));
  const inputs: Float32Array[][] = params.map(() => []);
  const d: Driver = {
    recipes,
    params,
    master,
    masterGrad,
    done: 0,
    forward() {
      params.forEach((p, k) => {
        let x = master[k];
        inputs[k] = [];
        for (const r of chains[k]) {
          const out = new Float32Array(p.size);
          inputs[k].push(x);
          r.weights!.forward(p, x, out);
          x = out;
        }
        (p.value as Float32Array).set(x);
      });
    },
    steps(n: number) {
      for (let s = 0; s < n; s++) {
        d.forward();
        params.forEach((p, k) => {
          const g = masterGrad[k];
          for (let i = 0; i < g.length; i++) g[i] = rng.next() - 0.5;
          for (let j = chains[k].length - 1; j >= 0; j--) {
            const input = inputs[k][j];
            chains[k][j].weights!.backward?.(p, input, p.value, g);
          }
          for (let i = 0; i < g.length; i++) master[k][i] -= lr * g[i];
        });
        for (const r of recipes)
          for (const own of r.ownParams?.() ?? []) {
            for (let i = 0; i < own.value.length; i++) own.value[i] -= lr * own.grad[i];
            own.grad.fill(0);
          }
        d.done++;
        const progress = { step: d.done, totalSteps, epoch: 1, stepsPerEpoch: totalSteps };
        for (const r of recipes) r.onStep?.(progress, graph);
      }
    },
  };
  return d;
}

/** Exports through every recipe's export hook, left to right, from the params' current values. */
export function exportThrough(d: Driver, model: TflModel): { model: TflModel; summaries: string[] } {
  let m = structuredCloneModel(model, d.params);
  const summaries: string[] = [];
  const graph = graphOf(d.params);
  d.recipes.forEach((r, stepIndex) => {
    if (!r.export) return;
    const res = r.export(m, graph, {
      original: model,
      options: {
        recipe: d.recipes.map((x) => x.step),
        epochs: 1,
        batchSize: 32,
        learningRate: 0.01,
        valSplit: 0.1,
        seed: 1,
      },
      step: r.step,
      stepIndex,
    });
    m = res.model;
    summaries.push(res.summary);
  });
  return { model: m, summaries };
}

/** The model with each param's current value in a new buffer (what graph.toModel gives). */
function structuredCloneModel(model: TflModel, params: TrainParam[]): TflModel {
  const buffers = model.buffers.map((b) => ({ data: b.data }));
  for (const p of params) {
    const t = model.subgraphs[0].tensors[p.tensorIndex];
    buffers[t.buffer] = { data: new Uint8Array(Float32Array.from(p.value).buffer) };
  }
  return { ...model, buffers };
}

/** Float32 values of subgraph 0's tensor. */
export function tensorValues(model: TflModel, tensorIndex: number): Float32Array {
  const t = model.subgraphs[0].tensors[tensorIndex];
  return bufferAs(model.buffers[t.buffer].data, Float32Array);
}
