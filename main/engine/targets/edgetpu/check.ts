/**
 * The Edge TPU compatibility check: what `edgetpu_compiler` would do with a TFLite model,
 * predicted from the operator table (edgetpu-ops.json) without the compiler.
 *
 * The compiler's rules as Coral documents them, and as this module applies them:
 * - it refuses the whole model when it is not fully quantized ("Model not quantized": a float
 *   tensor on any op but QUANTIZE/DEQUANTIZE) or has dynamic shapes;
 * - it walks the ops in execution order and maps them to one Edge TPU subgraph until the first
 *   op it cannot map; that op keeps its reason and every op after it runs on the CPU ("More than
 *   one subgraph is not supported" for those that would otherwise map);
 * - an op maps when the table lists it, its version is supported, every computed tensor it
 *   touches is int8/uint8 with at most the 3 innermost dimensions larger than 1, and it meets
 *   its constraints (constraints.ts);
 * - the mapped ops' parameters are cached in about 8 MB of on-chip memory; what does not fit
 *   streams from the host at every inference.
 *
 * `checkEdgeTpu(model)` returns the per-op table in the compiler's words, the totals, the first
 * op that stops the mapping, the parameter estimate and the minimum runtime the result needs.
 * compiler-log.ts parses the real compiler's output into the same `EdgeTpuOpRow`s.
 */
import type { TflModel } from '../../tflite/model';
import { EDGETPU_CUSTOM_CODE } from '../../tflite/edgetpu/compiled';
import { asString, customCodeOf, dtypeName, opName } from '../../tflite/names';
import { firstBrokenConstraint, type ConstraintFinding } from './constraints';
import {
  AFTER_CUT,
  EDGETPU_OPS,
  edgeTpuTableSource,
  MAPPED,
  type EdgeTpuModelError,
  type EdgeTpuOpStatus,
} from './ops-table';

/** One line of the per-op table (the compiler's .log lists the same per op type, with a count). */
export interface EdgeTpuOpRow {
  /** Index in subgraph 0, or null in rows parsed from a compiler log (which counts per type). */
  index: number | null;
  op: string;
  status: EdgeTpuOpStatus;
  /** Why, in Lowbit's words; empty when mapped. */
  reason: string;
  fix: string;
  /** Ops this row stands for: 1 for the check, the log's count for parsed rows. */
  count: number;
}

export interface EdgeTpuCheckReport {
  /** Where the op table comes from: URL, compiler and runtime versions. */
  table: { source: string; compilerVersion: string; runtimeVersion: number };
  /** Set when the compiler would refuse the whole model: its message and the fix. */
  modelError: { message: EdgeTpuModelError; fix: string } | null;
  ops: EdgeTpuOpRow[];
  totals: { edgeTpu: number; cpu: number; total: number };
  /** The first op that is not mapped: where the Edge TPU subgraph ends. */
  firstUnmapped: { index: number; op: string; status: EdgeTpuOpStatus; reason: string } | null;
  parameters: {
    /** Constant bytes (weights, biases) of the ops mapped to the Edge TPU. */
    edgeTpuBytes: number;
    /** What the compiler can cache on chip (edgetpu-ops.json). */
    cacheBytes: number;
    /** Estimated bytes streamed from the host at every inference. */
    streamedBytes: number;
  };
  /** Minimum Edge TPU runtime the compiled model needs (int8 I/O needs 12, newer ops more). */
  minRuntimeVersion: number;
  warnings: string[];
}

const CPU_ONLY_DTYPE_OPS = new Set(['QUANTIZE', 'DEQUANTIZE']);
const BASE_RUNTIME = 10;

export function checkEdgeTpu(model: TflModel): EdgeTpuCheckReport {
  const warnings: string[] = [];
  const sg = model.subgraphs[0];
  if (!sg) throw new RangeError('the model has no subgraph');
  const modelError = findModelError(model);
  const ops: EdgeTpuOpRow[] = [];
  let firstUnmapped: EdgeTpuCheckReport['firstUnmapped'] = null;
  const mappedBuffers = new Set<number>();
  let minRuntime = BASE_RUNTIME;

  sg.operators.forEach((op, index) => {
    const code = model.operatorCodes[op.opcodeIndex]!;
    const name = opName(code);
    const own = opFinding(model, index, name, code.version);
    let row: EdgeTpuOpRow;
    if (own) row = { index, op: name, ...own, count: 1 };
    else if (firstUnmapped)
      row = {
        index,
        op: name,
        status: AFTER_CUT,
        reason: `after ${firstUnmapped.op} #${firstUnmapped.index}, where the mapping stopped`,
        fix: EDGETPU_OPS.statuses[AFTER_CUT].fix,
        count: 1,
      };
    else row = { index, op: name, status: MAPPED, reason: '', fix: '', count: 1 };
    if (row.status !== MAPPED && !firstUnmapped) {
      firstUnmapped = { index, op: name, status: row.status, reason: row.reason };
    }
    if (row.status === MAPPED) {
      minRuntime = Math.max(minRuntime, EDGETPU_OPS.ops[name]?.minRuntime ?? BASE_RUNTIME);
      for (const t of op.inputs) {
        const buffer = t >= 0 ? sg.tensors[t]?.buffer : undefined;
        if (buffer !== undefined && (model.buffers[buffer]?.data.length ?? 0) > 0) mappedBuffers.add(buffer);
      }
    }
    ops.push(row);
  });

  if (sg.operators.some((op) => customCodeOf(model.operatorCodes[op.opcodeIndex]!) === EDGETPU_CUSTOM_CODE)) {
    warnings.push(
      `this model is already compiled for the Edge TPU (it has an ${EDGETPU_CUSTOM_CODE}): check the model you compiled it from`,
    );
  }
  const ioInt8 = [...sg.inputs, ...sg.outputs].some((t) => dtypeName(sg.tensors[t]!.type) === 'int8');
  if (ioInt8) {
    minRuntime = Math.max(minRuntime, EDGETPU_OPS.int8IoMinRuntime);
    warnings.push(
      `int8 inputs or outputs need Edge TPU runtime ${EDGETPU_OPS.int8IoMinRuntime} or newer (uint8 I/O runs on every runtime)`,
    );
  }
  const edgeTpuBytes = [...mappedBuffers].reduce((n, b) => n + model.buffers[b]!.data.length, 0);
  const cacheBytes = EDGETPU_OPS.usableParameterCacheBytes;
  const streamedBytes = Math.max(0, edgeTpuBytes - cacheBytes);
  if (streamedBytes > 0) {
    warnings.push(
      `parameters of the Edge TPU ops (${mib(edgeTpuBytes)}) exceed the about ${mib(cacheBytes)} the compiler caches on chip: ` +
        `about ${mib(streamedBytes)} will stream from the host at every inference (slower); shrink the model or pipeline it over several Edge TPUs (-n)`,
    );
  }
  const edgeTpu = modelError ? 0 : ops.filter((r) => r.status === MAPPED).length;
  return {
    table: edgeTpuTableSource(),
    modelError,
    ops,
    totals: { edgeTpu, cpu: ops.length - edgeTpu, total: ops.length },
    firstUnmapped,
    parameters: {
      edgeTpuBytes: modelError ? 0 : edgeTpuBytes,
      cacheBytes,
      streamedBytes: modelError ? 0 : streamedBytes,
    },
    minRuntimeVersion: minRuntime,
    warnings,
  };
}

/** The op's own reason not to map (ignoring where it sits), or null when it would map. */
function opFinding(model: TflModel, index: number, name: string, version: number): ConstraintFinding | null {
  const entry = EDGETPU_OPS.ops[name];
  const advice = (status: EdgeTpuOpStatus, reason: string, fix = EDGETPU_OPS.statuses[status].fix) => ({
    status,
    reason,
    fix,
  });
  if (!entry) return advice('Operation not supported', `${name} is not in the Edge TPU's op table`);
  if (entry.maxVersion !== undefined && version > entry.maxVersion) {
    return advice(
      'Operation version not supported',
      `${name} version ${version}; the compiler knows up to ${entry.maxVersion}`,
    );
  }
  const sg = model.subgraphs[0]!;
  const op = sg.operators[index]!;
  for (const t of [...op.inputs, ...op.outputs]) {
    const tensor = t >= 0 ? sg.tensors[t] : undefined;
    if (!tensor || (model.buffers[tensor.buffer]?.data.length ?? 0) > 0) continue;
    const dtype = dtypeName(tensor.type);
    const quantized =
      EDGETPU_OPS.activationDtypes.includes(dtype) || (entry.extraDtypes ?? []).includes(dtype);
    if (!quantized && !(CPU_ONLY_DTYPE_OPS.has(name) && dtype !== 'int16')) {
      const fix =
        dtype === 'int16'
          ? 'quantize to full int8: the Edge TPU has no 16x8 kernels'
          : EDGETPU_OPS.statuses['Operation is working on an unsupported data type'].fix;
      return advice(
        'Operation is working on an unsupported data type',
        `tensor "${asString(tensor.name)}" is ${dtype}`,
        fix,
      );
    }
    if (CPU_ONLY_DTYPE_OPS.has(name) && !quantized) {
      return advice(
        'Operation is working on an unsupported data type',
        `${name} of a ${dtype} tensor runs on the CPU`,
      );
    }
    const shape = tensor.shape;
    if (shape.slice(0, -3).some((d) => d > 1)) {
      return advice(
        'Tensor has unsupported rank (up to 3 innermost dimensions mapped)',
        `tensor "${asString(tensor.name)}" has shape [${shape.join(',')}]`,
      );
    }
  }
  return firstBrokenConstraint({ model, op, subgraph: 0 }, entry.constraints ?? []);
}

function findModelError(model: TflModel): EdgeTpuCheckReport['modelError'] {
  const sg = model.subgraphs[0]!;
  const error = (message: EdgeTpuModelError) => ({ message, fix: EDGETPU_OPS.modelErrors[message].fix });
  const dynamic = sg.tensors.some(
    (t) => (t.shapeSignature ?? []).some((d) => d < 0) || t.shape.some((d) => d < 0),
  );
  const float = sg.operators.some((op) => {
    const name = opName(model.operatorCodes[op.opcodeIndex]!);
    if (CPU_ONLY_DTYPE_OPS.has(name)) return false;
    return [...op.inputs, ...op.outputs].some(
      (t) => t >= 0 && ['float32', 'float16'].includes(dtypeName(sg.tensors[t]!.type)),
    );
  });
  if (float) return error('Model not quantized');
  if (dynamic)
    return error(
      'Attempting to use a delegate that only supports static-sized tensors with a graph that has dynamic-sized tensors.',
    );
  return null;
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(2)} MiB`;
}
