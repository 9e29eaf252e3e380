/**
 * Lowbit's prediction (check.ts) next to what `edgetpu_compiler` did (compiler-log.ts): per op
 * type, how many ops each says run on the Edge TPU and on the CPU, and whether the totals agree.
 * What `lowbit edgetpu compile` and the app's Edge TPU panel show after a compile.
 */
import type { EdgeTpuCheckReport } from './check';
import type { EdgeTpuCompilerResult } from './compiler-log';
import { MAPPED } from './ops-table';

export interface OpTypeComparison {
  op: string;
  predicted: { edgeTpu: number; cpu: number };
  /** Null where the compiler printed no table (it prints one with -s, and in its .log). */
  compiler: { edgeTpu: number; cpu: number } | null;
  agree: boolean | null;
}

export interface PredictionVsCompiler {
  byOpType: OpTypeComparison[];
  totals: {
    predicted: { edgeTpu: number; cpu: number };
    compiler: { edgeTpu: number | null; cpu: number | null };
    agree: boolean | null;
  };
}

export function comparePrediction(
  check: EdgeTpuCheckReport,
  compiler: EdgeTpuCompilerResult,
): PredictionVsCompiler {
  const counts = new Map<
    string,
    { predicted: { edgeTpu: number; cpu: number }; compiler: { edgeTpu: number; cpu: number } }
  >();
  const entry = (op: string) => {
    let e = counts.get(op);
    if (!e) counts.set(op, (e = { predicted: { edgeTpu: 0, cpu: 0 }, compiler: { edgeTpu: 0, cpu: 0 } }));
    return e;
  };
  for (const r of check.ops)
    entry(r.op).predicted[r.status === MAPPED && !check.modelError ? 'edgeTpu' : 'cpu'] += r.count;
  for (const r of compiler.rows) entry(r.op).compiler[r.status === MAPPED ? 'edgeTpu' : 'cpu'] += r.count;
  const hasTable = compiler.rows.length > 0;
  const byOpType = [...counts].map(([op, c]) => ({
    op,
    predicted: c.predicted,
    compiler: hasTable ? c.compiler : null,
    agree: hasTable ? c.predicted.edgeTpu === c.compiler.edgeTpu && c.predicted.cpu === c.compiler.cpu : null,
  }));
  const known = compiler.edgeTpuOps !== null && compiler.cpuOps !== null;
  return {
    byOpType,
    totals: {
      predicted: { edgeTpu: check.totals.edgeTpu, cpu: check.totals.cpu },
      compiler: { edgeTpu: compiler.edgeTpuOps, cpu: compiler.cpuOps },
      agree: known
        ? compiler.edgeTpuOps === check.totals.edgeTpu && compiler.cpuOps === check.totals.cpu
        : null,
    },
  };
}
