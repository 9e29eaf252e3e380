/** `lowbit inspect --analyze`: the analysis report as a table, a memory chart and totals. */
import type { ModelAnalysis } from '../../engine/analysis/analyze';
import { distinguishingNames, fitName } from '../../contract/tensor-names';
import { formatBytes, table } from './table';

const CHART_ROWS = 8;
const CHART_COLUMNS = 72;

/** 300774272 -> "300.8 M"; small counts stay exact. */
export function formatCount(n: number): string {
  if (n < 1e4) return String(n);
  if (n < 1e6) return `${(n / 1e3).toFixed(1)} k`;
  if (n < 1e9) return `${(n / 1e6).toFixed(1)} M`;
  return `${(n / 1e9).toFixed(2)} G`;
}

/**
 * Activation memory over the execution order, one column per operator (or per group of
 * operators on long models, each showing its group's largest): █ live activations, ░ the rest of
 * the arena the plan reaches there, ^ under the peak.
 */
export function memoryChart(a: ModelAnalysis): string[] {
  const n = a.layers.length;
  if (n === 0 || a.memory.arenaBytes === 0) return [];
  const cols = Math.min(n, CHART_COLUMNS);
  const group = (c: number) => a.layers.slice(Math.floor((c * n) / cols), Math.floor(((c + 1) * n) / cols));
  const live = Array.from({ length: cols }, (_, c) => Math.max(0, ...group(c).map((l) => l.liveBytes)));
  const inUse = Array.from({ length: cols }, (_, c) =>
    Math.max(0, ...group(c).map((l) => l.arenaInUseBytes)),
  );
  const top = a.memory.arenaBytes;
  const lines: string[] = [];
  const label = formatBytes(top).length;
  for (let r = CHART_ROWS; r >= 1; r--) {
    const level = (top * (r - 0.5)) / CHART_ROWS;
    const row = live.map((v, c) => (v >= level ? '█' : inUse[c]! >= level ? '░' : ' ')).join('');
    const axis = r === CHART_ROWS ? formatBytes(top) : r === 1 ? '0' : '';
    lines.push(`${axis.padStart(label)} │${row}`);
  }
  const peakCol = Math.floor((a.memory.peakOperator * cols) / n);
  lines.push(`${''.padStart(label)} └${'─'.repeat(cols)}`);
  lines.push(`${''.padStart(label)}  ${' '.repeat(peakCol)}^ peak`);
  lines.push(
    `${''.padStart(label)}  operators 0–${n - 1} in execution order` +
      (cols < n ? ` (${(n / cols).toFixed(1)} per column)` : ''),
  );
  return lines;
}

export function formatAnalysis(a: ModelAnalysis): string {
  const names = distinguishingNames(a.layers.map((l) => l.name));
  const rows = a.layers.map((l, i) => [
    l.index,
    l.customCode ? `${l.op}(${l.customCode})` : l.op,
    fitName(names[i]!, 48),
    l.outputShape.join('×') || '-',
    l.macs === null ? '?' : l.macs,
    l.params,
    l.weightBytes,
    l.activationBytes,
    l.liveBytes,
  ]);
  const m = a.memory;
  const t = a.totals;
  const peak = a.layers[m.peakOperator];
  const livePeak = a.layers[m.livePeakOperator];
  const out = [
    'analysis (main subgraph, in execution order; bytes; MACs of convolutions, fully connected and matrix',
    'products; "?" = a custom op Lowbit cannot count)',
    '',
    table(
      ['#', 'op', 'layer (its output)', 'output', 'MACs', 'params', 'weights', 'activations', 'live'],
      rows,
    ),
    '',
    'activation memory over the execution order',
    ...memoryChart(a),
    '',
    `totals: ${t.operators} operators, ${formatCount(t.macs)} MACs (${t.macs})` +
      (t.uncountedOperators > 0 ? ` + ${t.uncountedOperators} custom op(s) not counted` : '') +
      `, ${formatCount(t.params)} parameters (${t.params}), weights ${formatBytes(t.weightBytes)}`,
    `peak activation memory (tensor arena, as lowbit fit): ${formatBytes(m.arenaBytes)} (${m.arenaBytes} B)` +
      (peak ? ` at operator ${peak.index} ${peak.op}` : ''),
    m.livePeakBytes < m.arenaBytes && livePeak
      ? `most alive at once: ${formatBytes(m.livePeakBytes)} at operator ${livePeak.index}; the plan's placement leaves ${formatBytes(m.arenaBytes - m.livePeakBytes)} unused there`
      : `most alive at once: ${formatBytes(m.livePeakBytes)} (the arena holds it without holes)`,
    `inputs ${formatBytes(m.inputBytes)}, outputs ${formatBytes(m.outputBytes)}`,
  ];
  if (m.note) out.push(`note: ${m.note}`);
  return out.join('\n');
}
