/**
 * Building QDQ pieces in an ONNX graph: int8 weights (symmetric, per channel or per tensor) and
 * int32 biases (scale = input scale × weight scale) as initializers behind a DequantizeLinear,
 * and QuantizeLinear/DequantizeLinear pairs on activations. The numbers come from the same code
 * as the TFLite quantizer (optimize/weights.ts, quant/math.ts), so a QDQ model converted to
 * TFLite keeps its scales bit for bit.
 */
import type { GraphProto, NodeProto } from '../../onnx/proto/onnx_pb';
import { quantizeBias, quantizeWeightsSymmetric } from '../weights';
import { freshName, intAttribute, makeInitializer, makeNode } from './graph';

/** Per-tensor parameters of an int8 activation. */
export interface ActivationParams {
  scale: number;
  zeroPoint: number;
}

/** Where new initializers and nodes go, with the names already taken. */
export interface QdqBuilder {
  graph: GraphProto;
  used: Set<string>;
  /** DequantizeLinear nodes of constants: placed before every other node. */
  constantNodes: NodeProto[];
}

export interface DequantizedWeight {
  /** The DequantizeLinear output that replaces the float weight. */
  output: string;
  scales: number[];
}

/** Int8 symmetric weights of a float32 constant behind a DequantizeLinear. */
export function dequantizedWeight(
  b: QdqBuilder,
  name: string,
  values: Float32Array,
  dims: readonly number[],
  axis: number | null,
): DequantizedWeight {
  const q = quantizeWeightsSymmetric(values, dims, axis);
  const channels = axis === null ? [] : [dims[axis]];
  const output = dequantizeConstant(b, name, { dims, data: q.data, dtype: 'int8' }, q.scale, axis, channels);
  return { output, scales: q.scale };
}

/** Int32 bias at input scale × weight scale (per channel when the weight is) behind a DequantizeLinear. */
export function dequantizedBias(
  b: QdqBuilder,
  name: string,
  values: Float32Array,
  inputScale: number,
  weightScales: readonly number[],
): string {
  const q = quantizeBias(values, inputScale, weightScales, 'int32');
  const perChannel = q.scale.length > 1;
  const data = q.data as Int32Array;
  return dequantizeConstant(
    b,
    name,
    { dims: [values.length], data, dtype: 'int32' },
    q.scale,
    perChannel ? 0 : null,
    perChannel ? [values.length] : [],
  );
}

/** Per-tensor int8 of a float constant read as an activation (e.g. a constant Add operand). */
export function dequantizedConstantActivation(
  b: QdqBuilder,
  name: string,
  values: Float32Array,
  dims: readonly number[],
  params: ActivationParams,
  quantize: (x: number) => number,
): string {
  const data = Int8Array.from(values, quantize);
  return dequantizeConstant(
    b,
    name,
    { dims, data, dtype: 'int8' },
    [params.scale],
    null,
    [],
    params.zeroPoint,
  );
}

function dequantizeConstant(
  b: QdqBuilder,
  name: string,
  q: { dims: readonly number[]; data: Int8Array | Int32Array; dtype: 'int8' | 'int32' },
  scales: readonly number[],
  axis: number | null,
  paramDims: number[],
  zeroPoint = 0,
): string {
  const quantized = freshName(b.used, `${name}_quantized`);
  const scale = freshName(b.used, `${name}_scale`);
  const zero = freshName(b.used, `${name}_zero_point`);
  const output = freshName(b.used, `${name}_dequantized`);
  const zeros = q.dtype === 'int8' ? new Int8Array(scales.length) : new Int32Array(scales.length);
  zeros.fill(zeroPoint);
  b.graph.initializer.push(
    makeInitializer(quantized, q.dtype, q.dims, q.data),
    makeInitializer(scale, 'float32', paramDims, Float32Array.from(scales)),
    makeInitializer(zero, q.dtype, paramDims, zeros),
  );
  const attributes = axis === null ? [] : [intAttribute('axis', axis)];
  b.constantNodes.push(
    makeNode(
      'DequantizeLinear',
      [quantized, scale, zero],
      [output],
      freshName(b.used, `${name}_DequantizeLinear`),
      attributes,
    ),
  );
  return output;
}

/**
 * A QuantizeLinear → DequantizeLinear pair from `input` to `output`, with scalar scale and int8
 * zero point initializers; returns the two nodes (the caller places them after the producer).
 */
export function qdqPair(
  b: QdqBuilder,
  tensor: string,
  input: string,
  output: string,
  p: ActivationParams,
): NodeProto[] {
  const scale = freshName(b.used, `${tensor}_scale`);
  const zero = freshName(b.used, `${tensor}_zero_point`);
  const quantized = freshName(b.used, `${tensor}_quantized`);
  b.graph.initializer.push(
    makeInitializer(scale, 'float32', [], Float32Array.of(p.scale)),
    makeInitializer(zero, 'int8', [], Int8Array.of(p.zeroPoint)),
  );
  return [
    makeNode(
      'QuantizeLinear',
      [input, scale, zero],
      [quantized],
      freshName(b.used, `${tensor}_QuantizeLinear`),
    ),
    makeNode(
      'DequantizeLinear',
      [quantized, scale, zero],
      [output],
      freshName(b.used, `${tensor}_DequantizeLinear`),
    ),
  ];
}
