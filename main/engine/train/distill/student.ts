/**
 * The student of `distill:W`: the teacher's architecture (a float TFLite model, subgraph 0) with
 * the output channels of every CONV_2D and FULLY_CONNECTED multiplied by W (rounded, at least 1),
 * except the final classifier's (the last of them, whose outputs are the classes). A
 * DEPTHWISE_CONV_2D follows its input (channels × its depth multiplier); pooling, activations,
 * padding, spatial means and SOFTMAX keep their input's channels; RESHAPE (flatten) and
 * CONCATENATION recompute their sizes; ADD/MUL need both sides at the same width (they are, when
 * both come from the same rule) or a scalar constant. Every weight is freshly initialised from
 * `seed`: He-uniform where the op has a fused ReLU, Glorot-uniform otherwise (Keras' default),
 * with Keras' fans (receptive field × channels); biases zero. Graph surgery on a copy: the
 * teacher is not modified.
 */
import { UnsupportedOpError } from '../../errors';
import { cloneModel } from '../../optimize/model-util';
import { ActivationFunctionType, BuiltinOperator, type TensorT } from '../../tflite/generated/tflite';
import { addBuffer, bufferAs, builtinOf, bytesOf, isConstant, pruneUnused } from '../../tflite/edit';
import type { TflModel } from '../../tflite/model';
import { asString } from '../../tflite/names';
import { Prng } from '../prng';

const numel = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** Ops that keep their (first) input's channels. */
const CHANNEL_PRESERVING = new Set([
  'MAX_POOL_2D',
  'AVERAGE_POOL_2D',
  'L2_POOL_2D',
  'RELU',
  'RELU6',
  'RELU_N1_TO_1',
  'LEAKY_RELU',
  'LOGISTIC',
  'TANH',
  'SOFTMAX',
  'HARD_SWISH',
  'PAD',
  'PADV2',
  'MEAN',
  'QUANTIZE',
  'DEQUANTIZE',
]);
const ELEMENTWISE = new Set(['ADD', 'SUB', 'MUL', 'MAXIMUM', 'MINIMUM']);

export interface StudentInfo {
  model: TflModel;
  /** Trainable parameters (weights and biases of the weighted ops) of teacher and student. */
  teacherParams: number;
  studentParams: number;
  /** One line per weighted op: "CONV_2D #0: 16 → 8 channels". */
  layers: string[];
}

export function buildStudent(teacher: TflModel, width: number, seed: number): StudentInfo {
  if (!(width > 0 && width <= 1)) throw new UnsupportedOpError(`distill width ${width} is not in (0, 1]`);
  const model = cloneModel(teacher);
  const sg = model.subgraphs[0];
  const rng = new Prng(seed);
  const names = sg.operators.map((op) => BuiltinOperator[builtinOf(model, op)] ?? 'UNKNOWN');
  let classifier = -1;
  names.forEach((n, k) => {
    if (n === 'CONV_2D' || n === 'FULLY_CONNECTED') classifier = k;
  });
  const shapeOf = (i: number) => sg.tensors[i].shape;
  // The teacher's shapes (the copy's tensors are edited as the walk goes).
  const orig = teacher.subgraphs[0].tensors;
  const oldNumel = (i: number) => numel(orig[i].shape);
  const oldLast = (i: number) => orig[i].shape[orig[i].shape.length - 1];
  const setShape = (i: number, shape: number[]) => {
    const t = sg.tensors[i];
    if (t.shapeSignature.length === shape.length)
      t.shapeSignature = shape.map((d, k) => (t.shapeSignature[k] === -1 ? -1 : d));
    t.shape = shape;
  };
  const withLast = (s: readonly number[], last: number) => [...s.slice(0, -1), last];
  const last = (i: number) => shapeOf(i)[shapeOf(i).length - 1];
  let teacherParams = 0;
  let studentParams = 0;
  const layers: string[] = [];
  const where = (k: number) => `${names[k]} #${k} (${asString(sg.tensors[sg.operators[k].outputs[0]].name)})`;

  const fill = (t: TensorT, shape: number[], fanIn: number, fanOut: number, relu: boolean) => {
    const limit = relu ? Math.sqrt(6 / fanIn) : Math.sqrt(6 / (fanIn + fanOut));
    const v = new Float32Array(numel(shape));
    for (let k = 0; k < v.length; k++) v[k] = rng.uniform(-limit, limit);
    t.shape = shape;
    t.shapeSignature = [];
    t.buffer = addBuffer(model, bytesOf(v));
    return v.length;
  };
  const zeros = (i: number, n: number) => {
    if (i < 0) return 0;
    const t = sg.tensors[i];
    t.shape = [n];
    t.shapeSignature = [];
    t.buffer = addBuffer(model, new Uint8Array(4 * n));
    return n;
  };
  const constantCount = (i: number) => (i >= 0 ? numel(shapeOf(i)) : 0);

  sg.operators.forEach((op, k) => {
    const name = names[k];
    const x = op.inputs[0];
    const out = op.outputs[0];
    const oldOut = [...shapeOf(out)];
    const opts = op.builtinOptions as { fusedActivationFunction?: ActivationFunctionType } | null;
    const relu =
      opts?.fusedActivationFunction === ActivationFunctionType.RELU ||
      opts?.fusedActivationFunction === ActivationFunctionType.RELU6;
    switch (name) {
      case 'CONV_2D': {
        const w = sg.tensors[op.inputs[1]];
        const [o, kh, kw] = w.shape;
        const inC = last(x);
        const outC = k === classifier ? o : Math.max(1, Math.round(o * width));
        teacherParams += numel(w.shape) + constantCount(op.inputs[2] ?? -1);
        studentParams += fill(w, [outC, kh, kw, inC], kh * kw * inC, kh * kw * outC, relu);
        studentParams += zeros(op.inputs[2] ?? -1, outC);
        setShape(out, withLast(oldOut, outC));
        layers.push(`${where(k)}: ${o} → ${outC} channels`);
        return;
      }
      case 'DEPTHWISE_CONV_2D': {
        const w = sg.tensors[op.inputs[1]];
        const [, kh, kw, o] = w.shape;
        const mult = Math.max(1, Math.round(o / oldLast(x)));
        const outC = last(x) * mult;
        teacherParams += numel(w.shape) + constantCount(op.inputs[2] ?? -1);
        studentParams += fill(w, [1, kh, kw, outC], kh * kw * last(x), kh * kw * mult, relu);
        studentParams += zeros(op.inputs[2] ?? -1, outC);
        setShape(out, withLast(oldOut, outC));
        layers.push(`${where(k)}: ${o} → ${outC} channels (its input's × ${mult})`);
        return;
      }
      case 'FULLY_CONNECTED': {
        const w = sg.tensors[op.inputs[1]];
        const [o, inF] = w.shape;
        // The input is read as rows of inF values: its new size scales the row length.
        const oldInTotal = oldNumel(x);
        const inFNew = (inF * numel(shapeOf(x))) / oldInTotal;
        if (!Number.isInteger(inFNew))
          throw new UnsupportedOpError(`${where(k)}: cannot narrow its ${inF} input features`);
        const outC = k === classifier ? o : Math.max(1, Math.round(o * width));
        teacherParams += numel(w.shape) + constantCount(op.inputs[2] ?? -1);
        studentParams += fill(w, [outC, inFNew], inFNew, outC, relu);
        studentParams += zeros(op.inputs[2] ?? -1, outC);
        setShape(out, withLast(oldOut, outC));
        layers.push(`${where(k)}: ${o} → ${outC} outputs from ${inF} → ${inFNew} inputs`);
        return;
      }
      case 'RESHAPE': {
        const ratio = numel(shapeOf(x)) / oldNumel(x);
        const newLast = oldOut[oldOut.length - 1] * ratio;
        if (!Number.isInteger(newLast))
          throw new UnsupportedOpError(`${where(k)}: cannot narrow the reshape to [${oldOut}]`);
        const shape = withLast(oldOut, newLast);
        setShape(out, shape);
        const s = op.inputs[1];
        if (s !== undefined && s >= 0 && isConstant(model, sg.tensors[s])) {
          const old = bufferAs(model.buffers[sg.tensors[s].buffer].data, Int32Array);
          const next = Int32Array.from(old);
          if (next.length > 0 && next[next.length - 1] !== -1) next[next.length - 1] = newLast;
          sg.tensors[s].buffer = addBuffer(model, bytesOf(next));
        }
        const ro = op.builtinOptions as { newShape?: number[] } | null;
        if (ro?.newShape && ro.newShape.length > 0 && ro.newShape[ro.newShape.length - 1] !== -1)
          ro.newShape = withLast(ro.newShape, newLast);
        return;
      }
      case 'CONCATENATION': {
        const axisOpt = (op.builtinOptions as { axis?: number } | null)?.axis ?? 0;
        const axis = axisOpt < 0 ? oldOut.length + axisOpt : axisOpt;
        if (axis === oldOut.length - 1) {
          setShape(
            out,
            withLast(
              oldOut,
              op.inputs.reduce((s, i) => s + last(i), 0),
            ),
          );
        } else {
          setShape(out, withLast(oldOut, last(x)));
        }
        return;
      }
      default:
        break;
    }
    if (ELEMENTWISE.has(name)) {
      const acts = op.inputs.filter((i) => i >= 0 && !isConstant(model, sg.tensors[i]));
      const widths = new Set(acts.map(last));
      for (const i of op.inputs)
        if (i >= 0 && isConstant(model, sg.tensors[i]) && numel(shapeOf(i)) > 1 && !widths.has(last(i)))
          throw new UnsupportedOpError(`${where(k)}: a per-channel constant operand cannot be narrowed`);
      if (widths.size > 1)
        throw new UnsupportedOpError(`${where(k)}: its inputs have different widths in the student`);
      setShape(out, withLast(oldOut, [...widths][0] ?? oldOut[oldOut.length - 1]));
      return;
    }
    if (CHANNEL_PRESERVING.has(name)) {
      const oldIn = oldLast(x);
      if (oldOut[oldOut.length - 1] !== oldIn)
        throw new UnsupportedOpError(
          `${where(k)}: it changes the channel count, the student cannot narrow it`,
        );
      setShape(out, withLast(oldOut, last(x)));
      return;
    }
    throw new UnsupportedOpError(`${where(k)}: distillation cannot build a narrower student through this op`);
  });
  pruneUnused(model); // the teacher's weight buffers
  return { model, teacherParams, studentParams, layers };
}
