import { describe, expect, it } from 'vitest';
import { logisticFixed, tanhFixed } from '../../quant/fixedpoint';
import { mbqm, quantizeMultiplier, rdbpot } from '../../quant/math';
import { quantParams, runKernel, type TensorSpec } from '../../../../test/support/kernel-runner';
import type { DType } from '../../tensor/dtype';
import { checkedLog2, effectiveBias } from './common/lstm-integer';
import { kernel } from './unidirectional_sequence_lstm';

const sig = (v: number) => 1 / (1 + Math.exp(-v));
const q = quantParams;

interface Cell {
  dtype: DType;
  w: number[]; // input weights per gate i, f, c, o (n_cell = n_input = 1)
  r: number[];
  b: number[];
  wq?: any;
  bq?: any;
}

/** A 1-cell, 1-input LSTM; `cifg` drops the input gate. */
function lstmSpec(
  x: number[],
  shape: number[],
  cell: Cell,
  opts: any,
  extra: { cifg?: boolean; xq?: any; hq?: any; cq?: any; outQ?: any; intermediates?: TensorSpec[] } = {},
) {
  const wdt: DType = cell.dtype === 'float32' ? 'float32' : 'int8';
  const bdt: DType = cell.dtype === 'float32' ? 'float32' : 'int32';
  const sdt: DType = cell.dtype === 'float32' ? 'float32' : 'int16';
  const batch = opts.timeMajor ? shape[1] : shape[0];
  const w = (g: number): TensorSpec => ({ dtype: wdt, shape: [1, 1], data: [cell.w[g]], quant: cell.wq });
  const r = (g: number): TensorSpec => ({ dtype: wdt, shape: [1, 1], data: [cell.r[g]], quant: cell.wq });
  const b = (g: number): TensorSpec => ({ dtype: bdt, shape: [1], data: [cell.b[g]], quant: cell.bq });
  const inputs: (TensorSpec | null)[] = [
    { dtype: cell.dtype, shape, data: x, quant: extra.xq },
    extra.cifg ? null : w(0),
    w(1),
    w(2),
    w(3),
    extra.cifg ? null : r(0),
    r(1),
    r(2),
    r(3),
    null,
    null,
    null,
    extra.cifg ? null : b(0),
    b(1),
    b(2),
    b(3),
    null,
    null,
    {
      dtype: cell.dtype,
      shape: [batch, 1],
      data: new Array(batch).fill(0),
      quant: extra.hq,
      isVariable: true,
      isConst: false,
    },
    {
      dtype: sdt,
      shape: [batch, 1],
      data: new Array(batch).fill(0),
      quant: extra.cq,
      isVariable: true,
      isConst: false,
    },
    null,
    null,
    null,
    null,
  ];
  return {
    op: 'UNIDIRECTIONAL_SEQUENCE_LSTM' as const,
    options: { fusedActivationFunction: 4, cellClip: 0, projClip: 0, timeMajor: false, ...opts },
    inputs,
    outputs: [{ dtype: cell.dtype, shape: [], quant: extra.outQ }],
    intermediates: extra.intermediates,
  };
}

/** Float64 reference for the 1-cell LSTM over a sequence. */
function ref1(xs: number[], cell: Cell, cifg = false, clip = 0): number[] {
  let h = 0;
  let c = 0;
  return xs.map((x) => {
    const pre = [0, 1, 2, 3].map((g) => cell.b[g] + cell.w[g] * x + cell.r[g] * h);
    const f = sig(pre[1]);
    const i = cifg ? 1 - f : sig(pre[0]);
    c = f * c + i * Math.tanh(pre[2]);
    if (clip > 0) c = Math.max(-clip, Math.min(clip, c));
    h = sig(pre[3]) * Math.tanh(c);
    return h;
  });
}

describe('UNIDIRECTIONAL_SEQUENCE_LSTM float32', () => {
  const cell: Cell = {
    dtype: 'float32',
    w: [1, 0.5, -1, 2],
    r: [0.3, -0.2, 0.9, 0.1],
    b: [0, 1, 0.25, -0.5],
  };

  it('one step by hand: i=f=o=σ(1), g=tanh(1)', () => {
    const unit: Cell = { dtype: 'float32', w: [1, 1, 1, 1], r: [0, 0, 0, 0], b: [0, 0, 0, 0] };
    const out = runKernel(kernel, lstmSpec([1], [1, 1, 1], unit, {})).outputs[0];
    const c = sig(1) * Math.tanh(1);
    expect(out.shape).toEqual([1, 1, 1]);
    expect(out.data[0] as number).toBeCloseTo(sig(1) * Math.tanh(c), 6); // 0.3697
  });

  it('a 4-step sequence with recurrence matches the float64 equations', () => {
    const xs = [0.5, -1, 2, 0.25];
    const out = Array.from(
      runKernel(kernel, lstmSpec(xs, [1, 4, 1], cell, {})).outputs[0].data as Float32Array,
    );
    ref1(xs, cell).forEach((v, t) => expect(Math.abs(out[t] - v)).toBeLessThan(1e-6));
  });

  it('CIFG (no input gate) uses i = 1 - f; cell clip bounds c', () => {
    const xs = [3, 3, 3];
    const big: Cell = { dtype: 'float32', w: [0, 5, 5, 5], r: [0, 0, 0, 0], b: [0, 5, 5, 5] };
    const cifg = Array.from(
      runKernel(kernel, lstmSpec(xs, [1, 3, 1], big, {}, { cifg: true })).outputs[0].data as Float32Array,
    );
    ref1(xs, big, true).forEach((v, t) => expect(Math.abs(cifg[t] - v)).toBeLessThan(1e-6));
    const clipped = Array.from(
      runKernel(kernel, lstmSpec(xs, [1, 3, 1], big, { cellClip: 0.5 })).outputs[0].data as Float32Array,
    );
    ref1(xs, big, false, 0.5).forEach((v, t) => expect(Math.abs(clipped[t] - v)).toBeLessThan(1e-6));
    expect(clipped[2]).toBeCloseTo(sig(20) * Math.tanh(0.5), 6);
  });

  it('time_major [time, batch, input] gives each batch its own sequence', () => {
    const a = [0.5, -1, 2];
    const b = [1, 1, -0.5];
    // time-major interleaves: t0 (a0, b0), t1 (a1, b1), ...
    const x = [a[0], b[0], a[1], b[1], a[2], b[2]];
    const out = runKernel(kernel, lstmSpec(x, [3, 2, 1], cell, { timeMajor: true })).outputs[0];
    expect(out.shape).toEqual([3, 2, 1]);
    const o = Array.from(out.data as Float32Array);
    const ra = ref1(a, cell);
    const rb = ref1(b, cell);
    for (let t = 0; t < 3; t++) {
      expect(Math.abs(o[2 * t] - ra[t])).toBeLessThan(1e-6);
      expect(Math.abs(o[2 * t + 1] - rb[t])).toBeLessThan(1e-6);
    }
  });

  it('refuses mixed float/int8 weights and layer norm', () => {
    const spec = lstmSpec([1], [1, 1, 1], { ...cell, dtype: 'float32' }, {});
    spec.inputs[2] = { dtype: 'int8', shape: [1, 1], data: [1], quant: q(1) };
    expect(() => runKernel(kernel, spec)).toThrow(/float32 in a hybrid LSTM/);
    const ln = lstmSpec([1], [1, 1, 1], cell, {});
    ln.inputs[21] = { dtype: 'float32', shape: [1], data: [1] };
    expect(() => runKernel(kernel, ln)).toThrow(/layer-norm/);
  });
});

describe('UNIDIRECTIONAL_SEQUENCE_LSTM hybrid (float activations, int8 weights)', () => {
  // Weights exactly representable with scale 1/64; with one input and one cell every quantized
  // row is a single value (code ±127), so the hybrid result must equal the float one.
  const real: Cell = {
    dtype: 'float32',
    w: [1, 0.5, -1, 1.5],
    r: [0.25, -0.5, 0.75, 0.125],
    b: [0.1, 0.2, -0.3, 0.4],
  };
  const hybridSpec = (xs: number[], opts: any = {}) => {
    const spec = lstmSpec(xs, [1, xs.length, 1], real, opts);
    for (let g = 0; g < 4; g++) {
      spec.inputs[1 + g] = { dtype: 'int8', shape: [1, 1], data: [real.w[g] * 64], quant: q(1 / 64) };
      spec.inputs[5 + g] = { dtype: 'int8', shape: [1, 1], data: [real.r[g] * 64], quant: q(1 / 64) };
    }
    return spec;
  };

  it('equals the float LSTM when every row quantizes exactly (symmetric and asymmetric inputs)', () => {
    const xs = [0.5, -1, 2, 0.25, 0];
    const want = ref1(xs, real);
    for (const asymmetricQuantizeInputs of [false, true]) {
      const out = Array.from(
        runKernel(kernel, hybridSpec(xs, { asymmetricQuantizeInputs })).outputs[0].data as Float32Array,
      );
      want.forEach((v, t) => expect(Math.abs(out[t] - v)).toBeLessThan(2e-6));
    }
  });

  it('quantizes a multi-element row like BatchQuantizeFloats', async () => {
    const { symmetricQuantize, asymmetricQuantize } = await import('./common/lstm-hybrid');
    const v = { q: new Int8Array(4), scale: 0, zeroPoint: 0 };
    symmetricQuantize([0.5, -1, 0.25, 0.004], 0, 4, v);
    expect(Array.from(v.q)).toEqual([64, -127, 32, 1]); // 63.5 rounds away from zero
    expect(v.scale).toBe(Math.fround(1 / 127));
    asymmetricQuantize([0, 1, 2, 3], 0, 4, v);
    // scale 3/255, zero point from min: -128
    expect(v.zeroPoint).toBe(-128);
    expect(Array.from(v.q)).toEqual([-128, -43, 42, 127]);
  });
});

describe('UNIDIRECTIONAL_SEQUENCE_LSTM int8 (8x8->16)', () => {
  it('helpers: CheckedLog2 and zero-point-folded bias', () => {
    expect(checkedLog2(2 ** -11)).toBe(-11);
    expect(checkedLog2(0.000244140625)).toBe(-12);
    expect(checkedLog2(0.0003)).toBeNull();
    expect(
      Array.from(effectiveBias(Int8Array.from([1, 2, -3, 4]), 2, 2, 5, Int32Array.from([10, 20]))),
    ).toEqual([25, 25]);
  });

  it('one step equals the TFLite integer pipeline composed from its primitives', () => {
    // x, w scales 2^-6 -> gate multiplier exactly 1 in Q3.12; cell 2^-11; hidden 2^-7.
    const cell: Cell = {
      dtype: 'int8',
      w: [64, 64, 64, 64],
      r: [0, 0, 0, 0],
      b: [0, 0, 0, 0],
      wq: q(2 ** -6),
      bq: q(2 ** -12),
    };
    const hidden = { dtype: 'int8' as const, shape: [0], quant: q(2 ** -7) };
    const f32 = { dtype: 'float32' as const, shape: [0] };
    const spec = lstmSpec(
      [64],
      [1, 1, 1],
      cell,
      {},
      {
        xq: q(2 ** -6),
        hq: q(2 ** -7),
        cq: q(2 ** -11),
        outQ: q(2 ** -7),
        intermediates: [f32, f32, f32, f32, hidden],
      },
    );
    const out = runKernel(kernel, spec).outputs[0].data as Int8Array;
    const pre = 64 * 64; // 1.0 in Q3.12
    const sg = logisticFixed(16, pre, 3);
    const th = tanhFixed(16, pre, 3);
    const c = rdbpot(sg * th, 30 - 11);
    const hm = quantizeMultiplier(2 ** -23);
    const h = mbqm(sg * tanhFixed(16, c, 4), hm.multiplier, hm.shift);
    expect(c).toBe(1140); // 0.5567 in Q4.11 (float: 0.5568)
    expect(out[0]).toBe(h);
    expect(h).toBe(47); // 0.367 (float: 0.3697)
  });

  it('refuses a non-power-of-two cell scale and missing intermediates', () => {
    const cell: Cell = {
      dtype: 'int8',
      w: [1, 1, 1, 1],
      r: [0, 0, 0, 0],
      b: [0, 0, 0, 0],
      wq: q(0.01),
      bq: q(0.0001),
    };
    const f32 = { dtype: 'float32' as const, shape: [0] };
    const hidden = { dtype: 'int8' as const, shape: [0], quant: q(0.01) };
    const base = { xq: q(0.01), hq: q(0.01), outQ: q(0.01), intermediates: [f32, f32, f32, f32, hidden] };
    expect(() => runKernel(kernel, lstmSpec([1], [1, 1, 1], cell, {}, { ...base, cq: q(0.0003) }))).toThrow(
      /power of two/,
    );
    expect(() =>
      runKernel(kernel, lstmSpec([1], [1, 1, 1], cell, {}, { ...base, cq: q(2 ** -11), intermediates: [] })),
    ).toThrow(/intermediate/);
  });
});
