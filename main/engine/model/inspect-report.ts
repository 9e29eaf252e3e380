/**
 * The format-neutral summary of a model: what `lowbit inspect --json` prints, what the
 * `model.inspect` call returns and what the advisor reads. Every ModelFormat's `inspect` produces
 * one; the contract re-exports these types unchanged.
 *
 * Formats fill the fields in their own vocabulary (operator names, dtype names) but keep the
 * shapes: indices refer to `SubgraphInfo.tensors`, sizes are bytes of the file as read.
 */
import type { EdgeTpuCompiledReport } from '../tflite/edgetpu/compiled';
import type { ModelFormatId } from './format-id';

export interface QuantizationInfo {
  scale: number[];
  zeroPoint: number[];
  axis: number;
}

export interface TensorInfo {
  index: number;
  name: string;
  shape: number[];
  dtype: string;
  /** Buffer index; 0 (the empty sentinel) for activations. */
  buffer: number;
  /** Bytes of constant data in the buffer (0 for activations). */
  bytes: number;
  quantization: QuantizationInfo | null;
  isVariable?: boolean;
  sparse?: boolean;
  /**
   * Formats with symbolic dims (ONNX): each dim by value or by name ("batch", "?" when the file
   * gives neither); `shape` has -1 there. Absent when every dim is a number.
   */
  symbolicShape?: (number | string)[];
}

/** One operator option's value: a number, a flag, a name (enums by name: "SAME", "RELU6") or a list. */
export type OperatorOptionValue = number | boolean | string | number[] | string[];

export interface OperatorInfo {
  op: string;
  version: number;
  customCode?: string;
  inputs: number[];
  outputs: number[];
  /**
   * The operator's options in its format's own names: TFLite builtin options (strideW, padding,
   * fusedActivationFunction...), ONNX attributes (strides, pads, group...). Absent when it has none.
   */
  options?: Record<string, OperatorOptionValue>;
}

export interface SubgraphInfo {
  name: string;
  inputs: number[];
  outputs: number[];
  operators: OperatorInfo[];
  tensors: TensorInfo[];
}

export interface SizeBreakdown {
  /** Constant tensor bytes by dtype, e.g. {"int8": 250000, "int32": 3000}. */
  weightsByDtype: Record<string, number>;
  weightsBytes: number;
  /** Bytes of metadata buffers (not tensor data). */
  metadataBytes: number;
  /** Everything else: the file format's tables, strings, padding. */
  structureBytes: number;
}

/** One quantization parameter set of an ONNX node: a QDQ pair's or a QOperator operand's. */
export interface OnnxQuantOperand {
  /** The operand's role in the op: "x", "y" (QuantizeLinear/DequantizeLinear), "x", "w", "y" (QLinearConv)... */
  role: string;
  /** The quantized tensor's name. */
  tensor: string;
  scale: number[];
  zeroPoint: number[];
  /** The axis per-axis parameters run along; null when per-tensor. */
  axis: number | null;
  /** The quantized type: the zero point's ("int8", "uint8", "int4"...). */
  dtype: string;
  /** block_size of blocked quantization (opset 21+), when set. */
  blockSize?: number;
}

export interface OnnxQuantNode {
  /** Index into the subgraph's operators. */
  operator: number;
  op: string;
  /** QDQ: QuantizeLinear/DequantizeLinear around float ops; QOperator: QLinearConv, QLinearMatMul. */
  style: 'qdq' | 'qoperator';
  operands: OnnxQuantOperand[];
}

/** What only ONNX models have (InspectReport.onnx). */
export interface OnnxDetails {
  irVersion: number;
  producerName: string;
  producerVersion: string;
  domain: string;
  modelVersion: number;
  /** Imported opsets; the default domain is "". */
  opsets: { domain: string; version: number }[];
  /** Initializer bytes kept in external data files (counted in size.weightsByDtype too). */
  externalBytes: number;
  /** Quantization parameters of QuantizeLinear/DequantizeLinear and QLinear* nodes, in node order. */
  quantization: OnnxQuantNode[];
}

/** What `lowbit inspect --json` prints and `model.inspect` returns. */
export interface InspectReport {
  format: ModelFormatId;
  version: number;
  description: string;
  sizeBytes: number;
  opCounts: Record<string, number>;
  subgraphs: SubgraphInfo[];
  size: SizeBreakdown;
  metadata: { name: string; bytes: number }[];
  signatures: { key: string; subgraph: number; inputs: string[]; outputs: string[] }[];
  /** Present for an Edge TPU-compiled TFLite model: its `edgetpu-custom-op` packages and CPU ops. */
  edgetpu?: EdgeTpuCompiledReport;
  /** ONNX models: opsets, producer, quantization parameters. */
  onnx?: OnnxDetails;
}
