/**
 * Reads an .onnx file into a checked model: the decoded ModelProto plus what every consumer
 * (inspector, runner, converter, quantizer) needs, already validated.
 *
 *   import { readOnnx } from '../onnx/reader';
 *   const model = readOnnx(bytes, 'net.onnx', { externalData }); // ModelFormatError on bad bytes
 *   model.opset;                    // the default domain's opset version
 *   model.nodes;                    // NodeProto[] in topological order
 *   model.initializers.get(name);   // TensorProto; values via tensorValues(t, model)
 *   model.valueInfo.get(name);      // graph inputs, outputs and value_info by name
 *
 * What is checked, each failure a one-line ModelFormatError naming the file: the bytes are
 * protobuf of ModelProto's shape (wire-check.ts: truncation, wire types, nesting, memory charged
 * to the one model budget before decoding), not some other format; there is a graph; the IR
 * version and the default-domain opset are ones Lowbit knows, and every node's domain is
 * imported (the default domain too, when a node uses it); no value is produced twice; every node input and graph output is produced by a
 * graph input, an initializer or a node (including names a subgraph takes from the outer
 * scope); the graph has no cycle; every initializer's dims and data length agree, and its
 * external data range exists (checked, not read: see model/external-data.ts).
 *
 * `model.proto` is the decoded message itself: consumers read it but should not mutate it (a
 * writer builds a new ModelProto, or clones with @bufbuild/protobuf's `clone`).
 */
import { fromBinary } from '@bufbuild/protobuf';
import { ModelFormatError } from '../errors';
import type { ExternalDataResolver, ModelReadContext } from '../model/external-data';
import { ModelMemoryBudget } from '../model/memory-budget';
import { isTflite } from '../tflite/reader';
import { sortNodes } from './graph-order';
import {
  ModelProtoSchema,
  Version,
  type GraphProto,
  type ModelProto,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from './proto/onnx_pb';
import { checkExternalData, isExternal, storedByteLength, tensorLabel, tensorValues } from './tensor-data';
import { dataTypeInfo, type OnnxValues } from './data-type';
import { checkWire, MAX_NESTING } from './wire-check';

/** The IR versions Lowbit reads: 3 (the first with opset imports) to the schema's latest. */
export const MIN_IR_VERSION = 3;
export const MAX_IR_VERSION = Version.IR_VERSION;
/** Default-domain opsets Lowbit reads (ONNX 1.19 defines opset 23; later releases a few more). */
export const MAX_DEFAULT_OPSET = 26;

export interface OnnxModel {
  /** The name the model was read under (for messages). */
  fileName: string;
  /** The size of the file as read. */
  byteLength: number;
  proto: ModelProto;
  graph: GraphProto;
  irVersion: number;
  /** The default domain's ("" / "ai.onnx") opset version; 0 when the model does not import it. */
  opset: number;
  /** Every imported domain's version; the default domain under "". */
  opsets: ReadonlyMap<string, number>;
  /** Graph inputs that are not initializers: what a caller feeds. */
  inputs: ValueInfoProto[];
  outputs: ValueInfoProto[];
  /** Graph inputs, outputs and value_info, by name. */
  valueInfo: ReadonlyMap<string, ValueInfoProto>;
  initializers: ReadonlyMap<string, TensorProto>;
  /** The graph's nodes in topological order (the file's order when it already is one). */
  nodes: NodeProto[];
  /** Where external tensor data is read from, if the model has any. */
  externalData?: ExternalDataResolver;
}

export type ReadOnnxOptions = ModelReadContext;

/** Reads and checks an ONNX model; every error is a ModelFormatError starting with `fileName`. */
export function readOnnx(bytes: Uint8Array, fileName: string, options: ReadOnnxOptions = {}): OnnxModel {
  try {
    return parseOnnx(bytes, fileName, options);
  } catch (e) {
    if (e instanceof ModelFormatError) throw new ModelFormatError(`${fileName}: ${e.message}`, { cause: e });
    throw e;
  }
}

/** readOnnx without the file name in front of messages (the registry adds it). */
export function parseOnnx(bytes: Uint8Array, fileName: string, options: ReadOnnxOptions = {}): OnnxModel {
  if (isTflite(bytes)) throw new ModelFormatError('is a TFLite model (file identifier "TFL3"), not ONNX');
  const budget = new ModelMemoryBudget(bytes.length);
  checkWire(bytes, ModelProtoSchema, budget);
  let proto: ModelProto;
  try {
    proto = fromBinary(ModelProtoSchema, bytes, {
      readUnknownFields: false,
      recursionLimit: MAX_NESTING + 1,
    });
  } catch (e) {
    throw new ModelFormatError(`not a valid ONNX protobuf: ${e instanceof Error ? e.message : String(e)}`);
  }
  const graph = proto.graph;
  if (!graph) throw new ModelFormatError('has no graph (not an ONNX model, or an empty one)');
  const irVersion = Number(proto.irVersion);
  if (irVersion < MIN_IR_VERSION || irVersion > MAX_IR_VERSION)
    throw new ModelFormatError(
      `IR version ${proto.irVersion} is not supported (Lowbit reads ${MIN_IR_VERSION}..${MAX_IR_VERSION})`,
    );
  const opsets = readOpsets(proto);
  // 0 when the default domain is not imported: then no node uses it (checked below).
  const opset = opsets.get('') ?? 0;
  if (opset > MAX_DEFAULT_OPSET)
    throw new ModelFormatError(`opset ${opset} is not supported (Lowbit reads 1..${MAX_DEFAULT_OPSET})`);

  const initializers = byUniqueName(graph.initializer, 'initializer');
  const valueInfo = new Map<string, ValueInfoProto>();
  for (const v of [...graph.valueInfo, ...graph.input, ...graph.output]) valueInfo.set(v.name, v);
  for (const node of graph.node) {
    const domain = normalDomain(node.domain);
    if (!opsets.has(domain))
      throw new ModelFormatError(
        `node "${node.name}" (${node.opType}) uses domain "${node.domain}", which the model does not import`,
      );
  }
  const nodes = sortNodes(graph, initializers);
  for (const t of initializers.values()) checkInitializer(t, options.externalData);
  return {
    fileName,
    byteLength: bytes.length,
    proto,
    graph,
    irVersion,
    opset,
    opsets,
    inputs: graph.input.filter((i) => !initializers.has(i.name)),
    outputs: graph.output,
    valueInfo,
    initializers,
    nodes,
    ...(options.externalData ? { externalData: options.externalData } : {}),
  };
}

/** An initializer's values (external data read now); ModelFormatError when it does not exist. */
export function initializerValues(model: OnnxModel, name: string): OnnxValues {
  const t = model.initializers.get(name);
  if (!t) throw new ModelFormatError(`${model.fileName}: no initializer "${name}"`);
  return tensorValues(t, model);
}

/** "" for the default domain, however it is spelled. */
export function normalDomain(domain: string): string {
  return domain === 'ai.onnx' ? '' : domain;
}

function readOpsets(proto: ModelProto): Map<string, number> {
  const opsets = new Map<string, number>();
  for (const o of proto.opsetImport) {
    const domain = normalDomain(o.domain);
    if (opsets.has(domain)) throw new ModelFormatError(`imports domain "${o.domain}" twice`);
    if (o.version < 1n || o.version > 10_000n)
      throw new ModelFormatError(`domain "${o.domain}" has opset version ${o.version}`);
    opsets.set(domain, Number(o.version));
  }
  return opsets;
}

function byUniqueName(tensors: TensorProto[], what: string): Map<string, TensorProto> {
  const map = new Map<string, TensorProto>();
  for (const t of tensors) {
    if (!t.name) throw new ModelFormatError(`an ${what} has no name`);
    if (map.has(t.name)) throw new ModelFormatError(`two ${what}s are named "${t.name}"`);
    map.set(t.name, t);
  }
  return map;
}

/** Dims, data type and stored length agree; external ranges exist. Values are not decoded. */
function checkInitializer(t: TensorProto, externalData: ExternalDataResolver | undefined): void {
  // Types Lowbit does not decode (strings, complex, float8) are left to whoever needs them.
  if (!dataTypeInfo(t.dataType)) return;
  if (isExternal(t)) {
    checkExternalData(t, externalData);
    return;
  }
  const expected = storedByteLength(t);
  if (t.rawData.length > 0 && t.rawData.length !== expected)
    throw new ModelFormatError(
      `${tensorLabel(t)}: ${t.rawData.length} bytes of data where its dims need ${expected}`,
    );
  // Typed fields are small in practice (exporters use raw_data for weights): decode to check.
  if (t.rawData.length === 0) tensorValues(t);
}
