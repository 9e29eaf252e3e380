import type { InspectReport, TensorInfo } from '../../contract/types';
import { formatBytes, table } from './table';

function quantText(t: TensorInfo): string {
  const q = t.quantization;
  if (!q) return '';
  if (q.scale.length === 1) return `scale ${q.scale[0]!.toPrecision(6)} zp ${q.zeroPoint[0] ?? 0}`;
  return `per-axis ${q.axis}: ${q.scale.length} scales`;
}

const tensorLine = (t: TensorInfo) =>
  `${t.name || '(unnamed)'} ${t.dtype}[${t.shape.join(',')}] ${quantText(t)}`.trimEnd();

export function formatInspect(file: string, r: InspectReport, opts: { tensors: boolean }): string {
  const out: string[] = [];
  out.push(`${file}: TFLite schema v${r.version}, ${formatBytes(r.sizeBytes)} (${r.sizeBytes} bytes)`);
  if (r.description) out.push(`description: ${r.description}`);
  r.subgraphs.forEach((sg, s) => {
    out.push(
      '',
      `subgraph ${s}${sg.name ? ` "${sg.name}"` : ''}: ${sg.operators.length} operators, ${sg.tensors.length} tensors`,
    );
    for (const i of sg.inputs) out.push(`  input  ${tensorLine(sg.tensors[i]!)}`);
    for (const i of sg.outputs) out.push(`  output ${tensorLine(sg.tensors[i]!)}`);
  });
  out.push(
    '',
    table(
      ['op', 'count'],
      Object.entries(r.opCounts).sort((a, b) => b[1] - a[1]),
    ),
  );
  const sizeRows: (string | number)[][] = Object.entries(r.size.weightsByDtype)
    .sort((a, b) => b[1] - a[1])
    .map(([d, n]) => [`weights ${d}`, n, `${((100 * n) / r.sizeBytes).toFixed(1)}%`]);
  sizeRows.push([
    'metadata',
    r.size.metadataBytes,
    `${((100 * r.size.metadataBytes) / r.sizeBytes).toFixed(1)}%`,
  ]);
  sizeRows.push([
    'structure',
    r.size.structureBytes,
    `${((100 * r.size.structureBytes) / r.sizeBytes).toFixed(1)}%`,
  ]);
  out.push('', table(['size', 'bytes', 'share'], sizeRows));
  if (opts.tensors) {
    r.subgraphs.forEach((sg, s) => {
      out.push('', `tensors of subgraph ${s}:`);
      out.push(
        table(
          ['#', 'name', 'dtype', 'shape', 'bytes', 'quantization'],
          sg.tensors.map((t) => [t.index, t.name, t.dtype, `[${t.shape.join(',')}]`, t.bytes, quantText(t)]),
        ),
      );
    });
  }
  return out.join('\n');
}
