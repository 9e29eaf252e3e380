import { describe, expect, it } from 'vitest';
import { Interpreter } from '../interpreter';
import { readTflite } from '../tflite/reader';
import { writeTflite } from '../tflite/writer';
import { Network, type LayerConfig } from './network';
import { Prng } from './prng';
import { train } from './trainer';

const LAYERS: LayerConfig[] = [
  { type: 'conv2d', filters: 3, kernel: [3, 3], activation: 'relu' },
  { type: 'depthwise_conv2d', kernel: [2, 2], activation: 'relu' },
  { type: 'conv2d', filters: 4, kernel: [1, 1], activation: 'relu' },
  { type: 'max_pool2d', size: [2, 2] },
  { type: 'flatten' },
  { type: 'dense', units: 5 },
];

function sample(seed: number, n: number): Float32Array {
  const r = new Prng(seed);
  return Float32Array.from({ length: n }, () => r.next());
}

/** Cross-entropy of softmax(logits) computed independently of Network.accumulate. */
function loss(net: Network, x: Float32Array, label: number): number {
  const z = Array.from(net.forward(x));
  const m = Math.max(...z);
  const s = z.reduce((a, v) => a + Math.exp(v - m), 0);
  return -(z[label] - m - Math.log(s));
}

describe('Prng', () => {
  it('is a fixed sequence for a seed and differs between seeds', () => {
    const a = new Prng(1);
    const b = new Prng(1);
    const c = new Prng(2);
    const sa = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(sa);
    expect(Array.from({ length: 5 }, () => c.nextUint32())).not.toEqual(sa);
    const r = new Prng(7);
    const counts = new Array(4).fill(0);
    for (let i = 0; i < 40000; i++) counts[r.int(4)]++;
    for (const k of counts) expect(Math.abs(k - 10000)).toBeLessThan(400); // ~4 sigma
  });
});

describe('Network backward pass', () => {
  it('matches central finite differences on every parameter tensor', () => {
    const net = new Network([7, 7, 2], LAYERS, 11);
    // Positive biases keep the ReLUs away from their kink at 0 (with zero biases, a channel fed
    // by dead units sits exactly on it, where finite differences and the subgradient disagree).
    for (const l of net.layers) l.params[1]?.fill(0.1);
    const x = sample(3, 7 * 7 * 2);
    const label = 2;
    net.accumulate(x, label);
    const grads = net.grads.map((g) => g.slice());
    const params = net.params;
    let checked = 0;
    params.forEach((p, k) => {
      for (const i of [0, Math.floor(p.length / 2), p.length - 1]) {
        const orig = p[i];
        const h = 1e-3;
        p[i] = orig + h;
        const up = loss(net, x, label);
        p[i] = orig - h;
        const down = loss(net, x, label);
        p[i] = orig;
        // h = 1e-3: the float32 forward pass rounds at ~1e-7 relative, far below the tolerance
        const numeric = (up - down) / (2 * h);
        expect(Math.abs(grads[k][i] - numeric), `param ${k}[${i}]`).toBeLessThan(
          2e-3 + 0.02 * Math.abs(numeric),
        );
        checked++;
      }
    });
    expect(checked).toBe(params.length * 3);
    expect(grads.some((g) => g.some((v) => v !== 0))).toBe(true);
  });

  it('lowers the loss when trained on a small separable problem', () => {
    const net = new Network([7, 7, 2], LAYERS, 6);
    const count = 40;
    const inputs = new Float32Array(count * 98);
    const labels = new Uint8Array(count);
    for (let i = 0; i < count; i++) {
      labels[i] = i % 5;
      const s = sample(100 + i, 98);
      // Class k brightens row k: a pattern the convolutions can see.
      for (let x = 0; x < 14; x++) s[labels[i] * 14 + x] += 2;
      inputs.set(s, i * 98);
    }
    const stats = train(
      net,
      { inputs, labels, count },
      { epochs: 10, batchSize: 4, learningRate: 0.01, seed: 1 },
    );
    expect(stats[0].meanLoss).toBeGreaterThan(1.2);
    expect(stats[9].meanLoss).toBeLessThan(0.05);
    expect(stats[9].trainAccuracy).toBe(1);
  });

  it('exports a .tflite that the interpreter runs to the trainer’s own probabilities', () => {
    const net = new Network([7, 7, 2], LAYERS, 9);
    const x = sample(4, 98);
    const z = Array.from(net.forward(x));
    const m = Math.max(...z);
    const e = z.map((v) => Math.exp(v - m));
    const s = e.reduce((a, b) => a + b, 0);
    const interp = Interpreter.create(readTflite(writeTflite(net.toTflite())));
    expect(interp.inputs[0].shape).toEqual([1, 7, 7, 2]);
    expect(interp.opNames).toEqual([
      'CONV_2D',
      'DEPTHWISE_CONV_2D',
      'CONV_2D',
      'MAX_POOL_2D',
      'RESHAPE',
      'FULLY_CONNECTED',
      'SOFTMAX',
    ]);
    interp.setInput(0, x);
    interp.invoke();
    const out = interp.output(0).data as Float32Array;
    e.forEach((v, k) => expect(out[k]).toBeCloseTo(v / s, 5));
  });
});
