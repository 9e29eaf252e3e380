/**
 * Where fake quantization goes in a float model, decided by the full-integer quantizer's own
 * planner (planFullInteger, OP_SPECS), so the simulation quantizes exactly the tensors the
 * export will: the model's float inputs, every float output of a quantized op, the weights of
 * CONV_2D / DEPTHWISE_CONV_2D (per channel on the spec's axis) and FULLY_CONNECTED (per tensor)
 * and their biases. Fused activations need nothing of their own: the output's range is observed after the
 * fused ReLU, as TFLite folds it (its fake quant sits after the activation).
 *
 * Parameter sharing follows the quantizer: the inputs and outputs of data-movement ops (pooling,
 * reshape, concatenation...) form one group whose parameters come from its earliest member in
 * execution order (the tensor the data flows from; TFMOT's pooling and reshape have no quantizer
 * of their own either), and fixed-output ops (SOFTMAX, LOGISTIC, TANH...) pin their group.
 * Ranges are tracked only for each group's representative tensor.
 */
import { QuantizationError } from '../../errors';
import { planFullInteger } from '../../optimize/full-integer';
import type { OpPlan, PresetParams } from '../../optimize/full-integer-types';
import { TensorType } from '../../tflite/generated/tflite';
import { bufferAs, isConstant } from '../../tflite/edit';
import type { TflModel } from '../../tflite/model';
import { asString } from '../../tflite/names';
import {
  activationParams,
  fakeQuantWeights,
  type ActivationParams,
  type ActivationScheme,
  type Range,
} from './fake-quant';

/** One weighted op's fake-quantized operands. */
export interface WeightSite {
  op: number;
  weight: number;
  /** Bias tensor, or -1. */
  bias: number;
  /** The op's activation input (its scale times the weight scale is the bias scale). */
  input: number;
  /** Per-channel axis of the weights (null: per tensor). */
  axis: number | null;
}

export interface QatPlan {
  scheme: ActivationScheme;
  ops: OpPlan[];
  /** Every fake-quantized activation tensor → the representative whose range it uses. */
  groupOf: Map<number, number>;
  /** Representatives whose parameters are fixed by the op (SOFTMAX...), with those parameters. */
  fixed: Map<number, ActivationParams>;
  /** Representatives whose ranges are observed in training, in execution order. */
  observed: number[];
  weights: WeightSite[];
}

/**
 * Plans fake quantization as TFMOT's default 8-bit scheme has it: CONV_2D and DEPTHWISE_CONV_2D
 * weights per output channel, FULLY_CONNECTED (Dense) weights per tensor (which Arm NN also
 * requires), and per tensor for every op `perTensor` names (layers clustered before QAT: one
 * scale keeps their K centroids at K int8 codes).
 */
export function planQat(
  model: TflModel,
  scheme: ActivationScheme,
  perTensor: (op: OpPlan, index: number) => boolean = () => false,
): QatPlan {
  if (model.subgraphs.length !== 1)
    throw new QuantizationError(
      `the model has ${model.subgraphs.length} subgraphs: quantization-aware training needs one`,
    );
  const sg = model.subgraphs[0];
  const ops = planFullInteger(model, { activations: scheme });
  const isFloatAct = (i: number) =>
    i >= 0 &&
    sg.tensors[i].type === TensorType.FLOAT32 &&
    !isConstant(model, sg.tensors[i]) &&
    !sg.tensors[i].isVariable;

  // Execution order of each tensor: model inputs first (-1), then by the op writing it.
  const writtenAt = new Map<number, number>();
  for (const i of sg.inputs) writtenAt.set(i, -1);
  sg.operators.forEach((op, k) => op.outputs.forEach((o) => writtenAt.set(o, k)));
  const order = (i: number) => writtenAt.get(i) ?? -1;

  const parent = new Map<number, number>();
  const find = (x: number): number => {
    const p = parent.get(x) ?? x;
    if (p === x) return x;
    const r = find(p);
    parent.set(x, r);
    return r;
  };
  const union = (a: number, b: number) => {
    const ra = find(a);
    const rb = find(b);
    if (ra === rb) return;
    // The earlier tensor stays the representative.
    if (order(rb) < order(ra) || (order(rb) === order(ra) && rb < ra)) parent.set(ra, rb);
    else parent.set(rb, ra);
  };

  const quantized = new Set<number>();
  for (const i of sg.inputs) if (isFloatAct(i)) quantized.add(i);
  const weights: WeightSite[] = [];
  ops.forEach((p, k) => {
    if (!p.quantize || !p.spec) return;
    const op = sg.operators[k];
    if (p.spec.lstm)
      throw new QuantizationError(
        `${p.name} #${k}: quantization-aware training does not simulate recurrent ops yet`,
      );
    for (const o of op.outputs) if (isFloatAct(o)) quantized.add(o);
    // The quantizer reads every float activation input of a quantized op quantized.
    for (const i of op.inputs) if (isFloatAct(i)) quantized.add(i);
    if (p.spec.shared) {
      const members = [...op.inputs, ...op.outputs].filter(isFloatAct);
      for (const m of members) union(members[0], m);
    }
    if (p.spec.weights) {
      const b = p.spec.bias !== undefined ? (op.inputs[p.spec.bias] ?? -1) : -1;
      weights.push({
        op: k,
        weight: op.inputs[p.spec.weights.slot],
        bias: b,
        input: op.inputs[0],
        axis: p.name === 'FULLY_CONNECTED' || perTensor(p, k) ? null : p.spec.weights.axis,
      });
    }
  });
  const fixed = new Map<number, ActivationParams>();
  ops.forEach((p, k) => {
    const f = p.quantize ? p.spec?.fixed : undefined;
    const v = f ? (scheme === 'int16' ? f.int16 : f.int8) : undefined;
    if (v) fixed.set(find(sg.operators[k].outputs[0]), { scale: Math.fround(v[0]), zeroPoint: v[1] });
  });
  const groupOf = new Map<number, number>();
  for (const t of quantized) groupOf.set(t, find(t));
  const observed = [...new Set(groupOf.values())]
    .filter((g) => !fixed.has(g))
    .sort((a, b) => order(a) - order(b) || a - b);
  return { scheme, ops, groupOf, fixed, observed, weights };
}

/** Parameters of every fake-quantized activation from the representatives' ranges. */
export function activationParamsOf(
  plan: QatPlan,
  ranges: ReadonlyMap<number, Range>,
  nameOf: (tensor: number) => string = (t) => `#${t}`,
): Map<number, ActivationParams> {
  const byGroup = new Map<number, ActivationParams>();
  const out = new Map<number, ActivationParams>();
  for (const [t, g] of plan.groupOf) {
    let p = byGroup.get(g) ?? plan.fixed.get(g);
    if (!p) {
      const r = ranges.get(g);
      if (!r) throw new QuantizationError(`tensor "${nameOf(g)}" has no observed range`);
      p = activationParams(r, plan.scheme);
      byGroup.set(g, p);
    }
    out.set(t, p);
  }
  return out;
}

/**
 * The quantizer's presets that reproduce the simulation: every fake-quantized activation's
 * parameters, and each weight tensor's scales as fake quantization computed them from the
 * current float weights.
 */
export function presetsOf(
  model: TflModel,
  plan: QatPlan,
  ranges: ReadonlyMap<number, Range>,
  /** Weight scales already computed (training's last fake quantization), by weight tensor. */
  weightScales?: ReadonlyMap<number, number[]>,
): PresetParams {
  const sg = model.subgraphs[0];
  const activations = activationParamsOf(plan, ranges, (t) => asString(sg.tensors[t].name));
  const weights = new Map<number, number[]>();
  for (const w of plan.weights) {
    const known = weightScales?.get(w.weight);
    if (known) {
      weights.set(w.weight, known);
      continue;
    }
    const t = sg.tensors[w.weight];
    const values = bufferAs(model.buffers[t.buffer].data, Float32Array);
    weights.set(w.weight, fakeQuantWeights(values, t.shape, w.axis).scale);
  }
  return { activations, weights, biases: new Map() };
}
