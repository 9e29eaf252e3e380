/**
 * The integer FULLY_CONNECTED loops (nonzero input entries packed once per row, float32-held
 * weights, four units per pass) against the plain per-unit dot product they replaced, bit for
 * bit: int8 (per-tensor and per-channel), uint8 with a weight zero point, 16x8 with int64 and
 * int32 biases, sparse and dense inputs, unit counts that are and are not multiples of four.
 */
import { describe, it } from 'vitest';
import { activationRangeQuantized, mbqm, mbqm64, quantizeMultiplier } from '../../quant/math';
import { runKernel } from '../../../../test/support/kernel-runner';
import { fcDots, kernel as fullyConnected, nonzeroEntries } from './fully_connected';

let seed = 31337;
const rnd = () => (seed = (seed * 1664525 + 1013904223) % 4294967296) / 4294967296;
const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));

describe('integer FULLY_CONNECTED equals the per-unit dot product', () => {
  it('nonzeroEntries + fcDots equal plain dot products', () => {
    for (let k = 0; k < 500; k++) {
      const depth = int(1, 40);
      const units = int(1, 11);
      const offset = int(-128, 128);
      const x = Int16Array.from({ length: depth + 3 }, () => (rnd() < 0.5 ? -offset : int(-200, 200)));
      const w = Float32Array.from({ length: units * depth }, () => int(-255, 255));
      const idx = new Int32Array(depth);
      const val = new Float32Array(depth);
      const acc = new Float64Array(units);
      const n = nonzeroEntries(x, 3, depth, offset, idx, val);
      fcDots(w, depth, units, idx, val, n, acc);
      for (let u = 0; u < units; u++) {
        let want = 0;
        for (let d = 0; d < depth; d++) want += w[u * depth + d] * (x[3 + d] + offset);
        if (acc[u] !== want) throw new Error(`case ${k} unit ${u}: ${acc[u]} != ${want}`);
      }
    }
  });

  it('the kernel on random int8, uint8 and 16x8 layers', () => {
    for (let k = 0; k < 300; k++) {
      const kind = (['int8', 'uint8', 'int16'] as const)[k % 3];
      const batches = int(1, 3);
      const depth = int(1, 64);
      const units = int(1, 13);
      const [qmin, qmax] = kind === 'int8' ? [-128, 127] : kind === 'uint8' ? [0, 255] : [-32768, 32767];
      const inZp = kind === 'int16' ? 0 : int(qmin, qmax);
      const outZp = kind === 'int16' ? 0 : int(qmin, qmax);
      const wZp = kind === 'uint8' ? int(0, 255) : 0;
      const inScale = 0.01 + rnd() / 10;
      const outScale = 0.5 + rnd() * 4;
      const perChannel = kind !== 'uint8' && k % 2 === 0;
      const wScales = Array.from({ length: perChannel ? units : 1 }, () => 0.001 + rnd() / 20);
      const x = Array.from({ length: batches * depth }, () => (rnd() < 0.6 ? inZp : int(qmin, qmax)));
      const w = Array.from({ length: units * depth }, () =>
        kind === 'uint8' ? int(0, 255) : int(-127, 127),
      );
      const biasDtype = kind === 'int16' ? (k % 2 ? 'int64' : 'int32') : 'int32';
      const bias = k % 5 === 4 ? null : Array.from({ length: units }, () => int(-50000, 50000));
      const activation = k % 4 === 0 ? 1 : 0;
      const wdt = kind === 'uint8' ? 'uint8' : 'int8';
      const o = runKernel(fullyConnected, {
        op: 'FULLY_CONNECTED',
        options: { fusedActivationFunction: activation },
        inputs: [
          {
            dtype: kind,
            shape: [batches, depth],
            data: x,
            quant: { scale: [inScale], zeroPoint: [inZp], axis: 0 },
          },
          {
            dtype: wdt,
            shape: [units, depth],
            data: w,
            quant: { scale: wScales, zeroPoint: wScales.map(() => wZp), axis: 0 },
          },
          bias
            ? {
                dtype: biasDtype,
                shape: [units],
                data: biasDtype === 'int64' ? BigInt64Array.from(bias, BigInt) : bias,
                quant: { scale: [1], zeroPoint: [0], axis: 0 },
              }
            : null,
        ],
        outputs: [
          { dtype: kind, shape: [batches, units], quant: { scale: [outScale], zeroPoint: [outZp], axis: 0 } },
        ],
      }).outputs[0].data;
      const wide = kind === 'int16' && (bias === null || biasDtype === 'int64');
      const [lo, hi] = activationRangeQuantized(activation, outScale, outZp, kind);
      for (let b = 0; b < batches; b++)
        for (let u = 0; u < units; u++) {
          let acc = 0;
          for (let d = 0; d < depth; d++) acc += (w[u * depth + d] - wZp) * (x[b * depth + d] - inZp);
          if (bias) acc += bias[u];
          const m = quantizeMultiplier((inScale * wScales[perChannel ? u : 0]) / outScale);
          let v = wide ? mbqm64(acc, m.multiplier, m.shift) : mbqm(acc | 0, m.multiplier, m.shift);
          v += outZp;
          v = v < lo ? lo : v > hi ? hi : v;
          if (o[b * units + u] !== v)
            throw new Error(`case ${k} (${kind}) [${b},${u}]: ${o[b * units + u]} != ${v}`);
        }
    }
  });
});
