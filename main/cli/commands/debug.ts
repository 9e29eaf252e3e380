import type { CliCommand } from '../command';
import { UsageError } from '../command';
import { parse } from '../args';
import { debugQuantization, type DebugReport, type LayerStats } from '../../engine/optimize/index';
import { openModelFile } from '../../files/model-file';
import { loadRepresentativeData } from '../load-data';
import { JSON_FLAG, PREPROCESS_FLAG, preprocessFlag, WORKERS_FLAG, workersOption } from '../options';
import { WorkerSamplePool } from '../../jobs/pool/sample-pool';

export const command: CliCommand = {
  name: 'debug',
  summary: 'Compare a quantized model with its float model layer by layer (SQNR, cosine, errors)',
  usage: `usage: lowbit debug FLOAT QUANT --data PATH [--preprocess SPEC] [--samples N] [--threshold DB] [--workers N] [--json|--csv]

Runs both models on the samples and, for every quantized activation that maps to a float
tensor (by name, then by position), reports SQNR (dB), cosine similarity, MSE, max and
mean error, and the float range against the quantized range. Layers under the SQNR
threshold are flagged with a suggested remedy (keep float, 16x8, another calibration).
  --data PATH       samples: .npy / raw float32 .bin file or folder, or images (as for quantize)
  --preprocess SPEC for a folder of images (as for quantize)
  --samples N       use at most N samples (default 32)
  --threshold DB    flag layers below this SQNR (default 15)
  --workers N       threads that run the samples (default: one per core); the report is identical
                    whatever N
  --json | --csv    machine-readable output (one row per layer for CSV)`,
  async run(argv, ctx) {
    const { values, positionals } = parse(
      argv,
      {
        data: { type: 'string' },
        ...PREPROCESS_FLAG,
        samples: { type: 'string' },
        threshold: { type: 'string' },
        ...JSON_FLAG,
        csv: { type: 'boolean' },
        ...WORKERS_FLAG,
      },
      { minPositionals: 2, maxPositionals: 2 },
    );
    const [floatFile, quantFile] = positionals as [string, string];
    if (!values.data) throw new UsageError('--data PATH is required');
    const limit = values.samples !== undefined ? Number(values.samples) : 32;
    const threshold = values.threshold !== undefined ? Number(values.threshold) : 15;
    if (!(Number.isInteger(limit) && limit > 0) || !Number.isFinite(threshold))
      throw new UsageError('--samples must be a positive integer and --threshold a number');
    const f = openModelFile(floatFile).tflite;
    const q = openModelFile(quantFile).tflite;
    const samples = loadRepresentativeData(values.data, f, limit, preprocessFlag(values.preprocess));
    const pool = new WorkerSamplePool(workersOption(values.workers));
    const report = await debugQuantization(f, q, samples, {
      sqnrThresholdDb: threshold,
      signal: ctx.signal,
      onProgress: (d, t) => ctx.progress('samples', d, t),
      pool,
    }).finally(() => pool.dispose());
    if (values.json)
      ctx.out(JSON.stringify(report, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v)));
    else if (values.csv) ctx.out(toCsv(report));
    else ctx.out(toTable(report));
    return 0;
  },
};

const CSV_COLUMNS: (keyof LayerStats)[] = [
  'opIndex',
  'op',
  'name',
  'dtype',
  'matchedBy',
  'elements',
  'sqnrDb',
  'cosine',
  'mse',
  'maxAbsError',
  'meanError',
];

function csvCell(v: unknown): string {
  const s =
    typeof v === 'number' ? (Number.isFinite(v) ? String(v) : v > 0 ? 'inf' : '-inf') : String(v ?? '');
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function toCsv(r: DebugReport): string {
  const head = [...CSV_COLUMNS, 'floatMin', 'floatMax', 'quantMin', 'quantMax', 'flagged', 'remedy'];
  const rows = r.layers.map((l) =>
    [
      ...CSV_COLUMNS.map((c) => l[c]),
      l.floatRange.min,
      l.floatRange.max,
      l.quantRange.min,
      l.quantRange.max,
      l.flagged,
      l.remedy ?? '',
    ]
      .map(csvCell)
      .join(','),
  );
  return [head.join(','), ...rows].join('\n');
}

function toTable(r: DebugReport): string {
  const fmt = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : x > 0 ? 'inf' : '-inf');
  const lines = [`${r.layers.length} quantized activation(s) compared over ${r.samples} sample(s)`, ''];
  lines.push(
    '  op  operator             SQNR dB  cosine    max err   float range           quant range           tensor',
  );
  for (const l of r.layers) {
    lines.push(
      `${l.flagged ? '!' : ' '} ${String(l.opIndex).padStart(3)}  ${l.op.padEnd(19)} ${fmt(l.sqnrDb).padStart(8)}  ${fmt(l.cosine, 4).padStart(7)}  ${fmt(l.maxAbsError, 4).padStart(9)}` +
        `   [${fmt(l.floatRange.min, 3)}, ${fmt(l.floatRange.max, 3)}]`.padEnd(22) +
        `[${fmt(l.quantRange.min, 3)}, ${fmt(l.quantRange.max, 3)}]`.padEnd(22) +
        l.name,
    );
  }
  if (r.worst.length > 0) {
    lines.push('', 'flagged (worst first):');
    for (const l of r.worst)
      lines.push(`  ${l.name} (${l.op} #${l.opIndex}, ${fmt(l.sqnrDb)} dB): ${l.remedy}`);
  } else lines.push('', 'no layer under the SQNR threshold');
  if (r.unmatched.length > 0) lines.push('', `no float counterpart: ${r.unmatched.join(', ')}`);
  return lines.join('\n');
}
