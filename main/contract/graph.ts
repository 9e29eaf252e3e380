/**
 * The graph view's shapes (graph.layout, graph.tensor, graph.export): the model's operator graph
 * laid out in main (main/services/graph-layout.ts, dagre), drawn by the renderer as SVG.
 * Coordinates are SVG user units (pixels at zoom 1), y down, the graph drawn top to bottom.
 */
import type { OpAttribute, ValueHistogram } from '../engine/model/graph-details';

export type { OpAttribute, ValueHistogram } from '../engine/model/graph-details';

/** A constant input drawn inside its operator's box (weights, bias, shape operands). */
export interface GraphConstant {
  /** Index into the subgraph's tensors. */
  tensor: number;
  /** The row's text: "⟨32×3×3×3⟩ int8". */
  label: string;
}

export interface GraphNode {
  /** "op:12", "in:0" (a graph input tensor), "out:171" (a graph output tensor). */
  id: string;
  kind: 'op' | 'input' | 'output';
  /** The op's name (CONV_2D, Conv) or the input/output tensor's name. */
  label: string;
  /** Index into the subgraph's operators (kind op). */
  operator?: number;
  /** Index into the subgraph's tensors (kinds input and output). */
  tensor?: number;
  /** Top-left corner and size of the box. */
  x: number;
  y: number;
  width: number;
  height: number;
  /** Constant inputs shown as rows under the op's name (at most MAX_CONSTANT_ROWS; the rest in `moreConstants`). */
  constants: GraphConstant[];
  moreConstants: number;
  /** The op's options (stride, padding, fused activation...; ONNX attributes); [] for inputs and outputs. */
  attributes: OpAttribute[];
}

/** One tensor from its producer (or graph input node) to one consumer (or graph output node). */
export interface GraphEdge {
  id: string;
  /** Index into the subgraph's tensors. */
  tensor: number;
  from: string;
  to: string;
  /** The route, first point at `from`'s box, last at `to`'s. */
  points: { x: number; y: number }[];
  /** The tensor's shape in words: "1×112×112×32". */
  label: string;
  /** Where the label's centre goes. */
  labelX: number;
  labelY: number;
}

export interface GraphLayout {
  subgraph: number;
  /** Size of the whole drawing, margins included. */
  width: number;
  height: number;
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** A tensor's values for the details panel: the histogram main computed, or why there is none. */
export interface TensorValues {
  histogram: ValueHistogram | null;
  /** Empty when there is a histogram; otherwise why not ("an activation: its values exist only when the model runs"). */
  note: string;
}

/** What graph.export writes. */
export type GraphImageKind = 'svg' | 'png';
