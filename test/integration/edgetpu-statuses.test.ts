// Issue 14 acceptance: a float model, a 16x8 model, a batch-2 model, a model with a dynamic dim
// and a model with an unsupported op mid-graph, each made with Lowbit's own builder, quantizer and
// writer, get the status and fix the Edge TPU compiler would give.
import fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { readBytes, sharedPath } from '../support/shared';
import { buildSequentialModel, type SequentialSpec } from '../../main/engine/tflite/build';
import { quantizeFullInteger } from '../../main/engine/optimize/full-integer';
import { checkEdgeTpu } from '../../main/engine/targets/edgetpu/check';
import { opcodeIndex } from '../../main/engine/tflite/edit';
import { BuiltinOperator, type TflModel } from '../../main/engine/tflite/model';
import { readTflite } from '../../main/engine/tflite/reader';
import { writeTflite } from '../../main/engine/tflite/writer';
import { mulberry32 as makeRng } from '../support/random';

const MAPPED = 'Mapped to Edge TPU';

function spec(batch: number): SequentialSpec {
  const rng = makeRng(14);
  const w = (n: number) => Float32Array.from({ length: n }, () => rng() - 0.5);
  return {
    inputShape: [batch, 8, 8, 3],
    layers: [
      { type: 'conv2d', filterShape: [4, 3, 3, 3], filter: w(108), activation: 'relu' },
      { type: 'max_pool2d', size: [2, 2] },
      { type: 'conv2d', filterShape: [4, 1, 1, 4], filter: w(16), activation: 'relu' },
      { type: 'flatten' },
      { type: 'dense', units: 5, weights: w(5 * 36) },
      { type: 'softmax' },
    ],
  };
}

async function quantized(batch: number, activations: 'int8' | 'int16' = 'int8'): Promise<TflModel> {
  const float = buildSequentialModel(spec(batch));
  const rng = makeRng(3);
  const samples = Array.from({ length: 4 }, () => [Float32Array.from({ length: batch * 192 }, () => rng())]);
  const io = activations === 'int16' ? 'int16' : 'uint8';
  const { model } = await quantizeFullInteger(float, samples, { activations, io });
  return readTflite(writeTflite(model));
}

let int8: TflModel;
beforeAll(async () => {
  int8 = await quantized(1);
});

describe('edgetpu check: the compiler statuses and fixes on models Lowbit makes', () => {
  it('the full-int8 uint8-I/O model maps entirely; its uint8<->int8 QUANTIZE ops need runtime 13', () => {
    const r = checkEdgeTpu(int8);
    expect(r.modelError).toBeNull();
    expect(r.ops.map((o) => o.status)).toEqual(Array(r.ops.length).fill(MAPPED));
    expect(r.totals).toEqual({ edgeTpu: r.ops.length, cpu: 0, total: r.ops.length });
    expect(r.ops.length).toBeGreaterThanOrEqual(6);
    expect(r.ops.filter((o) => o.op === 'QUANTIZE')).toHaveLength(2);
    expect(r.minRuntimeVersion).toBe(13);
    expect(r.warnings).toEqual([]);
  });

  it('a float model: "Model not quantized", quantize to full int8, nothing on the Edge TPU', () => {
    const r = checkEdgeTpu(readTflite(writeTflite(buildSequentialModel(spec(1)))));
    expect(r.modelError?.message).toBe('Model not quantized');
    expect(r.modelError?.fix).toMatch(/quantize to full int8/);
    expect(r.totals.edgeTpu).toBe(0);
    expect(r.ops[0]!.status).toBe('Operation is working on an unsupported data type');
  });

  it('a 16x8 model: "Operation is working on an unsupported data type" at the first int16 op, no 16x8 in the fix', async () => {
    const r = checkEdgeTpu(await quantized(1, 'int16'));
    const first = r.ops.findIndex((o) => o.status !== MAPPED);
    expect(r.ops[first]!.status).toBe('Operation is working on an unsupported data type');
    expect(r.ops[first]!.reason).toMatch(/is int16/);
    expect(r.ops[first]!.fix).toMatch(/full int8.*16x8/);
    expect(r.totals.edgeTpu).toBe(0);
  });

  it('a batch-2 model: "Tensor has unsupported rank", batch must be 1', async () => {
    const r = checkEdgeTpu(await quantized(2));
    expect(r.firstUnmapped).toMatchObject({
      index: 0,
      status: 'Tensor has unsupported rank (up to 3 innermost dimensions mapped)',
    });
    expect(r.firstUnmapped!.reason).toMatch(/\[2,8,8,3\]/);
    expect(r.ops[0]!.fix).toMatch(/batch must be 1/);
    expect(r.totals.edgeTpu).toBe(0);
  });

  it('a dynamic batch: the compiler refuses dynamic-sized tensors, static shapes only', () => {
    const m = readTflite(writeTflite(int8));
    const input = m.subgraphs[0]!.tensors[m.subgraphs[0]!.inputs[0]!]!;
    input.shapeSignature = [-1, 8, 8, 3];
    const r = checkEdgeTpu(readTflite(writeTflite(m)));
    expect(r.modelError?.message).toBe(
      'Attempting to use a delegate that only supports static-sized tensors with a graph that has dynamic-sized tensors.',
    );
    expect(r.modelError?.fix).toMatch(/static shapes only/);
    expect(r.totals.edgeTpu).toBe(0);
  });

  it('an unsupported op mid-graph (L2 pooling): "Operation not supported", later ops "More than one subgraph is not supported"', () => {
    const m = readTflite(writeTflite(int8));
    const sg = m.subgraphs[0]!;
    const pool = sg.operators.findIndex(
      (op) => m.operatorCodes[op.opcodeIndex]!.builtinCode === BuiltinOperator.MAX_POOL_2D,
    );
    sg.operators[pool]!.opcodeIndex = opcodeIndex(m, BuiltinOperator.L2_POOL_2D, 1);
    const r = checkEdgeTpu(readTflite(writeTflite(m)));
    expect(r.firstUnmapped).toMatchObject({
      index: pool,
      op: 'L2_POOL_2D',
      status: 'Operation not supported',
    });
    expect(r.ops[pool]!.fix).toMatch(/replace it/);
    expect(r.ops.slice(0, pool).every((o) => o.status === MAPPED)).toBe(true);
    expect(r.ops.slice(pool + 1).map((o) => o.status)).toEqual(
      Array(r.ops.length - pool - 1).fill('More than one subgraph is not supported'),
    );
    expect(r.totals).toEqual({ edgeTpu: pool, cpu: r.ops.length - pool, total: r.ops.length });
  });

  it('int8 I/O needs runtime 12: the report says so', async () => {
    const float = buildSequentialModel(spec(1));
    const rng = makeRng(5);
    const samples = Array.from({ length: 4 }, () => [Float32Array.from({ length: 192 }, () => rng())]);
    const { model } = await quantizeFullInteger(float, samples, { io: 'int8' });
    const r = checkEdgeTpu(readTflite(writeTflite(model)));
    expect(r.minRuntimeVersion).toBe(12);
    expect(r.ops.some((o) => o.op === 'QUANTIZE')).toBe(false);
    expect(r.warnings.join('\n')).toMatch(/int8 inputs or outputs need Edge TPU runtime 12/);
  });
});

describe('edgetpu check: parameters against the on-chip cache', () => {
  it('a 9.4 MiB dense layer: about 2.4 MiB streamed from the host, with a warning', async () => {
    const rng = makeRng(7);
    const units = 4800;
    const inputs = 2048;
    const float = buildSequentialModel({
      inputShape: [1, inputs],
      layers: [
        { type: 'dense', units, weights: Float32Array.from({ length: units * inputs }, () => rng() - 0.5) },
      ],
    });
    const samples = Array.from({ length: 2 }, () => [Float32Array.from({ length: inputs }, () => rng())]);
    const { model } = await quantizeFullInteger(float, samples, { io: 'uint8' });
    const r = checkEdgeTpu(model);
    expect(r.totals.cpu).toBe(0);
    // int8 weights plus int32 bias: 9,830,400 + 19,200 bytes.
    expect(r.parameters.edgeTpuBytes).toBe(units * inputs + 4 * units);
    expect(r.parameters.cacheBytes).toBe(7 * 2 ** 20);
    expect(r.parameters.streamedBytes).toBe(units * inputs + 4 * units - 7 * 2 ** 20);
    expect(r.warnings.join('\n')).toMatch(/will stream from the host at every inference/);
  });
});

describe('edgetpu check on an already compiled model', () => {
  it('warns that the model is compiled already', async () => {
    const file = sharedPath('models', 'coral', 'split_concat_edgetpu.tflite');
    if (!fs.existsSync(file)) return console.log('skipped: ../shared/models/coral is absent');
    const r = checkEdgeTpu(readTflite(readBytes(file)));
    expect(r.warnings.join('\n')).toMatch(/already compiled for the Edge TPU/);
  });
});
