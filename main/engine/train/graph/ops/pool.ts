/**
 * The window walk MAX_POOL_2D and AVERAGE_POOL_2D share: for each output pixel and channel,
 * the in-image taps of its filterHeight × filterWidth window (out-of-image taps are ignored, as
 * TFLite's pooling does). The kernels compute each window's in-image range inline (no allocation
 * per output pixel).
 */
import { windowGeometry, type ConvGeometry } from './conv_2d';
import { requireInput, unsupported, type OpSpec } from './op';

export function poolGeometry(spec: OpSpec): ConvGeometry {
  const o = spec.options ?? {};
  const kH = (o.filterHeight as number) ?? 0;
  const kW = (o.filterWidth as number) ?? 0;
  if (!(kH > 0 && kW > 0)) unsupported(spec, `invalid filter ${kH}x${kW}`);
  return windowGeometry(spec, requireInput(spec, 0).shape, kH, kW, false);
}
