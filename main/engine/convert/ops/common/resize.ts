/**
 * Resize and Upsample on rank-4 NCHW activations: RESIZE_NEAREST_NEIGHBOR or RESIZE_BILINEAR on
 * the channel-last tensor, with the align_corners / half_pixel_centers flags that reproduce
 * ONNX's sampling for these sizes (resize-modes.ts). Batch and channel must keep their size.
 */
import {
  BuiltinOperator,
  BuiltinOptions,
  ResizeBilinearOptionsT,
  ResizeNearestNeighborOptionsT,
} from '../../../tflite/generated/tflite';
import { channelsLastPerm } from '../../layout';
import type { NodeContext } from '../../node-context';
import type { ActValue } from '../../values';
import { axisTaps, resampleAxis, type ResampleKind } from './resample';
import { COORDINATE_MODES, NEAREST_MODES, tfliteResizeFlags, type ResizeAxis } from './resize-modes';

export interface ResizeRequest {
  /** ONNX's mode attribute: 'nearest', 'linear' (or 'bilinear' for Upsample-7), others refused. */
  mode: string;
  coordinateMode: string;
  nearestMode: string;
  /** Per ONNX dim: scales (output / input) or output sizes, exactly one of them. */
  scales?: number[];
  sizes?: number[];
  /** tf_crop_and_resize: per ONNX dim [start, end] (normalised). */
  roi?: [number, number][];
  /** cubic_coeff_a, exclude_outside and extrapolation_value (defaults -0.75, false, 0). */
  cubicA?: number;
  excludeOutside?: boolean;
  extrapolationValue?: number;
}

function kindOf(ctx: NodeContext, mode: string): ResampleKind {
  if (mode === 'nearest') return 'nearest';
  if (mode === 'linear' || mode === 'bilinear') return 'linear';
  if (mode === 'cubic') return 'cubic';
  return ctx.unsupported(`mode ${mode}`);
}

export function emitResize(ctx: NodeContext, x: ActValue, r: ResizeRequest): ActValue {
  if (x.dims.length !== 4) ctx.unsupported(`a rank-${x.dims.length} input (TFLite resizes NHWC images)`);
  const kind = kindOf(ctx, r.mode);
  const given = r.sizes ?? r.scales ?? ctx.unsupported('neither scales nor sizes is given');
  if (given.length !== 4) ctx.unsupported(`${given.length} scales or sizes for a rank-4 input`);
  const out = r.sizes ? [...r.sizes] : x.dims.map((d, i) => Math.floor(d * r.scales![i]));
  if (out[0] !== x.dims[0] || out[1] !== x.dims[1])
    ctx.unsupported(`resizing the batch or channel dim ([${x.dims}] → [${out}])`);
  if (out.some((d) => !(d > 0))) ctx.unsupported(`output size [${out}]`);
  const axes: ResizeAxis[] = [2, 3].map((i) => ({
    inSize: x.dims[i],
    outSize: out[i],
    scale: r.scales ? r.scales[i] : out[i] / x.dims[i],
  }));
  const flags =
    kind === 'cubic' || r.roi
      ? `${kind}${r.roi ? ' tf_crop_and_resize' : ''}`
      : tfliteResizeFlags(kind, r.coordinateMode, r.nearestMode, axes);
  const nhwc = channelsLastPerm(4);
  if (typeof flags === 'string') return resampled(ctx, x, kind, r, axes, out, flags);
  const input = ctx.tensorIn(x, nhwc, 'nhwc');
  const size = ctx.builder.int32Tensor([out[2], out[3]], ctx.tempName('size'));
  const common = { inputs: [input, size], shape: [out[0], out[2], out[3], out[1]], name: ctx.outputName(0) };
  const tensor =
    kind === 'nearest'
      ? ctx.builder.emit({
          ...common,
          op: BuiltinOperator.RESIZE_NEAREST_NEIGHBOR,
          optionsType: BuiltinOptions.ResizeNearestNeighborOptions,
          options: new ResizeNearestNeighborOptionsT(flags.alignCorners, flags.halfPixelCenters),
        })
      : ctx.builder.emit({
          ...common,
          op: BuiltinOperator.RESIZE_BILINEAR,
          optionsType: BuiltinOptions.ResizeBilinearOptions,
          options: new ResizeBilinearOptionsT(flags.alignCorners, flags.halfPixelCenters),
        });
  return ctx.output(tensor, out, nhwc);
}

/**
 * The resize as per-axis GATHER / MUL / ADD (common/resample.ts) when no TFLite resize op samples
 * as ONNX does; the report's line for the node says so (these ops cost more than one RESIZE).
 */
function resampled(
  ctx: NodeContext,
  x: ActValue,
  kind: ResampleKind,
  r: ResizeRequest,
  axes: ResizeAxis[],
  out: number[],
  why: string,
): ActValue {
  if (!r.roi && !(COORDINATE_MODES as readonly string[]).includes(r.coordinateMode))
    ctx.unsupported(`coordinate_transformation_mode "${r.coordinateMode}"`);
  if (kind === 'nearest' && !(NEAREST_MODES as readonly string[]).includes(r.nearestMode))
    ctx.unsupported(`nearest_mode "${r.nearestMode}"`);
  const spec = {
    kind,
    coordinateMode: r.coordinateMode,
    nearestMode: r.nearestMode,
    cubicA: r.cubicA ?? -0.75,
    excludeOutside: r.excludeOutside ?? false,
    extrapolationValue: r.extrapolationValue ?? 0,
  };
  const nhwc = channelsLastPerm(4);
  let v = { tensor: ctx.tensorIn(x, nhwc, 'nhwc'), shape: [x.dims[0], x.dims[2], x.dims[3], x.dims[1]] };
  const input = v.tensor;
  ([1, 2] as const).forEach((axis, i) => {
    v = resampleAxis(ctx, v.tensor, v.shape, axis, axisTaps(spec, axes[i], r.roi?.[i + 2]));
  });
  const last = ctx.builder.graph.tensors[v.tensor];
  if (v.tensor === input) v.tensor = ctx.builder.physicalReshape(input, v.shape, x.dtype, ctx.outputName(0));
  else last.name = ctx.outputName(0);
  ctx.note(`no TFLite resize op samples as ${why}: GATHER, MUL and ADD per axis`);
  return ctx.output(v.tensor, out, nhwc);
}
