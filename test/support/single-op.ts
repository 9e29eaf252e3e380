/**
 * Test helper: runs operator 0 of a one-operator model (e.g. a TFLM conformance case) through a
 * single kernel, building the runtime tensors straight from the model. Pure (bytes in, arrays
 * out) so it sits beside the kernels; the tests read the files.
 */
import { BuiltinOperator, type TflModel } from '../../main/engine/tflite/model';
import { makeOpContext } from '../../main/engine/interpreter/context';
import { allocTyped, dtypeBytes, numElements, typedView } from '../../main/engine/tensor/dtype';
import { dtypeOf } from '../../main/engine/tflite/dtype';
import type { Kernel, RtTensor } from '../../main/engine/interpreter/types';
import type { TypedArray } from '../../main/engine/tensor/dtype';

function tensorOf(model: TflModel, index: number): RtTensor {
  const t = model.subgraphs[0].tensors[index];
  const dtype = dtypeOf(t.type);
  const shape = [...t.shape];
  const buf = t.buffer > 0 ? model.buffers[t.buffer] : undefined;
  let data: TypedArray;
  let isConst = false;
  if (buf && buf.data.length > 0) {
    const src = buf.data.slice();
    data = typedView(dtype, src.buffer, 0, src.length / dtypeBytes(dtype));
    isConst = true;
  } else data = allocTyped(dtype, numElements(shape));
  const q = t.quantization;
  const quant =
    q && q.scale.length
      ? {
          scale: [...q.scale],
          zeroPoint: q.scale.map((_, i) => Number(q.zeroPoint[i] ?? 0)),
          axis: q.quantizedDimension,
        }
      : null;
  return { index, name: String(t.name), dtype, shape, data, quant, isConst, isVariable: t.isVariable };
}

export interface SingleOpRun {
  inputs: RtTensor[];
  outputs: RtTensor[];
  invoke(): void;
}

/** Prepares operator `opIndex` of subgraph 0 with `kernel`; fill the non-constant inputs, then invoke(). */
export function prepareSingleOp(model: TflModel, kernel: Kernel, opIndex = 0): SingleOpRun {
  const sg = model.subgraphs[0];
  const op = sg.operators[opIndex];
  const code = model.operatorCodes[op.opcodeIndex];
  const builtin = Math.max(code.builtinCode, code.deprecatedBuiltinCode) as BuiltinOperator;
  const inputs = Array.from(op.inputs, (i) => (i < 0 ? null : tensorOf(model, i)));
  const outputs = Array.from(op.outputs, (i) => tensorOf(model, i));
  const intermediates = Array.from(op.intermediates ?? [], (i) => tensorOf(model, i));
  const ctx = makeOpContext({
    opIndex,
    opName: BuiltinOperator[builtin],
    builtinCode: builtin,
    version: code.version,
    options: (op.builtinOptions as any) ?? null,
    inputs,
    outputs,
    intermediates,
  });
  const evalFn = kernel.prepare(ctx);
  for (const t of outputs)
    if (t.data.length !== numElements(t.shape)) t.data = allocTyped(t.dtype, numElements(t.shape));
  return { inputs: inputs.filter((t): t is RtTensor => t !== null), outputs, invoke: evalFn };
}
