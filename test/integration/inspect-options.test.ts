// Issue 17, item 11: operator options in the inspect report (what the inspector's operator list shows).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readModelFile } from '../../main/files/model-file';
import type { InspectReport } from '../../main/engine/model/inspect-report';
import { ROOT, sharedPath } from '../support/shared';

const inspect = (file: string): InspectReport => {
  const { format, model, bytes } = readModelFile(file);
  return format.inspect(model, bytes.length);
};

describe('operator options', () => {
  it('TFLite: builtin options with enums by name (person_detect = MobileNet v1 0.25)', () => {
    const ops = inspect(sharedPath('models', 'tflite-micro', 'person_detect.tflite')).subgraphs[0]!.operators;
    // MobileNet v1's first layer: 3×3, stride 2, SAME, ReLU6; its 1-channel input makes it a depthwise
    // convolution with multiplier 8 (8 output channels).
    expect(ops[0]!.options).toEqual({
      padding: 'SAME',
      strideW: 2,
      strideH: 2,
      depthMultiplier: 8,
      fusedActivationFunction: 'RELU6',
      dilationWFactor: 1,
      dilationHFactor: 1,
    });
    // Global average pooling over the last 3×3 map, then the logits convolution without activation.
    expect(ops[27]!.options).toMatchObject({ padding: 'VALID', filterWidth: 3, filterHeight: 3 });
    expect(ops[28]!.options).toMatchObject({ fusedActivationFunction: 'NONE', strideW: 1 });
    expect(ops[29]!.options).toEqual({ newShape: [1, 2] });
    // Every depthwise layer of the 13 blocks: stride 2 exactly where the map halves (48→24→12→6→3).
    const strides = ops.filter((o) => o.op === 'DEPTHWISE_CONV_2D').map((o) => o.options!.strideW);
    expect(strides).toEqual([2, 1, 2, 1, 2, 1, 2, 1, 1, 1, 1, 1, 2, 1]);
  });

  it('ONNX: node attributes (the Fashion-MNIST CNN of scripts/onnx-fixtures.py)', () => {
    const ops = inspect(path.join(ROOT, 'test/fixtures/onnx/fashion-cnn.onnx')).subgraphs[0]!.operators;
    const conv = ops.find((o) => o.op === 'Conv')!;
    expect(conv.options).toEqual({
      dilations: [1, 1],
      group: 1,
      kernel_shape: [3, 3],
      pads: [1, 1, 1, 1],
      strides: [1, 1],
    });
    expect(ops.find((o) => o.op === 'MaxPool')!.options).toMatchObject({
      kernel_shape: [2, 2],
      strides: [2, 2],
    });
    expect(ops.find((o) => o.op === 'Relu')!.options).toBeUndefined();
  });
});
