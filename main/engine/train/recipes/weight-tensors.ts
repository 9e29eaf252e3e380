/**
 * Reading and replacing float32 weight tensors of an exported model, for the recipes' export
 * hooks (prune, cluster). A changed tensor gets a NEW buffer: the model handed to an export hook
 * may share its bytes with the original.
 */
import { cloneModel } from '../../optimize/model-util';
import { addBuffer, bufferAs, bytesOf } from '../../tflite/edit';
import type { TflModel } from '../../tflite/model';

/** The prunable and clusterable ops, as TFMOT prunes and clusters Conv2D, DepthwiseConv2D and Dense kernels. */
export const WEIGHT_OPS: ReadonlySet<string> = new Set(['CONV_2D', 'DEPTHWISE_CONV_2D', 'FULLY_CONNECTED']);

/** A copy of subgraph 0's float32 tensor `tensorIndex`. */
export function readFloatTensor(model: TflModel, tensorIndex: number): Float32Array {
  const t = model.subgraphs[0].tensors[tensorIndex];
  return bufferAs(model.buffers[t.buffer].data, Float32Array);
}

/** A copy of `model` whose listed subgraph-0 tensors hold the given float32 values. */
export function withFloatTensors(model: TflModel, values: ReadonlyMap<number, Float32Array>): TflModel {
  if (values.size === 0) return model;
  const out = cloneModel(model);
  const users = new Map<number, number>();
  for (const sg of out.subgraphs)
    for (const t of sg.tensors) users.set(t.buffer, (users.get(t.buffer) ?? 0) + 1);
  for (const [tensorIndex, v] of values) {
    const t = out.subgraphs[0].tensors[tensorIndex];
    const data = bytesOf(v).slice();
    // cloneModel gives fresh buffer entries, so replacing one leaves the input model alone; a
    // buffer other tensors also read gets a sibling instead (no stale copy is left behind).
    if (users.get(t.buffer) === 1) out.buffers[t.buffer] = { data };
    else t.buffer = addBuffer(out, data);
  }
  return out;
}

/** "12,345" */
export const count = (n: number): string => n.toLocaleString('en-US');
