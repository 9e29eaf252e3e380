import type { InspectReport, OnnxDetails, TensorInfo } from '../../contract/types';
import { formatBytes, table } from './table';

function quantText(t: TensorInfo): string {
  const q = t.quantization;
  if (!q) return '';
  if (q.scale.length === 1) return `scale ${q.scale[0]!.toPrecision(6)} zp ${q.zeroPoint[0] ?? 0}`;
  return `per-axis ${q.axis}: ${q.scale.length} scales`;
}

const shapeText = (t: TensorInfo) => `[${(t.symbolicShape ?? t.shape).join(',')}]`;

const tensorLine = (t: TensorInfo) =>
  `${t.name || '(unnamed)'} ${t.dtype}${shapeText(t)} ${quantText(t)}`.trimEnd();

/** The first line: what the file is. */
function title(file: string, r: InspectReport): string {
  const size = `${formatBytes(r.sizeBytes)} (${r.sizeBytes} bytes)`;
  if (!r.onnx) return `${file}: TFLite schema v${r.version}, ${size}`;
  const o = r.onnx;
  const producer = o.producerName ? `, from ${`${o.producerName} ${o.producerVersion}`.trim()}` : '';
  return `${file}: ONNX IR v${o.irVersion}${producer}, ${size}`;
}

/** ONNX only: opset imports, external data, and the quantization parameters of its nodes. */
function onnxLines(o: OnnxDetails): string[] {
  const opsets = o.opsets.map((s) => `${s.domain || 'ai.onnx'} ${s.version}`).join(', ');
  const out = [`opsets: ${opsets}`];
  if (o.externalBytes > 0)
    out.push(`external data: ${formatBytes(o.externalBytes)} (${o.externalBytes} bytes)`);
  if (o.quantization.length === 0) return out;
  const rows = o.quantization.flatMap((q) =>
    q.operands.map((p) => [
      q.operator,
      q.op,
      p.role,
      p.tensor,
      p.dtype,
      p.axis === null ? 'per-tensor' : `axis ${p.axis}${p.blockSize ? ` block ${p.blockSize}` : ''}`,
      p.scale.length === 1 ? p.scale[0]!.toPrecision(6) : `${p.scale.length} scales`,
      p.zeroPoint.length === 1 ? p.zeroPoint[0]! : `${p.zeroPoint.length} zero points`,
    ]),
  );
  const styles = [...new Set(o.quantization.map((q) => (q.style === 'qdq' ? 'QDQ' : 'QOperator')))].join(
    ' + ',
  );
  out.push(
    '',
    `quantization (${styles}):`,
    table(['#', 'op', 'role', 'tensor', 'type', 'granularity', 'scale', 'zero point'], rows),
  );
  return out;
}

export function formatInspect(file: string, r: InspectReport, opts: { tensors: boolean }): string {
  const out: string[] = [];
  out.push(title(file, r));
  if (r.description) out.push(`description: ${r.description}`);
  if (r.onnx) out.push(...onnxLines(r.onnx));
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
          sg.tensors.map((t) => [t.index, t.name, t.dtype, shapeText(t), t.bytes, quantText(t)]),
        ),
      );
    });
  }
  return out.join('\n');
}
