/**
 * float16 post-training quantization, as LiteRT does it: every constant float32 tensor read by
 * an operator is stored as float16 and a DEQUANTIZE (float16 -> float32) op, placed at the top
 * of the graph, feeds the unchanged float kernels. Weights take half the bytes; no data needed.
 *
 * Biases (input 2 of CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED; input 3 of TRANSPOSE_CONV) stay float32:
 * they are a tiny fraction of the size, and Lowbit's and TFLite Micro's kernels require a
 * constant bias, which a DEQUANTIZE output is not.
 *
 * The original tensor index keeps its name and consumers and becomes the DEQUANTIZE's float32
 * output; the float16 copy is a new tensor "<name>_fp16". Buffers shared by several tensors are
 * converted once.
 */
import { throwIfAborted } from '../errors';
import { BuiltinOperator, OperatorT, TensorType } from '../tflite/generated/tflite';
import {
  addBuffer,
  addTensor,
  builtinOf,
  viewAs,
  bytesOf,
  emptyBufferIndex,
  isConstant,
  opcodeIndex,
  pruneUnused,
} from '../tflite/edit';
import type { TflModel } from '../tflite/model';
import { asString } from '../tflite/names';
import type { QuantizeResult } from './types';
import { toFloat16 } from './weights';
import { cloneModel, countOps } from './model-util';

/** Bias input slot per op. */
const BIAS_SLOT = new Map<BuiltinOperator, number>([
  [BuiltinOperator.CONV_2D, 2],
  [BuiltinOperator.DEPTHWISE_CONV_2D, 2],
  [BuiltinOperator.FULLY_CONNECTED, 2],
  [BuiltinOperator.TRANSPOSE_CONV, 3],
]);

export interface Float16Options {
  signal?: AbortSignal;
}

export function quantizeFloat16(input: TflModel, options: Float16Options = {}): QuantizeResult {
  const model = cloneModel(input);
  const warnings: string[] = [];
  let converted = 0;
  let quantizedOps = 0;
  model.subgraphs.forEach((sg) => {
    const read = new Set<number>();
    const bias = new Set<number>();
    for (const op of sg.operators) {
      for (const i of op.inputs) if (i >= 0) read.add(i);
      const slot = BIAS_SLOT.get(builtinOf(model, op));
      if (slot !== undefined && (op.inputs[slot] ?? -1) >= 0) bias.add(op.inputs[slot]);
    }
    const halfBuffers = new Map<number, number>();
    const dequantizeOps: OperatorT[] = [];
    for (const index of [...read].sort((a, b) => a - b)) {
      throwIfAborted(options.signal);
      const t = sg.tensors[index];
      if (
        t.type !== TensorType.FLOAT32 ||
        !isConstant(model, t) ||
        sg.inputs.includes(index) ||
        bias.has(index)
      )
        continue;
      let half = halfBuffers.get(t.buffer);
      if (half === undefined) {
        const values = viewAs(model.buffers[t.buffer].data, Float32Array);
        half = addBuffer(model, bytesOf(toFloat16(values)));
        halfBuffers.set(t.buffer, half);
      }
      const h = addTensor(model, sg, {
        name: `${asString(t.name)}_fp16`,
        shape: t.shape,
        type: TensorType.FLOAT16,
      });
      sg.tensors[h].buffer = half;
      t.buffer = emptyBufferIndex(model);
      const op = new OperatorT();
      op.opcodeIndex = opcodeIndex(model, BuiltinOperator.DEQUANTIZE, 3);
      op.inputs = [h];
      op.outputs = [index];
      dequantizeOps.push(op);
      converted++;
    }
    const halves = new Set(dequantizeOps.map((op) => op.outputs[0]));
    quantizedOps += sg.operators.filter((op) => op.inputs.some((i) => halves.has(i))).length;
    sg.operators = [...dequantizeOps, ...sg.operators];
  });
  if (converted === 0) warnings.push('the model has no constant float32 tensors: nothing to convert');
  // No record: float16 constants behind DEQUANTIZE ops say all there is to say.
  pruneUnused(model);
  const ops = countOps(model, new Set(['DEQUANTIZE']));
  return { model, warnings, quantizedOps, floatOps: ops.other - quantizedOps, convertedTensors: converted };
}
