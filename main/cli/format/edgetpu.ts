/**
 * Human text for the Edge TPU: the compatibility check's per-op table (`lowbit edgetpu check`,
 * and the compiler's parsed log beside it in `lowbit edgetpu compile`) and the section
 * `lowbit inspect` prints for a compiled model.
 */
import type { EdgeTpuCompiledReport } from '../../engine/tflite/edgetpu/compiled';
import type { EdgeTpuCheckReport, EdgeTpuOpRow } from '../../engine/targets/edgetpu/check';
import type { EdgeTpuCompilerResult } from '../../engine/targets/edgetpu/compiler-log';
import type { PredictionVsCompiler } from '../../engine/targets/edgetpu/prediction-vs-compiler';
import { formatBytes, table } from './table';

export function formatEdgeTpuCheck(file: string, r: EdgeTpuCheckReport): string {
  const out = [
    `${file}: ${r.totals.edgeTpu} of ${r.totals.total} operations will run on the Edge TPU, ${r.totals.cpu} on the CPU`,
  ];
  if (r.modelError)
    out.push(`the compiler would refuse the model: ${r.modelError.message}`, `  fix: ${r.modelError.fix}`);
  if (r.firstUnmapped) {
    const f = r.firstUnmapped;
    out.push(`mapping stops at ${f.op} #${f.index}: ${f.status}${f.reason ? ` (${f.reason})` : ''}`);
  }
  out.push('', formatOpRows(r.ops));
  const p = r.parameters;
  out.push(
    '',
    `parameters on the Edge TPU: ${formatBytes(p.edgeTpuBytes)} of about ${formatBytes(p.cacheBytes)} cached on chip` +
      (p.streamedBytes > 0 ? `, about ${formatBytes(p.streamedBytes)} streamed` : ''),
    `minimum Edge TPU runtime: ${r.minRuntimeVersion}`,
  );
  for (const w of r.warnings) out.push(`warning: ${w}`);
  out.push(
    `op table: ${r.table.source} (compiler ${r.table.compilerVersion}, runtime ${r.table.runtimeVersion})`,
  );
  return out.join('\n');
}

/** The per-op table: one row per op (the check) or per op type and status (a compiler log). */
export function formatOpRows(rows: EdgeTpuOpRow[]): string {
  return table(
    ['#', 'op', 'count', 'status', 'reason', 'fix'],
    rows.map((r) => [r.index ?? '', r.op, r.count, r.status, r.reason, r.fix]),
  );
}

/** The Edge TPU section of `lowbit inspect`; `runtime` is the runtime the user has, if named. */
export function formatEdgeTpuCompiled(e: EdgeTpuCompiledReport, runtime: number | undefined): string {
  const out = ['', `Edge TPU: ${e.customOps.length} edgetpu-custom-op, ${e.cpuOps.length} ops on the CPU`];
  // Older compilers record "cl/" with no build number after it (Coral's own test models do).
  const versions = e.compilerVersions.map((v) => (v === 'cl/' ? 'cl/ (no build number recorded)' : v));
  out.push(`  compiler version: ${versions.join(', ') || '(not recorded)'}`);
  out.push(`  minimum runtime version: ${e.minRuntimeVersion}`);
  for (const c of e.customOps) {
    for (const p of c.packages) {
      const chips = [...new Set(p.executables.map((x) => x.chip))].join(', ');
      out.push(
        `  op #${c.op}: chip ${chips || 'unknown'}, ${p.executables.length} executables ` +
          `(${p.executables.map((x) => x.type).join(', ')}), parameters ${formatBytes(p.cachedParameterBytes)} cached on chip, ` +
          `${formatBytes(p.streamedParameterBytes)} streamed`,
      );
    }
  }
  if (e.cpuOps.length > 0) out.push(`  CPU ops: ${e.cpuOps.map((o) => `${o.name} #${o.op}`).join(', ')}`);
  if (e.firstCpuOpAfterEdgeTpu)
    out.push(
      `  the Edge TPU part ends before ${e.firstCpuOpAfterEdgeTpu.name} #${e.firstCpuOpAfterEdgeTpu.op}`,
    );
  if (runtime !== undefined && e.minRuntimeVersion > runtime) {
    out.push(
      `  warning: this model needs Edge TPU runtime ${e.minRuntimeVersion} or newer; runtime ${runtime} will refuse it ` +
        '(update libedgetpu, or compile with an older compiler / --min_runtime_version)',
    );
  }
  return out.join('\n');
}

/** `lowbit edgetpu compile`: the compiler's result next to the prediction. */
export function formatEdgeTpuCompile(
  r: {
    model: string;
    result: EdgeTpuCompilerResult;
    outputModel: string | null;
    prediction: EdgeTpuCheckReport;
    comparison: PredictionVsCompiler;
    compiled: EdgeTpuCompiledReport | null;
  },
  showOperations: boolean,
): string {
  const c = r.result;
  const t = r.comparison.totals;
  const out = [
    `${r.model}: edgetpu_compiler ${c.compilerVersion ?? '(version not printed)'}: ` +
      (c.compiled ? `compiled to ${r.outputModel}` : `failed: ${c.failure}`),
    `  Edge TPU ops: compiler ${t.compiler.edgeTpu ?? '?'}, Lowbit predicted ${t.predicted.edgeTpu}; ` +
      `CPU ops: compiler ${t.compiler.cpu ?? '?'}, predicted ${t.predicted.cpu}` +
      (t.agree === null ? '' : t.agree ? ' (agree)' : ' (DIFFER)'),
  ];
  if (c.onChipUsedBytes !== null) {
    out.push(
      `  on-chip parameters ${formatBytes(c.onChipUsedBytes)}, remaining ${formatBytes(c.onChipRemainingBytes ?? 0)}, ` +
        `streamed ${formatBytes(c.offChipStreamedBytes ?? 0)} (predicted ${formatBytes(r.prediction.parameters.edgeTpuBytes)})`,
    );
  }
  if (r.comparison.byOpType.some((o) => o.compiler !== null)) {
    out.push(
      '',
      table(
        ['op', 'predicted TPU', 'predicted CPU', 'compiler TPU', 'compiler CPU', ''],
        r.comparison.byOpType.map((o) => [
          o.op,
          o.predicted.edgeTpu,
          o.predicted.cpu,
          o.compiler?.edgeTpu ?? '',
          o.compiler?.cpu ?? '',
          o.agree === false ? 'differs' : '',
        ]),
      ),
    );
  }
  if (showOperations && c.rows.length > 0)
    out.push('', "the compiler's operator table:", formatOpRows(c.rows));
  if (r.compiled) out.push(formatEdgeTpuCompiled(r.compiled, undefined));
  return out.join('\n');
}
