/**
 * Shared checks for RESIZE_NEAREST_NEIGHBOR / RESIZE_BILINEAR: 4-D NHWC input, a constant int32
 * size operand [new_height, new_width], and the align_corners / half_pixel_centers options
 * (TFLite refuses both at once).
 */
import { constInts } from './kernel-util';
import type { OpContext, RtTensor } from '../../types';

export interface ResizeGeometry {
  input: RtTensor;
  output: RtTensor;
  batches: number;
  inH: number;
  inW: number;
  depth: number;
  outH: number;
  outW: number;
  alignCorners: boolean;
  halfPixelCenters: boolean;
}

export function resizeGeometry(ctx: OpContext): ResizeGeometry {
  const input = ctx.input(0);
  const output = ctx.output(0);
  if (input.shape.length !== 4) ctx.unsupported(`input rank ${input.shape.length}; expected 4 (NHWC)`);
  if (output.dtype !== input.dtype)
    ctx.invalid(`output dtype ${output.dtype} differs from input ${input.dtype}`);
  const size = constInts(ctx, ctx.input(1), 'size');
  if (size.length !== 2 || !(size[0] > 0) || !(size[1] > 0))
    ctx.invalid(`size [${size}] must be two positive values`);
  const alignCorners: boolean = ctx.options?.alignCorners ?? false;
  const halfPixelCenters: boolean = ctx.options?.halfPixelCenters ?? false;
  if (alignCorners && halfPixelCenters) ctx.unsupported('align_corners and half_pixel_centers together');
  const [batches, inH, inW, depth] = input.shape;
  if (
    input.quant &&
    output.quant &&
    (input.quant.scale[0] !== output.quant.scale[0] || input.quant.zeroPoint[0] !== output.quant.zeroPoint[0])
  )
    ctx.unsupported('input and output quantization differ');
  output.shape = [batches, size[0], size[1], depth];
  return {
    input,
    output,
    batches,
    inH,
    inW,
    depth,
    outH: size[0],
    outW: size[1],
    alignCorners,
    halfPixelCenters,
  };
}
