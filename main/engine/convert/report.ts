/**
 * The conversion report: what became of each ONNX node (the TFLite operators it became, or why
 * none: folded to a constant, fused into the operator before it, a no-op), the TRANSPOSE
 * operators the layout pass could not avoid and why, and totals. Plain data: the CLI prints it
 * as a table or JSON, the app shows it as a panel.
 */
export interface NodeConversion {
  index: number;
  name: string;
  opType: string;
  /** TFLite operators emitted for this node, in order (BuiltinOperator names). */
  tflite: string[];
  /** Why the node emitted nothing or something unusual ("folded to a constant", "fused into CONV_2D"). */
  note?: string;
}

export interface ExplicitTranspose {
  /** ONNX node index that needed it; -1 for a graph input or output. */
  node: number;
  reason: string;
}

export interface ConvertedIo {
  name: string;
  /** Shape of the TFLite tensor. */
  shape: number[];
  /** 'nchw' or 'nhwc' for rank-4 tensors converted with a layout choice, else 'as-onnx'. */
  layout: 'nchw' | 'nhwc' | 'as-onnx';
}

export interface ConversionReport {
  opset: number;
  inputs: ConvertedIo[];
  outputs: ConvertedIo[];
  nodes: NodeConversion[];
  transposes: ExplicitTranspose[];
  /** TFLite operator counts by name. */
  tfliteOps: Record<string, number>;
  /** TRANSPOSE operators between other operators (not at a graph input or output). */
  insideTransposes: number;
  warnings: string[];
}

/** The report as a fixed-width table, one line per ONNX node, then the transposes. */
export function formatConversionReport(r: ConversionReport): string[] {
  const rows = r.nodes.map((n) => [
    String(n.index),
    n.opType,
    n.name || '-',
    n.tflite.length > 0 ? n.tflite.join(' + ') : '-',
    n.note ?? '',
  ]);
  const head = ['#', 'ONNX op', 'node', 'TFLite', 'note'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  const out = [line(head), ...rows.map(line)];
  for (const t of r.transposes)
    out.push(`TRANSPOSE ${t.node < 0 ? 'at the graph boundary' : `for node ${t.node}`}: ${t.reason}`);
  return out;
}
