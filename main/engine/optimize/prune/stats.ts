/**
 * Per-layer weight statistics: what pruning and clustering did to each layer. Sparse-stored
 * weights are densified first, so a layer reads the same whatever its storage.
 */
import { BuiltinOperator, TensorType } from '../../tflite/generated/tflite';
import { bufferAs, isConstant } from '../../tflite/edit';
import type { TflModel } from '../../tflite/model';
import { asString } from '../../tflite/names';
import { decodeSparse } from '../../tflite/sparse';
import { channelIndexer, type LayerOp } from './layers';

export interface LayerStats {
  name: string;
  op: LayerOp;
  shape: number[];
  dtype: string;
  weights: number;
  zeros: number;
  /** zeros / weights. */
  sparsity: number;
  /** Distinct stored values in the layer (float bit patterns up to ±0, or int8 codes). */
  uniqueValues: number;
  /** Most distinct values in any one output channel. */
  maxUniquePerChannel: number;
  /** Stored sparse (TFLite SparsityParameters). */
  sparseStorage: boolean;
}

const ELEM: Partial<Record<TensorType, { bytes: number; read: (b: Uint8Array) => ArrayLike<number> }>> = {
  [TensorType.FLOAT32]: { bytes: 4, read: (b) => bufferAs(b, Float32Array) },
  [TensorType.INT8]: { bytes: 1, read: (b) => bufferAs(b, Int8Array) },
  [TensorType.FLOAT16]: { bytes: 2, read: (b) => bufferAs(b, Uint16Array) },
  [TensorType.UINT8]: { bytes: 1, read: (b) => b },
};

/** Statistics of every CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED weight tensor, any size. */
export function weightStats(model: TflModel): LayerStats[] {
  const out: LayerStats[] = [];
  model.subgraphs.forEach((sg, s) => {
    const seen = new Set<number>();
    // float16 models feed weights through DEQUANTIZE: look through it to the stored constant.
    const dequantized = new Map<number, number>();
    for (const op of sg.operators) {
      const oc = model.operatorCodes[op.opcodeIndex];
      if (Math.max(oc.builtinCode, oc.deprecatedBuiltinCode) === BuiltinOperator.DEQUANTIZE)
        dequantized.set(op.outputs[0], op.inputs[0]);
    }
    sg.operators.forEach((op, k) => {
      const direct = op.inputs[1] ?? -1;
      const wi = dequantized.get(direct) ?? direct;
      if (wi < 0 || seen.has(wi)) return;
      const layerOp = opNameOf(model, s, k);
      if (!layerOp) return;
      const t = sg.tensors[wi];
      const elem = ELEM[t.type];
      if (!elem || !isConstant(model, t)) return;
      seen.add(wi);
      let bytes = model.buffers[t.buffer].data;
      if (t.sparsity) bytes = decodeSparse(t.sparsity, bytes, t.shape, elem.bytes);
      const v = elem.read(bytes);
      const outAxis = layerOp === 'DEPTHWISE_CONV_2D' ? 3 : 0;
      const ch = channelIndexer(t.shape, Math.min(outAxis, t.shape.length - 1));
      const all = new Set<number>();
      const per = new Map<number, Set<number>>();
      let zeros = 0;
      for (let i = 0; i < v.length; i++) {
        const x = v[i];
        // float16 -0 (0x8000) is a zero too.
        if (x === 0 || (t.type === TensorType.FLOAT16 && x === 0x8000)) zeros++;
        all.add(x);
        const c = ch(i);
        let set = per.get(c);
        if (!set) per.set(c, (set = new Set()));
        set.add(x);
      }
      let maxPer = 0;
      for (const set of per.values()) maxPer = Math.max(maxPer, set.size);
      out.push({
        // Named by what the op reads (a float16 constant's DEQUANTIZE output keeps the original name).
        name: asString(sg.tensors[direct].name) || `tensor${direct}`,
        op: layerOp,
        shape: [...t.shape],
        dtype: TensorType[t.type].toLowerCase(),
        weights: v.length,
        zeros,
        sparsity: v.length ? zeros / v.length : 0,
        uniqueValues: all.size,
        maxUniquePerChannel: maxPer,
        sparseStorage: !!t.sparsity,
      });
    });
  });
  return out;
}

function opNameOf(model: TflModel, s: number, k: number): LayerOp | null {
  const op = model.subgraphs[s].operators[k];
  const oc = model.operatorCodes[op.opcodeIndex];
  const code = Math.max(oc.builtinCode, oc.deprecatedBuiltinCode);
  if (code === BuiltinOperator.CONV_2D) return 'CONV_2D';
  if (code === BuiltinOperator.DEPTHWISE_CONV_2D) return 'DEPTHWISE_CONV_2D';
  if (code === BuiltinOperator.FULLY_CONNECTED) return 'FULLY_CONNECTED';
  return null;
}
