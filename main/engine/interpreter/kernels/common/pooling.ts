/**
 * Shared geometry and window walk for AVERAGE_POOL_2D, MAX_POOL_2D and L2_POOL_2D (TFLite's
 * reference_ops / reference_integer_ops pooling): NHWC input, a filter_h x filter_w window moved
 * by the strides, SAME/VALID padding without dilation; windows are clipped to the image, so
 * padded positions never count (filter_count is the number of in-image taps).
 */
import type { OpContext, RtTensor } from '../../types';
import { perTensorParams, requireRank, windowGeometry, windowOptions, type WindowShape } from './conv';

/** A pooling window's geometry; channels pass through (input and output depth). */
export interface PoolShape extends WindowShape {
  channels: number;
}

/** Checks the input and options, sets the output shape [N, out_h, out_w, C]. */
export function poolShape(ctx: OpContext, input: RtTensor, output: RtTensor): PoolShape {
  requireRank(ctx, input, 4, 'input');
  const o = ctx.options;
  if (!o) ctx.invalid('builtin options are missing');
  const kH = o.filterHeight ?? 0;
  const kW = o.filterWidth ?? 0;
  if (!(kH >= 1 && kW >= 1)) ctx.invalid(`filter size must be >= 1, got ${kH}x${kW}`);
  const w = windowOptions(ctx, false);
  const [batches, inH, inW, channels] = input.shape;
  const g = windowGeometry(ctx, w, inH, inW, kH, kW);
  output.shape = [batches, g.outHeight, g.outWidth, channels];
  return {
    batches,
    inH,
    inW,
    channels,
    outH: g.outHeight,
    outW: g.outWidth,
    kH,
    kW,
    strideH: w.strideH,
    strideW: w.strideW,
    padH: g.padHeight,
    padW: g.padWidth,
  };
}

/**
 * Calls visit(outIndex, b, yStart, yEnd, xStart, xEnd, c) for every output element in NHWC order,
 * with the window already clipped to the image ([start, end) in input coordinates).
 */
export function forEachWindow(
  s: PoolShape,
  visit: (o: number, b: number, y0: number, y1: number, x0: number, x1: number, c: number) => void,
): void {
  let o = 0;
  for (let b = 0; b < s.batches; b++) {
    for (let oy = 0; oy < s.outH; oy++) {
      const yOrigin = oy * s.strideH - s.padH;
      const y0 = Math.max(0, yOrigin);
      const y1 = Math.min(s.inH, yOrigin + s.kH);
      for (let ox = 0; ox < s.outW; ox++) {
        const xOrigin = ox * s.strideW - s.padW;
        const x0 = Math.max(0, xOrigin);
        const x1 = Math.min(s.inW, xOrigin + s.kW);
        for (let c = 0; c < s.channels; c++) visit(o++, b, y0, y1, x0, x1, c);
      }
    }
  }
}

/**
 * Quantized pooling copies the input's integer domain to the output, so TFLite's converter
 * gives both the same scale and zero point; anything else would need a requantization the
 * reference kernels do not do, so it is refused.
 */
export function requireSameQuant(
  ctx: OpContext,
  input: RtTensor,
  output: RtTensor,
): { scale: number; zeroPoint: number } {
  const i = perTensorParams(ctx, input, 'input');
  const o = perTensorParams(ctx, output, 'output');
  if (i.scale !== o.scale || i.zeroPoint !== o.zeroPoint) {
    ctx.unsupported(
      `input (scale ${i.scale}, zero point ${i.zeroPoint}) and output (${o.scale}, ${o.zeroPoint}) quantization differ`,
    );
  }
  if (input.dtype === 'int16' && o.zeroPoint !== 0)
    ctx.unsupported('int16 activations must have zero point 0');
  return o;
}
