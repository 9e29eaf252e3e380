/**
 * The comparison report: what each technique cost and bought against the baseline. Rendered as
 * JSON (for tools), Markdown (for a pull request) and a standalone HTML page with inline SVG
 * charts (no scripts, no external assets: it opens anywhere, offline).
 */
import type { ModelEvaluation } from './evaluate';

export interface ReportRow {
  /** e.g. 'float32 (baseline)', 'int8'. */
  technique: string;
  file: string;
  evaluation: ModelEvaluation;
}

export interface ComparisonRow {
  technique: string;
  file: string;
  bytes: number;
  gzipBytes: number;
  /** bytes / baseline bytes. */
  sizeRatio: number;
  gzipRatio: number;
  /** Top-1 accuracy (0..1) with labels, else null. */
  accuracy: number | null;
  /** accuracy − baseline accuracy, in percentage points. */
  accuracyDeltaPts: number | null;
  /** Agreement with the baseline's top-1 (0..1) when a reference was given. */
  agreement: number | null;
  sqnrDb: number | null;
  /** Median over warm runs. */
  latencyMs: number;
  /** 90th percentile over the same runs. */
  latencyP90Ms: number;
  /** Threads one inference used (Lowbit's interpreter: 1), null when the runtime does not say. */
  latencyThreads: number | null;
  /** baseline latency / this latency. */
  speedup: number;
  arenaBytes: number;
}

export interface ComparisonReport {
  title: string;
  dataset: string;
  samples: number;
  baseline: string;
  rows: ComparisonRow[];
}

export function buildComparison(title: string, dataset: string, rows: ReportRow[]): ComparisonReport {
  if (rows.length === 0) throw new RangeError('no rows');
  const base = rows[0]!.evaluation;
  const baseAcc = base.accuracy?.top1 ?? null;
  return {
    title,
    dataset,
    samples: base.samples,
    baseline: rows[0]!.technique,
    rows: rows.map(({ technique, file, evaluation: e }) => {
      const acc = e.accuracy?.top1 ?? null;
      return {
        technique,
        file,
        bytes: e.size.bytes,
        gzipBytes: e.size.gzipBytes,
        sizeRatio: e.size.bytes / base.size.bytes,
        gzipRatio: e.size.gzipBytes / base.size.gzipBytes,
        accuracy: acc,
        accuracyDeltaPts: acc !== null && baseAcc !== null ? (acc - baseAcc) * 100 : null,
        agreement: e.fidelity?.agreement ?? null,
        sqnrDb: e.fidelity ? e.fidelity.sqnrDb : null,
        latencyMs: e.latency.medianMs,
        latencyP90Ms: e.latency.p90Ms,
        latencyThreads: e.latency.threads,
        speedup: e.latency.medianMs > 0 ? base.latency.medianMs / e.latency.medianMs : 1,
        arenaBytes: e.arenaBytes,
      };
    }),
  };
}

/** A row as it crosses process boundaries: no file path, and an exact SQNR (Infinity) as null. */
export type ComparisonRowSummary = Omit<ComparisonRow, 'file'>;

/** The report without file paths, JSON-safe numbers only (the app's comparison table). */
export interface ComparisonSummary {
  title: string;
  dataset: string;
  samples: number;
  rows: ComparisonRowSummary[];
}

export function summarizeComparison(r: ComparisonReport): ComparisonSummary {
  return {
    title: r.title,
    dataset: r.dataset,
    samples: r.samples,
    rows: r.rows.map(({ file: _file, sqnrDb, ...row }) => ({
      ...row,
      sqnrDb: sqnrDb !== null && Number.isFinite(sqnrDb) ? sqnrDb : null,
    })),
  };
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(2)}%`);
const pts = (x: number | null) => (x === null ? '—' : `${x >= 0 ? '+' : ''}${x.toFixed(2)}`);
const db = (x: number | null) => (x === null ? '—' : Number.isFinite(x) ? `${x.toFixed(1)} dB` : '∞');

function cells(r: ComparisonRow): string[] {
  return [
    r.technique,
    kb(r.bytes),
    r.sizeRatio.toFixed(3),
    kb(r.gzipBytes),
    pct(r.accuracy),
    pts(r.accuracyDeltaPts),
    pct(r.agreement),
    db(r.sqnrDb),
    `${r.latencyMs.toFixed(2)} / ${r.latencyP90Ms.toFixed(2)} ms`,
    r.latencyThreads === null ? 'runtime default' : String(r.latencyThreads),
    `${r.speedup.toFixed(2)}x`,
    r.arenaBytes > 0 ? kb(r.arenaBytes) : '—',
  ];
}

const HEADERS = [
  'technique',
  'size',
  'ratio',
  'gzip',
  'accuracy',
  'Δ pts',
  'agreement',
  'SQNR',
  'latency median / p90',
  'threads',
  'speed-up',
  'arena',
];

export function toMarkdown(r: ComparisonReport): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  return [
    `### ${esc(r.title)}`,
    '',
    `Dataset: ${esc(r.dataset)} (${r.samples} samples). Baseline: ${esc(r.baseline)}. Latency: median and p90 of invoke() over warm runs in each model's runtime (Lowbit's interpreter; ONNX Runtime for ONNX models) on this machine, with the threads one inference used.`,
    '',
    `| ${HEADERS.join(' | ')} |`,
    `|${HEADERS.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`,
    ...r.rows.map((row) => `| ${cells(row).map(esc).join(' | ')} |`),
    '',
  ].join('\n');
}

export function toJson(r: ComparisonReport): string {
  return JSON.stringify(r, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 2);
}

function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

function sizeBars(r: ComparisonReport): string {
  const w = 560;
  const rowH = 26;
  const label = 150;
  const max = Math.max(...r.rows.map((x) => x.bytes));
  const bars = r.rows
    .map((x, i) => {
      const len = ((w - label - 90) * x.bytes) / max;
      const y = i * rowH + 4;
      return `<text x="${label - 8}" y="${y + 14}" text-anchor="end">${escapeHtml(x.technique)}</text>
<rect x="${label}" y="${y}" width="${len.toFixed(1)}" height="18" rx="2" class="bar"/>
<text x="${(label + len + 6).toFixed(1)}" y="${y + 14}">${kb(x.bytes)}</text>`;
    })
    .join('\n');
  return `<svg viewBox="0 0 ${w} ${r.rows.length * rowH + 8}" width="${w}" role="img" aria-label="model size by technique">${bars}</svg>`;
}

function accuracyVsSize(r: ComparisonReport): string {
  const pts2 = r.rows.filter((x) => x.accuracy !== null || x.agreement !== null);
  if (pts2.length === 0) return '';
  const w = 560;
  const h = 300;
  const m = { l: 60, r: 20, t: 16, b: 40 };
  const ys = pts2.map((x) => (x.accuracy ?? x.agreement)! * 100);
  const xs = pts2.map((x) => x.bytes / 1024);
  const [y0, y1] = [Math.min(...ys) - 1, Math.max(...ys) + 1];
  const x1 = Math.max(...xs) * 1.1;
  const px = (v: number) => m.l + ((w - m.l - m.r) * v) / x1;
  const py = (v: number) => h - m.b - ((h - m.t - m.b) * (v - y0)) / (y1 - y0 || 1);
  const dots = pts2
    .map(
      (x, i) =>
        `<circle cx="${px(xs[i]!).toFixed(1)}" cy="${py(ys[i]!).toFixed(1)}" r="5" class="dot"/><text x="${(px(xs[i]!) + 8).toFixed(1)}" y="${(py(ys[i]!) - 6).toFixed(1)}">${escapeHtml(x.technique)}</text>`,
    )
    .join('\n');
  const metric = pts2[0]!.accuracy !== null ? 'accuracy (%)' : 'agreement with baseline (%)';
  return `<svg viewBox="0 0 ${w} ${h}" width="${w}" role="img" aria-label="${metric} against size">
<line x1="${m.l}" y1="${h - m.b}" x2="${w - m.r}" y2="${h - m.b}" class="axis"/><line x1="${m.l}" y1="${m.t}" x2="${m.l}" y2="${h - m.b}" class="axis"/>
<text x="${(w / 2).toFixed(0)}" y="${h - 8}" text-anchor="middle">size (KB)</text>
<text x="14" y="${(h / 2).toFixed(0)}" transform="rotate(-90 14 ${(h / 2).toFixed(0)})" text-anchor="middle">${metric}</text>
<text x="${m.l - 6}" y="${py(y1) + 4}" text-anchor="end">${y1.toFixed(1)}</text><text x="${m.l - 6}" y="${py(y0) + 4}" text-anchor="end">${y0.toFixed(1)}</text>
${dots}</svg>`;
}

export function toHtml(r: ComparisonReport): string {
  const rows = r.rows
    .map(
      (row) =>
        `<tr>${cells(row)
          .map((c, i) => (i === 0 ? `<th scope="row">${escapeHtml(c)}</th>` : `<td>${escapeHtml(c)}</td>`))
          .join('')}</tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${escapeHtml(r.title)}</title>
<style>
body{font:14px/1.5 system-ui,sans-serif;margin:2rem;color:#1f2328;background:#fff}
table{border-collapse:collapse;font-variant-numeric:tabular-nums}th,td{padding:4px 10px;border-bottom:1px solid #d0d7de;text-align:right}
th[scope=row],thead th:first-child{text-align:left}thead th{background:#f6f8fa}
svg text{font:12px system-ui,sans-serif;fill:#1f2328}.bar{fill:#3b82f6}.dot{fill:#e11d48}.axis{stroke:#57606a}
@media (prefers-color-scheme:dark){body{background:#0d1117;color:#e6edf3}thead th{background:#161b22}th,td{border-color:#30363d}svg text{fill:#e6edf3}}
</style></head><body>
<h1>${escapeHtml(r.title)}</h1>
<p>Dataset: ${escapeHtml(r.dataset)} (${r.samples} samples). Baseline: ${escapeHtml(r.baseline)}. Latency: median and p90 of invoke() over warm runs in each model's runtime (Lowbit's interpreter; ONNX Runtime for ONNX models), with the threads one inference used.</p>
<table><thead><tr>${HEADERS.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>
${rows}
</tbody></table>
<h2>Size</h2>
${sizeBars(r)}
<h2>Accuracy against size</h2>
${accuracyVsSize(r)}
</body></html>
`;
}
