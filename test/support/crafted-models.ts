/**
 * Crafted .tflite files for the hostile-input tests (issue 18) and the fuzz harness: small
 * flatbuffers whose tables alias one large region, so that a reader which copies or decodes per
 * reference would spend gigabytes. Each builder returns the file's bytes; the sizes say what the
 * naive cost would be (aliases × region bytes).
 *
 * The model is otherwise valid: one subgraph whose input and output is tensor 0, buffer 0 empty
 * (the TFLite convention), no operators.
 */
import * as flatbuffers from 'flatbuffers';
import {
  Buffer,
  Model,
  SubGraph,
  Tensor,
  TensorT,
  TensorType,
} from '../../main/engine/tflite/generated/tflite';
import type { TflModel } from '../../main/engine/tflite/model';
import { readTflite, TFLITE_IDENTIFIER } from '../../main/engine/tflite/reader';
import { encodeSparse } from '../../main/engine/tflite/sparse';
import { writeTflite } from '../../main/engine/tflite/writer';

export interface AliasingOptions {
  /** Buffer table entries whose `data` all point at one byte vector of `regionBytes`. */
  bufferAliases?: number;
  /** Tensors that all use buffer 1 (`regionBytes` of uint8 data). */
  tensorAliases?: number;
  /** Tensors whose names all point at one string of `regionBytes` characters. */
  nameAliases?: number;
  /** Tensors whose shapes all point at one int32 vector of `regionBytes / 4` ones. */
  shapeAliases?: number;
  regionBytes: number;
}

/** A model whose buffers, tensors, names or shapes alias one region (see AliasingOptions). */
export function aliasingModel(o: AliasingOptions): Uint8Array {
  const b = new flatbuffers.Builder(o.regionBytes + 1024);
  const region = Buffer.createDataVector(b, new Uint8Array(o.regionBytes).fill(7));
  const emptyBuffer = Buffer.createBuffer(b, 0, 0n, 0n);
  const buffers = [emptyBuffer];
  const aliasedBuffers = o.bufferAliases ?? (o.tensorAliases ? 1 : 0);
  for (let i = 0; i < aliasedBuffers; i++) buffers.push(Buffer.createBuffer(b, region, 0n, 0n));

  const name = o.nameAliases ? b.createString('n'.repeat(o.regionBytes)) : 0;
  const longShape = o.shapeAliases
    ? Tensor.createShapeVector(b, new Int32Array(Math.floor(o.regionBytes / 4)).fill(1))
    : 0;
  const scalarShape = Tensor.createShapeVector(b, [1]);
  const regionShape = Tensor.createShapeVector(b, [o.regionBytes]);
  const tensor = (opts: { shape: number; buffer: number; name: number }) => {
    Tensor.startTensor(b);
    Tensor.addShape(b, opts.shape);
    Tensor.addType(b, TensorType.UINT8);
    Tensor.addBuffer(b, opts.buffer);
    if (opts.name) Tensor.addName(b, opts.name);
    return Tensor.endTensor(b);
  };
  const tensors = [tensor({ shape: scalarShape, buffer: 0, name: 0 })];
  for (let i = 0; i < (o.tensorAliases ?? 0); i++)
    tensors.push(tensor({ shape: regionShape, buffer: 1, name: 0 }));
  for (let i = 0; i < (o.nameAliases ?? 0); i++)
    tensors.push(tensor({ shape: scalarShape, buffer: 0, name }));
  for (let i = 0; i < (o.shapeAliases ?? 0); i++)
    tensors.push(tensor({ shape: longShape, buffer: 0, name: 0 }));

  const tensorsVector = SubGraph.createTensorsVector(b, tensors);
  const io = SubGraph.createInputsVector(b, [0]);
  SubGraph.startSubGraph(b);
  SubGraph.addTensors(b, tensorsVector);
  SubGraph.addInputs(b, io);
  SubGraph.addOutputs(b, io);
  const subgraph = SubGraph.endSubGraph(b);

  const subgraphs = Model.createSubgraphsVector(b, [subgraph]);
  const buffersVector = Model.createBuffersVector(b, buffers);
  Model.startModel(b);
  Model.addVersion(b, 3);
  Model.addSubgraphs(b, subgraphs);
  Model.addBuffers(b, buffersVector);
  b.finish(Model.endModel(b), TFLITE_IDENTIFIER);
  return b.asUint8Array().slice();
}

/**
 * `tensors` sparse float32 constants of `shape` sharing one tiny buffer (a single non-zero):
 * a small file, but each densifies to shape × 4 bytes when an interpreter is built.
 */
export function sparseFanOutModel(tensors: number, shape: [number, number]): Uint8Array {
  return writeTflite(sparseFanOutTflModel(tensors, shape));
}

/** sparseFanOutModel as a model in memory (what an interpreter is built from). */
export function sparseFanOutTflModel(tensors: number, shape: [number, number]): TflModel {
  const model = readTflite(aliasingModel({ regionBytes: 4 }));
  const dense = new Uint8Array(shape[0] * shape[1] * 4);
  dense[3] = 0x3f; // 0.5 as the first float32
  const { sparsity, values } = encodeSparse(dense, shape, 4);
  model.buffers.push({ data: values });
  const subgraph = model.subgraphs[0];
  for (let i = 0; i < tensors; i++) {
    const t = new TensorT();
    t.shape = [...shape];
    t.type = TensorType.FLOAT32;
    t.buffer = model.buffers.length - 1;
    t.sparsity = sparsity;
    t.name = `w${i}`;
    subgraph.tensors.push(t);
  }
  return model;
}
