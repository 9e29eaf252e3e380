/**
 * The weight tensors that pruning and clustering act on, and reading/writing their values.
 *
 * Layouts (TFLite): CONV_2D [O, KH, KW, I], DEPTHWISE_CONV_2D [1, KH, KW, O], FULLY_CONNECTED
 * [O, I]. Weights are float32, or int8 with zero point 0 (TFLite's symmetric weights), where a
 * weight's magnitude is |q| × scale of its channel. Biases are never touched.
 */
import { InvalidArgumentError } from '../../errors';
import { BuiltinOperator, TensorType, type TensorT } from '../../tflite/generated/tflite';
import { addBuffer, builtinOf, bufferAs, bytesOf, isConstant } from '../../tflite/edit';
import type { TflModel } from '../../tflite/model';
import { asString } from '../../tflite/names';

export type LayerOp = 'CONV_2D' | 'DEPTHWISE_CONV_2D' | 'FULLY_CONNECTED';

export const DEFAULT_OPS: readonly LayerOp[] = ['CONV_2D', 'DEPTHWISE_CONV_2D', 'FULLY_CONNECTED'];
/** Layers with fewer weights are skipped by default: too little to gain, and the most sensitive. */
export const DEFAULT_MIN_WEIGHTS = 1024;

const OP_CODES: Record<LayerOp, BuiltinOperator> = {
  CONV_2D: BuiltinOperator.CONV_2D,
  DEPTHWISE_CONV_2D: BuiltinOperator.DEPTHWISE_CONV_2D,
  FULLY_CONNECTED: BuiltinOperator.FULLY_CONNECTED,
};

export interface WeightLayer {
  subgraph: number;
  op: number;
  opName: LayerOp;
  /** Weight tensor index (operator input 1). */
  tensor: number;
  name: string;
  shape: number[];
  dtype: 'float32' | 'int8';
  /** Output-channel axis: 0 for CONV_2D/FC, 3 for DEPTHWISE_CONV_2D. */
  outAxis: number;
  /** Per-element real-value scale (1 for float32; the channel's scale for int8). */
  scaleOf: (k: number) => number;
}

export interface LayerSelection {
  ops?: readonly LayerOp[];
  /** Layers with fewer weights are skipped (default 1024). */
  minWeights?: number;
}

export interface SkippedLayer {
  name: string;
  op: string;
  reason: string;
}

export function parseLayerOps(list: string): LayerOp[] {
  return list.split(',').map((s) => {
    const name = s.trim().toUpperCase();
    if (!(name in OP_CODES))
      throw new InvalidArgumentError(`unknown layer op "${s}": use ${DEFAULT_OPS.join(', ')}`);
    return name as LayerOp;
  });
}

/**
 * Every eligible weight tensor, once (a weight shared by two ops is listed for the first), and
 * the layers skipped with the reason.
 */
export function findWeightLayers(
  model: TflModel,
  sel: LayerSelection = {},
): { layers: WeightLayer[]; skipped: SkippedLayer[] } {
  const ops = new Set(sel.ops ?? DEFAULT_OPS);
  const minWeights = sel.minWeights ?? DEFAULT_MIN_WEIGHTS;
  const layers: WeightLayer[] = [];
  const skipped: SkippedLayer[] = [];
  const seen = new Set<string>();
  model.subgraphs.forEach((sg, s) => {
    sg.operators.forEach((op, k) => {
      const code = builtinOf(model, op);
      const opName = (Object.keys(OP_CODES) as LayerOp[]).find((n) => OP_CODES[n] === code);
      if (!opName || !ops.has(opName)) return;
      const wi = op.inputs[1] ?? -1;
      if (wi < 0) return;
      const key = `${s}:${wi}`;
      if (seen.has(key)) return;
      seen.add(key);
      const t = sg.tensors[wi];
      const name = asString(t.name) || `tensor${wi}`;
      const skip = (reason: string) => skipped.push({ name, op: opName, reason });
      if (!isConstant(model, t)) return skip('weights are not constant');
      if (t.sparsity) return skip('weights are already stored sparse');
      const n = t.shape.reduce((a, b) => a * b, 1);
      if (n < minWeights) return skip(`${n} weights, fewer than ${minWeights}`);
      const outAxis = opName === 'DEPTHWISE_CONV_2D' ? 3 : 0;
      if (t.shape.length <= outAxis) return skip(`unexpected weight shape [${t.shape.join(',')}]`);
      const layer = describe(t, s, k, wi, name, opName, outAxis, n, model);
      if (typeof layer === 'string') return skip(layer);
      layers.push(layer);
    });
  });
  return { layers, skipped };
}

function describe(
  t: TensorT,
  s: number,
  op: number,
  tensor: number,
  name: string,
  opName: LayerOp,
  outAxis: number,
  n: number,
  model: TflModel,
): WeightLayer | string {
  const base = { subgraph: s, op, opName, tensor, name, shape: [...t.shape], outAxis };
  const bytes = model.buffers[t.buffer].data.length;
  if (t.type === TensorType.FLOAT32) {
    if (bytes !== n * 4) return `buffer has ${bytes} bytes, expected ${n * 4}`;
    return { ...base, dtype: 'float32', scaleOf: () => 1 };
  }
  if (t.type !== TensorType.INT8) return `weights are ${TensorType[t.type]}: float32 or int8 only`;
  if (bytes !== n) return `buffer has ${bytes} bytes, expected ${n}`;
  const q = t.quantization;
  if (!q || q.scale.length === 0) return 'int8 weights without quantization parameters';
  if (q.zeroPoint.some((z) => z !== 0n)) return 'int8 weights with a non-zero zero point';
  const scales = [...q.scale];
  if (scales.length === 1) return { ...base, dtype: 'int8', scaleOf: () => scales[0] };
  const axis = q.quantizedDimension;
  if (t.shape[axis] !== scales.length) return `${scales.length} scales for dimension ${t.shape[axis]}`;
  const inner = t.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  return { ...base, dtype: 'int8', scaleOf: (k) => scales[Math.floor(k / inner) % scales.length] };
}

/** The weights as numbers in their storage unit (float value, or int8 code). */
export function readWeights(model: TflModel, layer: WeightLayer): Float32Array | Int8Array {
  const t = model.subgraphs[layer.subgraph].tensors[layer.tensor];
  const data = model.buffers[t.buffer].data;
  return layer.dtype === 'float32' ? bufferAs(data, Float32Array) : bufferAs(data, Int8Array);
}

/**
 * Stores new weights in a NEW buffer (optimizers never write into an existing buffer: the input
 * model shares its bytes with the clone).
 */
export function writeWeights(model: TflModel, layer: WeightLayer, values: Float32Array | Int8Array): void {
  const t = model.subgraphs[layer.subgraph].tensors[layer.tensor];
  t.buffer = addBuffer(model, bytesOf(values).slice());
}

/** Output channel of element k. */
export function channelIndexer(shape: readonly number[], axis: number): (k: number) => number {
  const channels = shape[axis];
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  return (k) => Math.floor(k / inner) % channels;
}

/** One pruned weight tensor, as reported to the user. */
export interface PrunedLayer {
  name: string;
  op: string;
  shape: number[];
  weights: number;
  zeros: number;
  sparsity: number;
  /** Channel pruning: output channels removed, and the new shape. */
  removedChannels?: number[];
  newShape?: number[];
}
