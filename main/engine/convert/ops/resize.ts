/**
 * Resize (opset 10+) → RESIZE_NEAREST_NEIGHBOR / RESIZE_BILINEAR (common/resize.ts). Scales
 * (input 1 at opset 10, input 2 after) or sizes (input 3) must be constants. Opset 10 samples
 * as asymmetric + floor. Cubic, tf_crop_and_resize (constant roi) and any sampling TFLite's resize
 * flags cannot reproduce become per-axis GATHER / MUL / ADD (common/resample.ts); antialias, axes
 * and keep_aspect_ratio_policy are refused by name.
 */
import { numbersOf } from '../const-tensor';
import type { OpConverter } from '../op-converter';
import { emitResize } from './common/resize';
import { floatAct } from './common/unary';

export const resize: OpConverter = {
  convert(ctx) {
    const x = floatAct(ctx);
    if (ctx.attrs.int('antialias', 0) !== 0) ctx.unsupported('antialias');
    if (ctx.attrs.has('axes')) ctx.unsupported('the axes attribute');
    const policy = ctx.attrs.string('keep_aspect_ratio_policy', 'stretch');
    if (policy !== 'stretch') ctx.unsupported(`keep_aspect_ratio_policy ${policy}`);
    const mode = ctx.attrs.string('mode', 'nearest');
    if (ctx.opset < 11) {
      const scales = numbersOf(ctx.constInput(1, 'scales'));
      return [emitResize(ctx, x, { mode, coordinateMode: 'asymmetric', nearestMode: 'floor', scales })];
    }
    const coordinateMode = ctx.attrs.string('coordinate_transformation_mode', 'half_pixel');
    let roi: [number, number][] | undefined;
    if (coordinateMode === 'tf_crop_and_resize') {
      const r = numbersOf(
        ctx.optionalConst(1, 'roi') ?? ctx.unsupported('tf_crop_and_resize without a constant roi'),
      );
      if (r.length !== 2 * x.dims.length)
        ctx.unsupported(`roi of ${r.length} values for a rank-${x.dims.length} input`);
      roi = x.dims.map((_, i) => [r[i], r[i + x.dims.length]] as [number, number]);
    }
    const scalesInput = ctx.optionalConst(2, 'scales');
    const sizesInput = ctx.optionalConst(3, 'sizes');
    const scales = scalesInput && scalesInput.data.length > 0 ? numbersOf(scalesInput) : undefined;
    const sizes = sizesInput && sizesInput.data.length > 0 ? numbersOf(sizesInput) : undefined;
    return [
      emitResize(ctx, x, {
        mode,
        coordinateMode,
        nearestMode: ctx.attrs.string('nearest_mode', 'round_prefer_floor'),
        scales: sizes ? undefined : scales,
        sizes,
        roi,
        cubicA: ctx.attrs.float('cubic_coeff_a', -0.75),
        excludeOutside: ctx.attrs.int('exclude_outside', 0) === 1,
        extrapolationValue: ctx.attrs.float('extrapolation_value', 0),
      }),
    ];
  },
};
