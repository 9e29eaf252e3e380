import { describe, expect, it } from 'vitest';
import { onnxNearest, onnxSourceCoordinate, tfliteResizeFlags } from './resize-modes';

const axis = (inSize: number, outSize: number, scale = outSize / inSize) => ({ inSize, outSize, scale });
const PLAIN = { alignCorners: false, halfPixelCenters: false };
const ALIGN = { alignCorners: true, halfPixelCenters: false };
const HALF = { alignCorners: false, halfPixelCenters: true };

describe('ONNX Resize → TFLite resize flags', () => {
  it("ONNX's coordinate rules (Operators.md, Resize)", () => {
    expect(onnxSourceCoordinate('half_pixel', 1, axis(2, 4))).toBe(0.25);
    expect(onnxSourceCoordinate('asymmetric', 3, axis(2, 4))).toBe(1.5);
    expect(onnxSourceCoordinate('align_corners', 3, axis(2, 4))).toBe(1);
    // With scales given, align_corners divides by in × scale - 1, not by out - 1.
    expect(onnxSourceCoordinate('align_corners', 1, axis(4, 2, 0.6))).toBeCloseTo(3 / 1.4, 12);
    expect(onnxSourceCoordinate('pytorch_half_pixel', 0, axis(4, 1))).toBe(0);
    expect(onnxSourceCoordinate('tf_crop_and_resize', 0, axis(4, 1))).toBeUndefined();
    expect([0.5, 1.5, 1.2, 1.7].map((c) => onnxNearest(c, 'round_prefer_floor', 4))).toEqual([0, 1, 1, 2]);
    expect([0.5, 1.5, -0.2, 9].map((c) => onnxNearest(c, 'round_prefer_ceil', 4))).toEqual([1, 2, 0, 3]);
  });

  it("PyTorch's exports map to TFLite's three rules", () => {
    // nn.Upsample(mode='nearest'): asymmetric + floor.
    expect(tfliteResizeFlags('nearest', 'asymmetric', 'floor', [axis(3, 6), axis(5, 10)])).toEqual(PLAIN);
    // bilinear, align_corners=False / True.
    expect(tfliteResizeFlags('linear', 'half_pixel', '', [axis(3, 6), axis(4, 8)])).toEqual(HALF);
    expect(tfliteResizeFlags('linear', 'pytorch_half_pixel', '', [axis(3, 6), axis(4, 8)])).toEqual(HALF);
    expect(tfliteResizeFlags('linear', 'align_corners', '', [axis(3, 6), axis(4, 7)])).toEqual(ALIGN);
    expect(tfliteResizeFlags('linear', 'asymmetric', '', [axis(3, 6)])).toEqual(PLAIN);
    // Integer upscales never hit a tie: round_prefer_floor with half_pixel samples [0, 0, 1, 1],
    // as TFLite's plain rule does (the first that agrees is taken).
    expect(tfliteResizeFlags('nearest', 'half_pixel', 'round_prefer_floor', [axis(2, 4)])).toEqual(PLAIN);
    // A 2x downscale: x_orig = 2x + 0.5 is a tie, rounded down to 2x, again the plain rule.
    expect(tfliteResizeFlags('nearest', 'half_pixel', 'round_prefer_floor', [axis(4, 2)])).toEqual(PLAIN);
  });

  it('refuses what no TFLite rule reproduces, naming the modes', () => {
    expect(tfliteResizeFlags('linear', 'tf_crop_and_resize', '', [axis(4, 2)])).toMatch(/tf_crop_and_resize/);
    expect(tfliteResizeFlags('nearest', 'half_pixel', 'ceil', [axis(4, 8)])).toMatch(
      /nearest with half_pixel and nearest_mode ceil at sizes 4→8/,
    );
    // ONNX's test_resize_downsample_sizes_nearest: 4→3 reads columns [0, 1, 3] (x_orig 0.17, 1.5, 2.83).
    expect(
      tfliteResizeFlags('nearest', 'half_pixel', 'round_prefer_floor', [axis(2, 1), axis(4, 3)]),
    ).toMatch(/samples other/);
    // pytorch_half_pixel samples 4→1 at 0 (TFLite's plain rule) but 4→3 at half-pixel centres.
    expect(tfliteResizeFlags('linear', 'pytorch_half_pixel', '', [axis(4, 1)])).toEqual(PLAIN);
    expect(tfliteResizeFlags('linear', 'pytorch_half_pixel', '', [axis(4, 3), axis(4, 1)])).toMatch(
      /linear with pytorch_half_pixel/,
    );
  });
});
