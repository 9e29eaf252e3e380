/**
 * The wizard's optimize job (worker side): quantize the float model with one technique, compare
 * it with the float model on the evaluation data, run the per-layer debugger for integer models
 * and check the board fit. Returns the produced bytes; the parent registers them only after
 * success, so a cancelled or failed job leaves nothing behind.
 */
import type { ComparisonInfo, DebugLayerInfo, FitReport, OptimizeTechnique } from '../../contract/types';
import { asSampleSet, calibrationSamples } from '../../engine/datasets/samples';
import { boardById } from '../../engine/deploy/boards';
import { estimateFootprint, fitBoard } from '../../engine/deploy/fit';
import { footprintFacts } from '../../engine/deploy/footprint-facts';
import { InvalidArgumentError, throwIfAborted } from '../../engine/errors';
import { evaluateModel, type SampleSet } from '../../engine/evaluate/evaluate';
import { buildComparison } from '../../engine/evaluate/report';
import {
  debugQuantization,
  parseKeepFloat,
  quantizeModel,
  type CalibrationMethod,
} from '../../engine/optimize';
import { openModel } from '../../engine/model/registry';
import type { TflModel } from '../../engine/tflite/model';
import { writeTflite } from '../../engine/tflite/writer';
import type { JobContext } from '../protocol';
import { openFromSpec, type DatasetSpec } from './dataset-spec';

export interface OptimizeJobParams {
  floatBytes: Uint8Array;
  technique: OptimizeTechnique;
  calibration?: DatasetSpec & { name: string };
  calibrationSamples?: number;
  evaluation?: DatasetSpec & { name: string };
  evaluationSamples?: number;
  io?: 'float' | 'int8' | 'uint8' | 'int16';
  keepFloat?: string[];
  calibrationMethod?: CalibrationMethod;
  board?: string;
}

export interface OptimizeJobResult {
  bytes: Uint8Array;
  technique: OptimizeTechnique;
  comparison: ComparisonInfo;
  layers: DebugLayerInfo[] | null;
  warnings: string[];
  fit: FitReport | null;
  seconds: number;
}

const DEFAULT_CALIBRATION = 500;
/** Debugger samples: per-layer statistics settle after a few dozen inputs. */
const DEBUG_SAMPLES = 32;
/** Without data: deterministic synthetic inputs, enough for latency and a rough agreement. */
const SYNTHETIC_SAMPLES = 16;
const LATENCY_RUNS = 20;

/** Uniform 0..1 inputs from a fixed LCG seed (no data given: latency and agreement only). */
function syntheticSet(model: TflModel): SampleSet {
  const sg = model.subgraphs[0]!;
  const sizes = sg.inputs.map((t) => sg.tensors[t]!.shape.reduce((a, b) => a * Math.max(1, b), 1));
  return {
    length: SYNTHETIC_SAMPLES,
    get: (i) => {
      let x = (i + 1) * 2654435761;
      return {
        inputs: sizes.map((n) => {
          const a = new Float32Array(n);
          for (let k = 0; k < n; k++) {
            // 32-bit LCG (Numerical Recipes constants); Math.imul keeps it exact in int32.
            x = (Math.imul(x, 1664525) + 1013904223) | 0;
            a[k] = (x >>> 8) / 2 ** 24;
          }
          return a;
        }),
      };
    },
  };
}

export function fitReport(model: TflModel, bytes: number, boardId?: string): FitReport {
  const estimate = estimateFootprint(footprintFacts(model, bytes));
  const board = boardId ? boardById(boardId) : undefined;
  if (boardId && !board) throw new InvalidArgumentError(`unknown board ${boardId}: see boards.list`);
  return { ...estimate, fits: board ? [fitBoard(estimate, board)] : [] };
}

const finite = (x: number | null): number | null => (x !== null && Number.isFinite(x) ? x : null);

export async function optimizeJob(p: OptimizeJobParams, ctx: JobContext): Promise<OptimizeJobResult> {
  const t0 = performance.now();
  const { signal } = ctx;
  const floatModel = openModel(p.floatBytes, 'the float model').tflite;
  const integer = p.technique === 'int8' || p.technique === 'int16x8';
  if (integer && !p.calibration)
    throw new InvalidArgumentError(
      `${p.technique} needs a representative sample (100–500 items) to calibrate: choose data first`,
    );

  const calibration = p.calibration
    ? calibrationSamples(openFromSpec(p.calibration), p.calibrationSamples ?? DEFAULT_CALIBRATION)
    : [];
  throwIfAborted(signal);
  ctx.progress(integer ? 'calibrating' : 'quantizing', 0, integer ? calibration.length : 1);
  const q = await quantizeModel(floatModel, {
    technique: p.technique,
    samples: integer ? calibration : undefined,
    io: p.io,
    method: p.calibrationMethod,
    keepFloat: p.keepFloat?.map(parseKeepFloat),
    signal,
    onProgress: (d, t) => ctx.progress('calibrating', d, t),
  });
  const bytes = writeTflite(q.model);
  throwIfAborted(signal);

  const evalData = p.evaluation ? openFromSpec(p.evaluation) : null;
  const test = evalData ? asSampleSet(evalData, p.evaluationSamples) : syntheticSet(floatModel);
  const evalStage = (what: string) => (d: number, t: number) => ctx.progress(`evaluating ${what}`, d, t);
  const base = evaluateModel(floatModel, p.floatBytes, test, {
    keepOutputs: true,
    latencyRuns: LATENCY_RUNS,
    signal,
    progress: evalStage('float32'),
  });
  const ev = evaluateModel(q.model, bytes, test, {
    reference: base.outputs,
    latencyRuns: LATENCY_RUNS,
    signal,
    progress: evalStage(p.technique),
  });
  const report = buildComparison(
    `${p.technique} vs float32`,
    p.evaluation?.name ??
      `no data: ${SYNTHETIC_SAMPLES} synthetic inputs (uniform 0..1), latency and agreement only`,
    [
      { technique: 'float32', file: 'float32', evaluation: { ...base, outputs: undefined } },
      { technique: p.technique, file: p.technique, evaluation: ev },
    ],
  );
  const comparison: ComparisonInfo = {
    title: report.title,
    dataset: report.dataset,
    samples: report.samples,
    rows: report.rows.map(({ file: _file, sqnrDb, ...r }) => ({ ...r, sqnrDb: finite(sqnrDb) })),
  };

  let layers: DebugLayerInfo[] | null = null;
  if (integer) {
    const dbgSamples = calibration.slice(0, DEBUG_SAMPLES);
    const dbg = await debugQuantization(floatModel, q.model, dbgSamples, {
      signal,
      onProgress: (d, t) => ctx.progress('debugging layers', d, t),
    });
    layers = dbg.layers
      .map((l) => ({
        name: l.name,
        op: l.op,
        opIndex: l.opIndex,
        dtype: l.dtype,
        sqnrDb: finite(l.sqnrDb),
        cosine: l.cosine,
        maxAbsError: l.maxAbsError,
        flagged: l.flagged,
        remedy: l.remedy,
      }))
      // Worst first; an exact layer (infinite SQNR, null here) sorts last.
      .sort((a, b) => (a.sqnrDb ?? Infinity) - (b.sqnrDb ?? Infinity));
  }
  const fit = p.board ? fitReport(q.model, bytes.length, p.board) : null;
  ctx.progress('done', 1, 1);
  return {
    bytes,
    technique: p.technique,
    comparison,
    layers,
    warnings: q.warnings,
    fit,
    seconds: (performance.now() - t0) / 1000,
  };
}
