/**
 * The format-neutral summary of a model: what `lowbit inspect --json` prints, what the
 * `model.inspect` call returns and what the advisor reads. Every ModelFormat's `inspect` produces
 * one; the contract re-exports these types unchanged.
 *
 * Formats fill the fields in their own vocabulary (operator names, dtype names) but keep the
 * shapes: indices refer to `SubgraphInfo.tensors`, sizes are bytes of the file as read.
 */
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
}

export interface OperatorInfo {
  op: string;
  version: number;
  customCode?: string;
  inputs: number[];
  outputs: number[];
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
}
