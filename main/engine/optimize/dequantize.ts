/**
 * Dequantize: an int8 / int16 / uint8 / float16 model back to float32. Constant tensors with
 * quantization parameters (weights, int32/int64 biases) become float32 values (q - zp) × scale
 * (per channel along the quantized dimension, computed in double and stored as float32);
 * float16 constants become float32 exactly; quantized activations become float32 without
 * parameters; QUANTIZE and DEQUANTIZE ops (now float -> float) are removed; operator versions go
 * back to their float versions. Tensors that are not quantized (int32 shapes, paddings) stay.
 */
import { throwIfAborted } from '../errors';
import { halvesToFloat32 } from '../tensor/float16';
import { BuiltinOperator, TensorType, type TensorT } from '../tflite/generated/tflite';
import {
  addBuffer,
  builtinOf,
  bufferAs,
  bytesOf,
  isConstant,
  opcodeIndex,
  pruneUnused,
  replaceUses,
} from '../tflite/edit';
import type { TflModel } from '../tflite/model';
import { recordQuantization } from './metadata';
import { cloneModel } from './model-util';
import { opVersion } from './versions';

export interface DequantizeResult {
  model: TflModel;
  /** Tensors converted to float32 (constants and activations). */
  convertedTensors: number;
  /** QUANTIZE/DEQUANTIZE operators removed. */
  removedOps: number;
  warnings: string[];
}

const QUANT_TYPES = new Set([
  TensorType.INT8,
  TensorType.UINT8,
  TensorType.INT16,
  TensorType.INT32,
  TensorType.INT64,
]);

export function dequantizeModel(input: TflModel, options: { signal?: AbortSignal } = {}): DequantizeResult {
  const model = cloneModel(input);
  const warnings: string[] = [];
  let convertedTensors = 0;
  let removedOps = 0;
  const converted = new Map<number, number>(); // old buffer -> float buffer (shared weights)
  const inputRanges = quantizedInputRanges(model);
  model.subgraphs.forEach((sg, s) => {
    for (const t of sg.tensors) {
      throwIfAborted(options.signal);
      if (t.type === TensorType.FLOAT16) {
        if (isConstant(model, t))
          t.buffer = floatBuffer(model, t, converted, () => fromHalf(model.buffers[t.buffer].data));
        t.type = TensorType.FLOAT32;
        convertedTensors++;
        continue;
      }
      const q = t.quantization;
      if (!QUANT_TYPES.has(t.type) || !q || q.scale.length === 0) continue;
      if (isConstant(model, t)) t.buffer = floatBuffer(model, t, converted, () => dequantizeValues(model, t));
      t.type = TensorType.FLOAT32;
      t.quantization = null;
      convertedTensors++;
    }
    // QUANTIZE / DEQUANTIZE are now float -> float: route consumers to the input and drop them.
    const keep = sg.operators.filter((op) => {
      const b = builtinOf(model, op);
      if (b !== BuiltinOperator.QUANTIZE && b !== BuiltinOperator.DEQUANTIZE) return true;
      const from = op.inputs[0];
      const to = op.outputs[0];
      if (sg.tensors[from].type !== TensorType.FLOAT32 || sg.tensors[to].type !== TensorType.FLOAT32)
        return true;
      replaceUses(model, s, to, from);
      removedOps++;
      return false;
    });
    sg.operators = keep;
    // A graph input that fed a removed QUANTIZE may now also be a graph output: allowed.
    for (const op of sg.operators) {
      const b = builtinOf(model, op);
      const v = opVersion(b, sg, op);
      if (v !== null) op.opcodeIndex = opcodeIndex(model, b, v);
    }
  });
  if (convertedTensors === 0)
    warnings.push('the model has no quantized or float16 tensors: it is already float');
  recordQuantization(model, { technique: 'dequantize', keptFloat: [], inputRanges });
  pruneUnused(model);
  return { model, convertedTensors, removedOps, warnings };
}

/**
 * The real range of each model input of subgraph 0 as the quantized model represents it: the
 * input's own int8/uint8/int16 parameters, or those of the QUANTIZE that reads a float input.
 */
function quantizedInputRanges(model: TflModel): ({ min: number; max: number } | null)[] {
  const sg = model.subgraphs[0];
  const limits: Partial<Record<TensorType, [number, number]>> = {
    [TensorType.INT8]: [-128, 127],
    [TensorType.UINT8]: [0, 255],
    [TensorType.INT16]: [-32768, 32767],
  };
  const rangeOf = (t: TensorT) => {
    const lim = limits[t.type];
    const q = t.quantization;
    if (!lim || !q || q.scale.length !== 1) return null;
    const zp = Number(q.zeroPoint[0] ?? 0n);
    return { min: (lim[0] - zp) * q.scale[0], max: (lim[1] - zp) * q.scale[0] };
  };
  return sg.inputs.map((i) => {
    const own = rangeOf(sg.tensors[i]);
    if (own) return own;
    const quantize = sg.operators.find(
      (op) => op.inputs[0] === i && builtinOf(model, op) === BuiltinOperator.QUANTIZE,
    );
    return quantize ? rangeOf(sg.tensors[quantize.outputs[0]]) : null;
  });
}

function floatBuffer(
  model: TflModel,
  t: TensorT,
  cache: Map<number, number>,
  make: () => Float32Array,
): number {
  const hit = cache.get(t.buffer);
  if (hit !== undefined) return hit;
  const b = addBuffer(model, bytesOf(make()));
  cache.set(t.buffer, b);
  return b;
}

function fromHalf(bytes: Uint8Array): Float32Array {
  return halvesToFloat32(bufferAs(bytes, Uint16Array));
}

/** (q - zp[c]) × scale[c] in double, stored as float32 (as TFLite's dequantize does). */
function dequantizeValues(model: TflModel, t: TensorT): Float32Array {
  const bytes = model.buffers[t.buffer].data;
  const q = t.quantization!;
  const values: ArrayLike<number | bigint> =
    t.type === TensorType.INT8
      ? bufferAs(bytes, Int8Array)
      : t.type === TensorType.UINT8
        ? bytes
        : t.type === TensorType.INT16
          ? bufferAs(bytes, Int16Array)
          : t.type === TensorType.INT32
            ? bufferAs(bytes, Int32Array)
            : bufferAs(bytes, BigInt64Array);
  const n = values.length;
  const channels = q.scale.length;
  const axis = q.quantizedDimension;
  const inner = channels > 1 ? t.shape.slice(axis + 1).reduce((a, b) => a * b, 1) : n;
  const out = new Float32Array(n);
  for (let k = 0; k < n; k++) {
    const c = channels > 1 ? Math.floor(k / inner) % channels : 0;
    const zp = Number(q.zeroPoint[c] ?? 0n);
    out[k] = (Number(values[k]) - zp) * q.scale[c];
  }
  return out;
}
