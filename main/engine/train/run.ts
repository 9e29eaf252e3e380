/**
 * trainModel (issue 15): the training loop behind `lowbit train`, the app's training job and
 * the wizard (contract: api.ts; recipes: recipes/types.ts; threads: pool.ts).
 *
 * 1. Samples are read once into one array (inputs must match the model's input size; every
 *    sample needs a label in [0, classes)), shuffled with Prng(seed), and the first
 *    round(valSplit × n) become the validation set.
 * 2. Each epoch the training samples are shuffled again (the same Prng stream) and cut into
 *    batches. Before each batch the recipes' weight hooks turn the float master weights into
 *    the effective weights; the batch is cut into SHARDS shards (pool.ts) computed by ShardWorkers
 *    (inline, or on the pool's threads), their gradients added in shard order, mapped back to
 *    the master weights through the weight hooks in reverse, and Adam (Keras defaults) steps.
 * 3. After each epoch: the recipes' epoch hooks, then validation loss and accuracy. Among the
 *    complete epochs (every recipe step in its final form: recipes/types.ts `complete`), the one
 *    with the best validation accuracy (lower loss on ties) is kept and exported.
 * 4. The signal stops the run after the current batch; the best complete epoch so far is
 *    exported (the current weights when none has finished, brought to the recipes' final form by
 *    their exports, as the step lines say) with cancelled: true.
 */
import { InvalidArgumentError } from '../errors';
import type { TflModel } from '../tflite/model';
import { writeTflite } from '../tflite/writer';
import type { EpochStats, LabelledData, TrainModelFn, TrainOptions, TrainResult } from './api';
import type { FloatArray } from './graph/types';
import {
  SHARDS,
  type ShardRequest,
  type ShardResult,
  type ShardState,
  type ShardWorkerInit,
  type TrainPool,
} from './pool';
import { Prng } from './prng';
import type { Recipe, RecipeContext } from './recipes/types';
import { optionsOf, ShardWorker } from './shard-worker';
import { Adam } from './trainer';

/**
 * A pool that runs every shard on this thread (workers = 1, or no pool given). Its results'
 * gradient buffers are reused by the next run (one set per shard position, no allocation per
 * batch): the training loop reads them before it runs the next batch.
 */
export class InlinePool implements TrainPool {
  readonly workers = 1;
  private worker: ShardWorker | undefined;
  private readonly buffers: Float64Array[][] = [];
  open(init: ShardWorkerInit): Promise<void> {
    this.worker = new ShardWorker(init);
    return Promise.resolve();
  }
  run(state: ShardState, shards: ShardRequest[]): Promise<ShardResult[]> {
    const w = this.worker!;
    return Promise.resolve(
      shards.map((s, k) => {
        if (s.evalOnly) return w.run(state, s);
        this.buffers[k] ??= w.graph.params.map((p) => new Float64Array(p.size));
        return w.run(state, s, this.buffers[k]);
      }),
    );
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

function checkOptions(o: TrainOptions): void {
  const bad = (option: string, why: string) => new InvalidArgumentError(why, { option });
  if (!Number.isInteger(o.epochs) || o.epochs < 1)
    throw bad('epochs', `epochs must be a whole number >= 1, got ${o.epochs}`);
  if (!Number.isInteger(o.batchSize) || o.batchSize < 1)
    throw bad('batchSize', `batch size must be a whole number >= 1, got ${o.batchSize}`);
  if (!(o.learningRate > 0 && Number.isFinite(o.learningRate)))
    throw bad('learningRate', `learning rate must be a positive number, got ${o.learningRate}`);
  if (!(o.valSplit > 0 && o.valSplit < 1))
    throw bad('valSplit', `validation split must be between 0 and 1, got ${o.valSplit}`);
  if (!Number.isInteger(o.seed)) throw bad('seed', `seed must be a whole number, got ${o.seed}`);
  if (o.recipe.length === 0) throw bad('recipe', 'the recipe has no steps');
}

interface Loaded {
  inputs: Float32Array;
  labels: Int32Array;
  count: number;
}

const GIB = 1024 ** 3;
/**
 * The training samples are held in memory as float32 (all of Fashion-MNIST's 60,000 is 180 MiB);
 * a dataset past this is refused before anything is read, not left to fail allocating.
 */
export const MAX_TRAIN_SAMPLE_BYTES = GIB;

function loadSamples(data: LabelledData, inputSize: number, classes: number): Loaded {
  const n = data.samples.length;
  if (n < 2)
    throw new InvalidArgumentError(`${data.source}: training needs at least 2 labelled samples, found ${n}`);
  if (data.classes > classes)
    throw new InvalidArgumentError(
      `${data.source}: ${data.classes} classes, but the model outputs ${classes}`,
    );
  const bytes = n * inputSize * 4;
  if (bytes > MAX_TRAIN_SAMPLE_BYTES)
    throw new InvalidArgumentError(
      `${data.source}: ${n.toLocaleString('en-US')} samples of ${inputSize.toLocaleString('en-US')} values take ` +
        `${(bytes / GIB).toFixed(2)} GiB as float32, over the ${MAX_TRAIN_SAMPLE_BYTES / GIB} GiB Lowbit holds for training`,
    );
  const inputs = new Float32Array(n * inputSize);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const s = data.samples.get(i);
    const where = `${data.source}${s.source ? ` (${s.source})` : ` (sample ${i})`}`;
    if (s.label === undefined) throw new InvalidArgumentError(`${where}: sample ${i} has no label`);
    if (!Number.isInteger(s.label) || s.label < 0 || s.label >= classes)
      throw new InvalidArgumentError(
        `${where}: label ${s.label} is out of range for a model with ${classes} classes (0..${classes - 1})`,
      );
    const x = s.inputs[0];
    if (s.inputs.length !== 1 || !x || x.length !== inputSize)
      throw new InvalidArgumentError(
        `${where}: sample ${i} has ${x?.length ?? 0} input values, the model takes ${inputSize}`,
      );
    inputs.set(x, i * inputSize);
    labels[i] = s.label;
  }
  return { inputs, labels, count: n };
}

/** The shards of a batch: SHARDS contiguous parts, sizes differing by at most one (empty ones left out). */
function shardsOf(
  data: Loaded,
  order: Int32Array,
  start: number,
  end: number,
  inputSize: number,
  evalOnly: boolean,
): ShardRequest[] {
  const size = end - start;
  const out: ShardRequest[] = [];
  for (let k = 0; k < SHARDS; k++) {
    const a = start + Math.floor((k * size) / SHARDS);
    const b = start + Math.floor(((k + 1) * size) / SHARDS);
    if (b === a) continue;
    const count = b - a;
    const inputs = new Float32Array(count * inputSize);
    const labels = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      const j = order[a + i]!;
      inputs.set(data.inputs.subarray(j * inputSize, (j + 1) * inputSize), i * inputSize);
      labels[i] = data.labels[j]!;
    }
    out.push({ inputs, labels, count, batchSize: size, evalOnly });
  }
  return out;
}

/** trainModel with an explicit pool (the Node layer passes its worker pool; see pool.ts). */
export async function trainWithPool(
  model: TflModel,
  data: LabelledData,
  options: TrainOptions,
  pool: TrainPool,
): Promise<TrainResult> {
  checkOptions(options);
  const init: ShardWorkerInit = {
    modelBytes: writeTflite(model),
    recipe: options.recipe,
    seed: options.seed,
    epochs: options.epochs,
    batchSize: options.batchSize,
    learningRate: options.learningRate,
    valSplit: options.valSplit,
  };
  // The main thread's own worker: its graph carries the effective weights for export, and its
  // recipes are the ones whose main-thread hooks (weights, steps, epochs, export) run.
  const main = new ShardWorker(init);
  const graph = main.graph;
  const recipes: Recipe[] = main.recipes;
  const base = { original: main.original, options: optionsOf(init) };
  const ctx = (i: number): RecipeContext => ({ ...base, step: options.recipe[i]!, stepIndex: i });
  recipes.forEach((r, i) => r.setup?.(graph, ctx(i)));

  const data0 = loadSamples(data, graph.inputSize, graph.classes);
  const rng = new Prng(options.seed);
  const all = rng.shuffle(Int32Array.from({ length: data0.count }, (_v, i) => i));
  const valCount = Math.min(data0.count - 1, Math.max(1, Math.round(options.valSplit * data0.count)));
  const valOrder = all.slice(0, valCount);
  const trainOrder = all.slice(valCount);
  const batchesPerEpoch = Math.ceil(trainOrder.length / options.batchSize);
  const totalSteps = batchesPerEpoch * options.epochs;

  // Master weights (float32) and the effective weights of each recipe stage.
  const masters = graph.params.map((p) => Float32Array.from(p.value));
  const weightRecipes = recipes.filter((r) => r.weights);
  const stages = graph.params.map((p) => weightRecipes.map(() => new Float32Array(p.size)));
  const effective = (): Float32Array[] =>
    graph.params.map((p, i) => {
      let cur: Float32Array = masters[i]!;
      weightRecipes.forEach((r, k) => {
        if (!r.weights!.applies(p)) return;
        const out = stages[i]![k]!;
        r.weights!.forward(p, cur, out);
        cur = out;
      });
      (p.value as FloatArray).set(cur);
      return cur;
    });
  const gradSums = graph.params.map((p) => new Float64Array(p.size));
  const own = recipes.flatMap((r) => r.ownParams?.() ?? []);
  const adam = new Adam(
    [...masters, ...own.map((o) => o.value)],
    [...gradSums, ...own.map((o) => o.grad)],
    options.learningRate,
  );

  const stateOf = (eff: Float32Array[]): ShardState => ({
    params: eff,
    recipeState: recipes.map((r) => r.activations?.state?.()),
  });
  const evaluate = async (): Promise<{ loss: number; accuracy: number }> => {
    const eff = effective();
    let loss = 0;
    let correct = 0;
    const chunk = Math.max(options.batchSize, 256);
    for (let s = 0; s < valOrder.length; s += chunk) {
      const e = Math.min(valOrder.length, s + chunk);
      const res = await pool.run(stateOf(eff), shardsOf(data0, valOrder, s, e, graph.inputSize, true));
      for (const r of res) {
        loss += r.lossSum;
        correct += r.correct;
      }
    }
    return { loss: loss / valOrder.length, accuracy: correct / valOrder.length };
  };

  const epochs: EpochStats[] = [];
  let best:
    | { epoch: number; valLoss: number; valAccuracy: number; weights: Float32Array[]; recipe: unknown[] }
    | undefined;
  let cancelled = false;
  let step = 0;
  const started = Date.now();
  await pool.open(init);
  try {
    for (let epoch = 1; epoch <= options.epochs && !cancelled; epoch++) {
      const t0 = Date.now();
      const order = Int32Array.from(rng.shuffle(trainOrder.slice()));
      let lossSum = 0;
      let correct = 0;
      let seen = 0;
      for (let b = 0; b < batchesPerEpoch; b++) {
        const start = b * options.batchSize;
        const end = Math.min(order.length, start + options.batchSize);
        const eff = effective();
        const results = await pool.run(
          stateOf(eff),
          shardsOf(data0, order, start, end, graph.inputSize, false),
        );
        for (const g of gradSums) g.fill(0);
        for (const r of results) {
          lossSum += r.lossSum;
          correct += r.correct;
          r.grads.forEach((g, i) => {
            const sum = gradSums[i]!;
            for (let j = 0; j < g.length; j++) sum[j] += g[j]!;
          });
          r.stats.forEach((s, i) => {
            if (s !== undefined) recipes[i]!.activations?.mergeStats?.(s);
          });
        }
        seen += end - start;
        // Gradients back through the weight hooks, last stage first.
        graph.params.forEach((p, i) => {
          for (let k = weightRecipes.length - 1; k >= 0; k--) {
            const h = weightRecipes[k]!.weights!;
            if (!h.applies(p) || !h.backward) continue;
            const prev = weightRecipes
              .slice(0, k)
              .reverse()
              .find((r) => r.weights!.applies(p));
            const input = prev ? stages[i]![weightRecipes.indexOf(prev)]! : masters[i]!;
            h.backward(p, input, stages[i]![k]!, gradSums[i]!);
          }
        });
        adam.step(1);
        step++;
        const progress = { step, totalSteps, epoch, stepsPerEpoch: batchesPerEpoch };
        for (const r of recipes) r.onStep?.(progress, graph);
        options.onBatch?.(step, totalSteps);
        if (options.signal?.aborted) {
          cancelled = true;
          break;
        }
      }
      // Cancelled: the epoch did not finish; the best complete epoch so far (or, with none, the
      // latest weights) is exported.
      if (cancelled) break;
      const progress = { step, totalSteps, epoch, stepsPerEpoch: batchesPerEpoch };
      for (const r of recipes) r.onEpoch?.(progress, graph);
      const complete = recipes.every((r) => r.complete?.(progress) ?? true);
      const val = await evaluate();
      const ms = Date.now() - t0;
      const stats: EpochStats = {
        epoch,
        trainLoss: seen ? lossSum / seen : 0,
        trainAccuracy: seen ? correct / seen : 0,
        valLoss: val.loss,
        valAccuracy: val.accuracy,
        ms,
        etaMs: Math.round(((Date.now() - started) / epoch) * (options.epochs - epoch)),
      };
      epochs.push(stats);
      options.onEpoch?.(stats);
      // Only epochs where every step has its final form (pruning schedule ended, clustering
      // started) compete: an earlier epoch would be pruned or clustered untrained at export.
      if (
        complete &&
        (!best ||
          val.accuracy > best.valAccuracy ||
          (val.accuracy === best.valAccuracy && val.loss < best.valLoss))
      )
        best = {
          epoch,
          valLoss: val.loss,
          valAccuracy: val.accuracy,
          weights: masters.map((m) => m.slice()),
          recipe: recipes.map((r) => r.snapshot?.()),
        };
    }
  } finally {
    await pool.close();
  }

  // Export the best epoch: its master weights and recipe state, through the weight hooks. With
  // no complete epoch (cancelled early), the latest weights; steps not yet in their final form
  // get it at export, and their step line says so.
  const latest = {
    step,
    totalSteps,
    epoch: Math.max(1, Math.ceil(step / batchesPerEpoch)),
    stepsPerEpoch: batchesPerEpoch,
  };
  const unfinished = best ? [] : recipes.map((r) => !(r.complete?.(latest) ?? true));
  if (best) {
    best.weights.forEach((w, i) => masters[i]!.set(w));
    recipes.forEach((r, i) => {
      if (best!.recipe[i] !== undefined) r.restore?.(best!.recipe[i]);
    });
  }
  effective();
  let out = graph.toModel();
  const steps: string[] = [];
  recipes.forEach((r, i) => {
    if (r.export) {
      const res = r.export(out, graph, ctx(i));
      out = res.model;
      steps.push(
        unfinished[i]
          ? `${res.summary}; no epoch reached the final form before the run stopped: the latest weights were exported, brought to the final form at export without training in it`
          : res.summary,
      );
    } else if (r.summary) steps.push(r.summary(graph, ctx(i)));
  });
  return {
    model: out,
    bytes: writeTflite(out),
    epochs,
    bestEpoch: best?.epoch ?? 0,
    cancelled,
    frozen: [...graph.frozen],
    steps,
  };
}

/**
 * The engine's entry point with the work on this thread. The Node layer's trainer
 * (main/jobs/train-pool) calls trainWithPool with its worker pool.
 */
export const trainModel: TrainModelFn = (model, data, options) =>
  trainWithPool(model, data, options, new InlinePool());
