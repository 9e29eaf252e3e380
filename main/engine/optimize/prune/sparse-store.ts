/**
 * Writes weights that have zeros in TFLite's sparse tensor format so the FILE shrinks.
 *
 * Layout: dims 0..n-2 DENSE, innermost SPARSE_CSR (see tflite/sparse.ts) — for FULLY_CONNECTED
 * weights [O, I] this is exactly the converter's random-sparse form, which TFLite's own FC kernel
 * reads (float32). Other ops ('all') are readable by Lowbit (sparse constants are densified at
 * load) but the TFLite runtime would need a DENSIFY op in front of them, and int8 sparse FC needs
 * 1x16 blocks in TFLite: the report says so. A tensor is stored sparse only when that is smaller
 * than its dense bytes (indices cost 1-4 bytes per kept value plus a segment per row).
 */
import { BuiltinOperator, TensorType } from '../../tflite/generated/tflite';
import { addBuffer, builtinOf, isConstant } from '../../tflite/edit';
import type { TflModel } from '../../tflite/model';
import { asString } from '../../tflite/names';
import { encodeSparse } from '../../tflite/sparse';

export type SparseScope = 'fc' | 'all';

export interface SparseStoreResult {
  /** Tensors now stored sparse, with dense and stored bytes (values + index metadata). */
  tensors: { name: string; denseBytes: number; storedBytes: number }[];
  notes: string[];
}

const ELEM_BYTES: Partial<Record<TensorType, number>> = {
  [TensorType.FLOAT32]: 4,
  [TensorType.INT8]: 1,
  [TensorType.FLOAT16]: 2,
};

/** Rewrites eligible weight tensors in place (on a model the caller owns). */
export function storeSparse(model: TflModel, scope: SparseScope = 'fc'): SparseStoreResult {
  const ops =
    scope === 'fc'
      ? [BuiltinOperator.FULLY_CONNECTED]
      : [BuiltinOperator.FULLY_CONNECTED, BuiltinOperator.CONV_2D, BuiltinOperator.DEPTHWISE_CONV_2D];
  const tensors: SparseStoreResult['tensors'] = [];
  const notes: string[] = [];
  let int8Fc = false;
  let nonFc = false;
  for (const sg of model.subgraphs) {
    const done = new Set<number>();
    for (const op of sg.operators) {
      const b = builtinOf(model, op);
      const wi = op.inputs[1] ?? -1;
      if (!ops.includes(b) || wi < 0 || done.has(wi)) continue;
      const t = sg.tensors[wi];
      const elem = ELEM_BYTES[t.type];
      if (!elem || t.sparsity || !isConstant(model, t) || t.shape.length < 2) continue;
      // A buffer shared with another tensor would change under it: give this tensor its own.
      const dense = model.buffers[t.buffer].data;
      const enc = encodeSparse(dense, t.shape, elem);
      const meta = enc.sparsity.dimMetadata.at(-1)!;
      const indexBytes =
        (meta.arraySegments?.values.length ?? 0) * widthOf(meta.arraySegments?.values) +
        (meta.arrayIndices?.values.length ?? 0) * widthOf(meta.arrayIndices?.values);
      const stored = enc.values.length + indexBytes;
      if (stored >= dense.length) continue;
      done.add(wi);
      t.buffer = addBuffer(model, enc.values);
      t.sparsity = enc.sparsity;
      tensors.push({ name: asString(t.name), denseBytes: dense.length, storedBytes: stored });
      if (b === BuiltinOperator.FULLY_CONNECTED && t.type !== TensorType.FLOAT32) int8Fc = true;
      if (b !== BuiltinOperator.FULLY_CONNECTED) nonFc = true;
    }
  }
  if (int8Fc)
    notes.push(
      'sparse non-float FULLY_CONNECTED weights: TFLite runtime reads int8 sparse FC only in 1x16 blocks (Lowbit densifies any layout)',
    );
  if (nonFc)
    notes.push(
      'sparse CONV_2D/DEPTHWISE_CONV_2D weights: Lowbit densifies them at load; the TFLite runtime needs a DENSIFY op in front of them',
    );
  return { tensors, notes };
}

function widthOf(values: number[] | undefined): number {
  const max = (values ?? []).reduce((a, b) => Math.max(a, b), 0);
  return max <= 0xff ? 1 : max <= 0xffff ? 2 : 4;
}
