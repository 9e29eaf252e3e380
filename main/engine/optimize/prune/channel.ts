/**
 * Channel (filter) pruning that really removes channels: the producer layer (CONV_2D or
 * FULLY_CONNECTED) loses whole output channels — weight rows, bias entries, per-channel scales —
 * its output tensor and every tensor of the per-channel chain after it lose them too, and the
 * consumers lose the matching input channels. Tensor shapes shrink, so compute does too.
 *
 * Chains followed: RELU, RELU6, RELU_N1_TO_1, LOGISTIC, TANH, MAX_POOL_2D, AVERAGE_POOL_2D (they
 * act on each channel alone) and DEPTHWISE_CONV_2D with depth_multiplier 1 (its channel c reads
 * only input channel c, so it loses the same channels: weights on axis 3, bias, scales). Chains
 * end at CONV_2D (weights lose axis 3) or FULLY_CONNECTED reading the channel as its innermost
 * input (weights lose columns) — also after a flatten RESHAPE [B, ..., C] → [B, spatial·C], where
 * channel c is every column p·C + c. Anything else — ADD/MUL/CONCATENATION joining branches, a
 * RESHAPE that is not a flatten into FULLY_CONNECTED, a graph output — refuses the layer with
 * the reason.
 *
 * Which channels: the round-down of fraction × O with the smallest L2 norm of their filter (real
 * values); ties remove the lower channel index first; at least one channel stays.
 *
 * Bias: a removed channel's output in the original model is not zero but act(bias) (its filter
 * only carries small weights, its bias can be anything). We drop it, exactly like a dense
 * reference with that channel's weights AND bias zeroed and the consumers' matching input
 * weights zeroed (the tests compare against that reference). Folding act(bias) into the
 * consumer's bias is exact only for FULLY_CONNECTED or VALID-padded consumers (SAME padding sees
 * zeros at the borders), so it is not done: accuracy on the user's data shows the cost.
 */
import { ModelFormatError, throwIfAborted, UnsupportedOpError } from '../../errors';
import {
  BuiltinOperator,
  TensorType,
  type DepthwiseConv2DOptionsT,
  type ReshapeOptionsT,
  type SubGraphT,
  type TensorT,
} from '../../tflite/generated/tflite';
import { addBuffer, builtinOf, bufferAs, consumers, isConstant } from '../../tflite/edit';
import type { TflModel } from '../../tflite/model';
import type { PrunedLayer, SkippedLayer, WeightLayer } from './layers';

const PER_CHANNEL = new Set([
  BuiltinOperator.RELU,
  BuiltinOperator.RELU6,
  BuiltinOperator.RELU_N1_TO_1,
  BuiltinOperator.LOGISTIC,
  BuiltinOperator.TANH,
  BuiltinOperator.MAX_POOL_2D,
  BuiltinOperator.AVERAGE_POOL_2D,
]);

const ELEM: Partial<Record<TensorType, number>> = {
  [TensorType.FLOAT32]: 4,
  [TensorType.INT8]: 1,
  [TensorType.INT32]: 4,
  [TensorType.INT64]: 8,
  [TensorType.FLOAT16]: 2,
};

interface Plan {
  /** Activation tensors whose last dim shrinks. */
  activations: number[];
  /**
   * Constant tensors to slice: [tensor, axis, spatial]. spatial > 1: the axis is a flattened
   * [spatial, channels] (FULLY_CONNECTED after a flatten), so channel c is every index p·C + c.
   * Per-channel params follow when they are on that axis.
   */
  slices: [number, number, number][];
  /** Flatten RESHAPEs: [op, spatial] — output [B, spatial·C] becomes [B, spatial·C']. */
  flattens: [number, number][];
}

export function pruneChannels(
  model: TflModel,
  layers: WeightLayer[],
  fraction: number,
  signal?: AbortSignal,
): { layers: PrunedLayer[]; skipped: SkippedLayer[] } {
  const out: PrunedLayer[] = [];
  const skipped: SkippedLayer[] = [];
  for (const layer of layers) {
    throwIfAborted(signal);
    const skip = (reason: string) => skipped.push({ name: layer.name, op: layer.opName, reason });
    if (layer.opName === 'DEPTHWISE_CONV_2D') {
      skip("a depthwise layer's channels follow its input: they are pruned with the producer before it");
      continue;
    }
    const sg = model.subgraphs[layer.subgraph];
    const op = sg.operators[layer.op];
    const w = sg.tensors[layer.tensor];
    const channels = w.shape[0];
    const plan = planChain(model, sg, layer.subgraph, op.outputs[0], channels);
    if (typeof plan === 'string') {
      skip(plan);
      continue;
    }
    const remove = Math.min(channels - 1, Math.floor(fraction * channels));
    if (remove <= 0) {
      skip(`${channels} output channels: ${fraction} of them rounds down to none`);
      continue;
    }
    const norms = filterNorms(model, w);
    const order = Array.from({ length: channels }, (_v, c) => c).sort((a, b) => norms[a] - norms[b] || a - b);
    const removed = order.slice(0, remove).sort((a, b) => a - b);
    const gone = new Set(removed);
    const keep = Array.from({ length: channels }, (_v, c) => c).filter((c) => !gone.has(c));
    const oldShape = [...w.shape];
    sliceConstant(model, sg, layer.tensor, 0, keep);
    const bias = op.inputs[2] ?? -1;
    if (bias >= 0) sliceConstant(model, sg, bias, 0, keep);
    for (const [t, axis, spatial] of plan.slices)
      sliceConstant(model, sg, t, axis, spread(keep, channels, spatial));
    for (const [k, spatial] of plan.flattens) shrinkFlatten(model, sg, k, spatial * keep.length);
    for (const a of plan.activations) {
      const t = sg.tensors[a];
      t.shape[t.shape.length - 1] = keep.length;
      if (t.shapeSignature.length === t.shape.length)
        t.shapeSignature[t.shapeSignature.length - 1] = keep.length;
    }
    const nw = w.shape.reduce((x, y) => x * y, 1);
    out.push({
      name: layer.name,
      op: layer.opName,
      shape: oldShape,
      weights: nw,
      zeros: 0,
      sparsity: remove / channels,
      removedChannels: removed,
      newShape: [...w.shape],
    });
  }
  return { layers: out, skipped };
}

/** Follows the producer's output to its consumers; a string is the reason it cannot be pruned. */
function planChain(
  model: TflModel,
  sg: SubGraphT,
  s: number,
  start: number,
  channels: number,
): Plan | string {
  const users = consumers(sg);
  const plan: Plan = { activations: [], slices: [], flattens: [] };
  const queue = [start];
  const graphOutputs = new Set(sg.outputs);
  const sigOutputs = new Set(
    model.signatureDefs
      .filter((d) => d.subgraphIndex === s)
      .flatMap((d) => d.outputs.map((m) => m.tensorIndex)),
  );
  let ends = 0;
  while (queue.length > 0) {
    const t = queue.shift()!;
    const tensor = sg.tensors[t];
    if (graphOutputs.has(t) || sigOutputs.has(t)) return 'its channels reach a model output';
    if (tensor.shape.at(-1) !== channels)
      return `tensor "${String(tensor.name)}" does not hold the channels innermost`;
    plan.activations.push(t);
    for (const { op: k, slot } of users.get(t) ?? []) {
      const op = sg.operators[k];
      const b = builtinOf(model, op);
      const name = BuiltinOperator[b] ?? `op ${b}`;
      const live = op.inputs.filter((i) => i >= 0 && !isConstant(model, sg.tensors[i]));
      if (live.length > 1) return `${name} #${k} joins two branches`;
      if (slot !== 0) return `${name} #${k} reads it as operand ${slot}, not as its data input`;
      const wi = op.inputs[1] ?? -1;
      const wShared = wi >= 0 && (users.get(wi)?.length ?? 0) > 1;
      if (PER_CHANNEL.has(b)) {
        queue.push(op.outputs[0]);
      } else if (b === BuiltinOperator.DEPTHWISE_CONV_2D) {
        const opts = op.builtinOptions as DepthwiseConv2DOptionsT | null;
        if ((opts?.depthMultiplier ?? 1) > 1) return `${name} #${k} has depth_multiplier > 1`;
        if (wi < 0 || wShared || !isConstant(model, sg.tensors[wi]))
          return `${name} #${k}: weights not prunable`;
        plan.slices.push([wi, 3, 1]);
        const bias = op.inputs[2] ?? -1;
        if (bias >= 0) plan.slices.push([bias, 0, 1]);
        queue.push(op.outputs[0]);
      } else if (b === BuiltinOperator.CONV_2D || b === BuiltinOperator.FULLY_CONNECTED) {
        if (wi < 0 || wShared || !isConstant(model, sg.tensors[wi]))
          return `${name} #${k}: weights not prunable`;
        const wt = sg.tensors[wi];
        const axis = wt.shape.length - 1;
        if (wt.shape[axis] !== channels)
          return `${name} #${k} reads ${wt.shape[axis]} input channels, not the ${channels} produced`;
        if (wt.sparsity) return `${name} #${k}: weights are stored sparse`;
        plan.slices.push([wi, axis, 1]);
        ends++;
      } else if (b === BuiltinOperator.RESHAPE) {
        const r = planFlatten(model, sg, users, k, tensor.shape, channels, graphOutputs, sigOutputs);
        if (typeof r === 'string') return r;
        plan.flattens.push([k, r.spatial]);
        plan.slices.push(...r.slices);
        ends += r.slices.length;
      } else {
        return `${name} #${k} consumes it (not a per-channel op or a prunable consumer)`;
      }
    }
  }
  if (ends === 0) return 'no consumer layer to shrink';
  return plan;
}

/**
 * A RESHAPE that flattens [B, ..., C] to [B, spatial·C] (Keras Flatten), read only by
 * FULLY_CONNECTED layers: their weight columns p·C + c go with channel c.
 */
function planFlatten(
  model: TflModel,
  sg: SubGraphT,
  users: Map<number, { op: number; slot: number }[]>,
  k: number,
  inShape: number[],
  channels: number,
  graphOutputs: Set<number>,
  sigOutputs: Set<number>,
): { spatial: number; slices: [number, number, number][] } | string {
  const op = sg.operators[k];
  const out = op.outputs[0];
  const outShape = sg.tensors[out].shape;
  const spatial = inShape.slice(1, -1).reduce((a, b) => a * b, 1);
  if (outShape.length !== 2 || outShape[0] !== inShape[0] || outShape[1] !== spatial * channels)
    return `RESHAPE #${k} changes the layout (not a flatten to [batch, features])`;
  if (graphOutputs.has(out) || sigOutputs.has(out)) return 'its channels reach a model output';
  const shapeIn = op.inputs[1] ?? -1;
  if (shapeIn >= 0 && (users.get(shapeIn)?.length ?? 0) > 1)
    return `RESHAPE #${k}: its shape tensor is shared`;
  const slices: [number, number, number][] = [];
  for (const { op: j, slot } of users.get(out) ?? []) {
    const fc = sg.operators[j];
    const name = BuiltinOperator[builtinOf(model, fc)] ?? 'op';
    if (builtinOf(model, fc) !== BuiltinOperator.FULLY_CONNECTED || slot !== 0)
      return `${name} #${j} reads the flattened channels (only FULLY_CONNECTED can shrink with them)`;
    const wi = fc.inputs[1] ?? -1;
    const w = wi >= 0 ? sg.tensors[wi] : undefined;
    if (
      !w ||
      !isConstant(model, w) ||
      w.sparsity ||
      (users.get(wi)?.length ?? 0) > 1 ||
      w.shape[1] !== spatial * channels
    )
      return `${name} #${j}: weights not prunable`;
    slices.push([wi, 1, spatial]);
  }
  if (slices.length === 0) return `RESHAPE #${k} output has no FULLY_CONNECTED reader`;
  return { spatial, slices };
}

/** Kept indices along an axis that is [spatial, C] flattened: p·C + c for every p, kept c. */
function spread(keep: number[], channels: number, spatial: number): number[] {
  if (spatial === 1) return keep;
  const out: number[] = [];
  for (let p = 0; p < spatial; p++) for (const c of keep) out.push(p * channels + c);
  return out;
}

/** The flatten's output, its constant shape operand and its options get the new feature count. */
function shrinkFlatten(model: TflModel, sg: SubGraphT, k: number, features: number): void {
  const op = sg.operators[k];
  const t = sg.tensors[op.outputs[0]];
  t.shape[1] = features;
  if (t.shapeSignature.length === 2 && t.shapeSignature[1] !== -1) t.shapeSignature[1] = features;
  const si = op.inputs[1] ?? -1;
  if (si >= 0 && isConstant(model, sg.tensors[si]) && sg.tensors[si].type === TensorType.INT32) {
    const dims = bufferAs(model.buffers[sg.tensors[si].buffer].data, Int32Array);
    if (dims.length === 2 && dims[1] !== -1) {
      dims[1] = features;
      sg.tensors[si].buffer = addBuffer(model, new Uint8Array(dims.buffer));
    }
  }
  const opts = op.builtinOptions as ReshapeOptionsT | null;
  if (opts && opts.newShape?.length === 2 && opts.newShape[1] !== -1)
    opts.newShape = [opts.newShape[0], features];
}

/** L2 norm of each output channel's filter (axis 0), in real values. */
function filterNorms(model: TflModel, w: TensorT): Float64Array {
  const c = w.shape[0];
  const inner = w.shape.slice(1).reduce((a, b) => a * b, 1);
  const data = model.buffers[w.buffer].data;
  const v: ArrayLike<number> =
    w.type === TensorType.INT8 ? bufferAs(data, Int8Array) : bufferAs(data, Float32Array);
  const scale = w.quantization?.scale ?? [];
  const norms = new Float64Array(c);
  for (let k = 0; k < v.length; k++) {
    const ch = Math.floor(k / inner);
    const s = w.type === TensorType.INT8 ? (scale.length > 1 ? scale[ch] : scale[0]) : 1;
    norms[ch] += (v[k] * s) ** 2;
  }
  return norms.map(Math.sqrt);
}

/** Keeps `keep` indices along `axis` of a constant tensor (new buffer), with its per-channel params. */
function sliceConstant(model: TflModel, sg: SubGraphT, index: number, axis: number, keep: number[]): void {
  const t = sg.tensors[index];
  const elem = ELEM[t.type];
  if (!elem) throw new UnsupportedOpError(`cannot slice a ${TensorType[t.type]} tensor`);
  const src = model.buffers[t.buffer].data;
  const shape = t.shape;
  // An untrusted file's buffer may disagree with its shape: refuse rather than slice garbage.
  if (src.length !== shape.reduce((a, b) => a * b, 1) * elem)
    throw new ModelFormatError(
      `tensor "${String(t.name)}": ${src.length} bytes for shape [${shape.join(',')}] of ${TensorType[t.type]}`,
    );
  const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const dim = shape[axis];
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1) * elem;
  const dst = new Uint8Array(outer * keep.length * inner);
  let o = 0;
  for (let a = 0; a < outer; a++) {
    for (const k of keep) {
      const from = (a * dim + k) * inner;
      dst.set(src.subarray(from, from + inner), o);
      o += inner;
    }
  }
  t.buffer = addBuffer(model, dst);
  t.shape = shape.map((d, i) => (i === axis ? keep.length : d));
  if (t.shapeSignature.length === t.shape.length) t.shapeSignature[axis] = keep.length;
  const q = t.quantization;
  // A 1-D tensor has only axis 0, whatever its quantized_dimension says (the converter writes 3
  // for depthwise biases).
  const onAxis = q && (q.quantizedDimension === axis || shape.length === 1);
  if (q && onAxis && q.scale.length === dim && dim > 1) {
    q.scale = keep.map((k) => q.scale[k]);
    if (q.zeroPoint.length === dim) q.zeroPoint = keep.map((k) => q.zeroPoint[k]);
  }
}
