/**
 * Reads what Coral's `edgetpu_compiler` prints (stdout) and writes (`<name>_edgetpu.log`) into
 * the same per-op rows the compatibility check produces (check.ts `EdgeTpuOpRow`), so the app and
 * `lowbit edgetpu compile` can show the prediction next to the compiler's result.
 *
 * The format, from Coral's "Edge TPU Compiler" page and the outputs users quote in public issues
 * (see test/fixtures/edgetpu/, each file names its source):
 *
 *   Edge TPU Compiler version 16.0.384591198
 *   Model compiled successfully in 1354 ms.                 | Compilation failed!  | Invalid model: …
 *   Input model: x.tflite / Output model: x_edgetpu.tflite
 *   On-chip memory used for caching model parameters: 6.03MiB
 *   On-chip memory remaining for caching model parameters: 1.21MiB
 *   Off-chip memory used for streaming uncached model parameters: 0.00B
 *   Number of Edge TPU subgraphs: 1
 *   Total number of operations: 143
 *   Number of operations that will run on Edge TPU: 139      (only when some ops stay on the CPU)
 *   Number of operations that will run on CPU: 4
 *   Operator                       Count      Status          (stdout with -s, and the .log)
 *   CONV_2D                        63         Mapped to Edge TPU
 *
 * Lines it does not know are ignored; numbers it cannot find are null.
 */
import { EDGETPU_OPS, EDGETPU_OP_STATUSES, MAPPED, type EdgeTpuOpStatus } from './ops-table';
import type { EdgeTpuOpRow } from './check';

export interface EdgeTpuCompilerResult {
  compilerVersion: string | null;
  /** True when the compiler said "Model compiled successfully". */
  compiled: boolean;
  /** The compiler's own words when it failed ("Compilation failed!", "Model not quantized"…). */
  failure: string | null;
  outputModel: string | null;
  logFile: string | null;
  onChipUsedBytes: number | null;
  onChipRemainingBytes: number | null;
  offChipStreamedBytes: number | null;
  edgeTpuSubgraphs: number | null;
  totalOps: number | null;
  edgeTpuOps: number | null;
  cpuOps: number | null;
  /** One row per op type and status, as the compiler lists them (index null, count from the log). */
  rows: EdgeTpuOpRow[];
}

const UNITS: Record<string, number> = { B: 1, KiB: 2 ** 10, MiB: 2 ** 20, GiB: 2 ** 30 };
const FAILURES = [
  /^Compilation failed.*$/m,
  /^Invalid model:.*$/m,
  /^Model not quantized.*$/m,
  /^ERROR:.*$/m,
  /^Internal compiler error.*$/m,
];

/** Parses the compiler's stdout, with its .log text appended when there is one. */
export function parseCompilerOutput(text: string): EdgeTpuCompilerResult {
  const line = (re: RegExp) => re.exec(text)?.[1]?.trim() ?? null;
  const int = (re: RegExp) => {
    const v = line(re);
    return v === null ? null : Number.parseInt(v, 10);
  };
  const rows = parseRows(text);
  const compiled = /Model compiled successfully/.test(text);
  const failures = FAILURES.map((re) => re.exec(text)?.[0].trim()).filter((f): f is string => !!f);
  const totalOps = int(/^Total number of operations:\s*(\d+)/m);
  let edgeTpuOps = int(/^Number of operations that will run on Edge TPU:\s*(\d+)/m);
  let cpuOps = int(/^Number of operations that will run on CPU:\s*(\d+)/m);
  // The compiler prints the two counts only when some ops stay on the CPU; the rows tell otherwise.
  if (edgeTpuOps === null && rows.length > 0) edgeTpuOps = sum(rows.filter((r) => r.status === MAPPED));
  if (cpuOps === null && rows.length > 0) cpuOps = sum(rows.filter((r) => r.status !== MAPPED));
  if (
    edgeTpuOps === null &&
    cpuOps === null &&
    compiled &&
    totalOps !== null &&
    !/not all operations/.test(text)
  ) {
    edgeTpuOps = totalOps;
    cpuOps = 0;
  }
  return {
    compilerVersion: line(/^Edge TPU Compiler version\s+(\S+)/m),
    compiled: compiled && failures.length === 0,
    failure:
      compiled && failures.length === 0
        ? null
        : failures.join('; ') || 'the compiler did not say the model compiled',
    outputModel: line(/^Output(?: model)?:\s*(.+)$/m),
    logFile: line(/^Operation log:\s*(.+)$/m),
    onChipUsedBytes: size(line(/^On-chip memory used for caching model parameters:\s*(.+)$/m)),
    onChipRemainingBytes: size(line(/^On-chip memory remaining for caching model parameters:\s*(.+)$/m)),
    offChipStreamedBytes: size(
      line(/^Off-chip memory used for streaming uncached model parameters:\s*(.+)$/m),
    ),
    edgeTpuSubgraphs: int(/^Number of Edge TPU subgraphs:\s*(\d+)/m),
    totalOps,
    edgeTpuOps,
    cpuOps,
    rows,
  };
}

/** The operator table: `NAME  COUNT  STATUS`, after the "Operator Count Status" header. */
function parseRows(text: string): EdgeTpuOpRow[] {
  const rows: EdgeTpuOpRow[] = [];
  const seen = new Set<string>();
  for (const m of text.matchAll(/^([A-Z][A-Z0-9_]*)\s+(\d+)\s+(\S.*?)\s*$/gm)) {
    const [, op, count, statusText] = m;
    const status = EDGETPU_OP_STATUSES.find((s) => s === statusText) as EdgeTpuOpStatus | undefined;
    if (!status) continue;
    // stdout (-s) and the .log list the same table: keep each row once.
    const key = `${op}|${count}|${status}`;
    if (seen.has(key)) continue;
    seen.add(key);
    rows.push({
      index: null,
      op: op!,
      status,
      reason: '',
      fix: EDGETPU_OPS.statuses[status].fix,
      count: Number.parseInt(count!, 10),
    });
  }
  return rows;
}

function sum(rows: EdgeTpuOpRow[]): number {
  return rows.reduce((n, r) => n + r.count, 0);
}

/** "6.15MiB" → bytes (rounded: the compiler prints two decimals). */
function size(text: string | null): number | null {
  const m = text === null ? null : /^([\d.]+)\s*(B|KiB|MiB|GiB)$/.exec(text);
  return m ? Math.round(Number.parseFloat(m[1]!) * UNITS[m[2]!]!) : null;
}
