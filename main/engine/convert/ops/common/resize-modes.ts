/**
 * Which TFLite resize flags reproduce an ONNX Resize. ONNX maps an output coordinate x to an
 * input coordinate by its coordinate_transformation_mode, then rounds it (nearest, by
 * nearest_mode) or interpolates between the two neighbours (linear, the coordinate clamped to the
 * input). TFLite has three rules per op: plain (asymmetric), align_corners and
 * half_pixel_centers. Rather than trusting a table, the converter computes, for the actual sizes,
 * which input pixels (and weights) each output pixel reads under ONNX's rule and under each
 * TFLite rule (tflite/resize-sampling.ts, which the interpreter's kernels use too), and takes the first TFLite rule that agrees on
 * every output row and column. No rule agrees → common/resample.ts writes the resize as GATHER,
 * MUL and ADD per axis instead.
 *
 * PyTorch's exports are covered: nearest (asymmetric + floor), bilinear with align_corners
 * False (half_pixel / pytorch_half_pixel) and True (align_corners).
 */
import { bilinearWeights, nearestIndex } from '../../../tflite/resize-sampling';

export type ResizeKind = 'nearest' | 'linear';

export interface ResizeFlags {
  alignCorners: boolean;
  halfPixelCenters: boolean;
}

/** One spatial axis: input and output sizes, and ONNX's scale (output / input, or as given). */
export interface ResizeAxis {
  inSize: number;
  outSize: number;
  scale: number;
}

export const COORDINATE_MODES = [
  'half_pixel',
  'pytorch_half_pixel',
  'align_corners',
  'asymmetric',
  'tf_half_pixel_for_nn',
] as const;
export const NEAREST_MODES = ['round_prefer_floor', 'round_prefer_ceil', 'floor', 'ceil'] as const;

/**
 * ONNX's input coordinate for output coordinate x (Operators.md, Resize), or undefined for a
 * mode it lacks. length_resized is input size × scale, unrounded (ONNX Runtime and ONNX's
 * reference divide by it, not by the output size, when scales are given).
 */
export function onnxSourceCoordinate(mode: string, x: number, a: ResizeAxis): number | undefined {
  const lengthResized = a.inSize * a.scale;
  switch (mode) {
    case 'half_pixel':
      return (x + 0.5) / a.scale - 0.5;
    case 'pytorch_half_pixel':
      return lengthResized > 1 ? (x + 0.5) / a.scale - 0.5 : 0;
    case 'align_corners':
      return lengthResized === 1 ? 0 : (x * (a.inSize - 1)) / (lengthResized - 1);
    case 'asymmetric':
      return x / a.scale;
    case 'tf_half_pixel_for_nn':
      return (x + 0.5) / a.scale;
    default:
      return undefined;
  }
}

/** ONNX's nearest pixel for input coordinate c, clamped into the input. */
export function onnxNearest(c: number, nearestMode: string, inSize: number): number {
  const frac = c - Math.floor(c);
  let i: number;
  if (nearestMode === 'floor') i = Math.floor(c);
  else if (nearestMode === 'ceil') i = Math.ceil(c);
  else if (frac === 0.5) i = nearestMode === 'round_prefer_ceil' ? Math.ceil(c) : Math.floor(c);
  else i = Math.round(c);
  return Math.min(Math.max(i, 0), inSize - 1);
}

/** ONNX's linear weights for input coordinate c (clamped into the input, as ONNX Runtime does). */
export function onnxLinearWeights(c: number, inSize: number): Map<number, number> {
  const x = Math.min(Math.max(c, 0), inSize - 1);
  const lo = Math.floor(x);
  const hi = Math.min(lo + 1, inSize - 1);
  const w = x - lo;
  const weights = new Map<number, number>([[lo, 1 - w]]);
  weights.set(hi, (weights.get(hi) ?? 0) + w);
  return weights;
}

/** Weights agree to 1e-6 (TFLite computes them in float32, ONNX's rule here in double). */
function sameWeights(a: Map<number, number>, b: Map<number, number>): boolean {
  for (const k of new Set([...a.keys(), ...b.keys()]))
    if (Math.abs((a.get(k) ?? 0) - (b.get(k) ?? 0)) > 1e-6) return false;
  return true;
}

const CANDIDATES: ResizeFlags[] = [
  { alignCorners: false, halfPixelCenters: false },
  { alignCorners: true, halfPixelCenters: false },
  { alignCorners: false, halfPixelCenters: true },
];

function agrees(
  kind: ResizeKind,
  coordinateMode: string,
  nearestMode: string,
  a: ResizeAxis,
  f: ResizeFlags,
): boolean {
  for (let x = 0; x < a.outSize; x++) {
    const c = onnxSourceCoordinate(coordinateMode, x, a)!;
    if (kind === 'nearest') {
      if (
        onnxNearest(c, nearestMode, a.inSize) !==
        nearestIndex(x, a.inSize, a.outSize, f.alignCorners, f.halfPixelCenters)
      )
        return false;
    } else if (
      !sameWeights(
        onnxLinearWeights(c, a.inSize),
        bilinearWeights(x, a.inSize, a.outSize, f.alignCorners, f.halfPixelCenters),
      )
    )
      return false;
  }
  return true;
}

/**
 * The TFLite flags that read the same input pixels with the same weights as ONNX on every axis,
 * or a sentence saying why none does.
 */
export function tfliteResizeFlags(
  kind: ResizeKind,
  coordinateMode: string,
  nearestMode: string,
  axes: readonly ResizeAxis[],
): ResizeFlags | string {
  if (!(COORDINATE_MODES as readonly string[]).includes(coordinateMode))
    return `coordinate_transformation_mode "${coordinateMode}" (TFLite can express ${COORDINATE_MODES.join(', ')} at most)`;
  if (kind === 'nearest' && !(NEAREST_MODES as readonly string[]).includes(nearestMode))
    return `nearest_mode "${nearestMode}"`;
  const found = CANDIDATES.find((f) => axes.every((a) => agrees(kind, coordinateMode, nearestMode, a, f)));
  if (found) return found;
  const what =
    kind === 'nearest'
      ? `nearest with ${coordinateMode} and nearest_mode ${nearestMode}`
      : `linear with ${coordinateMode}`;
  const sizes = axes.map((a) => `${a.inSize}→${a.outSize}`).join(', ');
  return `${what} at sizes ${sizes} (scale ${axes.map((a) => a.scale).join(', ')}) samples other input pixels than TFLite's resize does with any of its align_corners / half_pixel_centers settings`;
}
