// Issue 8: channel pruning really removes channels, and the pruned model computes what the dense
// model computes with the same masks (pruned channels' weights and bias zeroed, consumers'
// matching input weights zeroed).
import { describe, expect, it } from 'vitest';
import { randomInput, runFloat, smallCnn } from '../support/prune-fixtures';
import { pruneModel } from '../../main/engine/optimize/prune/index';
import { addBuffer, bufferAs, bytesOf } from '../../main/engine/tflite/edit';
import type { TflModel } from '../../main/engine/tflite/model';
import { readTflite } from '../../main/engine/tflite/reader';
import { writeTflite } from '../../main/engine/tflite/writer';
import { armnnAvailable } from '../support/armnn';
import { Interpreter } from '../../main/engine/interpreter/index';
import { armnnOnModel, loadShared, maxAbsDiff, personInt8 } from '../support/quantize-helpers';

const roundTrip = (m: TflModel) => readTflite(writeTflite(m));
const shapeOf = (m: TflModel, name: string) => m.subgraphs[0].tensors.find((t) => t.name === name)!.shape;

/** Zeroes entries of a float constant whose index along `axis` is in `channels`. */
function zeroAlong(m: TflModel, name: string, axis: number, channels: number[]): void {
  const t = m.subgraphs[0].tensors.find((x) => x.name === name)!;
  const v = bufferAs(m.buffers[t.buffer].data, Float32Array);
  const inner = t.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const set = new Set(channels);
  for (let i = 0; i < v.length; i++) if (set.has(Math.floor(i / inner) % t.shape[axis])) v[i] = 0;
  t.buffer = addBuffer(m, bytesOf(v));
}

/** Zeroes the columns p·channels + c (c in `channels`) of a [O, spatial·channels] float weight. */
function zeroFlattened(m: TflModel, name: string, channels: number, removed: number[]): void {
  const t = m.subgraphs[0].tensors.find((x) => x.name === name)!;
  const v = bufferAs(m.buffers[t.buffer].data, Float32Array);
  const cols = t.shape[1];
  const set = new Set(removed);
  for (let i = 0; i < v.length; i++) if (set.has((i % cols) % channels)) v[i] = 0;
  t.buffer = addBuffer(m, bytesOf(v));
}

describe('channel pruning', () => {
  const base = smallCnn();
  const r = pruneModel(base, { sparsity: 0.5, structure: 'channel', minWeights: 0 });
  const pruned = roundTrip(r.model);
  const removed = Object.fromEntries(r.layers.map((l) => [l.name, l.removedChannels!]));

  it('removes output channels and the consumers input channels: shapes shrink', () => {
    expect(r.layers.map((l) => [l.name, l.newShape])).toEqual([
      ['conv1/filter', [8, 3, 3, 1]],
      ['conv2/filter', [16, 3, 3, 8]],
      ['conv3/filter', [8, 1, 1, 16]],
      ['fc1/weights', [32, 288]],
    ]);
    // Through the flatten: [1,6,6,8] → [1,288], shape operand and options too.
    const sg = pruned.subgraphs[0];
    const reshape = sg.operators.find(
      (op) => sg.tensors[op.outputs[0]].shape.length === 2 && sg.tensors[op.inputs[0]].shape.length === 4,
    )!;
    expect(sg.tensors[reshape.inputs[0]].shape).toEqual([1, 6, 6, 8]);
    expect(sg.tensors[reshape.outputs[0]].shape).toEqual([1, 288]);
    expect(
      Array.from(bufferAs(pruned.buffers[sg.tensors[reshape.inputs[1]].buffer].data, Int32Array)),
    ).toEqual([1, 288]);
    expect(shapeOf(pruned, 'conv1/bias')).toEqual([8]);
    expect(shapeOf(pruned, 'dw/filter')).toEqual([1, 3, 3, 16]);
    expect(shapeOf(pruned, 'dw/bias')).toEqual([16]);
    expect(shapeOf(pruned, 'conv3/bias')).toEqual([8]);
    expect(shapeOf(pruned, 'fc2/weights')).toEqual([10, 32]);
    expect(shapeOf(pruned, 'fc1/bias')).toEqual([32]);
    // Activations shrink too (planned arena and compute): conv1's output is [1,12,12,8].
    const convOut = pruned.subgraphs[0].operators[0].outputs[0];
    expect(pruned.subgraphs[0].tensors[convOut].shape).toEqual([1, 12, 12, 8]);
    expect(writeTflite(pruned).length).toBeLessThan(writeTflite(base).length * 0.6);
    for (const ch of Object.values(removed)) expect(new Set(ch).size).toBe(ch.length);
  });

  it('names why a layer cannot be channel-pruned', () => {
    const reasons = Object.fromEntries(r.skipped.map((s) => [s.name, s.reason]));
    expect(reasons['fc2/weights']).toMatch(/SOFTMAX/);
    expect(reasons['dw/filter']).toMatch(/depthwise/);
  });

  it('matches the dense model with the same masks within 1e-5 relative', () => {
    const ref = roundTrip(base);
    zeroAlong(ref, 'conv1/filter', 0, removed['conv1/filter']);
    zeroAlong(ref, 'conv1/bias', 0, removed['conv1/filter']);
    zeroAlong(ref, 'conv2/filter', 3, removed['conv1/filter']);
    zeroAlong(ref, 'conv2/filter', 0, removed['conv2/filter']);
    zeroAlong(ref, 'conv2/bias', 0, removed['conv2/filter']);
    // The depthwise layer between conv2 and conv3 keeps its channels in the reference: its
    // output for a dead input channel is relu6(bias), which conv3's zeroed inputs then ignore.
    zeroAlong(ref, 'conv3/filter', 3, removed['conv2/filter']);
    zeroAlong(ref, 'conv3/filter', 0, removed['conv3/filter']);
    zeroAlong(ref, 'conv3/bias', 0, removed['conv3/filter']);
    // fc1 reads the flattened [6, 6, 16]: conv3's channel c is every column p·16 + c.
    zeroFlattened(ref, 'fc1/weights', 16, removed['conv3/filter']);
    zeroAlong(ref, 'fc1/weights', 0, removed['fc1/weights']);
    zeroAlong(ref, 'fc1/bias', 0, removed['fc1/weights']);
    zeroAlong(ref, 'fc2/weights', 1, removed['fc1/weights']);
    let worst = 0;
    for (let s = 0; s < 5; s++) {
      const a = runFloat(pruned, randomInput(100 + s));
      const b = runFloat(ref, randomInput(100 + s));
      for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.abs(b[i]));
    }
    expect(worst).toBeLessThan(1e-5);
    // And the masks matter: the unmasked dense model differs (dropped biases, dropped channels).
    const dense = runFloat(base, randomInput(100));
    const a = runFloat(pruned, randomInput(100));
    expect(Math.max(...a.map((v, i) => Math.abs(v - dense[i])))).toBeGreaterThan(1e-4);
  });

  it('refuses when an ADD joins two branches', () => {
    // Graph surgery: make fc2 read fc1's output through ADD(fc1_out, fc1_out).
    const m = roundTrip(base);
    const sg = m.subgraphs[0];
    const fc1 = sg.operators.findIndex((op) => sg.tensors[op.inputs[1]]?.name === 'fc1/weights');
    const fc2 = sg.operators[fc1 + 1];
    const out = sg.operators[fc1].outputs[0];
    const addOut = sg.tensors.length;
    sg.tensors.push(
      Object.assign(Object.create(Object.getPrototypeOf(sg.tensors[out])), sg.tensors[out], {
        name: 'sum',
        shape: [...sg.tensors[out].shape],
      }),
    );
    m.operatorCodes.push(
      Object.assign(Object.create(Object.getPrototypeOf(m.operatorCodes[0])), m.operatorCodes[0], {
        builtinCode: 0,
        deprecatedBuiltinCode: 0,
        version: 1,
      }),
    );
    const add = Object.assign(Object.create(Object.getPrototypeOf(fc2)), fc2, {
      opcodeIndex: m.operatorCodes.length - 1,
      inputs: [out, out],
      outputs: [addOut],
      builtinOptionsType: 0,
      builtinOptions: null,
    });
    fc2.inputs = [addOut, ...fc2.inputs.slice(1)];
    sg.operators.splice(fc1 + 1, 0, add);
    const rr = pruneModel(roundTrip(m), { sparsity: 0.5, structure: 'channel', minWeights: 0 });
    expect(rr.skipped.find((s) => s.name === 'fc1/weights')!.reason).toMatch(/^ADD #\d+ joins two branches$/);
  });

  it.skipIf(!armnnAvailable())('the channel-pruned float model runs in Arm NN with the same outputs', () => {
    const x = randomInput(5);
    const theirs = armnnOnModel(pruned, [x]).outputs[0].data as Float32Array;
    const ours = runFloat(pruned, x);
    for (let i = 0; i < ours.length; i++) expect(Math.abs(ours[i] - theirs[i])).toBeLessThan(1e-5);
  });
});

describe('channel pruning of int8 weights (person_detect, 25 %)', () => {
  const r = pruneModel(loadShared('person_detect.tflite'), { sparsity: 0.25, structure: 'channel' });
  const m = roundTrip(r.model);

  it('shrinks the pointwise layers, their per-channel scales and the depthwise layers after them', () => {
    const pw3 = r.layers.find((l) => l.name === 'MobilenetV1/Conv2d_3_pointwise/weights/read')!;
    expect(pw3.newShape).toEqual([24, 1, 1, 32]);
    const w = m.subgraphs[0].tensors.find((t) => t.name === 'MobilenetV1/Conv2d_3_pointwise/weights/read')!;
    expect(w.quantization!.scale).toHaveLength(24);
    const dw4 = m.subgraphs[0].tensors.find(
      (t) => t.name === 'MobilenetV1/Conv2d_4_depthwise/depthwise_weights/read',
    )!;
    expect(dw4.shape).toEqual([1, 3, 3, 24]);
    expect(dw4.quantization!.scale).toHaveLength(24);
    // The depthwise bias is 1-D with quantized_dimension 3 (as the converter writes it): its
    // per-channel scales shrink too.
    const dwBias = m.subgraphs[0].tensors.find(
      (t) => t.name === 'MobilenetV1/MobilenetV1/Conv2d_4_depthwise/depthwise_bias',
    )!;
    expect(dwBias.shape).toEqual([24]);
    expect(dwBias.quantization!.scale).toHaveLength(24);
    expect(writeTflite(m).length).toBeLessThan(0.7 * writeTflite(loadShared('person_detect.tflite')).length);
  });

  it.skipIf(!armnnAvailable())('runs in Arm NN with the same int8 outputs (±1)', () => {
    // Arm NN 20.08 wants quantized_dimension 0 on 1-D per-axis biases (see person-detect.test.ts).
    for (const t of m.subgraphs[0].tensors)
      if (t.quantization && t.shape.length === 1) t.quantization.quantizedDimension = 0;
    const x = personInt8('person');
    const ours = Interpreter.create(m);
    ours.setInput(0, x);
    ours.invoke();
    const theirs = armnnOnModel(m, [x]).outputs[0].data;
    expect(maxAbsDiff(ours.output(0).data as Int8Array, theirs)).toBeLessThanOrEqual(1);
  });
});
