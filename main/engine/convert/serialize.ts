/**
 * IrGraph → TflModel: one subgraph, the tensors the operators and the graph's inputs and outputs
 * use (constants left unused by folding are dropped), one buffer per constant, operator codes
 * (version 1) in first-use order, through the same editing helpers as every TFLite rewrite.
 */
import { OperatorT, SubGraphT, TensorT } from '../tflite/generated/tflite';
import { tensorTypeOf } from '../tflite/dtype';
import { addBuffer, opcodeIndex } from '../tflite/edit';
import type { TflModel } from '../tflite/model';
import type { IrGraph } from './ir';

export function serializeGraph(graph: IrGraph, description: string): TflModel {
  const model: TflModel = {
    version: 3,
    operatorCodes: [],
    subgraphs: [],
    description,
    buffers: [{ data: new Uint8Array(0) }],
    metadataBuffer: [],
    metadata: [],
    signatureDefs: [],
    externalBufferGroups: [],
    externalBuffers: [],
  };
  const used = new Set<number>([...graph.inputs, ...graph.outputs]);
  for (const op of graph.ops) for (const t of [...op.inputs, ...op.outputs]) if (t >= 0) used.add(t);
  const tensors: TensorT[] = [];
  const index = new Map<number, number>();
  graph.tensors.forEach((t, i) => {
    if (!used.has(i)) return;
    index.set(i, tensors.length);
    const buffer = t.data ? addBuffer(model, t.data) : 0;
    tensors.push(new TensorT([...t.shape], tensorTypeOf(t.dtype), buffer, t.name));
  });
  const map = (t: number) => (t < 0 ? -1 : index.get(t)!);
  const operators = graph.ops.map(
    (op) =>
      new OperatorT(
        opcodeIndex(model, op.op, 1),
        op.inputs.map(map),
        op.outputs.map(map),
        op.optionsType,
        op.options,
      ),
  );
  model.subgraphs.push(
    new SubGraphT(tensors, graph.inputs.map(map), graph.outputs.map(map), operators, 'main'),
  );
  return model;
}
