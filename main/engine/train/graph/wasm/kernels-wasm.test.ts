import fs from 'node:fs';
import path from 'node:path';
import initWabt from 'wabt';
import { afterEach, describe, expect, it } from 'vitest';
import {
  columnSumsAdd,
  columnSumsAddTs,
  gemmAB,
  gemmABt,
  gemmABTs,
  gemmABtTs,
  gemmAtBAdd,
  gemmAtBAddTs,
} from '../ops/gemm';
import { backward1, backward1Ts, forward1, forward1Ts, tapOffsets } from '../ops/depthwise_conv_2d';
import { readTflite } from '../../../tflite/reader';
import { buildTrainGraph } from '../graph';
import { im2col } from '../ops/conv_2d';
import { maxPoolBackwardTs, maxPoolForwardTs } from '../ops/max_pool_2d';
import { clampGrad, clampGradTs, clampRange, clampRangeTs } from '../ops/op';
import { WASM_BASE64 } from './kernels-wasm.generated';
import {
  convForwardWasm,
  convWeightGradWasm,
  trainWasmAvailable,
  maxPoolBackwardWasm,
  maxPoolWasm,
  setTrainWasmForTest,
} from './kernels-wasm';

const WAT = path.join(import.meta.dirname, 'kernels.wat');

/** kernels.wat compiled as `npm run gen:wasm` compiles it, after replacing `from` by `to` (once). */
async function compileKernelsWat(from = '', to = ''): Promise<Uint8Array<ArrayBuffer>> {
  const text = fs.readFileSync(WAT, 'utf8');
  if (from && !text.includes(from)) throw new Error(`kernels.wat has no "${from}"`);
  const mod = (await initWabt()).parseWat('kernels.wat', from ? text.replace(from, to) : text, {
    simd: true,
  });
  const { buffer } = mod.toBinary({ log: false, write_debug_names: false });
  mod.destroy();
  return Uint8Array.from(buffer);
}

/** Deterministic values of mixed magnitudes (sums that round), some exact zeros and -0. */
function values(n: number, seed: number): Float32Array {
  const v = new Float32Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const kind = x % 11;
    if (kind === 0) v[i] = 0;
    else if (kind === 1) v[i] = -0;
    else v[i] = Math.sin(x) * 10 ** (((x >>> 8) % 7) - 3);
  }
  return v;
}

const bytes = (a: Float32Array | Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** Each product by the TypeScript loops and by the dispatcher (WebAssembly) on one shape: byte-identical results? */
function agrees(M: number, N: number, K: number, seed: number): string[] {
  const bad: string[] = [];
  const A = values(M * K, seed);
  const B = values(N * K, seed + 1);
  const bias = values(N, seed + 2);
  const D = values(M * N, seed + 3);
  const X0 = values(M * K, seed + 4);
  const G0 = Float64Array.from(values(N * K, seed + 5));
  for (const withBias of [false, true])
    for (const round of [false, true]) {
      const ref = new Float32Array(M * N);
      const got = new Float32Array(M * N);
      gemmABtTs(A, B, withBias ? bias : undefined, ref, M, N, K, round);
      gemmABt(A, B, withBias ? bias : undefined, got, M, N, K, round);
      if (!bytes(ref).equals(bytes(got))) bad.push(`abt ${M}x${N}x${K} bias ${withBias} round ${round}`);
    }
  const gRef = G0.slice();
  const gGot = G0.slice();
  gemmAtBAddTs(D, A, gRef, M, N, K);
  gemmAtBAdd(D, A, gGot, M, N, K);
  if (!bytes(gRef).equals(bytes(gGot))) bad.push(`atb ${M}x${N}x${K}`);
  for (const add of [false, true]) {
    const xRef = X0.slice();
    const xGot = X0.slice();
    gemmABTs(D, B, xRef, M, N, K, add);
    gemmAB(D, B, xGot, M, N, K, add);
    if (!bytes(xRef).equals(bytes(xGot))) bad.push(`ab ${M}x${N}x${K} add ${add}`);
  }
  return bad;
}

/** Shapes with every remainder modulo 4, and the demo models' (conv 3x3 on 1 channel, 1x1 conv, dense). */
const SHAPES: [number, number, number][] = [
  ...[1, 2, 3, 4, 5, 7, 8, 9, 11].flatMap((M) =>
    [1, 3, 4, 6, 10].flatMap((N) => [1, 2, 5, 8, 9, 13].map((K) => [M, N, K] as [number, number, number])),
  ),
  [2704, 16, 9],
  [484, 32, 16],
  [4, 10, 2028],
];

/** The elementwise passes (fused-activation clamp, its gradient, bias gradient) against their TypeScript loops. */
function elementwiseAgrees(len: number, seed: number): string[] {
  const bad: string[] = [];
  const v = values(len, seed);
  // Values on the bounds, NaN and -0 (kept by the clamp, a zero gradient on a bound).
  for (let i = 0; i < len; i += 7) v[i] = [0, 6, -1, 1, NaN, -0, Infinity][(i / 7) % 7]!;
  const d = values(len, seed + 1);
  for (const [lo, hi] of [
    [0, Infinity],
    [0, 6],
    [-1, 1],
  ] as [number, number][]) {
    const ref = v.slice();
    const got = v.slice();
    clampRangeTs(ref, len, lo, hi);
    clampRange(got, len, lo, hi);
    if (!bytes(ref).equals(bytes(got))) bad.push(`clamp ${len} [${lo}, ${hi}]`);
    const gRef = new Float32Array(len);
    const gGot = new Float32Array(len);
    clampGradTs(v, d, len, lo, hi, gRef);
    clampGrad(v, d, len, lo, hi, gGot);
    if (!bytes(gRef).equals(bytes(gGot))) bad.push(`clampGrad ${len} [${lo}, ${hi}]`);
  }
  for (const N of [1, 2, 7, 16]) {
    const M = Math.ceil(len / N);
    const D = values(M * N, seed + 2);
    const sRef = Float64Array.from(values(N, seed + 3));
    const sGot = sRef.slice();
    columnSumsAddTs(D, sRef, M, N);
    columnSumsAdd(D, sGot, M, N);
    if (!bytes(sRef).equals(bytes(sGot))) bad.push(`columnSums ${M}x${N}`);
  }
  return bad;
}

function mismatches(): string[] {
  return [
    ...SHAPES.flatMap(([M, N, K], i) => agrees(M, N, K, 17 * i + 3)),
    ...[257, 1000, 4099].flatMap((len) => elementwiseAgrees(len, len)),
  ];
}

afterEach(() => setTrainWasmForTest(true));

describe('training GEMMs and elementwise passes in WebAssembly SIMD (kernels.wat)', () => {
  it('are available on Node 20 (otherwise the comparisons below would compare the TypeScript loops with themselves)', () => {
    expect(trainWasmAvailable()).toBe(true);
  });

  it('give the TypeScript loops’ bytes on every product shape, remainders included, with bias, rounding and accumulation', () => {
    expect(mismatches()).toEqual([]);
  });

  it('the clamp, its gradient and the bias gradient give the TypeScript loops’ bytes (bounds, NaN, -0, odd lengths)', () => {
    expect([257, 1000, 4099].flatMap((len) => elementwiseAgrees(len, len))).toEqual([]);
  });

  it('float64 storage (the finite-difference checks) keeps the TypeScript loops', () => {
    const A = Float64Array.from(values(12, 1));
    const B = Float64Array.from(values(8, 2));
    const C = new Float64Array(6);
    const ref = new Float64Array(6);
    gemmABt(A, B, undefined, C, 3, 2, 4);
    gemmABtTs(A, B, undefined, ref, 3, 2, 4);
    expect(bytes(C).equals(bytes(ref))).toBe(true);
  });

  it.each([
    [
      'abt sums one lane in float32',
      '(local.set $s31 (f64x2.add (local.get $s31) (f64x2.mul (local.get $x) (local.get $b1))))',
      '(local.set $s31 (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.add (local.get $s31) (f64x2.mul (local.get $x) (local.get $b1))))))',
    ],
    [
      'atb reads the wrong column for one lane',
      '(local.set $s31 (f64x2.add (local.get $s31) (f64x2.mul (local.get $e) (local.get $x1))))',
      '(local.set $s31 (f64x2.add (local.get $s31) (f64x2.mul (local.get $e) (local.get $x0))))',
    ],
    [
      'clamp uses max (turns -0 into +0)',
      '(f32x4.pmin (f32x4.pmax (v128.load align=4 (local.get $p)) (local.get $l)) (local.get $h))',
      '(f32x4.pmin (f32x4.max (v128.load align=4 (local.get $p)) (local.get $l)) (local.get $h))',
    ],
    [
      'clampGrad lets the gradient through on the lower bound',
      '(f32x4.gt (local.get $v) (local.get $l))',
      '(f32x4.ge (local.get $v) (local.get $l))',
    ],
    [
      'ab forgets to accumulate two columns',
      '(local.set $s01 (f64x2.add (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 align=4 (local.get $x))) (local.get $s01)))',
      '(local.set $s01 (local.get $s01))',
    ],
  ])('a deliberately broken kernel is caught: %s', async (_, from, to) => {
    setTrainWasmForTest(new WebAssembly.Module(await compileKernelsWat(from, to)));
    expect(mismatches().length).toBeGreaterThan(0);
  });

  it('the generated module is the current kernels.wat compiled (run `npm run gen:wasm` after editing it)', async () => {
    expect(Buffer.from(await compileKernelsWat()).toString('base64')).toBe(WASM_BASE64);
  });
});

describe('depthwise convolution (multiplier 1) in WebAssembly SIMD (kernels.wat dw_fwd, dw_bwd)', () => {
  /** Random geometries (padding, strides, dilation, taps outside the image), C a multiple of 4. */
  function depthwiseMismatches(): string[] {
    const bad: string[] = [];
    let x = 99;
    const int = (lo: number, hi: number) => {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      return lo + ((x >>> 8) % (hi - lo + 1));
    };
    for (let t = 0; t < 40; t++) {
      const C = 4 * int(1, 4);
      const kH = int(1, 3);
      const kW = int(1, 3);
      const inH = int(1, 9);
      const inW = int(1, 9);
      const g = {
        inH,
        inW,
        inC: C,
        kH,
        kW,
        strideH: int(1, 2),
        strideW: int(1, 2),
        dilH: int(1, 2),
        dilW: int(1, 2),
        padTop: int(0, 1),
        padLeft: int(0, 1),
        outH: int(1, 7),
        outW: int(1, 7),
      };
      const taps = tapOffsets(g);
      const KK = kH * kW;
      const n = int(1, 3);
      const pixels = g.outH * g.outW;
      const inSize = inH * inW * C;
      const inp = values(n * inSize, t);
      const wt = values(KK * C, t + 1);
      const bias = values(C, t + 2);
      const d = values(n * pixels * C, t + 3);
      for (const bs of [undefined, bias]) {
        const ref = new Float32Array(n * pixels * C);
        const got = new Float32Array(n * pixels * C);
        forward1Ts(taps, KK, C, inSize, pixels, n, inp, wt, bs, ref);
        forward1(taps, KK, C, inSize, pixels, n, inp, wt, bs, got);
        if (!bytes(ref).equals(bytes(got))) bad.push(`forward ${t} bias ${!!bs}`);
      }
      const dX0 = values(n * inSize, t + 4);
      const dW0 = Float64Array.from(values(KK * C, t + 5));
      const [xRef, xGot] = [dX0.slice(), dX0.slice()];
      const [wRef, wGot] = [dW0.slice(), dW0.slice()];
      backward1Ts(taps, KK, C, inSize, pixels, n, inp, wt, d, xRef, wRef);
      backward1(taps, KK, C, inSize, pixels, n, inp, wt, d, xGot, wGot, null);
      if (!bytes(xRef).equals(bytes(xGot))) bad.push(`dX ${t}`);
      if (!bytes(wRef).equals(bytes(wGot))) bad.push(`dW ${t}`);
    }
    return bad;
  }

  it('gives the TypeScript loops’ bytes: forward with and without bias, weight and input gradients', () => {
    expect(depthwiseMismatches()).toEqual([]);
  });

  it.each([
    [
      'the forward skips the last tap',
      '(br_if $jdone (i32.ge_u (local.get $j) (local.get $KK)))',
      '(br_if $jdone (i32.ge_u (i32.add (local.get $j) (i32.const 1)) (local.get $KK)))',
    ],
    [
      'dX adds the product of a zero gradient',
      '(local.get $x1) (local.get $m1)',
      '(local.get $x1) (v128.not (v128.xor (local.get $m1) (local.get $m1)))',
    ],
  ])('a deliberately broken kernel is caught: %s', async (_, from, to) => {
    setTrainWasmForTest(new WebAssembly.Module(await compileKernelsWat(from, to)));
    expect(depthwiseMismatches().length).toBeGreaterThan(0);
  });
});

describe('max pooling in WebAssembly SIMD (kernels.wat maxpool)', () => {
  /** Random geometries (windows past the image, no tap at all), values with ties, NaN and -0. */
  function maxPoolMismatches(): string[] {
    const bad: string[] = [];
    let s = 7;
    const int = (lo: number, hi: number) => {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      return lo + ((s >>> 8) % (hi - lo + 1));
    };
    for (let t = 0; t < 40; t++) {
      const C = 4 * int(1, 3);
      const g = {
        inH: int(1, 8),
        inW: int(1, 8),
        inC: C,
        kH: int(1, 3),
        kW: int(1, 3),
        strideH: int(1, 3),
        strideW: int(1, 3),
        dilH: 1,
        dilW: 1,
        padTop: int(0, 3),
        padLeft: int(0, 3),
        outH: int(1, 5),
        outW: int(1, 5),
      };
      const n = int(1, 3);
      const x = values(n * g.inH * g.inW * C, t);
      for (let i = 0; i < x.length; i++) if (i % 3 === 0) x[i] = int(-2, 2) / 2; // ties
      for (let i = 5; i < x.length; i += 29) x[i] = NaN;
      const len = n * g.outH * g.outW * C;
      const [ref, got] = [new Float32Array(len), new Float32Array(len)];
      const [aRef, aGot] = [new Int32Array(len), new Int32Array(len)];
      maxPoolForwardTs(g, x, n, ref, aRef);
      if (!maxPoolWasm(g, x, n, got, aGot)) bad.push(`maxpool ${t}: WebAssembly did not run`);
      if (!bytes(ref).equals(bytes(got))) bad.push(`maxpool ${t} values`);
      if (!Buffer.from(aRef.buffer).equals(Buffer.from(aGot.buffer))) bad.push(`maxpool ${t} argmax`);
      const d = values(len, t + 1);
      const dX0 = values(x.length, t + 2);
      const [xRef, xGot] = [dX0.slice(), dX0.slice()];
      maxPoolBackwardTs(aRef, d, xRef, len);
      if (!maxPoolBackwardWasm(aRef, d, xGot, len, x.length))
        bad.push(`maxpool ${t}: no WebAssembly backward`);
      if (!bytes(xRef).equals(bytes(xGot))) bad.push(`maxpool ${t} input gradient`);
    }
    return bad;
  }

  it('gives the TypeScript loops’ maxima, argmax (first on ties) and input gradient on random geometries', () => {
    expect(maxPoolMismatches()).toEqual([]);
  });

  it('a deliberately broken backward (each gradient taken from the next output) is caught', async () => {
    setTrainWasmForTest(
      new WebAssembly.Module(
        await compileKernelsWat(
          '(f64.promote_f32 (f32.load (local.get $d)))',
          '(f64.promote_f32 (f32.load offset=4 (local.get $d)))',
        ),
      ),
    );
    expect(maxPoolMismatches().length).toBeGreaterThan(0);
  });

  it('a deliberately broken kernel (a later tie wins) is caught', async () => {
    setTrainWasmForTest(
      new WebAssembly.Module(
        await compileKernelsWat(
          '(f32x4.gt (local.get $v) (local.get $cur))',
          '(f32x4.ge (local.get $v) (local.get $cur))',
        ),
      ),
    );
    expect(maxPoolMismatches().length).toBeGreaterThan(0);
  });
});

describe('CONV_2D forward and weight gradient in WebAssembly SIMD (kernels.wat im2col + abt / atb)', () => {
  /** Random geometries (padding, strides, dilation, taps outside the image), 1 to 6 input channels. */
  function convMismatches(): string[] {
    const bad: string[] = [];
    let s = 3;
    const int = (lo: number, hi: number) => {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      return lo + ((s >>> 8) % (hi - lo + 1));
    };
    for (let t = 0; t < 30; t++) {
      const g = {
        inH: int(1, 8),
        inW: int(1, 8),
        inC: int(1, 6),
        kH: int(1, 3),
        kW: int(1, 3),
        strideH: int(1, 2),
        strideW: int(1, 2),
        dilH: int(1, 2),
        dilW: int(1, 2),
        padTop: int(0, 2),
        padLeft: int(0, 2),
        outH: int(1, 6),
        outW: int(1, 6),
      };
      const n = int(1, 3);
      const N = int(1, 9);
      const K = g.kH * g.kW * g.inC;
      const M = n * g.outH * g.outW;
      const input = values(n * g.inH * g.inW * g.inC, t);
      const W = values(N * K, t + 1);
      const bias = values(N, t + 2);
      const D = values(M * N, t + 3);
      const cols = new Float32Array(M * K);
      im2col(g, input, cols, n);
      const [lo, hi] = t % 2 ? [0, 6] : [-Infinity, Infinity];
      const ref = new Float32Array(M * N);
      const got = new Float32Array(M * N);
      gemmABtTs(cols, W, bias, ref, M, N, K);
      clampRangeTs(ref, M * N, lo, hi);
      const kept = new Float32Array(M * (((K + 3) >> 2) << 2));
      if (!convForwardWasm(g, input, n, W, bias, got, N, lo, hi, kept))
        bad.push(`conv ${t}: WebAssembly did not run`);
      if (!bytes(ref).equals(bytes(got))) bad.push(`conv forward ${t}`);
      const G0 = Float64Array.from(values(N * K, t + 4));
      const [gRef, gGot, gKept] = [G0.slice(), G0.slice(), G0.slice()];
      gemmAtBAddTs(D, cols, gRef, M, N, K);
      convWeightGradWasm(g, input, n, D, gGot, N);
      if (!bytes(gRef).equals(bytes(gGot))) bad.push(`conv weight gradient ${t}`);
      convWeightGradWasm(g, input, n, D, gKept, N, kept);
      if (!bytes(gRef).equals(bytes(gKept))) bad.push(`conv weight gradient from the forward's im2col ${t}`);
    }
    return bad;
  }

  it('gives the TypeScript im2col + products’ bytes on random geometries (bias, fused clamp)', () => {
    expect(convMismatches()).toEqual([]);
  });

  it('a deliberately broken im2col (taps outside the image read as 1) is caught', async () => {
    setTrainWasmForTest(
      new WebAssembly.Module(
        await compileKernelsWat(
          '(f32.store (local.get $k) (f32.const 0))',
          '(f32.store (local.get $k) (f32.const 1))',
        ),
      ),
    );
    expect(convMismatches().length).toBeGreaterThan(0);
  });
});

describe('the demo models’ training graphs with and without WebAssembly', () => {
  const ROOT = path.resolve(import.meta.dirname, '../../../../..');

  /** Logits, then every parameter gradient, of one forward + backward on 5 samples, as bytes. */
  function step(file: string): Buffer {
    const graph = buildTrainGraph(readTflite(fs.readFileSync(path.join(ROOT, 'assets/demo', file))));
    const x = values(5 * graph.inputSize, 11).map((v) => Math.abs(v) % 1);
    const logits = graph.forward(x, 5, true).slice(0, 5 * graph.classes);
    const dLogits = values(5 * graph.classes, 12);
    graph.zeroGrad();
    graph.backward(dLogits);
    return Buffer.concat([bytes(logits), ...graph.params.map((p) => bytes(p.grad))]);
  }

  it.each(['fashion_cnn.tflite', 'fashion_dwcnn.tflite'])(
    '%s: one training step gives the same logits and gradients, byte for byte',
    (file) => {
      const wasm = step(file);
      setTrainWasmForTest(false);
      const ts = step(file);
      expect(wasm.length).toBeGreaterThan(1000);
      expect(wasm.equals(ts)).toBe(true);
    },
  );
});
