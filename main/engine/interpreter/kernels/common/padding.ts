/**
 * SAME/VALID window geometry for the convolution and pooling kernels, following TFLite's
 * kernels/padding.h (ComputeOutSize, ComputePaddingWithOffset, ComputePaddingHeightWidth).
 * Integer arithmetic only; divisions truncate like C's on the non-negative operands used here.
 */

export const PADDING_SAME = 0;
export const PADDING_VALID = 1;

/** (filter - 1) * dilation + 1: the extent a dilated filter covers. */
export function effectiveFilterSize(filter: number, dilation: number): number {
  return (filter - 1) * dilation + 1;
}

/**
 * Output extent along one axis, or null when the arguments are invalid (unknown padding,
 * non-positive filter/stride/dilation, negative image) or the result would be negative.
 * SAME: ceil(image / stride); VALID: floor((image - effective + stride) / stride).
 */
export function computeOutSize(
  padding: number,
  image: number,
  filter: number,
  stride: number,
  dilation: number,
): number | null {
  if (
    (padding !== PADDING_SAME && padding !== PADDING_VALID) ||
    image < 0 ||
    filter <= 0 ||
    stride <= 0 ||
    dilation <= 0
  ) {
    return null;
  }
  const eff = effectiveFilterSize(filter, dilation);
  const v =
    padding === PADDING_SAME
      ? Math.floor((image + stride - 1) / stride)
      : Math.floor((image + stride - eff) / stride);
  return v < 0 ? null : v;
}

/**
 * Padding before the first element along one axis (the smaller half of the total) and the
 * odd remainder TFLite calls the offset, which lands after the last element.
 */
export function computePaddingWithOffset(
  stride: number,
  dilation: number,
  inSize: number,
  filter: number,
  outSize: number,
): { padding: number; offset: number } {
  const total = Math.max(0, (outSize - 1) * stride + effectiveFilterSize(filter, dilation) - inSize);
  return { padding: Math.floor(total / 2), offset: total % 2 };
}

export interface Padding2D {
  outHeight: number;
  outWidth: number;
  padHeight: number;
  padWidth: number;
  padHeightOffset: number;
  padWidthOffset: number;
}

/** ComputePaddingHeightWidth: output size and padding for both spatial axes; null when invalid. */
export function computePaddingHeightWidth(
  strideH: number,
  strideW: number,
  dilationH: number,
  dilationW: number,
  inHeight: number,
  inWidth: number,
  filterHeight: number,
  filterWidth: number,
  padding: number,
): Padding2D | null {
  const outWidth = computeOutSize(padding, inWidth, filterWidth, strideW, dilationW);
  const outHeight = computeOutSize(padding, inHeight, filterHeight, strideH, dilationH);
  if (outWidth === null || outHeight === null) return null;
  const h = computePaddingWithOffset(strideH, dilationH, inHeight, filterHeight, outHeight);
  const w = computePaddingWithOffset(strideW, dilationW, inWidth, filterWidth, outWidth);
  return {
    outHeight,
    outWidth,
    padHeight: h.padding,
    padWidth: w.padding,
    padHeightOffset: h.offset,
    padWidthOffset: w.offset,
  };
}
