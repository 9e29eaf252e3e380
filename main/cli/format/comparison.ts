import type { ComparisonReport } from '../../engine/evaluate/report';
import { formatBytes, table } from './table';

/** The seeds' comparison table, for the terminal. */
export function formatComparison(r: ComparisonReport): string {
  const pct = (x: number | null) => (x === null ? '-' : `${(x * 100).toFixed(2)}%`);
  const delta = (x: number | null) => (x === null ? '-' : `${x >= 0 ? '+' : ''}${x.toFixed(2)} pts`);
  return [
    `${r.title} — ${r.dataset}, ${r.samples} samples, baseline ${r.baseline}`,
    '',
    table(
      [
        'technique',
        'size',
        'ratio',
        'gzip',
        'accuracy',
        'delta',
        'agreement',
        'latency median / p90',
        'threads',
        'speed-up',
        'arena',
      ],
      r.rows.map((x) => [
        x.technique,
        formatBytes(x.bytes),
        x.sizeRatio.toFixed(3),
        formatBytes(x.gzipBytes),
        pct(x.accuracy),
        delta(x.accuracyDeltaPts),
        pct(x.agreement),
        `${x.latencyMs.toFixed(3)} / ${x.latencyP90Ms.toFixed(3)} ms`,
        x.latencyThreads === null ? 'runtime default' : String(x.latencyThreads),
        `${x.speedup.toFixed(2)}x`,
        x.arenaBytes > 0 ? formatBytes(x.arenaBytes) : '-', // 0: a runtime that plans its own memory (ONNX Runtime)
      ]),
    ),
    '',
    "Latency: median and p90 of invoke() over warm runs (after warm-up) in Lowbit's interpreter (pure TypeScript; ONNX models in ONNX Runtime) on this machine, with the threads one inference used; device speed-ups differ.",
  ].join('\n');
}
