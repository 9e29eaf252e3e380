/**
 * ONNX → float32 TFLite: the driver.
 *
 *  1. Read the graph (onnx-graph.ts) and check every node has a converter (ops/registry.ts);
 *     every node without one is listed in one UnsupportedOpError.
 *  2. Fix the input shapes: batch dims become 1, other dynamic dims come from `inputShapes`.
 *  3. Walk the nodes in order. A node whose inputs are all constants is folded (its converter's
 *     `fold`); otherwise its converter emits TFLite operators. Activations carry their layout
 *     (layout.ts), so channel-first tensors live channel-last inside and a TRANSPOSE appears only
 *     where an op needs another order. A converter's "unsupported" is collected and the walk
 *     goes on, so the error lists every problem at once; nothing is returned until all convert.
 *  4. Graph outputs go back to ONNX order (or stay channel-last with ioLayout 'nhwc').
 *
 * The result is the TflModel and the report (report.ts). Pure: bytes in, objects out.
 */
import {
  CancelledError,
  InvalidArgumentError,
  LowbitError,
  ModelFormatError,
  UnsupportedOpError,
} from '../errors';
import { BuiltinOperator } from '../tflite/generated/tflite';
import type { TflModel } from '../tflite/model';
import type { DType } from '../tensor/dtype';
import { GraphBuilder } from './builder';
import { transposeConst } from './const-tensor';
import { channelsLastPerm, identityPerm, permuteDims, type Perm } from './layout';
import { NodeContext, type ConversionState } from './node-context';
import { nodeLabel } from '../onnx/graph-order';
import type { OnnxModel } from '../onnx/reader';
import { onnxGraphOf, onnxNodesOf, type OnnxGraph, type OnnxNode, type OnnxValueInfo } from './onnx-graph';
import { OP_CONVERTERS } from './ops/registry';
import type { ConversionReport, ConvertedIo, NodeConversion } from './report';
import { serializeGraph } from './serialize';
import { constValue, type Value } from './values';

export type IoLayout = 'nchw' | 'nhwc';

export interface ConvertOptions {
  /** Shapes for inputs with dynamic dims (beyond the batch dim), by input name. */
  inputShapes?: Record<string, number[]>;
  /** 'nchw' (default) keeps the ONNX layout at the graph's rank-4 inputs and outputs; 'nhwc' stores them channel-last. */
  ioLayout?: IoLayout;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export interface ConversionResult {
  model: TflModel;
  report: ConversionReport;
}

/** Converts a checked ONNX model (onnx/reader.ts). Errors are LowbitErrors (the caller adds the file name). */
export function convertOnnxToTflite(model: OnnxModel, options: ConvertOptions = {}): ConversionResult {
  // Ops first: a node without a converter is named even when an initializer's type is unsupported.
  checkConvertersExist(onnxNodesOf(model));
  return convertOnnxGraph(onnxGraphOf(model), options);
}

/** Graph input dtypes a converted model takes: float32 data, int32/int64 indices. */
const INPUT_DTYPES: readonly DType[] = ['float32', 'int32', 'int64'];

interface NodeFailure {
  node: OnnxNode;
  why: string;
}

export function convertOnnxGraph(onnx: OnnxGraph, options: ConvertOptions = {}): ConversionResult {
  checkConvertersExist(onnx.nodes);
  const builder = new GraphBuilder();
  const values = new Map<string, Value | 'failed'>();
  for (const [name, c] of onnx.initializers) values.set(name, constValue(c));
  const readers = readerNodes(onnx);
  const outputNames = new Set(onnx.outputs.map((o) => o.name));
  const notes = new Map<number, string>();
  const state: ConversionState = {
    builder,
    opset: onnx.opset,
    readers: (name) => readers.get(name) ?? [],
    isGraphOutput: (name) => outputNames.has(name),
    value: (name) => {
      const v = values.get(name);
      return v === 'failed' ? undefined : v;
    },
    note: (node, text) => notes.set(node, text),
  };
  const nhwc = options.ioLayout === 'nhwc';
  const ioPerm = (rank: number): Perm => (nhwc && rank === 4 ? channelsLastPerm(4) : identityPerm(rank));
  const layoutOf = (rank: number): ConvertedIo['layout'] =>
    rank === 4 ? (nhwc ? 'nhwc' : 'nchw') : 'as-onnx';

  for (const name of Object.keys(options.inputShapes ?? {}))
    if (!onnx.inputs.some((i) => i.name === name))
      throw new InvalidArgumentError(
        `the model has no input "${name}" (inputs: ${onnx.inputs.map((i) => i.name).join(', ')})`,
        { option: 'inputShape' },
      );

  const inputs: ConvertedIo[] = [];
  for (const info of onnx.inputs) {
    if (!info.dtype || !INPUT_DTYPES.includes(info.dtype))
      throw new UnsupportedOpError(
        `input "${info.name}" is ${info.dtype ?? 'not a tensor of a supported type'} (the converter makes float32 models; int32 and int64 inputs serve as indices)`,
      );
    const dims = resolveInputDims(info, options.inputShapes);
    const perm = ioPerm(dims.length);
    const shape = permuteDims(dims, perm);
    const tensor = builder.graph.addTensor({ name: info.name, shape, dtype: info.dtype });
    builder.graph.inputs.push(tensor);
    values.set(info.name, { kind: 'act', tensor, dims, perm, dtype: info.dtype });
    inputs.push({ name: info.name, shape, layout: layoutOf(dims.length) });
  }
  const failures: NodeFailure[] = [];
  onnx.nodes.forEach((node, k) => {
    if (options.signal?.aborted) throw new CancelledError();
    options.onProgress?.(k, onnx.nodes.length);
    if (node.inputs.some((name) => name && values.get(name) === 'failed')) {
      for (const o of node.outputs) values.set(o, 'failed');
      return;
    }
    builder.currentNode = node.index;
    const ctx = new NodeContext(node, state);
    try {
      const outs = convertNode(ctx);
      node.outputs.forEach((name, i) => {
        if (!name) return;
        const v = outs[i];
        if (v) values.set(name, v);
        else if (readers.get(name)?.length || outputNames.has(name))
          ctx.unsupported(`output ${i} ("${name}") is not produced by the converter`);
      });
    } catch (e) {
      if (!(e instanceof UnsupportedOpError)) throw namingNode(node, e);
      failures.push({ node, why: e.message });
      for (const o of node.outputs) values.set(o, 'failed');
    }
  });
  options.onProgress?.(onnx.nodes.length, onnx.nodes.length);
  if (failures.length > 0) throw unsupportedNodes(failures);

  builder.currentNode = -1;
  const outputs: ConvertedIo[] = [];
  const constantOutputs: string[] = [];
  for (const info of onnx.outputs) {
    const v = values.get(info.name);
    if (!v || v === 'failed')
      throw new ModelFormatError(`graph output "${info.name}" is not produced by any node`);
    if (v.kind === 'const') {
      // The output does not depend on the inputs (a Shape of static dims, a Constant): the model
      // returns it from a constant tensor, as TFLite's own converter does for folded outputs.
      const dims = v.value.dims;
      const perm = ioPerm(dims.length);
      const shape = permuteDims(dims, perm);
      const tensor = builder.constTensor(transposeConst(v.value, perm), info.name);
      builder.graph.outputs.push(tensor);
      outputs.push({ name: info.name, shape, layout: layoutOf(dims.length) });
      constantOutputs.push(info.name);
      continue;
    }
    const perm = ioPerm(v.dims.length);
    let tensor = builder.tensorIn(v, perm, info.name, `graph output "${info.name}" is in ONNX order`);
    const shape = permuteDims(v.dims, perm);
    if (builder.graph.inputs.includes(tensor) || builder.graph.outputs.includes(tensor))
      tensor = builder.reshape(
        { ...v, tensor, dims: shape, perm: identityPerm(shape.length) },
        shape,
        info.name,
        '',
      ).tensor;
    builder.graph.tensors[tensor].name = info.name;
    builder.graph.outputs.push(tensor);
    outputs.push({ name: info.name, shape, layout: layoutOf(v.dims.length) });
  }

  const model = serializeGraph(builder.graph, 'Converted from ONNX by Lowbit');
  const report = buildReport(onnx, builder, notes, inputs, outputs);
  for (const name of constantOutputs)
    report.warnings.push(
      `graph output "${name}" does not depend on the inputs: the model returns a constant`,
    );
  return { model, report };
}

/** Every node whose op has no converter, all in one error, before any work. */
function checkConvertersExist(nodes: readonly OnnxNode[]): void {
  const missing = nodes.filter((n) => !converterFor(n));
  if (missing.length > 0)
    throw unsupportedNodes(
      missing.map((node) => ({
        node,
        why: node.domain ? `domain "${node.domain}" is not supported` : 'no converter for this op',
      })),
    );
}

function converterFor(node: OnnxNode) {
  if (node.domain) return undefined;
  return Object.hasOwn(OP_CONVERTERS, node.opType) ? OP_CONVERTERS[node.opType] : undefined;
}

function unsupportedNodes(failures: NodeFailure[]): UnsupportedOpError {
  const list = failures.map(({ node, why }) => `${nodeLabel(node.proto, node.index)}: ${why}`);
  const ops = [...new Set(failures.map((f) => f.node.opType))].join(', ');
  return new UnsupportedOpError(
    `cannot convert to TFLite: ${failures.length} node(s) unsupported (${ops}): ${list.join('; ')}`,
  );
}

function namingNode(node: OnnxNode, e: unknown): LowbitError {
  const message = `${nodeLabel(node.proto, node.index)}: ${e instanceof Error ? e.message : String(e)}`;
  if (e instanceof LowbitError) return new LowbitError(e.code, message, { cause: e });
  return new ModelFormatError(message, { cause: e });
}

function convertNode(ctx: NodeContext): (Value | undefined)[] {
  const converter = converterFor(ctx.node)!;
  const inputs = ctx.node.inputs.map((_, i) => ctx.input(i));
  const allConst = inputs.length > 0 && inputs.every((v) => v === undefined || v.kind === 'const');
  if (converter.fold && allConst) {
    const folded = converter.fold(
      ctx,
      inputs.map((v) => (v?.kind === 'const' ? v.value : undefined)),
    );
    ctx.note('folded to a constant');
    return folded.map(constValue);
  }
  return converter.convert(ctx);
}

/** The nodes that read each value (once per input slot). */
function readerNodes(onnx: OnnxGraph): Map<string, OnnxNode[]> {
  const readers = new Map<string, OnnxNode[]>();
  const read = (name: string, node?: OnnxNode) => {
    const list = readers.get(name) ?? [];
    if (node) list.push(node);
    readers.set(name, list);
  };
  for (const n of onnx.nodes) for (const name of n.inputs) if (name) read(name, n);
  for (const o of onnx.outputs) read(o.name);
  return readers;
}

/** Concrete dims for a graph input: declared, batch 1, or given by the caller. */
function resolveInputDims(info: OnnxValueInfo, given: Record<string, number[]> | undefined): number[] {
  const fromCaller = given && Object.hasOwn(given, info.name) ? given[info.name] : undefined;
  if (fromCaller) {
    if (fromCaller.some((d) => !Number.isSafeInteger(d) || d <= 0))
      throw new InvalidArgumentError(`shape for input "${info.name}" must be positive integers`, {
        option: 'inputShape',
      });
    if (info.dims && info.dims.length !== fromCaller.length)
      throw new InvalidArgumentError(
        `input "${info.name}" has ${info.dims.length} dims; the shape given has ${fromCaller.length}`,
        { option: 'inputShape' },
      );
    info.dims?.forEach((d, i) => {
      if (typeof d === 'number' && d > 0 && d !== fromCaller[i])
        throw new InvalidArgumentError(
          `input "${info.name}" has dim ${i} = ${d}; the shape given says ${fromCaller[i]}`,
          { option: 'inputShape' },
        );
    });
    return [...fromCaller];
  }
  if (!info.dims)
    throw new InvalidArgumentError(`input "${info.name}" has no declared shape: give its shape`, {
      option: 'inputShape',
    });
  return info.dims.map((d, i) => {
    if (typeof d === 'number' && d > 0) return d;
    if (i === 0) return 1;
    throw new InvalidArgumentError(
      `input "${info.name}" has a dynamic dim ${i}${typeof d === 'string' && d ? ` ("${d}")` : ''}: give its shape, e.g. ${info.name}=${info.dims!.map((x, j) => (typeof x === 'number' && x > 0 ? x : j === 0 ? 1 : 'N')).join(',')}`,
      { option: 'inputShape' },
    );
  });
}

function buildReport(
  onnx: OnnxGraph,
  builder: GraphBuilder,
  notes: Map<number, string>,
  inputs: ConvertedIo[],
  outputs: ConvertedIo[],
): ConversionReport {
  const byNode = new Map<number, string[]>();
  const tfliteOps: Record<string, number> = {};
  let insideTransposes = 0;
  for (const op of builder.graph.ops) {
    const name = BuiltinOperator[op.op];
    tfliteOps[name] = (tfliteOps[name] ?? 0) + 1;
    const atBoundary =
      builder.graph.inputs.includes(op.inputs[0]) || builder.graph.outputs.includes(op.outputs[0]);
    if (op.op === BuiltinOperator.TRANSPOSE && !atBoundary) insideTransposes++;
    const list = byNode.get(op.node) ?? [];
    list.push(name);
    byNode.set(op.node, list);
  }
  const nodes: NodeConversion[] = onnx.nodes.map((n) => {
    const tflite = byNode.get(n.index) ?? [];
    const note = notes.get(n.index) ?? (tflite.length === 0 ? 'no operator needed' : undefined);
    return { index: n.index, name: n.name, opType: n.opType, tflite, ...(note ? { note } : {}) };
  });
  const warnings = builder.transposes.map(
    (t) => `TRANSPOSE ${t.node < 0 ? 'at the graph boundary' : `for node ${t.node}`}: ${t.reason}`,
  );
  return {
    opset: onnx.opset,
    inputs,
    outputs,
    nodes,
    transposes: builder.transposes,
    tfliteOps,
    insideTransposes,
    warnings,
  };
}
