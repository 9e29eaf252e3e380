/**
 * Evaluates one model on a set of samples: what a technique cost and bought. Accuracy needs
 * labels; fidelity (agreement, SQNR, KL) needs the reference model's outputs on the same
 * samples; latency is measured on invoke() alone after warm-up; size includes gzip; the arena is
 * the interpreter's planned activation memory.
 */
import { DatasetError, throwIfAborted } from '../errors';
import type { Sample, SampleSet } from '../datasets/samples';
import type { TflModel } from '../tflite/model';
import {
  ClassificationTally,
  FidelityTally,
  latencyStats,
  type ClassificationResult,
  type FidelityResult,
} from './metrics';
import { INTERPRETER_RUNTIME, type ModelRunner } from './model-runner';
import { FloatRunner } from './runner';
import { isStateful, type SamplePool } from '../interpreter/sample-pool';
import { outputsTask } from './outputs-task';
import { measureSize, type SizeReport } from '../model/file-size';
import { tfliteFormat } from '../tflite/format';

export type { Sample, SampleSet } from '../datasets/samples';

export interface EvaluateOptions {
  /** Reference outputs (e.g. the float model's), one array of outputs per sample. */
  reference?: Float32Array[][];
  /** Which output holds the class scores (default 0). */
  scoresOutput?: number;
  /** Keep this model's outputs (to serve as the reference for others). */
  keepOutputs?: boolean;
  latencyRuns?: number;
  warmupRuns?: number;
  progress?: (done: number, total: number) => void;
  signal?: AbortSignal;
  /**
   * Threads to spread the samples over (a TFLite model run by the interpreter; other runtimes,
   * and stateful models whose samples must run in order, run here). Results are identical to
   * one thread; latency is still measured here, alone.
   */
  pool?: SamplePool;
}

export interface ModelEvaluation {
  size: SizeReport;
  arenaBytes: number;
  samples: number;
  accuracy: ClassificationResult | null;
  fidelity: FidelityResult | null;
  /** Warm runs after `warmupRuns`; threads one inference used (null: the runtime does not say). */
  latency: { medianMs: number; p90Ms: number; runs: number; threads: number | null };
  outputs?: Float32Array[][];
}

/**
 * A TFLite model runs in the interpreter; a ModelRunner (e.g. ONNX Runtime) is used as given and
 * stays the caller's to dispose.
 */
export async function evaluateModel(
  model: TflModel | ModelRunner,
  fileBytes: Uint8Array,
  samples: SampleSet,
  opts: EvaluateOptions = {},
): Promise<ModelEvaluation> {
  if (samples.length === 0) throw new DatasetError('the dataset is empty: nothing to evaluate');
  const runner = new FloatRunner(model);
  const scoresAt = opts.scoresOutput ?? 0;
  const scoreShape = runner.outputs[scoresAt]?.shape ?? [];
  const numClasses = scoreShape[scoreShape.length - 1] ?? 0;
  if (opts.reference && opts.reference.length !== samples.length) {
    throw new DatasetError(`reference has ${opts.reference.length} samples, dataset ${samples.length}`);
  }
  // Assigned inside consume(): the assertion keeps TypeScript from narrowing it to null here.
  let tally = null as ClassificationTally | null;
  const fidelity = opts.reference ? new FidelityTally() : null;
  const kept: Float32Array[][] = [];
  // Called in sample order whichever thread ran the sample, so the tallies sum identically.
  const consume = (i: number, s: Sample, out: Float32Array[]) => {
    if (s.label !== undefined) {
      tally ??= new ClassificationTally(numClasses);
      if (!(s.label >= 0 && s.label < numClasses)) {
        throw new DatasetError(`sample ${i}: label ${s.label} is outside the model's ${numClasses} classes`);
      }
      tally.add(out[scoresAt]!, s.label);
    }
    if (fidelity) fidelity.add(opts.reference![i]![scoresAt]!, out[scoresAt]!);
    if (opts.keepOutputs) kept.push(out);
    opts.progress?.(i + 1, samples.length);
  };
  const pool = opts.pool;
  if (pool && pool.workers > 1 && runsInInterpreter(model, fileBytes)) {
    await pool.run(outputsTask, { model: fileBytes }, samples, consume, opts.signal);
  } else {
    for (let i = 0; i < samples.length; i++) {
      if (i % 16 === 0) throwIfAborted(opts.signal);
      const s = samples.get(i);
      consume(i, s, await runner.run(s.inputs));
    }
  }
  const latency = await measureLatency(runner, samples.get(0), opts);
  return {
    size: measureSize(fileBytes),
    arenaBytes: runner.runner.arenaBytes,
    samples: samples.length,
    accuracy: tally?.result() ?? null,
    fidelity: fidelity?.result() ?? null,
    latency,
    ...(opts.keepOutputs ? { outputs: kept } : {}),
  };
}

/**
 * A pool's threads read the model from TFLite bytes and run it in the interpreter, each sample on
 * fresh state: a stateful model (variable tensors) runs here, its samples in order.
 */
function runsInInterpreter(model: TflModel | ModelRunner, fileBytes: Uint8Array): boolean {
  const interpreted =
    'subgraphs' in model ? !isStateful(model) : model.runtime === INTERPRETER_RUNTIME && !model.stateful;
  return interpreted && tfliteFormat.sniff(fileBytes, '');
}

async function measureLatency(runner: FloatRunner, sample: Sample, opts: EvaluateOptions) {
  const runs = opts.latencyRuns ?? 20;
  const warmup = opts.warmupRuns ?? 3;
  await runner.run(sample.inputs); // sets the inputs once; timing covers invoke() only
  const times: number[] = [];
  for (let i = 0; i < warmup + runs; i++) {
    throwIfAborted(opts.signal);
    const t0 = performance.now();
    const pending = runner.runner.invoke();
    if (pending) await pending; // no await (and no microtask) for the synchronous interpreter
    const dt = performance.now() - t0;
    if (i >= warmup) times.push(dt);
  }
  return { ...latencyStats(times), threads: runner.runner.threads ?? null };
}
