/**
 * RESIZE_BILINEAR, following TFLite's reference kernels:
 *  - float32 and uint8: reference_ops::ResizeBilinear in float32 arithmetic (each product and
 *    sum rounded to float32 in the reference's evaluation order); uint8 adds 0.5 and truncates.
 *  - int8 and int16: reference_ops::ResizeBilinearInteger, all integer: positions in 1/1024
 *    units (scale_10 = (1024 * in + out / 2) / out, C division), weights from the fractional
 *    parts, a 2^20-scaled int64 sum (exact in a double: |sum| < 2^47) rounded half away from
 *    zero by (sum ± 2^19) / 2^20 with truncating division.
 */
import type { Kernel } from '../types';
import { bilinearAxis, bilinearScale } from '../../tflite/resize-sampling';
import { resizeGeometry, type ResizeGeometry } from './common/resize';

const f = Math.fround;

function resizeFloat(g: ResizeGeometry, isUint8: boolean): () => void {
  const hs = bilinearScale(g.inH, g.outH, g.alignCorners);
  const ws = bilinearScale(g.inW, g.outW, g.alignCorners);
  const ys = Array.from({ length: g.outH }, (_, y) => bilinearAxis(y, hs, g.halfPixelCenters, g.inH));
  const xs = Array.from({ length: g.outW }, (_, x) => bilinearAxis(x, ws, g.halfPixelCenters, g.inW));
  const roundingOffset = isUint8 ? 0.5 : 0;
  return () => {
    const src = g.input.data as Float32Array | Uint8Array;
    const dst = g.output.data as Float32Array | Uint8Array;
    const at = (b: number, y: number, x: number) => ((b * g.inH + y) * g.inW + x) * g.depth;
    let o = 0;
    for (let b = 0; b < g.batches; b++)
      for (const Y of ys) {
        const dy = f(Y.v - Y.lo);
        const ndy = f(1 - dy);
        for (const X of xs) {
          const dx = f(X.v - X.lo);
          const ndx = f(1 - dx);
          const p00 = at(b, Y.lo, X.lo);
          const p10 = at(b, Y.hi, X.lo);
          const p01 = at(b, Y.lo, X.hi);
          const p11 = at(b, Y.hi, X.hi);
          for (let c = 0; c < g.depth; c++) {
            let s = f(f(src[p00 + c] * ndy) * ndx);
            s = f(s + f(f(src[p10 + c] * dy) * ndx));
            s = f(s + f(f(src[p01 + c] * ndy) * dx));
            s = f(s + f(f(src[p11 + c] * dy) * dx));
            s = f(s + roundingOffset);
            dst[o++] = isUint8 ? Math.trunc(s) : s;
          }
        }
      }
  };
}

interface IntAxis {
  v: number;
  lo: number;
  hi: number;
}

function intScale10(inSize: number, outSize: number, alignCorners: boolean): number {
  if (alignCorners && outSize > 1)
    return Math.trunc((1024 * (inSize - 1) + Math.trunc((outSize - 1) / 2)) / (outSize - 1));
  return Math.trunc((1024 * inSize + Math.trunc(outSize / 2)) / outSize);
}

function intAxis(i: number, scale10: number, halfPixel: boolean, inSize: number): IntAxis {
  const v = halfPixel ? i * scale10 + Math.trunc(scale10 / 2) - 512 : i * scale10;
  return {
    v,
    lo: Math.max(Math.trunc(v / 1024), 0),
    hi: Math.min(Math.trunc((v + 1023) / 1024), inSize - 1),
  };
}

function resizeInteger(g: ResizeGeometry): () => void {
  const ys = Array.from({ length: g.outH }, (_, y) =>
    intAxis(y, intScale10(g.inH, g.outH, g.alignCorners), g.halfPixelCenters, g.inH),
  );
  const xs = Array.from({ length: g.outW }, (_, x) =>
    intAxis(x, intScale10(g.inW, g.outW, g.alignCorners), g.halfPixelCenters, g.inW),
  );
  return () => {
    const src = g.input.data as Int8Array | Int16Array;
    const dst = g.output.data as Int8Array | Int16Array;
    const at = (b: number, y: number, x: number) => ((b * g.inH + y) * g.inW + x) * g.depth;
    let o = 0;
    for (let b = 0; b < g.batches; b++)
      for (const Y of ys) {
        const fy = Y.v - 1024 * Y.lo;
        for (const X of xs) {
          const fx = X.v - 1024 * X.lo;
          const p00 = at(b, Y.lo, X.lo);
          const p10 = at(b, Y.hi, X.lo);
          const p01 = at(b, Y.lo, X.hi);
          const p11 = at(b, Y.hi, X.hi);
          for (let c = 0; c < g.depth; c++) {
            const sum =
              src[p00 + c] * (1024 - fy) * (1024 - fx) +
              src[p10 + c] * fy * (1024 - fx) +
              src[p01 + c] * (1024 - fy) * fx +
              src[p11 + c] * fy * fx;
            const round = sum > 0 ? 524288 : -524288;
            dst[o++] = Math.trunc((sum + round) / 1048576); // static_cast<T> of an in-range value
          }
        }
      }
  };
}

export const kernel: Kernel = {
  prepare(ctx) {
    const g = resizeGeometry(ctx);
    switch (g.input.dtype) {
      case 'float32':
        return resizeFloat(g, false);
      case 'uint8':
        return resizeFloat(g, true);
      case 'int8':
      case 'int16':
        return resizeInteger(g);
      default:
        return ctx.unsupported(`dtype ${g.input.dtype}`);
    }
  },
};
