/**
 * Quantization debugger: runs the float model and its quantized version side by side over the
 * samples and, for every quantized activation that maps to a float tensor (same name, else same
 * index and shape), measures how far the dequantized values are from the float ones: SQNR (dB),
 * cosine similarity, MSE, max and mean error, the float range seen against the range the
 * quantization parameters can represent. The worst layers are flagged with a suggested remedy.
 *
 * Errors accumulate per layer, so a bad layer also degrades the ones after it; the first flagged
 * layer in execution order is usually the one to fix.
 */
import { CancelledError, DatasetError } from '../errors';
import { Interpreter } from '../interpreter/interpreter';
import type { RtTensor } from '../interpreter/types';
import { clamp, qRange, roundAwayFromZero } from '../quant/math';
import type { TflModel } from '../tflite/model';
import { readTflite } from '../tflite/reader';
import { writeTflite } from '../tflite/writer';
import { usePool, type SamplePool, type SampleTask } from '../interpreter/sample-pool';
import type { ModelInputs } from '../tensor/model-inputs';
import { yielder } from './calibrate/index';
import type { Range } from './calibrate/types';
import type { ProgressFn } from './types';

export interface LayerStats {
  /** Tensor index in the quantized model, and its float counterpart. */
  tensor: number;
  floatTensor: number;
  name: string;
  op: string;
  opIndex: number;
  dtype: string;
  matchedBy: 'name' | 'index';
  elements: number;
  /** 10·log10(Σ float² / Σ (float − dequantized)²); Infinity when exact. */
  sqnrDb: number;
  cosine: number;
  mse: number;
  maxAbsError: number;
  meanError: number;
  floatRange: Range;
  /** What the tensor's scale and zero point can represent. */
  quantRange: Range;
  flagged: boolean;
  remedy: string | null;
}

export interface DebugReport {
  samples: number;
  /** In execution order of the quantized model. */
  layers: LayerStats[];
  /** Flagged layers, worst SQNR first. */
  worst: LayerStats[];
  /** Quantized activations with no float counterpart. */
  unmatched: string[];
}

interface Acc {
  stats: Omit<
    LayerStats,
    'sqnrDb' | 'cosine' | 'mse' | 'maxAbsError' | 'meanError' | 'floatRange' | 'flagged' | 'remedy'
  >;
  scale: number;
  zeroPoint: number;
  signal: number;
  noise: number;
  errSum: number;
  dot: number;
  q2: number;
  maxAbs: number;
  n: number;
  min: number;
  max: number;
}

/**
 * One sample's sums per layer, STRIDE numbers a layer in the order of `DebugSession.layers`:
 * Σx², Σe², Σe, Σxy, Σy², max|e|, count, min x, max x. Each sample's sums start from zero and
 * are added to the totals in sample order, on one thread or many, so the totals are the same bits.
 */
const STRIDE = 9;

const QDTYPES = new Set(['int8', 'uint8', 'int16']);

export interface DebugOptions {
  /** Layers under this SQNR are flagged (default 15 dB: noise power above ~3% of the signal). */
  sqnrThresholdDb?: number;
  signal?: AbortSignal;
  onProgress?: ProgressFn;
  /** Threads to run the samples on (the statistics are identical to one thread's). */
  pool?: SamplePool;
}

/** Both models in interpreters, their layers paired, and how to run one sample. */
interface DebugSession {
  inputs: number;
  /** Accumulators with zero sums, in the quantized model's operator-output order. */
  layers: Acc[];
  unmatched: string[];
  runSample(inputs: readonly Float32Array[]): Float64Array;
}

function debugSession(floatModel: TflModel, quantModel: TflModel): DebugSession {
  const fi = Interpreter.create(floatModel);
  const qi = Interpreter.create(quantModel);
  if (fi.inputs.length !== qi.inputs.length)
    throw new DatasetError(
      `the float model has ${fi.inputs.length} inputs, the quantized one ${qi.inputs.length}`,
    );

  // Pair every quantized op output with a float op output.
  const floatOutputs = new Map<number, RtTensor>();
  const floatByName = new Map<string, RtTensor>();
  const fRec = new Set<number>();
  collectOutputs(floatModel, fi, (t) => {
    if (t.dtype !== 'float32') return;
    floatOutputs.set(t.index, t);
    if (t.name && !floatByName.has(t.name)) floatByName.set(t.name, t);
  });
  // Model inputs are not operator outputs but their quantized copies are worth comparing.
  const floatInputs = new Map(
    fi.inputs.filter((t) => t.dtype === 'float32').map((t) => [t.name, fi.tensors[t.index]] as const),
  );
  for (const t of floatInputs.values()) floatOutputs.set(t.index, t);
  const accs = new Map<number, Acc>();
  const unmatched: string[] = [];
  collectOutputs(quantModel, qi, (t, opIndex) => {
    if (!QDTYPES.has(t.dtype) || !t.quant || t.quant.scale.length !== 1) return;
    // The quantizer names the QUANTIZE output of a float tensor "<name>_quantized" (and the int8
    // side of a uint8 model input "<name>_int8"): those pair with "<name>".
    const base = t.name.replace(/_(quantized|int8)$/, '');
    let f = t.name ? (floatByName.get(t.name) ?? floatByName.get(base) ?? floatInputs.get(base)) : undefined;
    let matchedBy: 'name' | 'index' = 'name';
    if (!f || !sameShape(f.shape, t.shape)) {
      const byIndex = floatOutputs.get(t.index);
      f = byIndex && sameShape(byIndex.shape, t.shape) ? byIndex : undefined;
      matchedBy = 'index';
    }
    if (!f) {
      unmatched.push(t.name || `#${t.index}`);
      return;
    }
    fRec.add(f.index);
    const [qmin, qmax] = qRange(t.dtype as 'int8' | 'uint8' | 'int16');
    const scale = t.quant.scale[0];
    const zeroPoint = t.quant.zeroPoint[0];
    accs.set(t.index, {
      stats: {
        tensor: t.index,
        floatTensor: f.index,
        name: t.name,
        op: qi.opNames[opIndex],
        opIndex,
        dtype: t.dtype,
        matchedBy,
        elements: t.shape.reduce((a, b) => a * b, 1),
        quantRange: { min: (qmin - zeroPoint) * scale, max: (qmax - zeroPoint) * scale },
      },
      scale,
      zeroPoint,
      signal: 0,
      noise: 0,
      errSum: 0,
      dot: 0,
      q2: 0,
      maxAbs: 0,
      n: 0,
      min: Infinity,
      max: -Infinity,
    });
  });
  const layers = [...accs.values()];
  const slot = new Map(layers.map((a, k) => [a.stats.tensor, k] as const));

  const floatValues = new Map<number, Float32Array>();
  const runSample = (sample: readonly Float32Array[]): Float64Array => {
    const sums = new Float64Array(layers.length * STRIDE);
    for (let k = 0; k < layers.length; k++) {
      sums[k * STRIDE + 7] = Infinity;
      sums[k * STRIDE + 8] = -Infinity;
    }
    sample.forEach((x, i) => {
      fi.setInput(i, x);
      qi.setInput(i, toInputDtype(qi.inputs[i], x));
    });
    for (const t of floatInputs.values())
      if (fRec.has(t.index))
        floatValues.set(t.index, sample[fi.inputs.findIndex((i) => i.index === t.index)]!.slice());
    fi.invoke({
      observer: (_op, outs) => {
        for (const t of outs)
          if (fRec.has(t.index)) floatValues.set(t.index, (t.data as Float32Array).slice());
      },
    });
    qi.invoke({
      observer: (_op, outs) => {
        for (const t of outs) {
          const k = slot.get(t.index);
          if (k === undefined) continue;
          const a = layers[k];
          accumulate(sums, k * STRIDE, a, floatValues.get(a.stats.floatTensor)!, t.data as Int8Array);
        }
      },
    });
    return sums;
  };
  return { inputs: fi.inputs.length, layers, unmatched, runSample };
}

/** The debugger as a pool task: both models' bytes; one sample's per-layer sums. */
export const debugTask: SampleTask<{ floatModel: Uint8Array; quantModel: Uint8Array }, Float64Array> = {
  id: 'debug.layers',
  open: (p) => debugSession(readTflite(p.floatModel), readTflite(p.quantModel)).runSample,
};

/**
 * With a pool (`options.pool`, more than one thread) the samples run on its threads and their
 * sums are added here in sample order: the report is the same bits as on one thread. Stateful
 * models (variable tensors) always run here, their samples in order.
 */
export async function debugQuantization(
  floatModel: TflModel,
  quantModel: TflModel,
  samples: readonly ModelInputs[],
  options: DebugOptions = {},
): Promise<DebugReport> {
  if (samples.length === 0) throw new DatasetError('the debugger needs at least one sample');
  const session = debugSession(floatModel, quantModel);
  const threshold = options.sqnrThresholdDb ?? 15;
  samples.forEach((sample, s) => {
    if (sample.length !== session.inputs)
      throw new DatasetError(`sample ${s} has ${sample.length} input(s), the model takes ${session.inputs}`);
  });
  const { layers } = session;
  const addSample = (s: number, sums: Float64Array) => {
    layers.forEach((a, k) => merge(a, sums, k * STRIDE));
    options.onProgress?.(s + 1, samples.length);
  };
  const pool = options.pool;
  if (usePool(pool, samples.length, floatModel, quantModel)) {
    if (options.signal?.aborted) throw new CancelledError();
    const params = { floatModel: writeTflite(floatModel), quantModel: writeTflite(quantModel) };
    const set = { length: samples.length, get: (i: number) => ({ inputs: samples[i] }) };
    await pool.run(debugTask, params, set, (s, _sample, sums) => addSample(s, sums), options.signal);
  } else {
    const pause = yielder();
    for (let s = 0; s < samples.length; s++) {
      if (options.signal?.aborted) throw new CancelledError();
      addSample(s, session.runSample(samples[s]));
      await pause();
    }
  }
  if (options.signal?.aborted) throw new CancelledError();

  const stats = [...layers]
    .sort((a, b) => a.stats.opIndex - b.stats.opIndex)
    .map((a) => finish(a, threshold));
  const worst = stats.filter((l) => l.flagged).sort((a, b) => a.sqnrDb - b.sqnrDb);
  return { samples: samples.length, layers: stats, worst, unmatched: session.unmatched };
}

/** Every operator output of subgraph 0 once, with the first operator producing it. */
function collectOutputs(
  model: TflModel,
  interp: Interpreter,
  fn: (t: RtTensor, opIndex: number) => void,
): void {
  const seen = new Set<number>();
  model.subgraphs[0].operators.forEach((op, k) => {
    for (const i of op.outputs) {
      if (i < 0 || seen.has(i)) continue;
      seen.add(i);
      fn(interp.tensors[i], k);
    }
  });
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  const n = (s: readonly number[]) => s.reduce((x, y) => x * y, 1);
  return n(a) === n(b);
}

/** Quantizes a float sample for an integer model input (the QUANTIZE kernel's float32 rounding). */
function toInputDtype(
  info: { dtype: string; quant: { scale: number[]; zeroPoint: number[] } | null },
  x: Float32Array,
): ArrayLike<number> {
  if (info.dtype === 'float32' || !info.quant) return x;
  const [lo, hi] = qRange(info.dtype as 'int8' | 'uint8' | 'int16');
  const s = info.quant.scale[0];
  const zp = info.quant.zeroPoint[0];
  return Array.from(x, (v) => clamp(roundAwayFromZero(Math.fround(v / s)) + zp, lo, hi));
}

/** Adds one observation of a layer to its sums for this sample (at `at` in `sums`). */
function accumulate(
  sums: Float64Array,
  at: number,
  a: { scale: number; zeroPoint: number },
  f: Float32Array,
  q: ArrayLike<number>,
): void {
  const { scale, zeroPoint } = a;
  let signal = sums[at];
  let noise = sums[at + 1];
  let errSum = sums[at + 2];
  let dot = sums[at + 3];
  let q2 = sums[at + 4];
  let maxAbs = sums[at + 5];
  let min = sums[at + 7];
  let max = sums[at + 8];
  for (let k = 0; k < f.length; k++) {
    const x = f[k];
    const y = (q[k] - zeroPoint) * scale;
    const e = y - x;
    signal += x * x;
    noise += e * e;
    errSum += e;
    dot += x * y;
    q2 += y * y;
    const ae = Math.abs(e);
    if (ae > maxAbs) maxAbs = ae;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  sums[at] = signal;
  sums[at + 1] = noise;
  sums[at + 2] = errSum;
  sums[at + 3] = dot;
  sums[at + 4] = q2;
  sums[at + 5] = maxAbs;
  sums[at + 6] += f.length;
  sums[at + 7] = min;
  sums[at + 8] = max;
}

/** Adds one sample's sums of a layer to its totals (in sample order). */
function merge(a: Acc, sums: Float64Array, at: number): void {
  a.signal += sums[at];
  a.noise += sums[at + 1];
  a.errSum += sums[at + 2];
  a.dot += sums[at + 3];
  a.q2 += sums[at + 4];
  if (sums[at + 5] > a.maxAbs) a.maxAbs = sums[at + 5];
  a.n += sums[at + 6];
  if (sums[at + 7] < a.min) a.min = sums[at + 7];
  if (sums[at + 8] > a.max) a.max = sums[at + 8];
}

function finish(a: Acc, threshold: number): LayerStats {
  const sqnrDb = a.noise === 0 ? Infinity : a.signal === 0 ? -Infinity : 10 * Math.log10(a.signal / a.noise);
  const denom = Math.sqrt(a.signal * a.q2);
  const cosine = denom === 0 ? (a.signal === a.q2 ? 1 : 0) : a.dot / denom;
  const floatRange = { min: a.min, max: a.max };
  const flagged = sqnrDb < threshold;
  const layer: LayerStats = {
    ...a.stats,
    sqnrDb,
    cosine,
    mse: a.noise / a.n,
    maxAbsError: a.maxAbs,
    meanError: a.errSum / a.n,
    floatRange,
    flagged,
    remedy: null,
  };
  if (flagged) layer.remedy = remedyFor(layer, a);
  return layer;
}

/** A heuristic next step for a flagged layer. */
function remedyFor(l: LayerStats, a: Acc): string {
  const step = a.scale;
  const rms = Math.sqrt(a.signal / a.n);
  const peak = Math.max(Math.abs(l.floatRange.min), Math.abs(l.floatRange.max));
  if (l.floatRange.max > l.quantRange.max + step || l.floatRange.min < l.quantRange.min - step) {
    return 'values fall outside the calibrated range: calibrate with more representative data, or check the preprocessing';
  }
  if (peak > 0 && rms / peak < 0.05) {
    return 'long-tailed values waste most of the int8 range: calibrate with the percentile or mse method';
  }
  if (l.sqnrDb < 10) return `keep this layer float (keep-float rule tensor:^${escapeRegex(l.name)}$)`;
  return 'int8 activations are too coarse here: try 16x8 quantization (int16 activations)';
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
