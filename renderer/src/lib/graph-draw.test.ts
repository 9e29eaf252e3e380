import { describe, expect, it } from 'vitest';
import type { GraphLayout, SubgraphInfo } from './contract';
import { edgeBounds, edgePath, fitText, graphToSvg, pngScale, searchGraph, visibleItems } from './graph-draw';

const node = (id: string, x: number, y: number, extra: object = {}) => ({
  id,
  kind: 'op' as const,
  label: 'CONV_2D',
  x,
  y,
  width: 100,
  height: 30,
  constants: [],
  moreConstants: 0,
  attributes: [],
  ...extra,
});

const layout: GraphLayout = {
  subgraph: 0,
  width: 400,
  height: 2000,
  nodes: [
    node('op:0', 0, 0, { operator: 0, constants: [{ tensor: 2, label: '⟨8⟩ int8' }] }),
    node('op:1', 0, 1000, { operator: 1, label: 'SOFTMAX' }),
  ],
  edges: [
    {
      id: 'e',
      tensor: 1,
      from: 'op:0',
      to: 'op:1',
      points: [
        { x: 50, y: 30 },
        { x: 50, y: 500 },
        { x: 50, y: 1000 },
      ],
      label: '1×8',
      labelX: 70,
      labelY: 500,
    },
  ],
};
const sg: SubgraphInfo = {
  name: '',
  inputs: [0],
  outputs: [3],
  operators: [
    { op: 'CONV_2D', version: 1, inputs: [0, 2], outputs: [1] },
    { op: 'SOFTMAX', version: 1, inputs: [1], outputs: [3] },
  ],
  tensors: ['in', 'conv/out', 'conv/weights', 'probs'].map((name, index) => ({
    index,
    name,
    shape: [1, 8],
    dtype: 'int8',
    buffer: index === 2 ? 1 : 0,
    bytes: index === 2 ? 8 : 0,
    quantization: null,
  })),
};

describe('graph drawing', () => {
  it('routes through the points with quadratic segments', () => {
    expect(
      edgePath([
        { x: 0, y: 0 },
        { x: 0, y: 10 },
      ]),
    ).toBe('M0,0L0,10');
    expect(edgePath(layout.edges[0]!.points)).toBe('M50,30Q50,500 50,1000');
  });
  it('draws only what is near the viewport', () => {
    const boxes = layout.edges.map(edgeBounds);
    const top = visibleItems(layout, boxes, { x: 0, y: 0, width: 400, height: 300 }, 50);
    expect(top.nodes.map((n) => n.id)).toEqual(['op:0']);
    expect(top.edges).toHaveLength(1); // the edge runs from y 30 to 1000
    const far = visibleItems(layout, boxes, { x: 0, y: 1500, width: 400, height: 300 }, 50);
    expect(far.nodes).toEqual([]);
    expect(far.edges).toEqual([]);
  });
  it('finds op types and tensor names, and where to jump', () => {
    expect(searchGraph(layout, sg, 'soft').map((h) => [h.kind, h.nodeId])).toEqual([['op', 'op:1']]);
    // conv/out is drawn as the edge from op:0; conv/weights inside op:0.
    expect(searchGraph(layout, sg, 'conv/').map((h) => [h.kind, h.tensor, h.nodeId])).toEqual([
      ['tensor', 1, 'op:0'],
      ['tensor', 2, 'op:0'],
    ]);
    expect(searchGraph(layout, sg, '  ')).toEqual([]);
  });
  it('exports a standalone SVG with every box, escaped text and no links', () => {
    const svg = graphToSvg(
      layout,
      { bg: '#fff', box: '#fff', border: '#ccc', text: '#000', muted: '#666', edge: '#666' },
      'a<b',
    );
    expect(svg.startsWith('<?xml')).toBe(true);
    expect(svg).toContain('<title>a&lt;b</title>');
    expect(svg.match(/<g transform=/g)).toHaveLength(2);
    expect(svg).toContain('>SOFTMAX</text>');
    expect(svg).not.toMatch(/href=/);
  });
  it('fits text with an ellipsis and scales PNGs within canvas limits', () => {
    expect(fitText('abcdefgh', 35, 7)).toBe('abcd…');
    expect(fitText('abc', 35, 7)).toBe('abc');
    expect(pngScale(400, 300)).toBe(2);
    expect(Math.round(261 * pngScale(261, 8332))).toBeLessThanOrEqual(16_384);
    expect(Math.round(8332 * pngScale(261, 8332))).toBe(16_384);
  });
});
