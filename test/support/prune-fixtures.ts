/**
 * Test-only: a small float CNN with known random weights covering every layer kind that pruning
 * and clustering handle: conv -> maxpool -> conv -> depthwise -> 1x1 conv -> flatten -> dense ->
 * dense -> softmax. Input [1, 12, 12, 1].
 */
import { buildSequentialModel } from '../../main/engine/tflite/build';
import type { TflModel } from '../../main/engine/tflite/model';
import { Interpreter } from '../../main/engine/interpreter/interpreter';
import { seededRandom } from '../../main/engine/optimize/cluster/kmeans';

function randn(rand: () => number, n: number, scale: number): Float32Array {
  // Sum of 4 uniforms: a cheap bell shape, like trained weights.
  return Float32Array.from({ length: n }, () => (rand() + rand() + rand() + rand() - 2) * scale);
}

export function smallCnn(seed = 1): TflModel {
  const r = seededRandom(seed);
  return buildSequentialModel({
    inputShape: [1, 12, 12, 1],
    layers: [
      {
        type: 'conv2d',
        name: 'conv1',
        filterShape: [16, 3, 3, 1],
        filter: randn(r, 144, 0.5),
        bias: randn(r, 16, 0.1),
        padding: 'same',
        activation: 'relu',
      },
      { type: 'max_pool2d', size: [2, 2] },
      {
        type: 'conv2d',
        name: 'conv2',
        filterShape: [32, 3, 3, 16],
        filter: randn(r, 4608, 0.15),
        bias: randn(r, 32, 0.1),
        padding: 'same',
        activation: 'relu',
      },
      {
        type: 'depthwise_conv2d',
        name: 'dw',
        filterShape: [1, 3, 3, 32],
        filter: randn(r, 288, 0.4),
        bias: randn(r, 32, 0.1),
        padding: 'same',
        activation: 'relu6',
      },
      {
        type: 'conv2d',
        name: 'conv3',
        filterShape: [16, 1, 1, 32],
        filter: randn(r, 512, 0.3),
        bias: randn(r, 16, 0.1),
        padding: 'same',
        activation: 'relu',
      },
      { type: 'flatten' },
      {
        type: 'dense',
        name: 'fc1',
        units: 64,
        weights: randn(r, 64 * 576, 0.08),
        bias: randn(r, 64, 0.1),
        activation: 'relu',
      },
      { type: 'dense', name: 'fc2', units: 10, weights: randn(r, 640, 0.3), bias: randn(r, 10, 0.1) },
      { type: 'softmax' },
    ],
  });
}

export function randomInput(seed: number, n = 144): Float32Array {
  const r = seededRandom(seed);
  return Float32Array.from({ length: n }, () => r());
}

/** Runs a float model on one input; returns output 0 (or the named tensor). */
export function runFloat(model: TflModel, input: Float32Array): Float32Array {
  const it = Interpreter.create(model);
  it.setInput(0, input);
  it.invoke();
  return Float32Array.from(it.output(0).data as Float32Array);
}
