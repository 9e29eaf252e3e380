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
import { tfliteResizeFlags, type ResizeAxis, type ResizeKind } from './resize-modes';

export interface ResizeRequest {
  /** ONNX's mode attribute: 'nearest', 'linear' (or 'bilinear' for Upsample-7), others refused. */
  mode: string;
  coordinateMode: string;
  nearestMode: string;
  /** Per ONNX dim: scales (output / input) or output sizes, exactly one of them. */
  scales?: number[];
  sizes?: number[];
}

function kindOf(ctx: NodeContext, mode: string): ResizeKind {
  if (mode === 'nearest') return 'nearest';
  if (mode === 'linear' || mode === 'bilinear') return 'linear';
  return ctx.unsupported(`mode ${mode} (TFLite resizes nearest or bilinear)`);
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
  const flags = tfliteResizeFlags(kind, r.coordinateMode, r.nearestMode, axes);
  if (typeof flags === 'string') ctx.unsupported(flags);
  const nhwc = channelsLastPerm(4);
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
