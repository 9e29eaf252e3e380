/**
 * The per-epoch table `lowbit train` prints (issue 15): one row per epoch with train and
 * validation loss and accuracy, the epoch's time and the estimated time left, and the row the
 * written model comes from marked with "*" (best validation accuracy, the engine's choice).
 */
import type { EpochStats } from '../engine/train/api';

export const EPOCH_HEADER = ['epoch', 'train loss', 'train acc', 'val loss', 'val acc', 'time', 'ETA'];

/** Seconds or minutes, the way a person reads a duration: "850 ms", "12.4 s", "3 min 05 s". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '-';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  const m = Math.floor(s / 60);
  return m < 60
    ? `${m} min ${String(s % 60).padStart(2, '0')} s`
    : `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(2)}%` : '-');
const loss = (x: number) => (Number.isFinite(x) ? x.toFixed(4) : '-');

/** One epoch's cells, in EPOCH_HEADER order; `of` is the number of epochs asked for. */
export function epochCells(e: EpochStats, of: number, best = false): string[] {
  return [
    `${e.epoch}/${of}${best ? ' *' : ''}`,
    loss(e.trainLoss),
    pct(e.trainAccuracy),
    loss(e.valLoss),
    pct(e.valAccuracy),
    formatDuration(e.ms),
    e.etaMs > 0 ? formatDuration(e.etaMs) : '-',
  ];
}

/** The fixed column widths the live rows are padded to (wide enough for every cell above). */
const WIDTHS = [9, 10, 9, 8, 8, 9, 11];

/** One line of the table (header or row), padded so live rows line up under the header. */
export function tableLine(cells: string[]): string {
  return cells
    .map((c, i) => c.padEnd(Math.max(WIDTHS[i] ?? 0, c.length)))
    .join('  ')
    .trimEnd();
}

/** The whole table, the best epoch marked. */
export function epochTable(epochs: EpochStats[], of: number, bestEpoch: number): string {
  return [EPOCH_HEADER, ...epochs.map((e) => epochCells(e, of, e.epoch === bestEpoch))]
    .map(tableLine)
    .join('\n');
}
