// UNIDIRECTIONAL_SEQUENCE_LSTM in the quantizers, on trained_lstm.tflite (float, [1,28,28]
// input: 28 time steps of 28-pixel image rows) with Fashion-MNIST test images when the Debian
// dataset is installed (a fixed pattern otherwise).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { Interpreter, recordingObserver } from '../../main/engine/interpreter/index';
import { quantizeDynamicRange } from '../../main/engine/optimize/dynamic-range';
import { LSTM_WEIGHT_SLOTS, lstmVersion } from '../../main/engine/optimize/lstm';
import { parseKeepFloat } from '../../main/engine/optimize/keep-float';
import { bufferAs } from '../../main/engine/tflite/edit';
import { TensorType, type TflModel } from '../../main/engine/tflite/model';
import { opName } from '../../main/engine/tflite/names';
import { readTflite } from '../../main/engine/tflite/reader';
import { writeTflite } from '../../main/engine/tflite/writer';
import { armnnAvailable, ArmnnUnsupportedError } from '../support/armnn';
import { lowbitInProcess as lowbit } from '../support/cli';
import { armnnOnModel, loadShared, modelPath } from '../support/quantize-helpers';

const roundTrip = (m: TflModel) => readTflite(writeTflite(m));
const armnn = armnnAvailable();

function images(count: number): Float32Array[] {
  const file = '/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz';
  if (!fs.existsSync(file))
    return Array.from({ length: count }, (_, k) =>
      Float32Array.from({ length: 784 }, (_v, i) => ((i * (37 + k)) % 101) / 100),
    );
  const raw = zlib.gunzipSync(fs.readFileSync(file));
  return Array.from({ length: count }, (_, k) =>
    Float32Array.from(raw.subarray(16 + k * 784, 16 + (k + 1) * 784), (v) => v / 255),
  );
}

const argmax = (a: ArrayLike<number>) =>
  Array.from(a).reduce((best, v, i, arr) => (v > arr[best] ? i : best), 0);

describe('dynamic range UNIDIRECTIONAL_SEQUENCE_LSTM (hybrid)', () => {
  const float = loadShared('trained_lstm.tflite');
  const fsg = float.subgraphs[0];
  const flstm = fsg.operators[0];

  it("at LiteRT's default 1024-element threshold the LSTM (560- and 400-element weights) stays float, whole, with a warning", () => {
    const r = quantizeDynamicRange(float);
    const m = roundTrip(r.model);
    const lstm = m.subgraphs[0].operators[0];
    expect(opName(m.operatorCodes[lstm.opcodeIndex])).toBe('UNIDIRECTIONAL_SEQUENCE_LSTM');
    expect(m.operatorCodes[lstm.opcodeIndex].version).toBe(1);
    for (const s of LSTM_WEIGHT_SLOTS)
      if (lstm.inputs[s] >= 0) expect(m.subgraphs[0].tensors[lstm.inputs[s]].type).toBe(TensorType.FLOAT32);
    expect(r.quantizedOps).toBe(1); // the 10x560 FULLY_CONNECTED
    expect(r.warnings.join('\n')).toMatch(/UNIDIRECTIONAL_SEQUENCE_LSTM #0 stays float: .*fewer than 1024/);
  });

  const r = quantizeDynamicRange(float, { minElements: 0 });
  const model = roundTrip(r.model);
  const sg = model.subgraphs[0];
  const lstm = sg.operators[0];

  it('weights int8 symmetric per tensor, each within half a step; biases and states untouched; v3 with asymmetric inputs', () => {
    expect(r.warnings).toEqual([]);
    expect(r.quantizedOps).toBe(2);
    expect(r.convertedTensors).toBe(9);
    const code = model.operatorCodes[lstm.opcodeIndex];
    expect(opName(code)).toBe('UNIDIRECTIONAL_SEQUENCE_LSTM');
    expect(code.version).toBe(3);
    expect((lstm.builtinOptions as { asymmetricQuantizeInputs: boolean }).asymmetricQuantizeInputs).toBe(
      true,
    );
    let checked = 0;
    for (const s of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const t = sg.tensors[lstm.inputs[s]];
      expect(t.type).toBe(TensorType.INT8);
      expect(t.quantization!.scale).toHaveLength(1);
      expect(Number(t.quantization!.zeroPoint[0])).toBe(0);
      const scale = t.quantization!.scale[0];
      const q = bufferAs(model.buffers[t.buffer].data, Int8Array);
      const f = bufferAs(float.buffers[fsg.tensors[flstm.inputs[s]].buffer].data, Float32Array);
      expect(q.length).toBe(f.length);
      let maxAbs = 0;
      let maxQ = 0;
      for (let i = 0; i < f.length; i++) {
        maxAbs = Math.max(maxAbs, Math.abs(f[i]));
        maxQ = Math.max(maxQ, Math.abs(q[i]));
        expect(Math.abs(q[i] * scale - f[i])).toBeLessThanOrEqual(scale / 2 + 1e-7);
        checked++;
      }
      expect(maxQ).toBe(127); // the full symmetric range is used
      expect(scale).toBeCloseTo(maxAbs / 127, 9);
    }
    expect(checked).toBe(4 * 560 + 4 * 400);
    for (const s of [12, 13, 14, 15]) {
      const t = sg.tensors[lstm.inputs[s]];
      expect(t.type).toBe(TensorType.FLOAT32);
      expect(Array.from(bufferAs(model.buffers[t.buffer].data, Float32Array))).toEqual(
        Array.from(bufferAs(float.buffers[fsg.tensors[flstm.inputs[s]].buffer].data, Float32Array)),
      );
    }
    for (const s of [18, 19]) {
      expect(sg.tensors[lstm.inputs[s]].type).toBe(TensorType.FLOAT32);
      expect(sg.tensors[lstm.inputs[s]].isVariable).toBe(true);
    }
    expect(lstmVersion(lstm, sg)).toBe(3);
    const size = writeTflite(r.model).length;
    const floatSize = writeTflite(float).length;
    // Measured 13,024 of 41,240 bytes (0.316): int8 LSTM and FC weights, float biases and tables.
    expect(size / floatSize).toBeLessThan(0.33);
  });

  it('runs on the hybrid LSTM kernel and stays close to the float model (measured on 64 images)', () => {
    const fi = Interpreter.create(float);
    const qi = Interpreter.create(model);
    let worstProb = 0;
    let worstHidden = 0;
    let sumHidden = 0;
    let n = 0;
    let agree = 0;
    const imgs = images(64);
    for (const img of imgs) {
      const runs = [fi, qi].map((it) => {
        it.reset();
        it.setInput(0, img);
        const rec = recordingObserver();
        it.invoke({ observer: rec.observer });
        return {
          hidden: Array.from(rec.records.find((x) => x.opIndex === 0)!.data as Float32Array),
          probs: Array.from(it.output(0).data as Float32Array),
        };
      });
      if (argmax(runs[0].probs) === argmax(runs[1].probs)) agree++;
      for (let i = 0; i < 10; i++)
        worstProb = Math.max(worstProb, Math.abs(runs[0].probs[i] - runs[1].probs[i]));
      for (let i = 0; i < runs[0].hidden.length; i++) {
        const d = Math.abs(runs[0].hidden[i] - runs[1].hidden[i]);
        worstHidden = Math.max(worstHidden, d);
        sumHidden += d;
        n++;
      }
    }
    // Measured with Fashion-MNIST: LSTM outputs (in [-1, 1], all 28 steps) worst 0.101, mean
    // 0.0041; probabilities worst 0.029; class agrees on 64/64 (199/200 over 200 images). The
    // same weights with symmetric input quantization give 0.100 / 0.0041 / 0.026: the error is
    // int8 weights and per-step int8 inputs fed back through 28 steps, not the asymmetric path.
    expect(worstHidden).toBeLessThan(0.15);
    expect(sumHidden / n).toBeLessThan(0.006);
    expect(worstProb).toBeLessThan(0.045);
    expect(agree).toBeGreaterThanOrEqual(63);
    expect(sumHidden).toBeGreaterThan(0); // the int8 path really ran
  });

  it('keep-float op:UNIDIRECTIONAL_SEQUENCE_LSTM keeps every LSTM weight float', () => {
    const k = quantizeDynamicRange(float, {
      minElements: 0,
      keepFloat: [parseKeepFloat('op:unidirectional_sequence_lstm')],
    });
    const op = k.model.subgraphs[0].operators[0];
    for (const s of [1, 2, 3, 4, 5, 6, 7, 8])
      expect(k.model.subgraphs[0].tensors[op.inputs[s]].type).toBe(TensorType.FLOAT32);
    expect(k.quantizedOps).toBe(1);
  });

  it.skipIf(!armnn)(
    'Arm NN (20.08 TfLiteParser) refuses UNIDIRECTIONAL_SEQUENCE_LSTM, float or hybrid',
    () => {
      const x = images(1)[0];
      expect(() => armnnOnModel(model, [x])).toThrow(ArmnnUnsupportedError);
      expect(() => armnnOnModel(model, [x])).toThrow(/UNIDIRECTIONAL_SEQUENCE_LSTM/);
      expect(() => armnnOnModel(float, [x])).toThrow(ArmnnUnsupportedError);
    },
  );
});

describe('lowbit quantize --technique dynamic --min-elements', () => {
  it('quantizes the LSTM below the default threshold; refuses bad values and other techniques', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lowbit-lstm-cli-'));
    try {
      const out = path.join(tmp, 'lstm_dynamic.tflite');
      const r = await lowbit(
        'quantize',
        modelPath('trained_lstm.tflite'),
        '--technique',
        'dynamic',
        '--min-elements',
        '0',
        '--out',
        out,
        '--json',
      );
      expect(r.code).toBe(0);
      const summary = JSON.parse(r.stdout);
      expect(summary.quantizedOps).toBe(2);
      expect(summary.warnings).toEqual([]);
      const m = readTflite(new Uint8Array(fs.readFileSync(out)));
      const op = m.subgraphs[0].operators[0];
      expect(m.operatorCodes[op.opcodeIndex].version).toBe(3);
      expect(m.subgraphs[0].tensors[op.inputs[2]].type).toBe(TensorType.INT8);
      const dflt = await lowbit(
        'quantize',
        modelPath('trained_lstm.tflite'),
        '--technique',
        'dynamic',
        '--out',
        out,
        '--json',
      );
      expect(JSON.parse(dflt.stdout).warnings.join('\n')).toMatch(
        /UNIDIRECTIONAL_SEQUENCE_LSTM #0 stays float/,
      );
      for (const bad of ['-1', '1.5', 'many'])
        expect(
          (
            await lowbit(
              'quantize',
              modelPath('trained_lstm.tflite'),
              '--technique',
              'dynamic',
              '--min-elements',
              bad,
              '--out',
              out,
            )
          ).code,
        ).toBe(1);
      expect(
        (
          await lowbit(
            'quantize',
            modelPath('trained_lstm.tflite'),
            '--technique',
            'float16',
            '--min-elements',
            '0',
            '--out',
            out,
          )
        ).code,
      ).toBe(1);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
