/**
 * RESIZE_NEAREST_NEIGHBOR (reference_ops::ResizeNearestNeighbor). The source index per output
 * index (tflite/resize-sampling.ts) is computed in float32 exactly as the reference:
 *   scale = align_corners && out > 1 ? (in - 1) / float(out - 1) : in / float(out)
 *   v = (i + (half_pixel ? 0.5f : 0)) * scale
 *   src = min(align_corners ? round_half_away(v) : floor(v), in - 1), and >= 0 with half-pixel.
 * Values are copied, so every dtype works.
 */
import { nearestIndex } from '../../tflite/resize-sampling';
import type { Kernel } from '../types';
import { resizeGeometry } from './common/resize';

export const kernel: Kernel = {
  prepare(ctx) {
    const g = resizeGeometry(ctx);
    const ys = Array.from({ length: g.outH }, (_, y) =>
      nearestIndex(y, g.inH, g.outH, g.alignCorners, g.halfPixelCenters),
    );
    const xs = Array.from({ length: g.outW }, (_, x) =>
      nearestIndex(x, g.inW, g.outW, g.alignCorners, g.halfPixelCenters),
    );
    return () => {
      const src = g.input.data as any;
      const dst = g.output.data as any;
      let o = 0;
      for (let b = 0; b < g.batches; b++)
        for (let y = 0; y < g.outH; y++)
          for (let x = 0; x < g.outW; x++) {
            const base = ((b * g.inH + ys[y]) * g.inW + xs[x]) * g.depth;
            for (let c = 0; c < g.depth; c++) dst[o++] = src[base + c];
          }
    };
  },
};
