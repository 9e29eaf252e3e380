/**
 * CONV_2D: im2col + GEMM. Input [N, inH, inW, inC], weights [outC, kH, kW, inC], bias [outC],
 * output [N, outH, outW, outC]; SAME/VALID padding, strides and dilation as the interpreter
 * (interpreter/kernels/common/padding.ts). Grouped convolution is not trained.
 *
 * The im2col row of an output pixel holds its taps in (fy, fx, c) order, 0 outside the image,
 * so the forward's sums match the interpreter's order (gemm.ts). Backward: dW += dOutᵀ·cols,
 * dBias += column sums of dOut, dCols = dOut·W scattered back (col2im) into dIn.
 */
import { computePaddingHeightWidth } from '../../../interpreter/kernels/common/padding';
import { columnSumsAdd, gemmAB, gemmABt, gemmAtBAdd } from './gemm';
import { convForwardWasm, convWeightGradWasm } from '../wasm/kernels-wasm';
import {
  clampGrad,
  clampRange,
  fusedRange,
  requireInput,
  Scratch,
  unsupported,
  type OpFactory,
  type OpIO,
  type OpSpec,
} from './op';

export interface ConvGeometry {
  inH: number;
  inW: number;
  inC: number;
  kH: number;
  kW: number;
  outH: number;
  outW: number;
  strideH: number;
  strideW: number;
  dilH: number;
  dilW: number;
  padTop: number;
  padLeft: number;
}

/** Window geometry from the options (strides, dilation, padding) of a conv or pool op. */
export function windowGeometry(
  spec: OpSpec,
  inShape: readonly number[],
  kH: number,
  kW: number,
  withDilation: boolean,
): ConvGeometry {
  if (inShape.length !== 4) unsupported(spec, `input must be 4-D NHWC, got [${inShape.join(',')}]`);
  const o = spec.options ?? {};
  const strideH = (o.strideH as number) ?? 1;
  const strideW = (o.strideW as number) ?? 1;
  const dilH = withDilation ? ((o.dilationHFactor as number) ?? 1) : 1;
  const dilW = withDilation ? ((o.dilationWFactor as number) ?? 1) : 1;
  const [, inH, inW, inC] = inShape as [number, number, number, number];
  const g = computePaddingHeightWidth(
    strideH,
    strideW,
    dilH,
    dilW,
    inH,
    inW,
    kH,
    kW,
    (o.padding as number) ?? 0,
  );
  if (!g) unsupported(spec, 'invalid window (stride, dilation, padding or size)');
  return {
    inH,
    inW,
    inC,
    kH,
    kW,
    outH: g.outHeight,
    outW: g.outWidth,
    strideH,
    strideW,
    dilH,
    dilW,
    padTop: g.padHeight,
    padLeft: g.padWidth,
  };
}

/** cols[(b·outH + y)·outW + x][(fy·kW + fx)·inC + c] for `n` samples. */
export function im2col(
  g: ConvGeometry,
  input: ArrayLike<number>,
  cols: { [i: number]: number },
  n: number,
): void {
  const { inH, inW, inC, kH, kW, outH, outW, strideH, strideW, dilH, dilW, padTop, padLeft } = g;
  const K = kH * kW * inC;
  let r = 0;
  for (let b = 0; b < n; b++)
    for (let y = 0; y < outH; y++)
      for (let x = 0; x < outW; x++, r += K) {
        let k = r;
        for (let fy = 0; fy < kH; fy++) {
          const iy = y * strideH - padTop + fy * dilH;
          const rowIn = iy >= 0 && iy < inH;
          for (let fx = 0; fx < kW; fx++) {
            const ix = x * strideW - padLeft + fx * dilW;
            if (rowIn && ix >= 0 && ix < inW) {
              const p = ((b * inH + iy) * inW + ix) * inC;
              if (inC === 1) cols[k++] = input[p]!;
              else for (let c = 0; c < inC; c++) cols[k++] = input[p + c]!;
            } else if (inC === 1) cols[k++] = 0;
            else for (let c = 0; c < inC; c++) cols[k++] = 0;
          }
        }
      }
}

/** dIn += col2im(dCols). */
function col2imAdd(g: ConvGeometry, dCols: ArrayLike<number>, dIn: { [i: number]: number }, n: number): void {
  const { inH, inW, inC, kH, kW, outH, outW, strideH, strideW, dilH, dilW, padTop, padLeft } = g;
  const K = kH * kW * inC;
  let r = 0;
  for (let b = 0; b < n; b++)
    for (let y = 0; y < outH; y++)
      for (let x = 0; x < outW; x++, r += K) {
        for (let fy = 0; fy < kH; fy++) {
          const iy = y * strideH - padTop + fy * dilH;
          if (iy < 0 || iy >= inH) continue;
          for (let fx = 0; fx < kW; fx++) {
            const ix = x * strideW - padLeft + fx * dilW;
            if (ix < 0 || ix >= inW) continue;
            const p = ((b * inH + iy) * inW + ix) * inC;
            const k = r + (fy * kW + fx) * inC;
            for (let c = 0; c < inC; c++) dIn[p + c] += dCols[k + c]!;
          }
        }
      }
}

export const conv2d: OpFactory = (spec) => {
  const x = requireInput(spec, 0);
  const w = requireInput(spec, 1);
  const bias = spec.inputs[2];
  if (!w.constant || w.shape.length !== 4)
    unsupported(spec, 'weights must be a constant [outC, kH, kW, inC]');
  const [outC, kH, kW, kC] = w.shape as [number, number, number, number];
  const g = windowGeometry(spec, x.shape, kH, kW, true);
  if (kC !== g.inC) unsupported(spec, `grouped convolution (${g.inC / kC} groups) is not trained`);
  const [lo, hi] = fusedRange(spec);
  const K = kH * kW * kC;
  const pixels = g.outH * g.outW;
  // A 1×1 convolution with stride 1 and no padding reads the input as its own im2col matrix.
  const direct =
    kH === 1 && kW === 1 && g.strideH === 1 && g.strideW === 1 && g.outH === g.inH && g.outW === g.inW;
  const cols = new Scratch(spec.precision);
  const dCols = new Scratch(spec.precision);
  const gScratch = new Scratch(spec.precision);
  const colsOf = (io: OpIO) => {
    if (direct) return io.ins[0]!;
    const c = cols.get(io.n * pixels * K);
    im2col(g, io.ins[0]!, c, io.n);
    colsHold = true;
    return c;
  };
  // Whether `cols` holds the last forward's im2col (the WebAssembly forward does it in the module
  // and leaves it, rows padded to a multiple of 4, in `wasmCols`).
  let colsHold = false;
  let wasmCols = new Float32Array(0);
  let wasmColsHold = false;
  const Kp = (K + 3) & ~3;
  return {
    params: [
      { slot: 1, role: 'weight', quantAxis: 0 },
      ...(bias ? [{ slot: 2, role: 'bias' as const, quantAxis: -1 }] : []),
    ],
    activationSlots: [0],
    forward(io) {
      const M = io.n * pixels;
      colsHold = false;
      wasmColsHold = false;
      if (!direct && spec.precision === 'float32') {
        if (wasmCols.length < M * Kp) wasmCols = new Float32Array(M * Kp);
        const b = bias ? io.ins[2] : undefined;
        if (convForwardWasm(g, io.ins[0]!, io.n, io.ins[1]!, b, io.out, outC, lo, hi, wasmCols)) {
          wasmColsHold = true;
          return;
        }
      }
      gemmABt(colsOf(io), io.ins[1]!, bias ? io.ins[2] : undefined, io.out, M, outC, K);
      clampRange(io.out, M * outC, lo, hi);
    },
    backward(io) {
      const M = io.n * pixels;
      const d = clampGrad(io.out, io.dOut, M * outC, lo, hi, gScratch.get(M * outC));
      // The graph runs backward right after this op's forward on the same batch: `cols` (after the
      // TypeScript forward) or `wasmCols` (after the WebAssembly one) still hold its im2col.
      const dW = io.dIns[1] as Float64Array | null;
      const kept = wasmColsHold ? wasmCols : undefined;
      if (dW && !(!direct && convWeightGradWasm(g, io.ins[0]!, io.n, d, dW, outC, kept)))
        gemmAtBAdd(d, direct ? io.ins[0]! : colsHold ? cols.get(M * K) : colsOf(io), dW, M, outC, K);
      const dB = bias ? io.dIns[2] : null;
      if (dB) columnSumsAdd(d, dB as Float64Array, M, outC);
      const dX = io.dIns[0];
      if (!dX) return;
      if (direct) gemmAB(d, io.ins[1]!, dX, M, outC, K, true);
      else {
        const t = dCols.get(M * K);
        gemmAB(d, io.ins[1]!, t, M, outC, K);
        col2imAdd(g, t, dX, io.n);
      }
    },
  };
};
