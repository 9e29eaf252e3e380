/**
 * Dynamic-range (hybrid) quantization stores each float weight tensor once as int8: the ops that
 * share a weight tensor share its int8 copy. Used by dynamic-range.ts and, for LSTMs, lstm.ts.
 */
import { TensorType, type SubGraphT } from '../tflite/generated/tflite';
import { addTensor, bytesOf, viewAs } from '../tflite/edit';
import type { TflModel } from '../tflite/model';
import { asString } from '../tflite/names';
import { quantizeWeightsSymmetric } from './weights';

/**
 * The index of the int8 copy of float weight tensor `wIndex` (symmetric, per channel along
 * `axis` or per tensor when null), added on first use; `cache` maps float tensors to their
 * copies. `added` says whether this call created it.
 */
export function int8WeightCopy(
  model: TflModel,
  sg: SubGraphT,
  cache: Map<number, number>,
  wIndex: number,
  axis: number | null,
): { index: number; added: boolean } {
  const cached = cache.get(wIndex);
  if (cached !== undefined) return { index: cached, added: false };
  const w = sg.tensors[wIndex];
  const values = viewAs(model.buffers[w.buffer].data, Float32Array);
  const qw = quantizeWeightsSymmetric(values, w.shape, axis);
  const index = addTensor(model, sg, {
    name: asString(w.name),
    shape: w.shape,
    type: TensorType.INT8,
    data: bytesOf(qw.data),
    quant: qw,
  });
  cache.set(wIndex, index);
  return { index, added: true };
}
