/**
 * The analysis report, in the manner of STM32Cube.AI's `analyze`: per operator the
 * multiply-accumulates, parameters, weight bytes and activation bytes; the activation memory
 * alive at each step of the execution order with its peak; totals.
 *
 * Memory comes from the one arena planner `lowbit fit` uses: the interpreter's plan
 * (interpreter/planner.ts, lifetimes as Interpreter.create computes them), so the peak shown is
 * the arena `lowbit fit` reports, byte for byte. A model the interpreter cannot prepare (an
 * Edge TPU-compiled segment, an op without a kernel) is planned the same way from the shapes in
 * the file (`plan-from-file.ts`), and the report says so.
 *
 * Two curves over the execution order:
 *  - liveBytes: every activation alive at that operator (its operands, its outputs and whatever
 *    is kept for later), each rounded up to the planner's alignment. Its peak is the least any
 *    plan could need.
 *  - arenaInUseBytes: how far into the arena the planner placed those tensors. Its peak is the
 *    arena itself; it exceeds liveBytes where the greedy placement leaves holes.
 *
 * Works on the TFLite model, which every format lowers to (model/format.ts): an ONNX model is
 * analysed as the operators Lowbit runs for it.
 */
import { LowbitError } from '../errors';
import { Interpreter } from '../interpreter/interpreter';
import { alignUp } from '../interpreter/planner';
import { dtypeBytes } from '../tensor/dtype';
import { dtypeOf } from '../tflite/dtype';
import type { TflModel } from '../tflite/model';
import { BuiltinOptions } from '../tflite/model';
import { asString, customCodeOf, opName } from '../tflite/names';
import { opMacs } from './macs';
import { PLAN_ALIGNMENT, planFromFile, type PlannedTensor } from './plan-from-file';

export interface LayerAnalysis {
  /** Operator index: the position in the execution order. */
  index: number;
  op: string;
  customCode?: string;
  /** The operator's first output's name (converters name layers by it). */
  name: string;
  outputShape: number[];
  outputDtype: string;
  /** Multiply-accumulates (macs.ts says what counts); null for custom ops, which cannot be counted. */
  macs: number | null;
  /** Values in the operator's parameter constants: weights and biases, not shape or index operands. */
  params: number;
  /** Bytes of those constants as stored in the model. */
  weightBytes: number;
  /** Bytes of the activations the operator writes. */
  activationBytes: number;
  /** Every activation alive while the operator runs, each aligned as the planner aligns it. */
  liveBytes: number;
  /** The highest arena byte those activations occupy in the plan. */
  arenaInUseBytes: number;
}

export interface AnalysisTotals {
  operators: number;
  /** Sum over the operators that can be counted. */
  macs: number;
  /** Operators whose MACs are unknown (custom ops). */
  uncountedOperators: number;
  params: number;
  /** Parameter bytes, each buffer once (a weight shared by two operators is stored once). */
  weightBytes: number;
  /** Bytes of every activation tensor the plan holds, as if none shared memory. */
  activationBytes: number;
}

export interface AnalysisMemory {
  /** The planned arena: the peak of arenaInUseBytes, and `lowbit fit`'s "tensor arena". */
  arenaBytes: number;
  /** First operator at which the arena is used to its end. */
  peakOperator: number;
  /** The most activation bytes alive at once (a lower bound for any plan). */
  livePeakBytes: number;
  livePeakOperator: number;
  alignment: number;
  /**
   * 'interpreter': shapes and plan of Lowbit's interpreter, as `lowbit fit`; 'file': the
   * interpreter cannot prepare the model (`note` says why), planned from the file's shapes.
   */
  source: 'interpreter' | 'file';
  note: string | null;
  /** Bytes of the graph's inputs and of its outputs. */
  inputBytes: number;
  outputBytes: number;
}

export interface ModelAnalysis {
  /** The subgraph analysed: the main one (0), which is what runs and what `fit` measures. */
  subgraph: number;
  layers: LayerAnalysis[];
  totals: AnalysisTotals;
  memory: AnalysisMemory;
}

/** A constant counts as parameters when it holds values: float, or quantized with a scale. */
function isParameter(model: TflModel, tensorIndex: number): boolean {
  const t = model.subgraphs[0]!.tensors[tensorIndex];
  if (!t) return false;
  const dtype = dtypeOf(t.type);
  if (dtype === 'float32' || dtype === 'float16' || dtype === 'float64') return true;
  return !!t.quantization && t.quantization.scale.length > 0;
}

const elementCount = (shape: readonly number[]): number => shape.reduce((n, d) => n * Math.max(0, d), 1);

export function analyzeModel(model: TflModel): ModelAnalysis {
  const sg = model.subgraphs[0];
  if (!sg) {
    return {
      subgraph: 0,
      layers: [],
      totals: { operators: 0, macs: 0, uncountedOperators: 0, params: 0, weightBytes: 0, activationBytes: 0 },
      memory: {
        arenaBytes: 0,
        peakOperator: -1,
        livePeakBytes: 0,
        livePeakOperator: -1,
        alignment: PLAN_ALIGNMENT,
        source: 'file',
        note: 'the model has no subgraph',
        inputBytes: 0,
        outputBytes: 0,
      },
    };
  }

  // Shapes and plan: the interpreter's when it can prepare the model (what fit measures).
  let shapes: (readonly number[])[];
  let planned: PlannedTensor[];
  let arenaBytes: number;
  let source: AnalysisMemory['source'] = 'interpreter';
  let note: string | null = null;
  try {
    const interp = Interpreter.create(model, { reference: true });
    shapes = interp.tensors.map((t) => t.shape);
    planned = interp.plan.map((p) => ({
      tensor: p.tensor,
      offset: p.offset,
      size: p.size,
      first: p.first,
      last: p.last,
    }));
    arenaBytes = interp.arenaBytes;
  } catch (e) {
    if (!(e instanceof LowbitError)) throw e;
    const fromFile = planFromFile(model);
    shapes = sg.tensors.map((t) => t.shape);
    planned = fromFile.tensors;
    arenaBytes = fromFile.arenaBytes;
    source = 'file';
    note = `planned from the shapes in the file: Lowbit's interpreter cannot prepare it (${e.message})`;
  }

  const isConst = (i: number) => (model.buffers[sg.tensors[i]?.buffer ?? 0]?.data.length ?? 0) > 0;
  const bytesOf = (i: number) => {
    const t = sg.tensors[i];
    return t ? elementCount(shapes[i] ?? t.shape) * dtypeBytes(dtypeOf(t.type)) : 0;
  };

  const nOps = sg.operators.length;
  const { live, inUse } = memoryCurves(planned, nOps);

  const countedBuffers = new Set<number>();
  const totals: AnalysisTotals = {
    operators: nOps,
    macs: 0,
    uncountedOperators: 0,
    params: 0,
    weightBytes: 0,
    activationBytes: planned.reduce((n, p) => n + p.size, 0),
  };
  const layers: LayerAnalysis[] = sg.operators.map((op, index) => {
    const code = model.operatorCodes[op.opcodeIndex]!;
    const name = opName(code);
    const custom = customCodeOf(code);
    const shapeOf = (i: number) => (i >= 0 && i < sg.tensors.length ? (shapes[i] ?? null) : null);
    const macs = opMacs({
      op: name,
      inputs: op.inputs.map(shapeOf),
      outputs: op.outputs.map(shapeOf),
      inputIsConst: op.inputs.map((i) => i >= 0 && isConst(i)),
      adjX:
        op.builtinOptionsType === BuiltinOptions.BatchMatMulOptions &&
        !!(op.builtinOptions as { adjX?: boolean } | null)?.adjX,
    });
    let params = 0;
    let weightBytes = 0;
    for (const i of new Set(op.inputs)) {
      if (i < 0 || !isConst(i) || !isParameter(model, i)) continue;
      const t = sg.tensors[i]!;
      const stored = model.buffers[t.buffer]!.data.length;
      params += elementCount(t.shape);
      weightBytes += stored;
      if (!countedBuffers.has(t.buffer)) {
        countedBuffers.add(t.buffer);
        totals.params += elementCount(t.shape);
        totals.weightBytes += stored;
      }
    }
    if (macs === null) totals.uncountedOperators++;
    else totals.macs += macs;
    const out0 = op.outputs[0] ?? -1;
    const outT = sg.tensors[out0];
    return {
      index,
      op: name,
      ...(custom !== undefined ? { customCode: custom } : {}),
      name: outT ? asString(outT.name) : '',
      outputShape: outT ? [...(shapes[out0] ?? outT.shape)] : [],
      outputDtype: outT ? dtypeOf(outT.type) : '',
      macs,
      params,
      weightBytes,
      activationBytes: op.outputs.reduce((n, i) => n + (i >= 0 && !isConst(i) ? bytesOf(i) : 0), 0),
      liveBytes: live[index]!,
      arenaInUseBytes: inUse[index]!,
    };
  });

  const argmax = (xs: number[]) => xs.reduce((best, x, i) => (x > xs[best]! ? i : best), 0);
  return {
    subgraph: 0,
    layers,
    totals,
    memory: {
      arenaBytes,
      peakOperator: nOps > 0 ? argmax(inUse) : -1,
      livePeakBytes: nOps > 0 ? Math.max(...live) : 0,
      livePeakOperator: nOps > 0 ? argmax(live) : -1,
      alignment: PLAN_ALIGNMENT,
      source,
      note,
      inputBytes: sg.inputs.reduce((n, i) => n + bytesOf(i), 0),
      outputBytes: sg.outputs.reduce((n, i) => n + bytesOf(i), 0),
    },
  };
}

/**
 * The two curves over the execution order, linear in operators plus tensors (a model with many
 * long-lived tensors must not cost operators × tensors): live bytes by a difference array; the
 * arena reached by filling each operator once, placements taken by their end, highest first
 * (the first to reach an operator is the highest there), skipping filled operators with a
 * next-unfilled pointer.
 */
function memoryCurves(planned: readonly PlannedTensor[], nOps: number): { live: number[]; inUse: number[] } {
  const diff = new Array<number>(nOps + 1).fill(0);
  const spans: { first: number; last: number; end: number }[] = [];
  for (const p of planned) {
    const aligned = alignUp(p.size, PLAN_ALIGNMENT);
    const first = Math.max(0, p.first);
    const last = Math.min(nOps - 1, p.last);
    if (aligned === 0 || first > last) continue;
    diff[first]! += aligned;
    diff[last + 1]! -= aligned;
    spans.push({ first, last, end: p.offset + aligned });
  }
  const live = new Array<number>(nOps).fill(0);
  for (let k = 0, sum = 0; k < nOps; k++) live[k] = sum += diff[k]!;

  const inUse = new Array<number>(nOps).fill(0);
  const next = Array.from({ length: nOps + 1 }, (_, k) => k);
  const find = (k: number): number => {
    let r = k;
    while (next[r] !== r) r = next[r]!;
    while (next[k] !== r) [k, next[k]] = [next[k]!, r];
    return r;
  };
  spans.sort((a, b) => b.end - a.end);
  for (const sp of spans) {
    for (let k = find(sp.first); k <= sp.last; k = find(k + 1)) {
      inUse[k] = sp.end;
      next[k] = k + 1;
    }
  }
  return { live, inUse };
}
