// Issue 13, item 6: ONNX → ONNX quantization (QDQ int8 calibrated in ONNX Runtime; int8 weights
// only for 'dynamic'). External truth: onnxruntime-node runs the float and the quantized Fashion
// CNN on Debian's 10k Fashion-MNIST test set; the QDQ parameters are checked against the rules
// (int8 symmetric per-channel weights, int32 bias at input scale × weight scale in float32).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fromBinary, toBinary } from '@bufbuild/protobuf';
import ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { calibrationSamples } from '../../main/engine/datasets/samples';
import type { Dataset } from '../../main/engine/datasets/dataset';
import { ModelProtoSchema, type ModelProto, type TensorProto } from '../../main/engine/onnx/proto/onnx_pb';
import { quantizeOnnx, type OnnxQuantizeResult } from '../../main/engine/optimize/onnx/index';
import { stripQdq } from '../../main/engine/optimize/onnx/strip-qdq';
import { openDataset } from '../../main/files/dataset-open';
import { DEBIAN_FASHION_MNIST } from '../../main/files/idx-files';
import { openOnnxRuntimeSession } from '../../main/runtimes/onnxruntime/calibration-session';
import { lowbitInProcess } from '../support/cli';
import { onnxFixture, type OnnxFixture } from '../support/onnx-fixtures';

const debian = fs.existsSync(`${DEBIAN_FASHION_MNIST}/t10k-images-idx3-ubyte.gz`);
const PREPROCESS = { scale: '0..1', layout: 'nchw' } as const;
const SHAPE = [1, 1, 28, 28];

function open(split: 'train' | 't10k'): Dataset {
  return openDataset(DEBIAN_FASHION_MNIST, { inputShape: SHAPE, preprocess: PREPROCESS, split });
}

/** A labelled set as one [N, 1, 28, 28] float32 block (decoded once, fed in batches). */
interface Block {
  x: Float32Array;
  labels: number[];
}

function block(data: Dataset): Block {
  const x = new Float32Array(data.length * 784);
  const labels: number[] = [];
  for (let i = 0; i < data.length; i++) {
    const s = data.get(i);
    x.set(s.inputs[0], i * 784);
    labels.push(s.label!);
  }
  return { x, labels };
}

/** Top-1 accuracy of a model under onnxruntime-node (CPU), in batches of 500. */
async function ortAccuracy(model: Uint8Array | string, data: Block): Promise<number> {
  const session = await ort.InferenceSession.create(model as Uint8Array, { executionProviders: ['cpu'] });
  let correct = 0;
  const count = data.labels.length;
  for (let start = 0; start < count; start += 500) {
    const n = Math.min(500, count - start);
    const x = data.x.subarray(start * 784, (start + n) * 784);
    const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', x, [n, 1, 28, 28]) });
    const logits = out[session.outputNames[0]].data as Float32Array;
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let c = 1; c < 10; c++) if (logits[i * 10 + c] > logits[i * 10 + best]) best = c;
      if (best === data.labels[start + i]) correct++;
    }
  }
  await session.release();
  return correct / count;
}

function values(t: TensorProto): Float32Array | Int8Array | Int32Array {
  const copy = t.rawData.slice().buffer;
  if (t.dataType === 1) return new Float32Array(copy);
  if (t.dataType === 3) return new Int8Array(copy);
  if (t.dataType === 6) return new Int32Array(copy);
  throw new Error(`${t.name}: dtype ${t.dataType}`);
}

/** The QDQ parameters behind each DequantizeLinear output, by output name. */
function dequantizers(model: ModelProto) {
  const graph = model.graph!;
  const init = new Map(graph.initializer.map((t) => [t.name, t]));
  const map = new Map<
    string,
    { data: TensorProto | undefined; scale: Float32Array; zeroPoint: Int8Array | Int32Array; axis?: number }
  >();
  for (const n of graph.node.filter((x) => x.opType === 'DequantizeLinear')) {
    const axis = n.attribute.find((a) => a.name === 'axis');
    map.set(n.output[0], {
      data: init.get(n.input[0]),
      scale: values(init.get(n.input[1])!) as Float32Array,
      zeroPoint: values(init.get(n.input[2])!) as Int8Array | Int32Array,
      axis: axis ? Number(axis.i) : undefined,
    });
  }
  return map;
}

describe.skipIf(!debian)('lowbit quantize model.onnx → ONNX (issue 13, item 6)', () => {
  let fixture: OnnxFixture | string;
  let test: Block;
  let floatAccuracy = 0;
  let int8: OnnxQuantizeResult;
  let samples: ReturnType<typeof calibrationSamples> = [];
  const calibration = () => samples;

  beforeAll(async () => {
    fixture = onnxFixture('fashion-cnn');
    if (typeof fixture === 'string') return;
    test = block(open('t10k'));
    samples = calibrationSamples(open('train'), 200);
    floatAccuracy = await ortAccuracy(fixture.model, test);
    const model = fromBinary(ModelProtoSchema, fs.readFileSync(fixture.model));
    int8 = await quantizeOnnx(model, {
      technique: 'int8',
      samples: calibration(),
      openSession: openOnnxRuntimeSession,
    });
  }, 120_000);

  const ready = (ctx: { skip: () => void }): OnnxFixture | null => {
    if (typeof fixture !== 'string') return fixture;
    console.log(`skipped: ${fixture}`);
    ctx.skip();
    return null;
  };

  it('int8 QDQ: the Fashion CNN loses at most 0.5 point under ONNX Runtime on the 10k test set', async (ctx) => {
    const f = ready(ctx);
    if (!f) return;
    expect(floatAccuracy).toBe(f.manifest.onnxruntimeAccuracy);
    const quantized = await ortAccuracy(toBinary(ModelProtoSchema, int8.model), test);
    console.log(
      `fashion-cnn QDQ int8 (200 calibration samples, minmax): ORT accuracy ${quantized} vs float ${floatAccuracy}` +
        ` (${((floatAccuracy - quantized) * 100).toFixed(2)} point lost)`,
    );
    expect(floatAccuracy - quantized).toBeLessThanOrEqual(0.005);
    expect(quantized).toBeGreaterThan(0.85);
  });

  it('int8 QDQ: BatchNorm folded, Relu fused, every compute op reads and writes QDQ', (ctx) => {
    if (!ready(ctx)) return;
    const nodes = int8.model.graph!.node;
    expect(int8.foldedBatchNorms).toBe(5);
    expect(int8.fusedActivations).toBe(5);
    expect(nodes.filter((n) => ['BatchNormalization', 'Relu'].includes(n.opType))).toEqual([]);
    const dq = dequantizers(int8.model);
    const readers = new Map(nodes.flatMap((n) => n.input.map((i) => [i, n] as const)));
    const compute = nodes.filter((n) => !['QuantizeLinear', 'DequantizeLinear'].includes(n.opType));
    expect(compute.map((n) => n.opType).sort()).toEqual(
      [
        'Add',
        'Conv',
        'Conv',
        'Conv',
        'Conv',
        'Conv',
        'Flatten',
        'Gemm',
        'GlobalAveragePool',
        'MaxPool',
        'MaxPool',
      ].sort(),
    );
    for (const n of compute) {
      for (const input of n.input) expect(dq.has(input), `${n.name} input ${input}`).toBe(true);
      const out = n.output[0];
      const reader = readers.get(out);
      expect(reader?.opType, `${n.name} output ${out}`).toBe('QuantizeLinear');
    }
    expect(int8.quantizedOps).toBe(11);
    expect(int8.floatOps).toBe(0);
  });

  it('int8 QDQ: weights int8 symmetric per output channel, bias int32 at input scale × weight scale', (ctx) => {
    if (!ready(ctx)) return;
    const graph = int8.model.graph!;
    const dq = dequantizers(int8.model);
    const quantizeScale = new Map(
      graph.node
        .filter((n) => n.opType === 'DequantizeLinear' && !dq.get(n.output[0])!.data)
        .map((n) => [n.output[0], dq.get(n.output[0])!.scale[0]]),
    );
    let checked = 0;
    for (const n of graph.node.filter((x) => x.opType === 'Conv' || x.opType === 'Gemm')) {
      const w = dq.get(n.input[1])!;
      const b = dq.get(n.input[2])!;
      const q = values(w.data!) as Int8Array;
      expect(w.data!.dataType).toBe(3);
      expect(Array.from(w.zeroPoint).every((z) => z === 0)).toBe(true);
      const transB = n.attribute.find((a) => a.name === 'transB')?.i ?? 0n;
      const axis = n.opType === 'Conv' || transB === 1n ? 0 : 1;
      expect(w.axis).toBe(axis);
      const dims = w.data!.dims.map(Number);
      expect(w.scale.length).toBe(dims[axis]);
      // Symmetric over the full range: each channel's largest |q| is 127, none is -128.
      const inner = dims.slice(axis + 1).reduce((a, c) => a * c, 1);
      const maxAbs = new Array<number>(dims[axis]).fill(0);
      q.forEach((v, k) => {
        const c = Math.floor(k / inner) % dims[axis];
        maxAbs[c] = Math.max(maxAbs[c], Math.abs(v));
      });
      expect(Math.min(...q)).toBeGreaterThanOrEqual(-127);
      expect(maxAbs.every((m) => m === 127)).toBe(true);
      // Bias: int32, zero point 0, scale = fround(input scale × weight scale) bit for bit.
      const inputScale = quantizeScale.get(n.input[0])!;
      expect(b.data!.dataType).toBe(6);
      expect(Array.from(b.zeroPoint).every((z) => z === 0)).toBe(true);
      expect(Array.from(b.scale)).toEqual(Array.from(w.scale, (s) => Math.fround(inputScale * s)));
      checked++;
    }
    expect(checked).toBe(6);
    // Activations: int8 zero points; outputs that were Relu start at 0 (zero point -128); a
    // MaxPool keeps its input's parameters.
    const act = [...dq.values()].filter((d) => !d.data);
    expect(act.every((d) => d.zeroPoint instanceof Int8Array && d.scale.length === 1)).toBe(true);
    const pool = graph.node.find((n) => n.opType === 'MaxPool')!;
    const poolOut = graph.node.find((n) => n.opType === 'QuantizeLinear' && n.input[0] === pool.output[0])!;
    const init = new Map(graph.initializer.map((t) => [t.name, t]));
    expect(values(init.get(poolOut.input[1])!)[0]).toBe(quantizeScale.get(pool.input[0]));
    expect(values(init.get(poolOut.input[2])!)[0]).toBe(-128);
  });

  it('stripQdq reads the QDQ parameters back bit for bit and leaves a float model ONNX Runtime runs', async (ctx) => {
    if (!ready(ctx)) return;
    const stripped = stripQdq(int8.model);
    const nodes = stripped.model.graph!.node;
    expect(nodes.filter((n) => n.opType.endsWith('Linear'))).toEqual([]);
    const dq = dequantizers(int8.model);
    const graph = int8.model.graph!;
    // Every activation pair: the float tensor before QuantizeLinear gets its scale and zero point.
    let activations = 0;
    for (const q of graph.node.filter((n) => n.opType === 'QuantizeLinear')) {
      const reader = graph.node.find((n) => n.opType === 'DequantizeLinear' && n.input[0] === q.output[0])!;
      const p = dq.get(reader.output[0])!;
      const name = reader.output[0] === 'logits' ? 'logits' : q.input[0];
      expect(stripped.activations.get(name), name).toMatchObject({
        scale: p.scale[0],
        zeroPoint: p.zeroPoint[0],
      });
      activations++;
    }
    expect(stripped.activations.size).toBe(activations);
    // Constants: the same scales, and float values (q − zp) × scale.
    for (const [name, p] of dq) {
      if (!p.data) continue;
      const c = stripped.constants.get(name)!;
      expect(c.scale).toEqual(Array.from(p.scale));
      expect(c.dtype).toBe(p.data.dataType === 3 ? 'int8' : 'int32');
    }
    const floatAcc = await ortAccuracy(toBinary(ModelProtoSchema, stripped.model), test);
    expect(Math.abs(floatAcc - floatAccuracy)).toBeLessThanOrEqual(0.005);
  });

  it('the calibration method reaches the ranges (percentile narrows some scales)', async (ctx) => {
    const f = ready(ctx);
    if (!f) return;
    const model = fromBinary(ModelProtoSchema, fs.readFileSync(f.model));
    const pct = await quantizeOnnx(model, {
      technique: 'int8',
      samples: calibration(),
      openSession: openOnnxRuntimeSession,
      method: 'percentile',
      percentile: 99.9,
    });
    const scales = (m: ModelProto) =>
      [...dequantizers(m).values()].filter((d) => !d.data).map((d) => d.scale[0]);
    const a = scales(int8.model);
    const b = scales(pct.model);
    expect(b.length).toBe(a.length);
    expect(b.some((s, i) => s < a[i])).toBe(true);
    expect(b.every((s, i) => s <= a[i])).toBe(true);
  });

  it('dynamic: int8 weights behind DequantizeLinear, float activations, ≤ 0.5 point lost', async (ctx) => {
    const f = ready(ctx);
    if (!f) return;
    const model = fromBinary(ModelProtoSchema, fs.readFileSync(f.model));
    const dynamic = await quantizeOnnx(model, { technique: 'dynamic' });
    const nodes = dynamic.model.graph!.node;
    expect(nodes.filter((n) => n.opType === 'QuantizeLinear')).toEqual([]);
    const dq = dequantizers(dynamic.model);
    expect(dq.size).toBe(6);
    expect([...dq.values()].every((d) => d.data?.dataType === 3)).toBe(true);
    const bytes = toBinary(ModelProtoSchema, dynamic.model);
    expect(bytes.length).toBeLessThan(0.4 * fs.statSync(f.model).size);
    const accuracy = await ortAccuracy(bytes, test);
    console.log(`fashion-cnn dynamic (int8 weights): ORT accuracy ${accuracy} vs float ${floatAccuracy}`);
    expect(floatAccuracy - accuracy).toBeLessThanOrEqual(0.005);
  });

  it('CLI: --out .onnx writes a QDQ model; wrong combinations and bad files are one-line errors', async (ctx) => {
    const f = ready(ctx);
    if (!f) return;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lowbit-onnx-quant-'));
    const out = path.join(dir, 'q.onnx');
    const ok = await lowbitInProcess(
      'quantize',
      f.model,
      '--technique',
      'int8',
      '--calibration',
      DEBIAN_FASHION_MNIST,
      '--samples',
      '50',
      '--preprocess',
      'scale=0..1,layout=nchw',
      '--out',
      out,
      '--json',
    );
    expect(ok.code, ok.stderr).toBe(0);
    const summary = JSON.parse(ok.stdout) as { quantizedOps: number; outputBytes: number };
    expect(summary.quantizedOps).toBe(11);
    expect(fs.statSync(out).size).toBe(summary.outputBytes);
    const written = fromBinary(ModelProtoSchema, fs.readFileSync(out));
    expect(written.graph!.node.filter((n) => n.opType === 'QuantizeLinear').length).toBeGreaterThan(10);

    const f16 = await lowbitInProcess(
      'quantize',
      f.model,
      '--technique',
      'float16',
      '--out',
      path.join(dir, 'h.onnx'),
    );
    expect(f16.code).toBe(1);
    expect(f16.stderr).toContain('--out .onnx takes --technique int8 or dynamic');
    const bad = path.join(dir, 'bad.onnx');
    fs.writeFileSync(bad, Buffer.from('this is not a protobuf at all, just text \xff\xff\xff'));
    const broken = await lowbitInProcess(
      'quantize',
      bad,
      '--technique',
      'dynamic',
      '--out',
      path.join(dir, 'b.onnx'),
    );
    expect(broken.code).toBe(2);
    expect(broken.stderr.trim().split('\n')).toHaveLength(1);
    expect(broken.stderr).toContain(bad);
    expect(fs.existsSync(path.join(dir, 'b.onnx'))).toBe(false);
  });
});
