/**
 * Assembles a float32 TFLite model from a sequential list of layer descriptions, the way the
 * TFLite converter lays out a Keras Sequential model: one subgraph, NHWC activations, weights as
 * constant tensors in their TFLite layouts, fused activations on CONV_2D / DEPTHWISE_CONV_2D /
 * FULLY_CONNECTED, RESHAPE with a constant int32 shape tensor (and the same shape in its
 * options, as older runtimes read it there).
 *
 * Used by the demo-model trainer and by tests that need a small model with known weights.
 * Every shape is computed here with TFLite's own output-size rules, so a mismatch between a
 * layer's weights and its input is an InvalidArgumentError before any bytes are written.
 */
import { InvalidArgumentError } from '../errors';
import {
  ActivationFunctionType,
  BuiltinOperator,
  BuiltinOptions,
  Conv2DOptionsT,
  DepthwiseConv2DOptionsT,
  FullyConnectedOptionsT,
  OperatorCodeT,
  OperatorT,
  Padding,
  Pool2DOptionsT,
  ReshapeOptionsT,
  SoftmaxOptionsT,
  SubGraphT,
  TensorT,
  TensorType,
} from './generated/tflite';
import type { TflBuffer, TflModel } from './model';

export type Activation = 'none' | 'relu' | 'relu6';
export type PaddingMode = 'same' | 'valid';

export interface Conv2DLayer {
  type: 'conv2d';
  /** TFLite layout [out_c, kh, kw, in_c]. */
  filterShape: [number, number, number, number];
  filter: Float32Array;
  /** [out_c]; omitted means zero bias (still written, as the converter does). */
  bias?: Float32Array;
  stride?: [number, number];
  padding?: PaddingMode;
  activation?: Activation;
  name?: string;
}

export interface DepthwiseConv2DLayer {
  type: 'depthwise_conv2d';
  /** TFLite layout [1, kh, kw, in_c * depth_multiplier]. */
  filterShape: [1, number, number, number];
  filter: Float32Array;
  bias?: Float32Array;
  depthMultiplier?: number;
  stride?: [number, number];
  padding?: PaddingMode;
  activation?: Activation;
  name?: string;
}

export interface MaxPool2DLayer {
  type: 'max_pool2d';
  /** [height, width] of the window. */
  size: [number, number];
  /** Defaults to the window size. */
  stride?: [number, number];
  padding?: PaddingMode;
  name?: string;
}

export interface ReshapeLayer {
  type: 'reshape';
  /** New shape including the batch dimension; one -1 is inferred. */
  shape: number[];
  name?: string;
}

/** Keras Flatten: [N, ...] -> [N, product]. */
export interface FlattenLayer {
  type: 'flatten';
  name?: string;
}

export interface DenseLayer {
  type: 'dense';
  /** TFLite layout [units, in_features]. */
  weights: Float32Array;
  units: number;
  bias?: Float32Array;
  activation?: Activation;
  name?: string;
}

export interface SoftmaxLayer {
  type: 'softmax';
  beta?: number;
  name?: string;
}

export type LayerSpec =
  | Conv2DLayer
  | DepthwiseConv2DLayer
  | MaxPool2DLayer
  | ReshapeLayer
  | FlattenLayer
  | DenseLayer
  | SoftmaxLayer;

export interface SequentialSpec {
  /** Input shape including the batch dimension, e.g. [1, 28, 28, 1]. */
  inputShape: number[];
  layers: LayerSpec[];
  inputName?: string;
  outputName?: string;
  description?: string;
}

const ACT: Record<Activation, ActivationFunctionType> = {
  none: ActivationFunctionType.NONE,
  relu: ActivationFunctionType.RELU,
  relu6: ActivationFunctionType.RELU6,
};

/** TFLite's ComputeOutSize: SAME -> ceil(in / stride); VALID -> floor((in - k + stride) / stride). */
export function outSize(padding: PaddingMode, input: number, filter: number, stride: number): number {
  return padding === 'same' ? Math.ceil(input / stride) : Math.floor((input - filter + stride) / stride);
}

/** Output shape of each layer for a given input shape (the builder and the trainer share it). */
export function layerOutputShape(layer: LayerSpec, inShape: number[], index = 0): number[] {
  const where = `layer ${index} (${layer.type})`;
  const bad = (why: string): never => {
    throw new InvalidArgumentError(`${where}: ${why}`);
  };
  const spatial = () => {
    if (inShape.length !== 4) bad(`needs a 4-D NHWC input, got [${inShape.join(',')}]`);
  };
  switch (layer.type) {
    case 'conv2d': {
      spatial();
      const [oc, kh, kw, ic] = layer.filterShape;
      if (ic !== inShape[3]) bad(`filter depth ${ic} does not match input channels ${inShape[3]}`);
      checkLength(layer.filter, oc * kh * kw * ic, `${where} filter`);
      if (layer.bias) checkLength(layer.bias, oc, `${where} bias`);
      return window4(inShape, kh, kw, layer.stride ?? [1, 1], layer.padding ?? 'valid', oc, bad);
    }
    case 'depthwise_conv2d': {
      spatial();
      const [one, kh, kw, oc] = layer.filterShape;
      const mult = layer.depthMultiplier ?? 1;
      if (one !== 1) bad(`filter shape must start with 1, got ${one}`);
      if (oc !== inShape[3] * mult)
        bad(`filter depth ${oc} is not input channels ${inShape[3]} x multiplier ${mult}`);
      checkLength(layer.filter, kh * kw * oc, `${where} filter`);
      if (layer.bias) checkLength(layer.bias, oc, `${where} bias`);
      return window4(inShape, kh, kw, layer.stride ?? [1, 1], layer.padding ?? 'valid', oc, bad);
    }
    case 'max_pool2d': {
      spatial();
      const [kh, kw] = layer.size;
      return window4(inShape, kh, kw, layer.stride ?? layer.size, layer.padding ?? 'valid', inShape[3], bad);
    }
    case 'flatten':
      return [inShape[0], count(inShape.slice(1))];
    case 'reshape': {
      const total = count(inShape);
      const unknown = layer.shape.filter((d) => d === -1).length;
      if (unknown > 1 || layer.shape.some((d) => !Number.isInteger(d) || d < -1))
        bad(`bad shape [${layer.shape}]`);
      const known = count(layer.shape.filter((d) => d !== -1));
      const shape = layer.shape.map((d) => (d === -1 ? total / known : d));
      if (count(shape) !== total || shape.some((d) => !Number.isInteger(d)))
        bad(`cannot reshape [${inShape.join(',')}] to [${layer.shape.join(',')}]`);
      return shape;
    }
    case 'dense': {
      const inF = inShape[inShape.length - 1];
      checkLength(layer.weights, layer.units * inF, `${where} weights`);
      if (layer.bias) checkLength(layer.bias, layer.units, `${where} bias`);
      return [count(inShape.slice(0, -1)), layer.units];
    }
    case 'softmax':
      return [...inShape];
  }
}

function window4(
  inShape: number[],
  kh: number,
  kw: number,
  stride: [number, number],
  padding: PaddingMode,
  outC: number,
  bad: (why: string) => never,
): number[] {
  if (![kh, kw, ...stride].every((v) => Number.isInteger(v) && v > 0))
    bad('window and stride must be positive integers');
  const oh = outSize(padding, inShape[1], kh, stride[0]);
  const ow = outSize(padding, inShape[2], kw, stride[1]);
  if (oh <= 0 || ow <= 0) bad(`a ${kh}x${kw} window does not fit a ${inShape[1]}x${inShape[2]} input`);
  return [inShape[0], oh, ow, outC];
}

function count(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function checkLength(a: Float32Array, n: number, what: string): void {
  if (a.length !== n) throw new InvalidArgumentError(`${what} has ${a.length} values, expected ${n}`);
}

function bytesOf(a: Float32Array | Int32Array): Uint8Array {
  // Copy so the model never aliases the caller's arrays (the trainer keeps updating them).
  return new Uint8Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));
}

/** Builds the model. Pure: the spec's arrays are copied. */
export function buildSequentialModel(spec: SequentialSpec): TflModel {
  if (spec.inputShape.some((d) => !Number.isInteger(d) || d <= 0))
    throw new InvalidArgumentError(
      `input shape [${spec.inputShape.join(',')}] must have positive dimensions`,
    );
  if (spec.layers.length === 0) throw new InvalidArgumentError('a model needs at least one layer');

  const buffers: TflBuffer[] = [{ data: new Uint8Array(0) }];
  const tensors: TensorT[] = [];
  const operators: OperatorT[] = [];
  const opcodes: OperatorCodeT[] = [];
  const opcodeIndex = new Map<BuiltinOperator, number>();

  const addTensor = (name: string, shape: number[], type = TensorType.FLOAT32, data?: Uint8Array): number => {
    let buffer = 0;
    if (data) {
      buffers.push({ data });
      buffer = buffers.length - 1;
    }
    tensors.push(new TensorT([...shape], type, buffer, name));
    return tensors.length - 1;
  };
  const opcode = (op: BuiltinOperator): number => {
    let i = opcodeIndex.get(op);
    if (i === undefined) {
      // deprecated_builtin_code is an int8: builtins below 127 are stored in both fields.
      opcodes.push(new OperatorCodeT(Math.min(op, 127), null, 1, op));
      i = opcodes.length - 1;
      opcodeIndex.set(op, i);
    }
    return i;
  };
  const addOp = (
    op: BuiltinOperator,
    inputs: number[],
    output: number,
    type: BuiltinOptions,
    options: any,
  ) => {
    operators.push(new OperatorT(opcode(op), inputs, [output], type, options));
  };

  let shape = [...spec.inputShape];
  let current = addTensor(spec.inputName ?? 'input', shape);
  const graphInput = current;
  spec.layers.forEach((layer, i) => {
    const outShape = layerOutputShape(layer, shape, i);
    const base = layer.name ?? `${layer.type}_${i}`;
    const last = i === spec.layers.length - 1;
    const out = addTensor(last ? (spec.outputName ?? base) : base, outShape);
    const pad = (p: PaddingMode | undefined) => ((p ?? 'valid') === 'same' ? Padding.SAME : Padding.VALID);
    switch (layer.type) {
      case 'conv2d':
      case 'depthwise_conv2d': {
        const oc = layer.filterShape[layer.type === 'conv2d' ? 0 : 3];
        const f = addTensor(`${base}/filter`, layer.filterShape, TensorType.FLOAT32, bytesOf(layer.filter));
        const b = addTensor(
          `${base}/bias`,
          [oc],
          TensorType.FLOAT32,
          bytesOf(layer.bias ?? new Float32Array(oc)),
        );
        const [sh, sw] = layer.stride ?? [1, 1];
        const act = ACT[layer.activation ?? 'none'];
        if (layer.type === 'conv2d') {
          const o = new Conv2DOptionsT(pad(layer.padding), sw, sh, act, 1, 1);
          addOp(BuiltinOperator.CONV_2D, [current, f, b], out, BuiltinOptions.Conv2DOptions, o);
        } else {
          const o = new DepthwiseConv2DOptionsT(
            pad(layer.padding),
            sw,
            sh,
            layer.depthMultiplier ?? 1,
            act,
            1,
            1,
          );
          addOp(
            BuiltinOperator.DEPTHWISE_CONV_2D,
            [current, f, b],
            out,
            BuiltinOptions.DepthwiseConv2DOptions,
            o,
          );
        }
        break;
      }
      case 'max_pool2d': {
        const [sh, sw] = layer.stride ?? layer.size;
        const o = new Pool2DOptionsT(
          pad(layer.padding),
          sw,
          sh,
          layer.size[1],
          layer.size[0],
          ActivationFunctionType.NONE,
        );
        addOp(BuiltinOperator.MAX_POOL_2D, [current], out, BuiltinOptions.Pool2DOptions, o);
        break;
      }
      case 'flatten':
      case 'reshape': {
        const s = addTensor(
          `${base}/shape`,
          [outShape.length],
          TensorType.INT32,
          bytesOf(Int32Array.from(outShape)),
        );
        addOp(
          BuiltinOperator.RESHAPE,
          [current, s],
          out,
          BuiltinOptions.ReshapeOptions,
          new ReshapeOptionsT([...outShape]),
        );
        break;
      }
      case 'dense': {
        const inF = shape[shape.length - 1];
        const w = addTensor(
          `${base}/weights`,
          [layer.units, inF],
          TensorType.FLOAT32,
          bytesOf(layer.weights),
        );
        const b = addTensor(
          `${base}/bias`,
          [layer.units],
          TensorType.FLOAT32,
          bytesOf(layer.bias ?? new Float32Array(layer.units)),
        );
        const o = new FullyConnectedOptionsT(ACT[layer.activation ?? 'none']);
        addOp(BuiltinOperator.FULLY_CONNECTED, [current, w, b], out, BuiltinOptions.FullyConnectedOptions, o);
        break;
      }
      case 'softmax':
        addOp(
          BuiltinOperator.SOFTMAX,
          [current],
          out,
          BuiltinOptions.SoftmaxOptions,
          new SoftmaxOptionsT(layer.beta ?? 1),
        );
        break;
    }
    current = out;
    shape = outShape;
  });

  const subgraph = new SubGraphT(tensors, [graphInput], [current], operators, 'main');
  return {
    version: 3,
    operatorCodes: opcodes,
    subgraphs: [subgraph],
    description: spec.description ?? 'Lowbit sequential builder',
    buffers,
    metadataBuffer: [],
    metadata: [],
    signatureDefs: [],
    externalBufferGroups: [],
    externalBuffers: [],
  };
}
