/**
 * Observation of intermediate tensors during invoke (calibration min/max, the per-layer debugger,
 * `lowbit run --dump`). The interpreter calls the observer after each operator with that
 * operator's outputs; with no observer the invoke loop has no per-op cost at all.
 */
import type { RtTensor } from './types';
import type { TypedArray } from '../tensor/dtype';
import { minMaxOf } from '../tensor/min-max';

/**
 * Called after operator `opIndex` ran. `outputs` are live views into the arena: their data is
 * overwritten by later operators, so copy what you keep (`t.data.slice()`).
 */
export type Observer = (opIndex: number, outputs: readonly RtTensor[]) => void;

export interface ObservedTensor {
  opIndex: number;
  index: number;
  name: string;
  dtype: RtTensor['dtype'];
  shape: number[];
  quant: RtTensor['quant'];
  data: TypedArray;
}

/** An observer that copies every operator output, in execution order. */
export function recordingObserver(): { observer: Observer; records: ObservedTensor[] } {
  const records: ObservedTensor[] = [];
  const observer: Observer = (opIndex, outputs) => {
    for (const t of outputs) {
      records.push({
        opIndex,
        index: t.index,
        name: t.name,
        dtype: t.dtype,
        shape: [...t.shape],
        quant: t.quant,
        data: t.data.slice(),
      });
    }
  };
  return { observer, records };
}

/** Per-tensor running min/max over real values (dequantized for quantized tensors). */
export function minMaxObserver(): { observer: Observer; ranges: Map<number, { min: number; max: number }> } {
  const ranges = new Map<number, { min: number; max: number }>();
  const observer: Observer = (_opIndex, outputs) => {
    for (const t of outputs) {
      const d = t.data;
      if (d instanceof BigInt64Array || d.length === 0) continue;
      let { min: lo, max: hi } = minMaxOf(d);
      if (t.quant && t.quant.scale.length === 1 && t.dtype !== 'float32') {
        const s = t.quant.scale[0];
        const z = t.quant.zeroPoint[0];
        lo = (lo - z) * s;
        hi = (hi - z) * s;
      }
      const r = ranges.get(t.index);
      if (r) {
        r.min = Math.min(r.min, lo);
        r.max = Math.max(r.max, hi);
      } else ranges.set(t.index, { min: lo, max: hi });
    }
  };
  return { observer, ranges };
}
