/**
 * Deterministic synthetic inputs for when the user gives no data: uniform 0..1 values from a fixed
 * seed, enough to measure latency and a rough agreement between two models (never accuracy).
 */
import type { TflModel } from '../tflite/model';
import type { SampleSet } from './evaluate';

export function syntheticSamples(model: TflModel, count: number): SampleSet {
  const sg = model.subgraphs[0]!;
  const sizes = sg.inputs.map((t) => sg.tensors[t]!.shape.reduce((a, b) => a * Math.max(1, b), 1));
  return {
    length: count,
    get: (i) => {
      let x = (i + 1) * 2654435761;
      return {
        inputs: sizes.map((n) => {
          const a = new Float32Array(n);
          for (let k = 0; k < n; k++) {
            // 32-bit LCG (Numerical Recipes constants); Math.imul keeps it exact in int32.
            x = (Math.imul(x, 1664525) + 1013904223) | 0;
            a[k] = (x >>> 8) / 2 ** 24;
          }
          return a;
        }),
      };
    },
  };
}
