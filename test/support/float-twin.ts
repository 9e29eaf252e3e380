import { TensorType } from '../../main/engine/tflite/model';
import { readTflite } from '../../main/engine/tflite/reader';
import { writeTflite } from '../../main/engine/tflite/writer';

/**
 * The same network in float32: every int8/int32 constant dequantized (per channel along its
 * quantized dimension; a 1-D bias along axis 0), every activation made float32 without
 * quantization. Written independently of the quantizer's dequantize, so float-kernel checks
 * against Arm NN do not lean on the code under test elsewhere.
 */
export function floatTwin(bytes: Uint8Array): Uint8Array {
  const m = readTflite(bytes);
  for (const t of m.subgraphs[0]!.tensors) {
    const q = t.quantization;
    if (!q || q.scale.length === 0 || (t.type !== TensorType.INT8 && t.type !== TensorType.INT32)) continue;
    const buf = m.buffers[t.buffer];
    if (buf && buf.data.length > 0) {
      const raw = buf.data.slice();
      const src = t.type === TensorType.INT8 ? new Int8Array(raw.buffer) : new Int32Array(raw.buffer);
      const axis = q.scale.length > 1 ? (t.shape.length === 1 ? 0 : q.quantizedDimension) : -1;
      let inner = 1;
      for (let i = axis + 1; axis >= 0 && i < t.shape.length; i++) inner *= t.shape[i]!;
      const f = new Float32Array(src.length);
      for (let i = 0; i < src.length; i++) {
        const c = axis < 0 ? 0 : Math.floor(i / inner) % t.shape[axis]!;
        f[i] = (src[i]! - Number(q.zeroPoint[c] ?? 0)) * q.scale[c]!;
      }
      m.buffers[t.buffer] = { data: new Uint8Array(f.buffer) };
    }
    t.type = TensorType.FLOAT32;
    t.quantization = null;
  }
  return writeTflite(m);
}
