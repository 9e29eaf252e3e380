// Issue 4: the quantization debugger's numbers, recomputed independently from recorded
// activations, and its behaviour on int8 vs 16x8 models of person_detect.
import { beforeAll, describe, expect, it } from 'vitest';
import { Interpreter, recordingObserver } from '../../main/engine/interpreter/index';
import type { ModelInputs as Sample } from '../../main/engine/tensor/model-inputs';
import { debugQuantization } from '../../main/engine/optimize/debugger';
import { quantizeFullInteger } from '../../main/engine/optimize/full-integer';
import type { TflModel } from '../../main/engine/tflite/model';
import { floatVersion, personFloat, personInt8, personVariants } from '../support/quantize-helpers';

let float: TflModel;
let int8: TflModel;
let int16: TflModel;
let samples: Sample[];

beforeAll(async () => {
  float = floatVersion('person_detect.tflite');
  samples = personVariants(personInt8('person'))
    .slice(0, 3)
    .map((v) => [personFloat(v)]);
  int8 = (await quantizeFullInteger(float, samples)).model;
  int16 = (await quantizeFullInteger(float, samples, { activations: 'int16' })).model;
});

describe('debugQuantization', () => {
  it('SQNR, cosine, MSE and max error match a direct computation over recorded activations', async () => {
    const report = await debugQuantization(float, int8, samples);
    expect(report.samples).toBe(3);
    expect(report.unmatched).toEqual([]);
    // 31 operator outputs plus the model input's QUANTIZE output.
    expect(report.layers.length).toBe(32);
    expect(report.layers[0].name).toBe('input_quantized');
    // Recompute three layers (first conv, a middle depthwise, the softmax) by hand.
    const picks = [report.layers[1], report.layers[15], report.layers[report.layers.length - 1]];
    for (const layer of picks) {
      let sig = 0;
      let noise = 0;
      let dot = 0;
      let q2 = 0;
      let maxErr = 0;
      let n = 0;
      for (const [x] of samples) {
        const f = Interpreter.create(float);
        const fr = recordingObserver();
        f.setInput(0, x);
        f.invoke({ observer: fr.observer });
        const q = Interpreter.create(int8);
        const qr = recordingObserver();
        q.setInput(0, x);
        q.invoke({ observer: qr.observer });
        const fv = fr.records.find((r) => r.name === layer.name)!.data as Float32Array;
        const rec = qr.records.find((r) => r.name === layer.name)!;
        const s = rec.quant!.scale[0];
        const zp = rec.quant!.zeroPoint[0];
        (rec.data as Int8Array).forEach((v, k) => {
          const y = (v - zp) * s;
          const e = y - fv[k];
          sig += fv[k] ** 2;
          noise += e * e;
          dot += fv[k] * y;
          q2 += y * y;
          maxErr = Math.max(maxErr, Math.abs(e));
          n++;
        });
      }
      expect(layer.sqnrDb).toBeCloseTo(10 * Math.log10(sig / noise), 9);
      expect(layer.cosine).toBeCloseTo(dot / Math.sqrt(sig * q2), 12);
      expect(layer.mse).toBeCloseTo(noise / n, 15);
      expect(layer.maxAbsError).toBeCloseTo(maxErr, 12);
      expect(layer.elements * samples.length).toBe(n);
    }
    // Calibrated on these very samples: nothing clips, every layer is far above 15 dB.
    expect(report.worst).toEqual([]);
    // Rounding the zero point shifts the int8 grid by up to half a step, so the representable
    // range may miss the calibrated one by that much at one end.
    for (const l of report.layers) {
      const halfStep = (l.quantRange.max - l.quantRange.min) / 255 / 2 + 1e-7;
      expect(l.floatRange.min).toBeGreaterThanOrEqual(l.quantRange.min - halfStep);
      expect(l.floatRange.max).toBeLessThanOrEqual(l.quantRange.max + halfStep);
    }
  });

  it('16x8 layers are much closer to float than int8 ones (about 48 dB more per 8 extra bits)', async () => {
    const a = await debugQuantization(float, int8, samples);
    const b = await debugQuantization(float, int16, samples);
    const mean = (r: typeof a) =>
      r.layers.filter((l) => Number.isFinite(l.sqnrDb)).reduce((s, l) => s + l.sqnrDb, 0) / r.layers.length;
    console.log(`mean SQNR: int8 ${mean(a).toFixed(1)} dB, 16x8 ${mean(b).toFixed(1)} dB`);
    expect(b.layers.length).toBe(a.layers.length);
    expect(mean(b) - mean(a)).toBeGreaterThan(30);
  });

  it('flags a layer whose range is clipped, with a remedy, and reports progress', async () => {
    // Calibrating on one dark image: brighter inputs exceed the calibrated ranges.
    const dark: Sample[] = [[samples[0][0].map((v) => v * 0.2)]];
    const bad = (await quantizeFullInteger(float, dark)).model;
    const progress: number[] = [];
    const r = await debugQuantization(float, bad, samples, { onProgress: (d) => progress.push(d) });
    expect(progress).toEqual([1, 2, 3]);
    expect(r.worst.length).toBeGreaterThan(0);
    expect(r.worst[0].sqnrDb).toBeLessThan(15);
    expect(r.worst.every((l) => l.flagged && l.remedy)).toBe(true);
    expect(r.worst.map((l) => l.remedy).join('\n')).toMatch(/outside the calibrated range/);
  });
});
