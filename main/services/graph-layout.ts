/**
 * The graph view's layout, in main: operators as boxes, tensors as edges from the op that writes
 * them to each op that reads them, laid out top to bottom by dagre (@dagrejs/dagre, the layered
 * Sugiyama layout Netron used). The renderer only draws what this returns.
 *
 * Box sizes come from the text they hold, measured with a fixed per-character width of the UI's
 * 12 px sans-serif (AVG_CHAR): the renderer draws with the same font size, so text fits.
 * Constant inputs (weights, bias) are rows inside their op's box, not nodes, as in Netron.
 */
import dagre from '@dagrejs/dagre';
import type { GraphConstant, GraphEdge, GraphLayout, GraphNode } from '../contract/graph';
import { InvalidArgumentError } from '../engine/errors';
import type { OpAttribute } from '../engine/model/graph-details';
import type { SubgraphInfo, TensorInfo } from '../engine/model/inspect-report';

/** Width of one character of the 12 px UI font, generous (digits and capitals are ~7 px). */
export const AVG_CHAR = 7.2;
const TITLE_H = 24;
const ROW_H = 16;
const PAD_X = 12;
const MIN_W = 84;
const IO_H = 26;
/** Constant rows drawn inside an op box; more are counted in one "+ N more" row. */
export const MAX_CONSTANT_ROWS = 4;
const LABEL_H = 14;
const MARGIN = 24;

/** "1×112×112×32", symbolic dims by name, "scalar" for rank 0, "" when the file does not say. */
export function shapeText(t: TensorInfo | undefined): string {
  if (!t || (t.dtype === 'unknown' && t.shape.length === 0)) return '';
  const dims = t.symbolicShape ?? t.shape;
  return dims.length === 0 ? 'scalar' : dims.join('×');
}

function textWidth(s: string, charW = AVG_CHAR): number {
  return s.length * charW;
}

export interface LayoutInput {
  subgraph: SubgraphInfo;
  index: number;
  /** The op's options (a format's `opAttributes`); absent: none. */
  attributes?: (operator: number) => OpAttribute[];
}

/** Lays out one subgraph. Pure apart from dagre; deterministic for the same input. */
export function layoutSubgraph({ subgraph: sg, index, attributes }: LayoutInput): GraphLayout {
  const producer = new Map<number, number>();
  sg.operators.forEach((op, i) => op.outputs.forEach((t) => t >= 0 && producer.set(t, i)));
  const graphInputs = new Set(sg.inputs);
  const isConstant = (t: number) => {
    const info = sg.tensors[t];
    if (!info || producer.has(t) || graphInputs.has(t)) return false;
    return info.bytes > 0 || info.buffer > 0;
  };

  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'TB', nodesep: 24, ranksep: 30, edgesep: 12, marginx: MARGIN, marginy: MARGIN });
  g.setDefaultEdgeLabel(() => ({}));
  const nodes = new Map<string, Omit<GraphNode, 'x' | 'y'>>();
  const addNode = (n: Omit<GraphNode, 'x' | 'y'>) => {
    nodes.set(n.id, n);
    g.setNode(n.id, { width: n.width, height: n.height });
  };
  const ioNode = (kind: 'input' | 'output', t: number) => {
    const info = sg.tensors[t];
    const label = info?.name || `tensor ${t}`;
    const text = `${label}  ${shapeText(info)}`;
    addNode({
      id: `${kind === 'input' ? 'in' : 'out'}:${t}`,
      kind,
      label,
      tensor: t,
      width: Math.max(MIN_W, Math.min(360, textWidth(text)) + 2 * PAD_X),
      height: IO_H,
      constants: [],
      moreConstants: 0,
      attributes: [],
    });
  };

  for (const t of sg.inputs) if (t >= 0) ioNode('input', t);
  sg.operators.forEach((op, i) => {
    const constantInputs = [...new Set(op.inputs.filter((t) => t >= 0 && isConstant(t)))];
    const constants: GraphConstant[] = constantInputs.slice(0, MAX_CONSTANT_ROWS).map((t) => {
      const info = sg.tensors[t];
      return { tensor: t, label: `⟨${shapeText(info)}⟩ ${info?.dtype ?? ''}`.trim() };
    });
    const more = constantInputs.length - constants.length;
    const rows = constants.length + (more > 0 ? 1 : 0);
    const widest = Math.max(
      textWidth(op.op, AVG_CHAR * 1.1),
      ...constants.map((c) => textWidth(c.label, AVG_CHAR * 0.92)),
    );
    addNode({
      id: `op:${i}`,
      kind: 'op',
      label: op.op,
      operator: i,
      width: Math.max(MIN_W, Math.ceil(widest + 2 * PAD_X)),
      height: TITLE_H + rows * ROW_H + (rows > 0 ? 6 : 0),
      constants,
      moreConstants: more,
      attributes: attributes?.(i) ?? [],
    });
  });
  for (const t of sg.outputs) if (t >= 0) ioNode('output', t);

  // Tensors with no writer that are neither constants nor graph inputs (variables, optional
  // state) get an input node of their own, so every edge has two ends.
  const sourceOf = (t: number): string | null => {
    const p = producer.get(t);
    if (p !== undefined) return `op:${p}`;
    if (graphInputs.has(t)) return `in:${t}`;
    if (isConstant(t)) return null;
    if (!nodes.has(`in:${t}`)) ioNode('input', t);
    return `in:${t}`;
  };

  const edgeList: { id: string; tensor: number; from: string; to: string }[] = [];
  sg.operators.forEach((op, i) =>
    op.inputs.forEach((t, k) => {
      if (t < 0) return;
      const from = sourceOf(t);
      if (from !== null) edgeList.push({ id: `e:${t}:${i}:${k}`, tensor: t, from, to: `op:${i}` });
    }),
  );
  for (const t of sg.outputs) {
    if (t < 0) continue;
    const from = sourceOf(t);
    if (from !== null) edgeList.push({ id: `e:${t}:out`, tensor: t, from, to: `out:${t}` });
  }
  const labels = new Map<string, string>();
  for (const e of edgeList) {
    const label = shapeText(sg.tensors[e.tensor]);
    labels.set(e.id, label);
    // The label takes room beside the edge (labelpos r), so shapes never sit on a box.
    g.setEdge(
      e.from,
      e.to,
      { width: textWidth(label, 6.2) + 6, height: LABEL_H, labelpos: 'r', labeloffset: 4 },
      e.id,
    );
  }

  try {
    dagre.layout(g);
  } catch (e) {
    // dagre walks the graph recursively: a chain of roughly 1,500–2,000 ops (label nodes
    // between every two) exhausts the call stack. Say so plainly instead of a stack trace.
    if (e instanceof RangeError)
      throw new InvalidArgumentError(
        `this graph is too deep to lay out (${sg.operators.length} operators; the layout manages chains of about 1,500): the Operators tab lists every op`,
        { cause: e },
      );
    throw e;
  }

  const round = (v: number) => Math.round(v * 10) / 10;
  const placed: GraphNode[] = [];
  for (const [id, n] of nodes) {
    const at = g.node(id);
    placed.push({ ...n, x: round(at.x! - n.width / 2), y: round(at.y! - n.height / 2) });
  }
  const edges: GraphEdge[] = edgeList.map((e) => {
    const at = g.edge(e.from, e.to, e.id);
    return {
      ...e,
      points: (at.points ?? []).map((p: { x: number; y: number }) => ({ x: round(p.x), y: round(p.y) })),
      label: labels.get(e.id) ?? '',
      labelX: round(at.x ?? 0),
      labelY: round(at.y ?? 0),
    };
  });
  const graph = g.graph();
  return {
    subgraph: index,
    width: Math.ceil(graph.width ?? 0),
    height: Math.ceil(graph.height ?? 0),
    nodes: placed,
    edges,
  };
}
