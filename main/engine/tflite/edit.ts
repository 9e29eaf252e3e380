/**
 * Generic editing helpers for the mutable model (used by the optimizers): add buffers, tensors
 * and operator codes, find producers and consumers, read constant data, set metadata, and drop
 * whatever an edit left unreferenced. Indices stay valid until `pruneUnused`, which renumbers.
 */
import {
  BuiltinOperator,
  MetadataT,
  OperatorCodeT,
  QuantizationParametersT,
  TensorT,
  TensorType,
  type OperatorT,
  type SubGraphT,
} from './generated/tflite';
import type { TflModel } from './model';
import { builtinCodeOf } from './names';

/** Appends a buffer and returns its index. */
export function addBuffer(model: TflModel, data: Uint8Array): number {
  model.buffers.push({ data });
  return model.buffers.length - 1;
}

/**
 * Index of an empty buffer for tensors without constant data. TFLite reserves buffer 0 for
 * this; an odd file whose buffer 0 has data gets a new empty buffer.
 */
export function emptyBufferIndex(model: TflModel): number {
  if (model.buffers.length > 0 && model.buffers[0].data.length === 0) return 0;
  const found = model.buffers.findIndex((b) => b.data.length === 0);
  return found >= 0 ? found : addBuffer(model, new Uint8Array(0));
}

export interface NewTensor {
  name: string;
  shape: number[];
  type: TensorType;
  /** Constant bytes; omitted for activations. */
  data?: Uint8Array;
  quant?: { scale: number[]; zeroPoint: number[]; axis?: number } | null;
}

export function quantParams(q: {
  scale: number[];
  zeroPoint: number[];
  axis?: number;
}): QuantizationParametersT {
  const p = new QuantizationParametersT();
  p.scale = [...q.scale];
  p.zeroPoint = q.zeroPoint.map((z) => BigInt(z));
  p.quantizedDimension = q.axis ?? 0;
  return p;
}

/** Appends a tensor to the subgraph (with its own buffer when it has data); returns its index. */
export function addTensor(model: TflModel, sg: SubGraphT, t: NewTensor): number {
  const tensor = new TensorT();
  tensor.name = t.name;
  tensor.shape = [...t.shape];
  tensor.type = t.type;
  tensor.buffer = t.data ? addBuffer(model, t.data) : emptyBufferIndex(model);
  tensor.quantization = t.quant ? quantParams(t.quant) : null;
  sg.tensors.push(tensor);
  return sg.tensors.length - 1;
}

/** Index of the operator code for `op` at `version`, added when missing. */
export function opcodeIndex(model: TflModel, op: BuiltinOperator, version: number): number {
  const found = model.operatorCodes.findIndex(
    (c) => builtinCodeOf(c) === op && c.version === version && op !== BuiltinOperator.CUSTOM,
  );
  if (found >= 0) return found;
  // Codes above 127 live in builtinCode only; deprecatedBuiltinCode then holds the placeholder 127.
  const code = new OperatorCodeT(Math.min(op, 127), null, version, op);
  model.operatorCodes.push(code);
  return model.operatorCodes.length - 1;
}

/** The builtin operator of an operator in this model. */
export function builtinOf(model: TflModel, op: OperatorT): BuiltinOperator {
  return builtinCodeOf(model.operatorCodes[op.opcodeIndex]);
}

/** True when the tensor has constant bytes (weights, bias, shape operands...). */
export function isConstant(model: TflModel, t: TensorT): boolean {
  return !t.isVariable && (model.buffers[t.buffer]?.data.length ?? 0) > 0;
}

/** Tensor index -> operators (and input slots) reading it. */
export function consumers(sg: SubGraphT): Map<number, { op: number; slot: number }[]> {
  const map = new Map<number, { op: number; slot: number }[]>();
  sg.operators.forEach((op, k) =>
    op.inputs.forEach((t, slot) => {
      if (t < 0) return;
      const list = map.get(t);
      if (list) list.push({ op: k, slot });
      else map.set(t, [{ op: k, slot }]);
    }),
  );
  return map;
}

/** Copies a buffer's bytes into an aligned typed array of the given kind. */
export function bufferAs<
  T extends Float32Array | Int8Array | Uint8Array | Int16Array | Int32Array | Uint16Array | BigInt64Array,
>(bytes: Uint8Array, ctor: { new (buffer: ArrayBuffer): T; BYTES_PER_ELEMENT: number }): T {
  const copy = new Uint8Array(bytes.length - (bytes.length % ctor.BYTES_PER_ELEMENT));
  copy.set(bytes.subarray(0, copy.length));
  return new ctor(copy.buffer);
}

/**
 * Like bufferAs but without copying when the bytes are suitably aligned (the usual case: the
 * reader and the writer align buffers to 16). The result may alias the model's buffer: read only.
 */
export function viewAs<T extends Float32Array | Int8Array | Int16Array | Int32Array | Uint16Array>(
  bytes: Uint8Array,
  ctor: { new (buffer: ArrayBufferLike, byteOffset: number, length: number): T; BYTES_PER_ELEMENT: number },
): T {
  const size = ctor.BYTES_PER_ELEMENT;
  if (bytes.byteOffset % size === 0 && bytes.length % size === 0)
    return new ctor(bytes.buffer, bytes.byteOffset, bytes.length / size);
  return bufferAs(bytes, ctor as unknown as { new (buffer: ArrayBuffer): T; BYTES_PER_ELEMENT: number });
}

/** The typed array's bytes (a view, no copy). */
export function bytesOf(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** Adds or replaces the named metadata entry. */
export function setMetadata(model: TflModel, name: string, data: Uint8Array): void {
  const existing = model.metadata.find(
    (m) =>
      (typeof m.name === 'string' ? m.name : new TextDecoder().decode(m.name ?? new Uint8Array())) === name,
  );
  if (existing) {
    existing.buffer = addBuffer(model, data);
    return;
  }
  model.metadata.push(new MetadataT(name, addBuffer(model, data)));
}

export function getMetadata(model: TflModel, name: string): Uint8Array | undefined {
  const m = model.metadata.find(
    (x) =>
      (typeof x.name === 'string' ? x.name : new TextDecoder().decode(x.name ?? new Uint8Array())) === name,
  );
  return m ? model.buffers[m.buffer]?.data : undefined;
}

/**
 * Removes tensors no operator, graph input/output or signature uses, buffers no tensor or
 * metadata uses (buffer 0, the empty sentinel, always stays), and unused operator codes; then
 * renumbers every reference. Operator codes with the same builtin and version are merged.
 */
export function pruneUnused(model: TflModel): void {
  for (let s = 0; s < model.subgraphs.length; s++) pruneTensors(model, s);

  const usedBuffers = new Set<number>([0]);
  for (const sg of model.subgraphs) for (const t of sg.tensors) usedBuffers.add(t.buffer);
  for (const m of model.metadata) usedBuffers.add(m.buffer);
  const bufferMap = new Map<number, number>();
  const buffers = model.buffers.filter((_b, i) => {
    if (!usedBuffers.has(i)) return false;
    bufferMap.set(i, bufferMap.size);
    return true;
  });
  model.buffers = buffers.length > 0 ? buffers : [{ data: new Uint8Array(0) }];
  for (const sg of model.subgraphs) for (const t of sg.tensors) t.buffer = bufferMap.get(t.buffer) ?? 0;
  for (const m of model.metadata) m.buffer = bufferMap.get(m.buffer) ?? 0;

  // Operator codes: keep used ones, merging builtin duplicates with the same version.
  const codeMap = new Map<number, number>();
  const codes: OperatorCodeT[] = [];
  const key = (c: OperatorCodeT) =>
    builtinCodeOf(c) === BuiltinOperator.CUSTOM
      ? `custom:${String(c.customCode)}:${c.version}`
      : `${builtinCodeOf(c)}:${c.version}`;
  const byKey = new Map<string, number>();
  for (const sg of model.subgraphs) {
    for (const op of sg.operators) {
      if (!codeMap.has(op.opcodeIndex)) {
        const c = model.operatorCodes[op.opcodeIndex];
        const k = key(c);
        if (!byKey.has(k)) {
          byKey.set(k, codes.length);
          codes.push(c);
        }
        codeMap.set(op.opcodeIndex, byKey.get(k)!);
      }
      op.opcodeIndex = codeMap.get(op.opcodeIndex)!;
    }
  }
  model.operatorCodes = codes;
}

function pruneTensors(model: TflModel, s: number): void {
  const sg = model.subgraphs[s];
  const used = new Set<number>();
  const use = (i: number) => i >= 0 && used.add(i);
  sg.inputs.forEach(use);
  sg.outputs.forEach(use);
  for (const op of sg.operators) {
    op.inputs.forEach(use);
    op.outputs.forEach(use);
    op.intermediates.forEach(use);
  }
  for (const sd of model.signatureDefs) {
    if (sd.subgraphIndex !== s) continue;
    for (const m of [...sd.inputs, ...sd.outputs]) use(m.tensorIndex);
  }
  if (used.size === sg.tensors.length) return;
  const map = new Map<number, number>();
  sg.tensors = sg.tensors.filter((_t, i) => {
    if (!used.has(i)) return false;
    map.set(i, map.size);
    return true;
  });
  const remap = (i: number) => (i < 0 ? i : map.get(i)!);
  sg.inputs = sg.inputs.map(remap);
  sg.outputs = sg.outputs.map(remap);
  for (const op of sg.operators) {
    op.inputs = op.inputs.map(remap);
    op.outputs = op.outputs.map(remap);
    op.intermediates = op.intermediates.map(remap);
  }
  for (const sd of model.signatureDefs) {
    if (sd.subgraphIndex !== s) continue;
    for (const m of [...sd.inputs, ...sd.outputs]) m.tensorIndex = remap(m.tensorIndex);
  }
}

/** Replaces every use of tensor `from` by `to` (operator inputs, graph outputs, signatures). */
export function replaceUses(model: TflModel, s: number, from: number, to: number): void {
  const sg = model.subgraphs[s];
  for (const op of sg.operators) op.inputs = op.inputs.map((i) => (i === from ? to : i));
  sg.outputs = sg.outputs.map((i) => (i === from ? to : i));
  for (const sd of model.signatureDefs) {
    if (sd.subgraphIndex !== s) continue;
    for (const m of sd.outputs) if (m.tensorIndex === from) m.tensorIndex = to;
  }
}

export { TensorType };
