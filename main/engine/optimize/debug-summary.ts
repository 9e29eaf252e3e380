/**
 * The debugger's per-layer statistics reduced to what a person reads in a table (the app's layer
 * view): plain numbers only, an exact layer's infinite SQNR as null, worst layer first.
 */
import type { LayerStats } from './debugger';

export type DebugLayerSummary = Pick<
  LayerStats,
  'name' | 'op' | 'opIndex' | 'dtype' | 'cosine' | 'maxAbsError' | 'flagged' | 'remedy'
> & {
  /** null when the layer is exact (infinite SQNR). */
  sqnrDb: number | null;
};

export function summarizeLayers(layers: readonly LayerStats[]): DebugLayerSummary[] {
  return (
    layers
      .map((l) => ({
        name: l.name,
        op: l.op,
        opIndex: l.opIndex,
        dtype: l.dtype,
        sqnrDb: Number.isFinite(l.sqnrDb) ? l.sqnrDb : null,
        cosine: l.cosine,
        maxAbsError: l.maxAbsError,
        flagged: l.flagged,
        remedy: l.remedy,
      }))
      // Worst first; an exact layer (infinite SQNR, null here) sorts last.
      .sort((a, b) => (a.sqnrDb ?? Infinity) - (b.sqnrDb ?? Infinity))
  );
}
