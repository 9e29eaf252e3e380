/**
 * The mutable, in-memory TFLite model that every engine module works on.
 *
 * It is the flatbuffers object API (the generated `*T` classes, which cover every schema
 * field, so reading then writing is lossless by construction) with one change: buffers hold
 * a `Uint8Array` instead of a `number[]`, so multi-megabyte weights stay compact, and where a
 * buffer was stored on disk (inline vector or appended past the flatbuffer) is a writer choice,
 * not part of the model.
 */
import type {
  ExternalBufferGroupT,
  ExternalBufferT,
  MetadataT,
  OperatorCodeT,
  SignatureDefT,
  SubGraphT,
} from './generated/tflite';

export interface TflBuffer {
  data: Uint8Array;
}

export interface TflModel {
  version: number;
  operatorCodes: OperatorCodeT[];
  subgraphs: SubGraphT[];
  description: string | null;
  buffers: TflBuffer[];
  /** Deprecated in the schema but still present in old files; kept for a lossless rewrite. */
  metadataBuffer: number[];
  metadata: MetadataT[];
  signatureDefs: SignatureDefT[];
  externalBufferGroups: ExternalBufferGroupT[];
  externalBuffers: ExternalBufferT[];
}

export { BuiltinOperator, BuiltinOptions, TensorType } from './generated/tflite';
export type {
  OperatorCodeT,
  OperatorT,
  QuantizationParametersT,
  SubGraphT,
  TensorT,
} from './generated/tflite';
