/**
 * Issue 17 item 9: the graph view's layout on every model in ../shared/models (each .tflite,
 * Edge TPU-compiled ones included) and the ONNX fixtures: every operator laid out as a box, no
 * two boxes overlap, every edge runs from its tensor's producer box to a consumer box, and every
 * operator input that is not a constant arrives by an edge. The expected node and edge counts
 * are counted here from the inspect report, independently of the layout code.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readModelFile } from '../files/model-file';
import { ROOT, sharedPath } from '../../test/support/shared';
import type { GraphLayout, GraphNode } from '../contract/graph';
import type { SubgraphInfo } from '../engine/model/inspect-report';
import { layoutSubgraph } from './graph-layout';

function filesUnder(dir: string, ext: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(ext))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

const TFLITE = filesUnder(sharedPath('models'), '.tflite');
const ONNX = [
  path.join(ROOT, 'test/fixtures/onnx/fashion-cnn.onnx'),
  ...filesUnder(path.join(ROOT, 'test/fixtures/onnx/generated'), '.onnx'),
];

/** Do two boxes share any area (touching edges do not count)? */
function overlap(a: GraphNode, b: GraphNode): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/** Is the point on the box's border or inside it (1 unit of slack for rounding)? */
function touches(n: GraphNode, p: { x: number; y: number }): boolean {
  return p.x >= n.x - 1 && p.x <= n.x + n.width + 1 && p.y >= n.y - 1 && p.y <= n.y + n.height + 1;
}

function check(sg: SubgraphInfo, layout: GraphLayout) {
  const byId = new Map(layout.nodes.map((n) => [n.id, n]));
  // Every operator, once.
  const ops = layout.nodes.filter((n) => n.kind === 'op').map((n) => n.operator);
  expect(ops.sort((a, b) => a! - b!)).toEqual(sg.operators.map((_, i) => i));
  // Every box inside the drawing, with a size.
  for (const n of layout.nodes) {
    expect(n.width).toBeGreaterThan(0);
    expect(n.height).toBeGreaterThan(0);
    expect(n.x).toBeGreaterThanOrEqual(0);
    expect(n.y).toBeGreaterThanOrEqual(0);
    expect(n.x + n.width).toBeLessThanOrEqual(layout.width + 1);
    expect(n.y + n.height).toBeLessThanOrEqual(layout.height + 1);
  }
  // No two boxes overlap (sorted by x, so only neighbours in x need comparing).
  const sorted = [...layout.nodes].sort((a, b) => a.x - b.x);
  for (let i = 0; i < sorted.length; i++)
    for (let j = i + 1; j < sorted.length && sorted[j]!.x < sorted[i]!.x + sorted[i]!.width; j++)
      expect(overlap(sorted[i]!, sorted[j]!), `${sorted[i]!.id} overlaps ${sorted[j]!.id}`).toBe(false);
  // Edges connect: both ends exist, the route starts on the producer's box and ends on the consumer's.
  const producer = new Map<number, number>();
  sg.operators.forEach((op, i) => op.outputs.forEach((t) => producer.set(t, i)));
  for (const e of layout.edges) {
    const from = byId.get(e.from);
    const to = byId.get(e.to);
    expect(from, e.id).toBeDefined();
    expect(to, e.id).toBeDefined();
    expect(e.points.length).toBeGreaterThanOrEqual(2);
    expect(touches(from!, e.points[0]!), `${e.id} starts on ${e.from}`).toBe(true);
    expect(touches(to!, e.points.at(-1)!), `${e.id} ends on ${e.to}`).toBe(true);
    const p = producer.get(e.tensor);
    expect(e.from).toBe(p !== undefined ? `op:${p}` : `in:${e.tensor}`);
  }
  // Every input of every op arrives as an edge, or is a constant row inside the op's box.
  const graphInputs = new Set(sg.inputs);
  let expectedEdges = 0;
  sg.operators.forEach((op, i) => {
    const node = byId.get(`op:${i}`)!;
    const rows = new Set(node.constants.map((c) => c.tensor));
    const constants = new Set<number>();
    for (const t of op.inputs) {
      if (t < 0) continue;
      const info = sg.tensors[t]!;
      const isConstant = !producer.has(t) && !graphInputs.has(t) && (info.bytes > 0 || info.buffer > 0);
      if (isConstant) constants.add(t);
      else {
        expectedEdges++;
        expect(layout.edges.some((e) => e.tensor === t && e.to === `op:${i}`)).toBe(true);
      }
    }
    expect(rows.size + node.moreConstants).toBe(constants.size);
    for (const t of rows) expect(constants.has(t)).toBe(true);
  });
  expectedEdges += sg.outputs.filter((t) => t >= 0).length;
  expect(layout.edges).toHaveLength(expectedEdges);
}

describe('graph layout on every shared model', () => {
  it('finds the models', () => {
    expect(TFLITE.length).toBeGreaterThanOrEqual(15);
    expect(TFLITE.some((f) => f.endsWith('mobilenet_v2_quantized_1x3x224x224.tflite'))).toBe(true);
  });
  for (const file of [...TFLITE, ...ONNX]) {
    it(path.relative(path.dirname(path.dirname(file)), file), () => {
      const read = readModelFile(file);
      const report = read.format.inspect(read.model, read.bytes.length);
      report.subgraphs.forEach((sg, index) => {
        const layout = layoutSubgraph({
          subgraph: sg,
          index,
          attributes: (op) => read.format.opAttributes?.(read.model, index, op) ?? [],
        });
        check(sg, layout);
      });
    });
  }
});

describe('op attributes', () => {
  it("MobileNetV2's first CONV_2D: stride 2, VALID padding, RELU6 (as the flatbuffer has it)", () => {
    const read = readModelFile(sharedPath('models/tflite-micro/mobilenet_v2_quantized_1x3x224x224.tflite'));
    const report = read.format.inspect(read.model, read.bytes.length);
    const first = report.subgraphs[0]!.operators.findIndex((o) => o.op === 'CONV_2D');
    const attrs = Object.fromEntries(
      read.format.opAttributes!(read.model, 0, first).map((a) => [a.name, a.value]),
    );
    expect(attrs).toMatchObject({
      stride_w: '2',
      stride_h: '2',
      padding: 'VALID',
      fused_activation_function: 'RELU6',
      dilation_w_factor: '1',
    });
  });
  it('ResNet-18 (ONNX): the stem MaxPool kernel 3, stride 2, pads 1', () => {
    const file = path.join(ROOT, 'test/fixtures/onnx/generated/resnet18.onnx');
    if (!fs.existsSync(file)) return; // generated by npm run fixtures:onnx (CI does)
    const read = readModelFile(file);
    const report = read.format.inspect(read.model, read.bytes.length);
    const pool = report.subgraphs[0]!.operators.findIndex((o) => o.op === 'MaxPool');
    const attrs = Object.fromEntries(
      read.format.opAttributes!(read.model, 0, pool).map((a) => [a.name, a.value]),
    );
    expect(attrs).toMatchObject({ kernel_shape: '[3, 3]', strides: '[2, 2]', pads: '[1, 1, 1, 1]' });
  });
});

describe('limits', () => {
  /** A chain of `n` ops, each reading the one before. */
  const chain = (n: number): SubgraphInfo => ({
    name: 'chain',
    inputs: [0],
    outputs: [n],
    operators: Array.from({ length: n }, (_, i) => ({
      op: 'RELU',
      version: 1,
      inputs: [i],
      outputs: [i + 1],
    })),
    tensors: Array.from({ length: n + 1 }, (_, i) => ({
      index: i,
      name: `t${i}`,
      shape: [1, 8],
      dtype: 'float32',
      buffer: 0,
      bytes: 0,
      quantization: null,
    })),
  });
  it('a chain too deep for dagre is refused in words, not a stack overflow', () => {
    expect(() => layoutSubgraph({ subgraph: chain(4000), index: 0 })).toThrow(
      /too deep to lay out \(4000 operators/,
    );
  });
  it('a chain of 1,000 ops lays out', () => {
    const layout = layoutSubgraph({ subgraph: chain(1000), index: 0 });
    expect(layout.nodes).toHaveLength(1002);
    expect(layout.edges).toHaveLength(1001);
  });
});
