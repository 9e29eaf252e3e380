/**
 * The trainable view of subgraph 0 of a float TFLite model (surface and contract: types.ts).
 *
 * Building: the loss is taken on the model's first output, or on the logits feeding it when the
 * graph ends in SOFTMAX. The ops that output depends on are found by walking back from it; each
 * must be one graph/ops/ can run forward and backward (else one error lists every op that
 * cannot, since the loss could not reach the ops before them). Ops whose weights are not float32
 * (int8 hybrid weights are dequantized) or that `freeze` names run with constant weights and are
 * listed in `frozen`, as are weight-carrying ops whose output does not reach the loss.
 *
 * Running: activations live in buffers per tensor, grown to the largest batch seen; the input is
 * copied in (an observer may fake-quantize it); ops run in the model's order, each followed by
 * the observer on its output. Backward zeroes the activation gradients, then walks the ops in
 * reverse, the observer first on each output's gradient, each op adding into its inputs'
 * gradients and its parameters' `grad`.
 */
import { InvalidArgumentError, UnsupportedOpError } from '../../errors';
import { TensorType, type TflModel, type TensorT } from '../../tflite/model';
import { bufferAs } from '../../tflite/edit';
import { asString, opName } from '../../tflite/names';
import { readTflite } from '../../tflite/reader';
import { writeTflite } from '../../tflite/writer';
import { TRAIN_OPS } from './ops/index';
import { allocate, type OpIO, type OpSpec, type TensorSpec, type TrainOp } from './ops/op';
import type {
  ActivationObserver,
  ActivationSite,
  BuildGraphOptions,
  FloatArray,
  Precision,
  TrainGraph,
  TrainParam,
} from './types';

export type { BuildGraphOptions, TrainGraph } from './types';

interface Node {
  opIndex: number;
  name: string;
  op: TrainOp;
  inputs: number[];
  output: number;
  frozen: boolean;
  /** Per input slot: the parameter it is, if any. */
  paramAt: (TrainParam | undefined)[];
  site: ActivationSite;
}

function tensorName(t: TensorT, i: number): string {
  return asString(t.name) || `tensor ${i}`;
}

/** A constant's values as float32 (and as integers for shape-like operands), or a reason it has none usable. */
function constantOf(
  model: TflModel,
  t: TensorT,
): { values?: Float32Array; ints?: Int32Array; dequantized?: boolean } | undefined {
  const data = model.buffers[t.buffer]?.data;
  if (t.isVariable || !data || data.length === 0) return undefined;
  switch (t.type) {
    case TensorType.FLOAT32:
      return { values: bufferAs(data, Float32Array) };
    case TensorType.INT32: {
      const ints = bufferAs(data, Int32Array);
      return { ints, values: Float32Array.from(ints) };
    }
    case TensorType.INT64: {
      const ints = Int32Array.from(bufferAs(data, BigInt64Array), (v) => Number(v));
      return { ints, values: Float32Array.from(ints) };
    }
    case TensorType.INT8: {
      const q = t.quantization;
      const scales = q?.scale ?? [];
      if (scales.length === 0) return { ints: Int32Array.from(bufferAs(data, Int8Array)) };
      const raw = bufferAs(data, Int8Array);
      const zps = (q?.zeroPoint ?? []).map(Number);
      const axis = q?.quantizedDimension ?? 0;
      const dims = t.shape ?? [];
      const inner = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
      const ch = scales.length;
      const values = new Float32Array(raw.length);
      for (let i = 0; i < raw.length; i++) {
        const c = ch === 1 ? 0 : Math.floor(i / inner) % ch;
        values[i] = (raw[i]! - (zps[c] ?? 0)) * scales[c]!;
      }
      return { values, dequantized: true };
    }
    default:
      return undefined;
  }
}

class Graph implements TrainGraph {
  observer: ActivationObserver | undefined;
  readonly params: TrainParam[] = [];
  readonly sites: ActivationSite[] = [];
  readonly frozen: string[] = [];
  readonly inputShape: number[];
  readonly inputSize: number;
  readonly classes: number;
  readonly logitsTensor: number;
  private readonly nodes: Node[] = [];
  private readonly inputTensor: number;
  private readonly inputSite: ActivationSite;
  /** Per tensor: per-sample size for activations. */
  private readonly actSize = new Map<number, number>();
  private readonly constValues = new Map<number, FloatArray>();
  private readonly values = new Map<number, FloatArray>();
  private readonly grads = new Map<number, FloatArray>();
  private capacity = 0;
  private lastN = 0;
  private readonly logitScale: number;
  private scaled: FloatArray | undefined;
  private dScaled: FloatArray | undefined;

  constructor(
    private readonly model: TflModel,
    readonly precision: Precision,
    options: BuildGraphOptions,
  ) {
    const sg = model.subgraphs[0];
    if (!sg) throw new InvalidArgumentError('the model has no subgraph');
    if (sg.inputs.length !== 1)
      throw new UnsupportedOpError(`training needs a model with one input, this one has ${sg.inputs.length}`);
    const inT = sg.inputs[0]!;
    const input = sg.tensors[inT]!;
    if (input.type !== TensorType.FLOAT32)
      throw new UnsupportedOpError(`training needs a float32 input, ${tensorName(input, inT)} is not`);
    const inShape = input.shape ?? [];
    if (inShape[0] !== 1)
      throw new UnsupportedOpError(
        `training needs the input's batch dimension first and 1, got [${inShape.join(',')}]`,
      );
    this.inputTensor = inT;
    this.inputShape = inShape.slice(1);
    this.inputSize = this.inputShape.reduce((a, b) => a * b, 1);
    this.inputSite = {
      tensorIndex: inT,
      name: tensorName(input, inT),
      shape: this.inputShape,
      opIndex: -1,
      opName: 'INPUT',
    };
    this.sites.push(this.inputSite);
    this.actSize.set(inT, this.inputSize);

    const producer = new Map<number, number>();
    sg.operators.forEach((op, i) => op.outputs.forEach((t) => producer.set(t, i)));
    const outT = sg.outputs[0];
    if (outT === undefined) throw new InvalidArgumentError('the model has no output');
    let logits = outT;
    let scale = 1;
    const last = producer.get(outT);
    if (last !== undefined && opName(model.operatorCodes[sg.operators[last]!.opcodeIndex]!) === 'SOFTMAX') {
      logits = sg.operators[last]!.inputs[0]!;
      scale = ((sg.operators[last]!.builtinOptions as { beta?: number } | null)?.beta ?? 1) || 1;
    }
    this.logitsTensor = logits;
    this.logitScale = scale;

    // Ops the logits depend on.
    const needed = new Set<number>();
    const stack = [logits];
    const seen = new Set<number>();
    while (stack.length) {
      const t = stack.pop()!;
      if (seen.has(t)) continue;
      seen.add(t);
      const p = producer.get(t);
      if (p === undefined) continue;
      needed.add(p);
      for (const i of sg.operators[p]!.inputs) if (i >= 0) stack.push(i);
    }
    if (!seen.has(inT)) throw new UnsupportedOpError('the loss does not depend on the model input');

    const problems: string[] = [];
    const paramsByTensor = new Map<number, TrainParam>();
    const specOf = (i: number): TensorSpec => {
      const t = sg.tensors[i]!;
      const c = constantOf(model, t);
      return { index: i, name: tensorName(t, i), shape: t.shape ?? [], constant: c?.values, ints: c?.ints };
    };
    sg.operators.forEach((op, opIndex) => {
      const name = opName(model.operatorCodes[op.opcodeIndex]!);
      const outName = tensorName(sg.tensors[op.outputs[0]!]!, op.outputs[0]!);
      if (!needed.has(opIndex)) {
        if (['CONV_2D', 'DEPTHWISE_CONV_2D', 'FULLY_CONNECTED'].includes(name) && op.outputs[0] !== outT)
          this.frozen.push(`${name} (${outName}): its output does not reach the loss`);
        return;
      }
      const factory = TRAIN_OPS[name];
      if (!factory) {
        problems.push(`${name} (${outName}) has no backward pass`);
        return;
      }
      if (op.outputs.length !== 1) {
        problems.push(`${name} (${outName}) has ${op.outputs.length} outputs`);
        return;
      }
      const inputs = op.inputs.map((i) => (i >= 0 ? specOf(i) : undefined));
      const output = specOf(op.outputs[0]!);
      const spec: OpSpec = {
        opIndex,
        name,
        options: op.builtinOptions as Record<string, unknown> | null,
        inputs,
        output,
        precision,
      };
      let trainOp: TrainOp;
      try {
        trainOp = factory(spec);
      } catch (e) {
        if (e instanceof UnsupportedOpError) {
          problems.push(e.message);
          return;
        }
        throw e;
      }
      for (const s of trainOp.activationSlots) {
        const t = op.inputs[s]!;
        if (inputs[s]?.constant !== undefined) continue;
        // (After an earlier problem, its consumers' complaints would only repeat it.)
        if (!this.actSize.has(t) && problems.length === 0)
          problems.push(`${name} (${outName}) reads ${inputs[s]!.name}, which no trained op produces`);
      }
      const outShape = output.shape;
      if (outShape[0] !== 1) {
        problems.push(
          `${name} (${outName}) outputs [${outShape.join(',')}]: training needs the batch dimension first and 1`,
        );
        return;
      }
      this.actSize.set(
        op.outputs[0]!,
        outShape.slice(1).reduce((a, b) => a * b, 1),
      );
      let frozenWhy = options.freeze?.(opIndex, name);
      const quantized = trainOp.params.find(
        (p) => constantOf(model, sg.tensors[op.inputs[p.slot]!]!)?.dequantized,
      );
      if (!frozenWhy && quantized) frozenWhy = 'its weights are int8 (dequantized, kept as they are)';
      if (frozenWhy) this.frozen.push(`${name} (${outName}): ${frozenWhy}`);
      const paramAt: (TrainParam | undefined)[] = [];
      for (const p of trainOp.params) {
        const ti = op.inputs[p.slot]!;
        const spec = inputs[p.slot]!;
        if (frozenWhy) continue;
        let param = paramsByTensor.get(ti);
        if (!param) {
          const value = allocate(precision, spec.constant!.length);
          value.set(spec.constant!);
          param = {
            tensorIndex: ti,
            name: spec.name,
            shape: spec.shape,
            size: value.length,
            role: p.role,
            quantAxis: p.quantAxis,
            opIndex,
            opName: name,
            value,
            grad: new Float64Array(value.length),
          };
          paramsByTensor.set(ti, param);
          this.params.push(param);
        }
        paramAt[p.slot] = param;
      }
      inputs.forEach((s, slot) => {
        if (s?.constant && !paramAt[slot] && !this.constValues.has(s.index)) {
          const v = allocate(precision, s.constant.length);
          v.set(s.constant);
          this.constValues.set(s.index, v);
        }
      });
      const site: ActivationSite = {
        tensorIndex: op.outputs[0]!,
        name: outName,
        shape: outShape.slice(1),
        opIndex,
        opName: name,
      };
      this.sites.push(site);
      this.nodes.push({
        opIndex,
        name,
        op: trainOp,
        inputs: op.inputs,
        output: op.outputs[0]!,
        frozen: !!frozenWhy,
        paramAt,
        site,
      });
    });
    if (problems.length)
      throw new UnsupportedOpError(`the loss cannot reach the model's trainable ops: ${problems.join('; ')}`);
    if (!this.actSize.has(logits))
      throw new UnsupportedOpError('the logits are not computed from the model input');
    this.classes = this.actSize.get(logits)!;
    if (this.params.length === 0)
      throw new UnsupportedOpError('the model has no trainable weights on the way to its output');
  }

  private ensure(n: number): void {
    if (n <= this.capacity) return;
    this.capacity = n;
    for (const [t, size] of this.actSize) {
      this.values.set(t, allocate(this.precision, size * n));
      this.grads.set(t, allocate(this.precision, size * n));
    }
    this.scaled = allocate(this.precision, this.classes * n);
    this.dScaled = allocate(this.precision, this.classes * n);
  }

  private io(node: Node, n: number, withGrads: boolean): OpIO {
    const ins = node.inputs.map((t, slot) =>
      t < 0 ? undefined : (node.paramAt[slot]?.value ?? this.constValues.get(t) ?? this.values.get(t)),
    );
    const out = this.values.get(node.output)!;
    if (!withGrads) return { n, ins, out, dOut: out, dIns: [] };
    const dIns = node.inputs.map((t, slot) => {
      if (t < 0) return null;
      const p = node.paramAt[slot];
      if (p) return p.grad;
      if (this.constValues.has(t) || t === this.inputTensor) return null;
      return this.grads.get(t) ?? null;
    });
    return { n, ins, out, dOut: this.grads.get(node.output)!, dIns };
  }

  forward(input: FloatArray, count: number, training: boolean): FloatArray {
    if (input.length < count * this.inputSize)
      throw new InvalidArgumentError(
        `forward: ${count} samples need ${count * this.inputSize} values, got ${input.length}`,
      );
    this.ensure(count);
    this.lastN = count;
    const x = this.values.get(this.inputTensor)!;
    for (let i = 0, n = count * this.inputSize; i < n; i++) x[i] = input[i]!;
    this.observer?.forward(this.inputSite, x, count, training);
    for (const node of this.nodes) {
      node.op.forward(this.io(node, count, false));
      this.observer?.forward(node.site, this.values.get(node.output)!, count, training);
    }
    const logits = this.values.get(this.logitsTensor)!;
    if (this.logitScale === 1) return logits;
    const s = this.scaled!;
    for (let i = 0, n = count * this.classes; i < n; i++) s[i] = logits[i]! * this.logitScale;
    return s;
  }

  backward(dLogits: FloatArray): void {
    const n = this.lastN;
    for (const [t, g] of this.grads) g.fill(0, 0, n * this.actSize.get(t)!);
    const gl = this.grads.get(this.logitsTensor)!;
    for (let i = 0, m = n * this.classes; i < m; i++) gl[i] = dLogits[i]! * this.logitScale;
    for (let k = this.nodes.length - 1; k >= 0; k--) {
      const node = this.nodes[k]!;
      this.observer?.backward(node.site, this.values.get(node.output)!, this.grads.get(node.output)!, n);
      node.op.backward(this.io(node, n, true));
    }
  }

  activation(tensorIndex: number): FloatArray | undefined {
    return this.values.get(tensorIndex);
  }

  zeroGrad(): void {
    for (const p of this.params) p.grad.fill(0);
  }

  toModel(): TflModel {
    const m = readTflite(writeTflite(this.model));
    const sg = m.subgraphs[0]!;
    const users = new Map<number, number>();
    for (const s of m.subgraphs)
      for (const t of s.tensors) users.set(t.buffer, (users.get(t.buffer) ?? 0) + 1);
    for (const p of this.params) {
      const t = sg.tensors[p.tensorIndex]!;
      const bytes = new Uint8Array(Float32Array.from(p.value).buffer);
      if ((users.get(t.buffer) ?? 0) === 1 && t.buffer !== 0) m.buffers[t.buffer] = { data: bytes };
      else {
        t.buffer = m.buffers.length;
        m.buffers.push({ data: bytes });
      }
    }
    return m;
  }
}

/** Builds the trainable graph of `model`'s subgraph 0 (a float model). */
export function buildTrainGraph(model: TflModel, options: BuildGraphOptions = {}): TrainGraph {
  return new Graph(model, options.precision ?? 'float32', options);
}
