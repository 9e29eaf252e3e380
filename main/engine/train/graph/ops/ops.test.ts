/**
 * Every trainable op's backward pass against central finite differences in float64 (issue 15):
 * each op runs alone (as TFLite Micro's KernelRunner does) on random inputs, the loss is
 * L = Σ out·r for a fixed random r (so dL/dOut = r), and every input and parameter value's
 * analytic gradient is compared with (L(v + h) - L(v - h)) / 2h, h = 1e-6. Inputs are drawn away
 * from kinks (ReLU at 0, max-pool ties), where the subgradient and the difference quotient differ.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Prng } from '../../prng';
import { TRAIN_OPS } from './index';
import type { OpSpec, TensorSpec } from './op';

interface Case {
  name: string;
  op: string;
  options?: Record<string, unknown>;
  /** Input shapes; `param` marks a trainable constant, `const` a fixed constant, `ints` integer operands. */
  inputs: ({ shape: number[]; kind?: 'act' | 'param' | 'const' } | { ints: number[] })[];
  out: number[];
  n?: number;
}

const act = (shape: number[]) => ({ shape, kind: 'act' as const });
const param = (shape: number[]) => ({ shape, kind: 'param' as const });
const conv = (o: Record<string, unknown>) => ({
  strideH: 1,
  strideW: 1,
  dilationHFactor: 1,
  dilationWFactor: 1,
  padding: 1,
  fusedActivationFunction: 0,
  ...o,
});
const pool = (o: Record<string, unknown>) => ({
  strideH: 2,
  strideW: 2,
  filterHeight: 2,
  filterWidth: 2,
  padding: 1,
  fusedActivationFunction: 0,
  ...o,
});

const CASES: Case[] = [
  {
    name: 'CONV_2D valid',
    op: 'CONV_2D',
    options: conv({}),
    inputs: [act([1, 5, 5, 2]), param([3, 3, 3, 2]), param([3])],
    out: [1, 3, 3, 3],
  },
  {
    name: 'CONV_2D same stride 2 relu',
    op: 'CONV_2D',
    options: conv({ padding: 0, strideH: 2, strideW: 2, fusedActivationFunction: 1 }),
    inputs: [act([1, 6, 5, 2]), param([4, 3, 2, 2]), param([4])],
    out: [1, 3, 3, 4],
  },
  {
    name: 'CONV_2D dilation 2 relu6',
    op: 'CONV_2D',
    options: conv({ padding: 0, dilationHFactor: 2, dilationWFactor: 2, fusedActivationFunction: 3 }),
    inputs: [act([1, 5, 5, 1]), param([2, 3, 3, 1]), param([2])],
    out: [1, 5, 5, 2],
  },
  {
    name: 'CONV_2D 1x1',
    op: 'CONV_2D',
    options: conv({}),
    inputs: [act([1, 3, 3, 4]), param([5, 1, 1, 4]), param([5])],
    out: [1, 3, 3, 5],
  },
  {
    name: 'DEPTHWISE_CONV_2D same',
    op: 'DEPTHWISE_CONV_2D',
    options: conv({ padding: 0, depthMultiplier: 1 }),
    inputs: [act([1, 5, 5, 3]), param([1, 3, 3, 3]), param([3])],
    out: [1, 5, 5, 3],
  },
  {
    name: 'DEPTHWISE_CONV_2D multiplier 2 stride 2',
    op: 'DEPTHWISE_CONV_2D',
    options: conv({ strideH: 2, strideW: 2, depthMultiplier: 2 }),
    inputs: [act([1, 6, 6, 2]), param([1, 2, 2, 4]), param([4])],
    out: [1, 3, 3, 4],
  },
  {
    name: 'FULLY_CONNECTED relu',
    op: 'FULLY_CONNECTED',
    options: { fusedActivationFunction: 1 },
    inputs: [act([1, 12]), param([5, 12]), param([5])],
    out: [1, 5],
  },
  {
    name: 'FULLY_CONNECTED rows',
    op: 'FULLY_CONNECTED',
    options: {},
    inputs: [act([1, 2, 6]), param([3, 6]), param([3])],
    out: [2, 3],
  },
  {
    name: 'MAX_POOL_2D valid',
    op: 'MAX_POOL_2D',
    options: pool({}),
    inputs: [act([1, 4, 4, 2])],
    out: [1, 2, 2, 2],
  },
  {
    name: 'MAX_POOL_2D same 3x3 stride 2',
    op: 'MAX_POOL_2D',
    options: pool({ padding: 0, filterHeight: 3, filterWidth: 3 }),
    inputs: [act([1, 5, 5, 2])],
    out: [1, 3, 3, 2],
  },
  {
    name: 'AVERAGE_POOL_2D same',
    op: 'AVERAGE_POOL_2D',
    options: pool({ padding: 0, filterHeight: 3, filterWidth: 3 }),
    inputs: [act([1, 5, 5, 2])],
    out: [1, 3, 3, 2],
  },
  {
    name: 'ADD',
    op: 'ADD',
    options: { fusedActivationFunction: 0 },
    inputs: [act([1, 3, 3, 2]), act([1, 3, 3, 2])],
    out: [1, 3, 3, 2],
  },
  {
    name: 'ADD broadcast constant',
    op: 'ADD',
    options: { fusedActivationFunction: 0 },
    inputs: [act([1, 3, 3, 2]), { shape: [2], kind: 'const' }],
    out: [1, 3, 3, 2],
  },
  {
    name: 'ADD broadcast activation',
    op: 'ADD',
    options: { fusedActivationFunction: 0 },
    inputs: [act([1, 3, 3, 2]), act([1, 1, 1, 2])],
    out: [1, 3, 3, 2],
  },
  {
    name: 'MUL',
    op: 'MUL',
    options: { fusedActivationFunction: 0 },
    inputs: [act([1, 2, 3, 2]), act([1, 2, 3, 2])],
    out: [1, 2, 3, 2],
  },
  {
    name: 'MUL broadcast',
    op: 'MUL',
    options: { fusedActivationFunction: 0 },
    inputs: [act([1, 2, 3, 2]), act([1, 1, 3, 1])],
    out: [1, 2, 3, 2],
  },
  {
    name: 'CONCATENATION channels',
    op: 'CONCATENATION',
    options: { axis: 3, fusedActivationFunction: 0 },
    inputs: [act([1, 2, 2, 2]), act([1, 2, 2, 3])],
    out: [1, 2, 2, 5],
  },
  {
    name: 'CONCATENATION axis 1 with constant',
    op: 'CONCATENATION',
    options: { axis: -3, fusedActivationFunction: 0 },
    inputs: [act([1, 2, 2, 2]), { shape: [1, 1, 2, 2], kind: 'const' }],
    out: [1, 3, 2, 2],
  },
  { name: 'RESHAPE', op: 'RESHAPE', inputs: [act([1, 2, 3, 2]), { ints: [1, 12] }], out: [1, 12] },
  {
    name: 'MEAN spatial keepDims',
    op: 'MEAN',
    options: { keepDims: true },
    inputs: [act([1, 3, 4, 2]), { ints: [1, 2] }],
    out: [1, 1, 1, 2],
  },
  {
    name: 'MEAN last axis',
    op: 'MEAN',
    options: { keepDims: false },
    inputs: [act([1, 3, 4]), { ints: [-1] }],
    out: [1, 3],
  },
  {
    name: 'PAD',
    op: 'PAD',
    inputs: [act([1, 2, 3, 2]), { ints: [0, 0, 1, 2, 0, 1, 0, 0] }],
    out: [1, 5, 4, 2],
  },
  {
    name: 'SOFTMAX beta 0.7',
    op: 'SOFTMAX',
    options: { beta: 0.7 },
    inputs: [act([1, 2, 5])],
    out: [1, 2, 5],
  },
  {
    name: 'TRANSPOSE NCHW to NHWC',
    op: 'TRANSPOSE',
    inputs: [act([1, 3, 2, 4]), { ints: [0, 2, 3, 1] }],
    out: [1, 2, 4, 3],
  },
  { name: 'LOGISTIC', op: 'LOGISTIC', inputs: [act([1, 7])], out: [1, 7] },
  { name: 'TANH', op: 'TANH', inputs: [act([1, 7])], out: [1, 7] },
  { name: 'RELU', op: 'RELU', inputs: [act([1, 9])], out: [1, 9] },
  { name: 'RELU6', op: 'RELU6', inputs: [act([1, 9])], out: [1, 9] },
];

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** Values in ±[0.05, 2] (and up to ±4 for RELU6, so some pass 6 only by scaling): none near a kink. */
function draw(rng: Prng, n: number, scale = 1): Float64Array {
  return Float64Array.from(
    { length: n },
    () => (rng.next() < 0.5 ? -1 : 1) * (0.05 + 1.95 * rng.next()) * scale,
  );
}

const worst: Record<string, number> = {};
// LOWBIT_FD_REPORT=1 prints each case's largest relative error (the figures in the report).
afterAll(() => {
  if (process.env.LOWBIT_FD_REPORT) console.log(JSON.stringify(worst, null, 1));
});

describe('trainable ops: backward vs central finite differences, float64 (issue 15)', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const rng = new Prng(size(c.out) * 31 + c.inputs.length);
    const n = c.n ?? 2;
    const specs: TensorSpec[] = c.inputs.map((inp, i) =>
      'ints' in inp
        ? {
            index: i,
            name: `in${i}`,
            shape: [inp.ints.length],
            ints: Int32Array.from(inp.ints),
            constant: Float32Array.from(inp.ints),
          }
        : {
            index: i,
            name: `in${i}`,
            shape: inp.shape,
            constant: inp.kind === 'act' ? undefined : new Float32Array(size(inp.shape)),
          },
    );
    const spec: OpSpec = {
      opIndex: 0,
      name: c.op,
      options: c.options ?? null,
      inputs: specs,
      output: { index: 99, name: 'out', shape: c.out },
      precision: 'float64',
    };
    const op = TRAIN_OPS[c.op]!(spec);
    const values = c.inputs.map((inp) => {
      if ('ints' in inp) return Float64Array.from(inp.ints);
      const k = inp.kind === 'act' ? n * size(inp.shape) : size(inp.shape);
      return draw(rng, k, c.op === 'RELU6' ? 4 : inp.kind === 'param' ? 0.5 : 1);
    });
    const outLen = n * size(c.out);
    const out = new Float64Array(outLen);
    const r = draw(rng, outLen);
    const loss = () => {
      op.forward({ n, ins: values, out, dOut: out, dIns: [] });
      let s = 0;
      for (let i = 0; i < outLen; i++) s += out[i]! * r[i]!;
      return s;
    };
    loss();
    const dIns = c.inputs.map((inp) =>
      'ints' in inp || inp.kind === 'const' ? null : new Float64Array(values[c.inputs.indexOf(inp)]!.length),
    );
    op.backward({ n, ins: values, out, dOut: r, dIns });
    let maxRel = 0;
    let checked = 0;
    dIns.forEach((g, slot) => {
      if (!g) return;
      const v = values[slot]!;
      for (let i = 0; i < v.length; i++) {
        const orig = v[i]!;
        const h = 1e-6;
        v[i] = orig + h;
        const lp = loss();
        v[i] = orig - h;
        const lm = loss();
        v[i] = orig;
        const fd = (lp - lm) / (2 * h);
        const rel = Math.abs(fd - g[i]!) / Math.max(1e-3, Math.abs(fd) + Math.abs(g[i]!));
        maxRel = Math.max(maxRel, rel);
        checked++;
      }
    });
    worst[c.name] = maxRel;
    expect(checked).toBeGreaterThan(0);
    expect(maxRel).toBeLessThanOrEqual(1e-3);
    // A wrong gradient must be able to fail: the analytic gradient is not all zeros.
    expect(dIns.some((g) => g?.some((x) => x !== 0))).toBe(true);
  });

  it('covers every registered op', () => {
    expect(new Set(CASES.map((c) => c.op))).toEqual(new Set(Object.keys(TRAIN_OPS)));
  });
});
