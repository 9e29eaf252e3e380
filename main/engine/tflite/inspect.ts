import type { InspectReport, SubgraphInfo, TensorInfo } from '../model/inspect-report';
import type { TflModel } from './model';
import { describeEdgeTpu } from './edgetpu/compiled';
import { asString, customCodeOf, dtypeName, opName } from './names';
import { operatorOptions } from './operator-options';

/**
 * Summarises a model for people and tools: what `lowbit inspect --json` prints and what the
 * inspector view shows. `sizeBytes` is the file's size as read (the model object does not know it).
 */
export function inspectModel(model: TflModel, sizeBytes: number): InspectReport {
  const opCounts: Record<string, number> = {};
  const weightsByDtype: Record<string, number> = {};
  const metadataBuffers = new Set(model.metadata.map((m) => m.buffer));
  const counted = new Set<number>();

  const subgraphs: SubgraphInfo[] = model.subgraphs.map((sg) => {
    const operators = sg.operators.map((op) => {
      const code = model.operatorCodes[op.opcodeIndex]!;
      const name = opName(code);
      opCounts[name] = (opCounts[name] ?? 0) + 1;
      const custom = customCodeOf(code);
      const options = operatorOptions(op);
      return {
        op: name,
        version: code.version,
        ...(custom !== undefined ? { customCode: custom } : {}),
        inputs: [...op.inputs],
        outputs: [...op.outputs],
        ...(options ? { options } : {}),
      };
    });
    const tensors: TensorInfo[] = sg.tensors.map((t, index) => {
      const bytes = model.buffers[t.buffer]?.data.length ?? 0;
      const dtype = dtypeName(t.type);
      // Shared buffers (the same weights used twice) count once in the size breakdown.
      if (bytes > 0 && !counted.has(t.buffer)) {
        counted.add(t.buffer);
        weightsByDtype[dtype] = (weightsByDtype[dtype] ?? 0) + bytes;
      }
      const q = t.quantization;
      const hasQuant = q !== null && (q.scale.length > 0 || q.zeroPoint.length > 0);
      const info: TensorInfo = {
        index,
        name: asString(t.name),
        shape: [...t.shape],
        dtype,
        buffer: t.buffer,
        bytes,
        quantization: hasQuant
          ? { scale: [...q!.scale], zeroPoint: q!.zeroPoint.map(Number), axis: q!.quantizedDimension }
          : null,
      };
      if (t.isVariable) info.isVariable = true;
      if (t.sparsity) info.sparse = true;
      return info;
    });
    return { name: asString(sg.name), inputs: [...sg.inputs], outputs: [...sg.outputs], operators, tensors };
  });

  const edgetpu = describeEdgeTpu(model);
  const weightsBytes = Object.values(weightsByDtype).reduce((a, b) => a + b, 0);
  let metadataBytes = 0;
  for (const b of metadataBuffers) if (!counted.has(b)) metadataBytes += model.buffers[b]?.data.length ?? 0;
  return {
    format: 'tflite',
    version: model.version,
    description: model.description ?? '',
    sizeBytes,
    opCounts,
    subgraphs,
    size: {
      weightsByDtype,
      weightsBytes,
      metadataBytes,
      structureBytes: Math.max(0, sizeBytes - weightsBytes - metadataBytes),
    },
    metadata: model.metadata.map((m) => ({
      name: asString(m.name),
      bytes: model.buffers[m.buffer]?.data.length ?? 0,
    })),
    signatures: model.signatureDefs.map((s) => ({
      key: asString(s.signatureKey),
      subgraph: s.subgraphIndex,
      inputs: s.inputs.map((t) => asString(t.name)),
      outputs: s.outputs.map((t) => asString(t.name)),
    })),
    ...(edgetpu ? { edgetpu } : {}),
  };
}
