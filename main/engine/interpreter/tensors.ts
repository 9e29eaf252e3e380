/**
 * Builds the runtime tensors (RtTensor) of one subgraph from a TflModel, and the OpContexts of
 * its operators. Shared by the Interpreter and checkSupport.
 */
import { ModelFormatError, UnsupportedOpError } from '../errors';
import { ModelMemoryBudget } from '../model/memory-budget';
import { BuiltinOperator } from '../tflite/model';
import { decodeSparse } from '../tflite/sparse';
import type { OperatorT, TensorT, TflModel } from '../tflite/model';
import { makeOpContext } from './context';
import { allocTyped, dtypeBytes, hasTypedArray, numElements, typedView } from '../tensor/dtype';
import { dtypeOf } from '../tflite/dtype';
import type { OpContext, RtTensor } from './types';
import type { QuantParams, TypedArray } from '../tensor/dtype';

export function quantOf(t: TensorT): QuantParams | null {
  const q = t.quantization;
  if (!q || q.scale.length === 0) return null;
  const zeroPoint = q.zeroPoint.length ? q.zeroPoint.map((z) => Number(z)) : q.scale.map(() => 0);
  if (zeroPoint.length !== q.scale.length) {
    throw new ModelFormatError(
      `tensor "${String(t.name)}" has ${q.scale.length} scales but ${zeroPoint.length} zero points`,
    );
  }
  return { scale: [...q.scale], zeroPoint, axis: q.quantizedDimension };
}

/**
 * Constant data as a typed view of the model buffer; copied when misaligned for the element size.
 * What is made per tensor (a densified sparse constant, a realigned copy) is charged to `budget`:
 * many tensors can share one small buffer, and each would otherwise get its own full copy.
 */
function constData(model: TflModel, t: TensorT, index: number, budget: ModelMemoryBudget): TypedArray | null {
  const buf = t.buffer > 0 ? model.buffers[t.buffer] : undefined;
  if (!buf || buf.data.length === 0) return null;
  const dtype = dtypeOf(t.type);
  const bytes = dtypeBytes(dtype);
  if (t.sparsity && !hasTypedArray(dtype))
    throw new UnsupportedOpError(`tensor ${index} "${String(t.name)}" is a sparse ${dtype} tensor`);
  // Strings, complex numbers and other types without a typed array keep their raw bytes (only
  // SHAPE-like ops could read them; kernels check their operands' dtypes).
  if (!hasTypedArray(dtype)) return buf.data;
  const n = numElements(t.shape);
  // Sparse constants (TFLite SparsityParameters) are densified once, here: kernels see dense data.
  if (t.sparsity) {
    budget.charge(n * bytes, `densifying tensor ${index} "${String(t.name)}"`);
    return typedView(dtype, densify(t, index, buf.data, bytes).buffer, 0, n);
  }
  if (buf.data.length !== n * bytes) {
    throw new ModelFormatError(
      `tensor ${index} "${String(t.name)}": buffer ${t.buffer} has ${buf.data.length} bytes, shape [${t.shape.join(',')}] of ${dtype} needs ${n * bytes}`,
    );
  }
  let src = buf.data;
  if (src.byteOffset % bytes !== 0) {
    budget.charge(src.length, `realigning tensor ${index} "${String(t.name)}"`);
    src = src.slice();
  }
  return typedView(dtype, src.buffer, src.byteOffset, n);
}

function densify(t: TensorT, index: number, stored: Uint8Array, bytes: number): Uint8Array {
  try {
    return decodeSparse(t.sparsity!, stored, t.shape, bytes);
  } catch (e) {
    throw new ModelFormatError(`tensor ${index} "${String(t.name)}": ${(e as Error).message}`, { cause: e });
  }
}

export function buildTensors(model: TflModel, subgraph: number): RtTensor[] {
  const sg = model.subgraphs[subgraph];
  // The same cap as reading: proportional to the bytes the model stores.
  const budget = new ModelMemoryBudget(
    model.buffers.reduce((sum, b) => sum + b.data.length, 0),
    'model data',
  );
  return sg.tensors.map((t, index) => {
    const dtype = dtypeOf(t.type);
    const data = constData(model, t, index, budget);
    const isVariable = t.isVariable;
    const shape = [...t.shape];
    const tensor: RtTensor = {
      index,
      name:
        typeof t.name === 'string' ? t.name : t.name ? new TextDecoder().decode(t.name) : `tensor${index}`,
      dtype,
      shape,
      data: data ?? emptyData(dtype),
      quant: quantOf(t),
      isConst: data !== null && !isVariable,
      isVariable,
    };
    return tensor;
  });
}

function emptyData(dtype: RtTensor['dtype']): TypedArray {
  return hasTypedArray(dtype) ? allocTyped(dtype, 0) : new Uint8Array(0);
}

/** Builtin code of an operator code: the larger of the two fields (the schema's rule). */
export function opCodeOf(model: TflModel, op: OperatorT): { code: number; name: string; version: number } {
  const oc = model.operatorCodes[op.opcodeIndex];
  const code = Math.max(oc.builtinCode, oc.deprecatedBuiltinCode);
  let name = BuiltinOperator[code] ?? `BUILTIN_${code}`;
  if (code === BuiltinOperator.CUSTOM) {
    const cc = oc.customCode;
    name = `CUSTOM(${typeof cc === 'string' ? cc : cc ? new TextDecoder().decode(cc) : '?'})`;
  }
  return { code, name, version: oc.version };
}

export function makeContexts(model: TflModel, subgraph: number, tensors: RtTensor[]): OpContext[] {
  const sg = model.subgraphs[subgraph];
  return sg.operators.map((op, opIndex) => {
    const { code, name, version } = opCodeOf(model, op);
    const outputs = op.outputs.map((i) => {
      if (i < 0) throw new ModelFormatError(`${name} (operator ${opIndex}) has an omitted output`);
      return tensors[i];
    });
    return makeOpContext({
      opIndex,
      opName: name,
      builtinCode: code,
      version,
      options: op.builtinOptions,
      inputs: op.inputs.map((i) => (i < 0 ? null : tensors[i])),
      outputs,
      intermediates: op.intermediates.filter((i) => i >= 0).map((i) => tensors[i]),
    });
  });
}
