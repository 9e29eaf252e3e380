/**
 * Where TFLite's float resize kernels sample the input, per output index along one axis
 * (reference_ops::ResizeNearestNeighbor and ResizeBilinear, in float32 arithmetic as the C++
 * does). Defined here, on the formats floor, because two places need the one definition: the
 * interpreter's kernels, and the ONNX converter, which picks align_corners / half_pixel_centers
 * by comparing these with ONNX's sampling.
 */
import { roundAwayFromZero } from '../quant/math';

const f = Math.fround;

/**
 * RESIZE_NEAREST_NEIGHBOR's source index:
 *   scale = align_corners && out > 1 ? (in - 1) / float(out - 1) : in / float(out)
 *   v = (i + (half_pixel ? 0.5f : 0)) * scale
 *   src = min(align_corners ? round_half_away(v) : floor(v), in - 1), and >= 0 with half-pixel.
 */
export function nearestIndex(
  i: number,
  inSize: number,
  outSize: number,
  alignCorners: boolean,
  halfPixel: boolean,
): number {
  const scale = alignCorners && outSize > 1 ? f((inSize - 1) / f(outSize - 1)) : f(inSize / f(outSize));
  const v = f(f(i + (halfPixel ? 0.5 : 0)) * scale);
  let out = Math.min(alignCorners ? roundAwayFromZero(v) : Math.floor(v), inSize - 1);
  if (halfPixel) out = Math.max(0, out);
  return out;
}

/** Where output index i samples along one axis of a float bilinear resize: v, between lo and hi. */
export interface BilinearAxis {
  v: number;
  lo: number;
  hi: number;
}

/** RESIZE_BILINEAR's scale along one axis. */
export function bilinearScale(inSize: number, outSize: number, alignCorners: boolean): number {
  if (alignCorners && outSize > 1) return f((inSize - 1) / (outSize - 1));
  return f(inSize / outSize);
}

export function bilinearAxis(i: number, scale: number, halfPixel: boolean, inSize: number): BilinearAxis {
  const v = halfPixel ? f(f(f(i + 0.5) * scale) - 0.5) : f(i * scale);
  const fl = Math.floor(v);
  return { v, lo: Math.max(Math.trunc(fl), 0), hi: Math.min(Math.trunc(Math.ceil(v)), inSize - 1) };
}

/**
 * The input indices output index i reads along one axis, with their weights (lo gets
 * 1 - (v - lo), hi gets v - lo; summed when they coincide).
 */
export function bilinearWeights(
  i: number,
  inSize: number,
  outSize: number,
  alignCorners: boolean,
  halfPixel: boolean,
): Map<number, number> {
  const a = bilinearAxis(i, bilinearScale(inSize, outSize, alignCorners), halfPixel, inSize);
  const d = f(a.v - a.lo);
  const weights = new Map<number, number>([[a.lo, f(1 - d)]]);
  weights.set(a.hi, (weights.get(a.hi) ?? 0) + d);
  return weights;
}
