/**
 * The graph view's drawing helpers, pure (no DOM, no state): edge routes as SVG paths, which
 * boxes and edges a viewport shows (the view draws only those, so a large model pans smoothly),
 * search over ops and tensors, and the whole graph as a standalone SVG document for export.
 * The layout itself comes from main (graph.layout).
 */
import type { GraphEdge, GraphLayout, GraphNode, SubgraphInfo } from './contract';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A smooth route through dagre's points: quadratic segments through the midpoints (a B-spline's look). */
export function edgePath(points: readonly { x: number; y: number }[]): string {
  if (points.length === 0) return '';
  const f = (v: number) => Math.round(v * 10) / 10;
  let d = `M${f(points[0]!.x)},${f(points[0]!.y)}`;
  if (points.length === 2) return `${d}L${f(points[1]!.x)},${f(points[1]!.y)}`;
  for (let i = 1; i < points.length - 1; i++) {
    const p = points[i]!;
    const q = points[i + 1]!;
    const end = i === points.length - 2 ? q : { x: (p.x + q.x) / 2, y: (p.y + q.y) / 2 };
    d += `Q${f(p.x)},${f(p.y)} ${f(end.x)},${f(end.y)}`;
  }
  return d;
}

/** The box around an edge's route and label. */
export function edgeBounds(e: GraphEdge): Rect {
  let x0 = e.labelX;
  let x1 = e.labelX;
  let y0 = e.labelY;
  let y1 = e.labelY;
  for (const p of e.points) {
    x0 = Math.min(x0, p.x);
    x1 = Math.max(x1, p.x);
    y0 = Math.min(y0, p.y);
    y1 = Math.max(y1, p.y);
  }
  const labelHalf = (e.label.length * 6) / 2 + 4;
  return { x: x0 - labelHalf, y: y0 - 8, width: x1 - x0 + 2 * labelHalf, height: y1 - y0 + 16 };
}

export function intersects(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/** Which nodes and edges touch the viewport (in graph units), with a margin so panning shows no gaps. */
export function visibleItems(
  layout: GraphLayout,
  edgeBoxes: readonly Rect[],
  view: Rect,
  margin = 200,
): { nodes: GraphNode[]; edges: GraphEdge[] } {
  const r = {
    x: view.x - margin,
    y: view.y - margin,
    width: view.width + 2 * margin,
    height: view.height + 2 * margin,
  };
  return {
    nodes: layout.nodes.filter((n) => intersects(n, r)),
    edges: layout.edges.filter((_, i) => intersects(edgeBoxes[i]!, r)),
  };
}

/** Colour family of an op's title bar, by what the op does (TFLite and ONNX names). */
export function opCategory(op: string): 'layer' | 'pool' | 'activation' | 'shape' | 'quant' | 'other' {
  const o = op.toUpperCase().replace(/^.*\./, '');
  if (/CONV|FULLY_CONNECTED|GEMM|MATMUL|LSTM|RNN|GRU|EMBEDDING|SVDF/.test(o)) return 'layer';
  if (/POOL|MEAN|REDUCE|SUM$|MAX$|MIN$/.test(o)) return 'pool';
  if (/QUANTIZE|DEQUANT|QLINEAR|FAKE_QUANT/.test(o)) return 'quant';
  if (
    /RESHAPE|SQUEEZE|UNSQUEEZE|FLATTEN|TRANSPOSE|CONCAT|SPLIT|SLICE|GATHER|PAD|SHAPE|PACK|UNPACK|EXPAND|TILE|CAST|IDENTITY|CONSTANT|RESIZE/.test(
      o,
    )
  )
    return 'shape';
  if (
    /RELU|SIGMOID|TANH|SOFTMAX|SWISH|GELU|ELU|LOGISTIC|CLIP|ADD|SUB|MUL|DIV|BATCHNORM|BATCH_NORM|NORMALIZ|EXP|LOG|SQRT|POW|ABS|NEG|MAXIMUM|MINIMUM/.test(
      o,
    )
  )
    return 'activation';
  return 'other';
}

/** Title bar colours: dark enough for white text in both themes. */
export const CATEGORY_FILL: Record<ReturnType<typeof opCategory>, string> = {
  layer: '#2f5fb3',
  pool: '#2e7d57',
  activation: '#9a4f0f',
  shape: '#56606e',
  quant: '#7a3db0',
  other: '#3f4a59',
};

export interface SearchHit {
  kind: 'op' | 'tensor';
  /** What the list shows first: the op type or the tensor's name. */
  title: string;
  /** The second line: op index and first output, or tensor index and shape. */
  detail: string;
  /** Where to jump: the node to centre (the op, or the tensor's producer / input node). */
  nodeId: string;
  operator?: number;
  tensor?: number;
}

/**
 * Ops whose type contains the query and tensors whose name contains it (case-insensitive); op
 * types first. At most `limit` hits.
 */
export function searchGraph(layout: GraphLayout, sg: SubgraphInfo, query: string, limit = 50): SearchHit[] {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  const hits: SearchHit[] = [];
  for (const n of layout.nodes) {
    if (n.kind !== 'op' || !n.label.toLowerCase().includes(q)) continue;
    const out = sg.operators[n.operator!]?.outputs[0];
    const outName = out !== undefined && out >= 0 ? sg.tensors[out]?.name : undefined;
    hits.push({
      kind: 'op',
      title: n.label,
      detail: `op ${n.operator}${outName ? ` → ${outName}` : ''}`,
      nodeId: n.id,
      operator: n.operator!,
    });
    if (hits.length >= limit) return hits;
  }
  // A tensor is found where it is drawn: its producer, its input node, or the op it is a constant of.
  const place = new Map<number, string>();
  for (const e of layout.edges) if (!place.has(e.tensor)) place.set(e.tensor, e.from);
  for (const n of layout.nodes) {
    if (n.tensor !== undefined && !place.has(n.tensor)) place.set(n.tensor, n.id);
    for (const c of n.constants) if (!place.has(c.tensor)) place.set(c.tensor, n.id);
  }
  sg.tensors.forEach((t) => {
    if (hits.length >= limit || !t.name.toLowerCase().includes(q)) return;
    const nodeId = place.get(t.index);
    if (nodeId === undefined) return;
    hits.push({
      kind: 'tensor',
      title: t.name,
      detail: `tensor ${t.index} · ${t.shape.length ? t.shape.join('×') : 'scalar'} ${t.dtype}`,
      nodeId,
      tensor: t.index,
    });
  });
  return hits;
}

/** The colours an exported drawing uses (the live view takes them from CSS variables). */
export interface DrawColours {
  bg: string;
  box: string;
  border: string;
  text: string;
  muted: string;
  edge: string;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Text cut to what fits `width` at about `charW` per character, with an ellipsis. */
export function fitText(s: string, width: number, charW: number): string {
  const max = Math.max(1, Math.floor(width / charW));
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

/** The whole graph as a standalone SVG document: shapes and text only, no scripts or links. */
export function graphToSvg(layout: GraphLayout, c: DrawColours, title: string): string {
  const w = Math.max(1, layout.width);
  const h = Math.max(1, layout.height);
  const out: string[] = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="system-ui, 'Segoe UI', Roboto, 'Noto Sans', Arial, sans-serif">`,
    `<title>${esc(title)}</title>`,
    `<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="${c.edge}"/></marker></defs>`,
    `<rect width="${w}" height="${h}" fill="${c.bg}"/>`,
  ];
  for (const e of layout.edges) {
    out.push(
      `<path d="${edgePath(e.points)}" fill="none" stroke="${c.edge}" stroke-width="1.2" marker-end="url(#arrow)"/>`,
    );
    if (e.label)
      out.push(
        `<text x="${e.labelX}" y="${e.labelY + 3.5}" font-size="10" font-family="monospace" text-anchor="middle" fill="${c.muted}">${esc(e.label)}</text>`,
      );
  }
  for (const n of layout.nodes) out.push(nodeSvg(n, c));
  out.push('</svg>');
  return out.join('\n');
}

function nodeSvg(n: GraphNode, c: DrawColours): string {
  const parts: string[] = [`<g transform="translate(${n.x},${n.y})">`];
  if (n.kind !== 'op') {
    parts.push(
      `<rect width="${n.width}" height="${n.height}" rx="${n.height / 2}" fill="${c.box}" stroke="${c.border}"/>`,
      `<text x="${n.width / 2}" y="${n.height / 2 + 4}" font-size="12" text-anchor="middle" fill="${c.text}">${esc(fitText(n.label, n.width - 16, 7))}</text>`,
    );
  } else {
    const fill = CATEGORY_FILL[opCategory(n.label)];
    parts.push(
      `<rect width="${n.width}" height="${n.height}" rx="5" fill="${c.box}" stroke="${c.border}"/>`,
      `<path d="M0,5a5,5 0 0 1 5,-5h${n.width - 10}a5,5 0 0 1 5,5v19h-${n.width}z" fill="${fill}"/>`,
      `<text x="${n.width / 2}" y="16" font-size="11.5" font-weight="600" text-anchor="middle" fill="#ffffff">${esc(n.label)}</text>`,
    );
    n.constants.forEach((k, i) =>
      parts.push(
        `<text x="10" y="${24 + 14 + i * 16}" font-size="11" font-family="monospace" fill="${c.text}">${esc(k.label)}</text>`,
      ),
    );
    if (n.moreConstants > 0)
      parts.push(
        `<text x="10" y="${24 + 14 + n.constants.length * 16}" font-size="11" fill="${c.muted}">+ ${n.moreConstants} more</text>`,
      );
  }
  parts.push('</g>');
  return parts.join('');
}

/** How much to scale a drawing for PNG: 2× where it fits, within a browser canvas's limits. */
export function pngScale(width: number, height: number): number {
  const maxSide = 16_384;
  const maxArea = 120_000_000;
  return Math.min(2, maxSide / width, maxSide / height, Math.sqrt(maxArea / (width * height)));
}
