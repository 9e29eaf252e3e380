/**
 * The architecture of a sequential float .tflite as PyTorch needs it (test/bench/train-torch.py):
 * layers in execution order with their options, and their weights appended to one float32 array
 * (offsets into it, TFLite layouts). Only what the demo models use is accepted: CONV_2D,
 * DEPTHWISE_CONV_2D (multiplier 1), MAX_POOL_2D, RESHAPE to [1, n] (a flatten), FULLY_CONNECTED,
 * and a final SOFTMAX (folded into the cross-entropy loss); anything else is an error naming it.
 */
import { BuiltinOperator, type TflModel } from '../../main/engine/tflite/model';
import { ActivationFunctionType, Padding } from '../../main/engine/tflite/generated/tflite';

type Ref = [offset: number, shape: number[]];
export type ArchLayer =
  | {
      op: 'conv' | 'depthwise';
      weights: Ref;
      bias: Ref;
      stride: [number, number];
      padding: 'valid' | 'same';
      activation: string;
    }
  | { op: 'maxpool'; size: [number, number]; stride: [number, number]; padding: 'valid' | 'same' }
  | { op: 'flatten' }
  | { op: 'dense'; weights: Ref; bias: Ref; activation: string };

export interface Architecture {
  layers: ArchLayer[];
  weights: Float32Array;
  /** One line per layer, for the report. */
  summary: string;
}

const ACTIVATIONS: Record<number, string> = {
  [ActivationFunctionType.NONE]: 'none',
  [ActivationFunctionType.RELU]: 'relu',
  [ActivationFunctionType.RELU6]: 'relu6',
};

export function describeArchitecture(model: TflModel, name: string): Architecture {
  const sg = model.subgraphs[0];
  const chunks: Float32Array[] = [];
  let size = 0;
  const constant = (t: number): Ref => {
    const tensor = sg.tensors[t];
    const buf = model.buffers[tensor.buffer]?.data;
    if (!buf || buf.length === 0) throw new Error(`${name}: ${tensor.name} is not a constant`);
    const values = new Float32Array(buf.slice().buffer);
    chunks.push(values);
    const ref: Ref = [size, [...tensor.shape]];
    size += values.length;
    return ref;
  };
  const act = (a: number, what: string) => {
    const s = ACTIVATIONS[a];
    if (!s) throw new Error(`${name}: ${what} has fused activation ${ActivationFunctionType[a]}`);
    return s;
  };
  const pad = (p: number) => (p === Padding.SAME ? 'same' : 'valid');
  const layers: ArchLayer[] = [];
  sg.operators.forEach((op, i) => {
    const code = model.operatorCodes[op.opcodeIndex];
    const kind = Math.max(code.builtinCode, code.deprecatedBuiltinCode) as BuiltinOperator;
    const o = op.builtinOptions as unknown as Record<string, number>;
    const where = `operator ${i} (${BuiltinOperator[kind]})`;
    switch (kind) {
      case BuiltinOperator.CONV_2D:
      case BuiltinOperator.DEPTHWISE_CONV_2D:
        if (o.dilationHFactor !== 1 || o.dilationWFactor !== 1)
          throw new Error(`${name}: ${where} is dilated`);
        if (kind === BuiltinOperator.DEPTHWISE_CONV_2D && o.depthMultiplier !== 1)
          throw new Error(`${name}: ${where} has depth multiplier ${o.depthMultiplier}`);
        layers.push({
          op: kind === BuiltinOperator.CONV_2D ? 'conv' : 'depthwise',
          weights: constant(op.inputs[1]),
          bias: constant(op.inputs[2]),
          stride: [o.strideH, o.strideW],
          padding: pad(o.padding),
          activation: act(o.fusedActivationFunction, where),
        });
        break;
      case BuiltinOperator.MAX_POOL_2D:
        if (o.fusedActivationFunction !== ActivationFunctionType.NONE)
          throw new Error(`${name}: ${where} has a fused activation`);
        layers.push({
          op: 'maxpool',
          size: [o.filterHeight, o.filterWidth],
          stride: [o.strideH, o.strideW],
          padding: pad(o.padding),
        });
        break;
      case BuiltinOperator.RESHAPE: {
        const out = sg.tensors[op.outputs[0]].shape;
        if (out.length !== 2) throw new Error(`${name}: ${where} is not a flatten (output [${out}])`);
        layers.push({ op: 'flatten' });
        break;
      }
      case BuiltinOperator.FULLY_CONNECTED:
        layers.push({
          op: 'dense',
          weights: constant(op.inputs[1]),
          bias: constant(op.inputs[2]),
          activation: act(o.fusedActivationFunction, where),
        });
        break;
      case BuiltinOperator.SOFTMAX:
        if (i !== sg.operators.length - 1) throw new Error(`${name}: ${where} is not the last operator`);
        break;
      default:
        throw new Error(`${name}: ${where} is not in the benchmark's PyTorch mirror`);
    }
  });
  const weights = new Float32Array(size);
  let at = 0;
  for (const c of chunks) {
    weights.set(c, at);
    at += c.length;
  }
  const summary = layers
    .map((l) => {
      if (l.op === 'conv' || l.op === 'depthwise')
        return `${l.op} [${l.weights[1]}] s${l.stride.join('x')} ${l.padding} ${l.activation}`;
      if (l.op === 'maxpool') return `maxpool ${l.size.join('x')} s${l.stride.join('x')} ${l.padding}`;
      if (l.op === 'dense') return `dense [${l.weights[1]}] ${l.activation}`;
      return 'flatten (NHWC)';
    })
    .join(' -> ');
  return { layers, weights, summary };
}
