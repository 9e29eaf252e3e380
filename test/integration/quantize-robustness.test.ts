// Issue 4: every optimizer over every shared model (the TFLM models and the 16x8 conformance
// cases): a domain error or a valid result, never a crash; every int8/16x8 result lint-clean.
import { describe, expect, it } from 'vitest';
import { LowbitError } from '../../main/engine/errors';
import { Interpreter } from '../../main/engine/interpreter/index';
import { dequantizeModel } from '../../main/engine/optimize/dequantize';
import { quantizeDynamicRange } from '../../main/engine/optimize/dynamic-range';
import { quantizeFloat16 } from '../../main/engine/optimize/float16';
import { quantizeFullInteger } from '../../main/engine/optimize/full-integer';
import { lintQuantization } from '../../main/engine/optimize/spec-lint';
import { TensorType, type TflModel } from '../../main/engine/tflite/model';
import { readTflite } from '../../main/engine/tflite/reader';
import { writeTflite } from '../../main/engine/tflite/writer';
import { readBytes, sharedModelPaths } from '../support/shared';

/** Runs fn; a LowbitError is an acceptable outcome (returned), anything else fails the test. */
async function domain<T>(what: string, fn: () => T | Promise<T>): Promise<T | LowbitError> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof LowbitError) return e;
    throw new Error(`${what}: ${(e as Error).stack}`, { cause: e });
  }
}

function samplesFor(m: TflModel, n: number): Float32Array[][] {
  const sg = m.subgraphs[0];
  let seed = 7;
  const rnd = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  return Array.from({ length: n }, () =>
    sg.inputs.map((i) => Float32Array.from({ length: sg.tensors[i].shape.reduce((a, b) => a * b, 1) }, rnd)),
  );
}

describe('optimizers on every shared model', () => {
  const paths = sharedModelPaths().filter((p) => !p.includes('mobilenet_v2')); // covered elsewhere (slow)
  it(`dequantize, float16, dynamic, int8 and 16x8 on ${paths.length} models`, async () => {
    const outcomes: Record<string, number> = {};
    const count = (k: string) => (outcomes[k] = (outcomes[k] ?? 0) + 1);
    for (const p of paths) {
      const name = p.split('/').pop()!;
      const model = readTflite(readBytes(p));
      const deq = await domain(`${name} dequantize`, () => dequantizeModel(model));
      if (deq instanceof LowbitError) {
        count(`dequantize:${deq.code}`);
        continue;
      }
      const float = readTflite(writeTflite(deq.model));
      for (const [tech, run] of [
        ['float16', () => quantizeFloat16(float).model],
        ['dynamic', () => quantizeDynamicRange(float).model],
        ['int8', async () => (await quantizeFullInteger(float, samplesFor(float, 2))).model],
        [
          'int16x8',
          async () =>
            (await quantizeFullInteger(float, samplesFor(float, 2), { activations: 'int16' })).model,
        ],
      ] as const) {
        const r = await domain(`${name} ${tech}`, run);
        if (r instanceof LowbitError) {
          count(`${tech}:${r.code}`);
          continue;
        }
        count(`${tech}:ok`);
        const back = readTflite(writeTflite(r));
        if (tech === 'int8' || tech === 'int16x8')
          expect(lintQuantization(back), `${name} ${tech}`).toEqual([]);
        // The result runs in Lowbit's interpreter (or is refused up front with a domain error).
        // Models fed integer data (TRANSPOSE_CONV's output_shape) need real values, not noise.
        if (
          float.subgraphs[0].inputs.some((i) => float.subgraphs[0].tensors[i].type !== TensorType.FLOAT32)
        ) {
          count(`${tech} run:skipped (integer model input)`);
          continue;
        }
        const ran = await domain(`${name} ${tech} run`, () => {
          const interp = Interpreter.create(back);
          samplesFor(float, 1)[0].forEach((x, i) =>
            interp.setInput(i, interp.inputs[i].dtype === 'float32' ? x : new Array(x.length).fill(0)),
          );
          interp.invoke();
          return true;
        });
        count(`${tech} run:${ran instanceof LowbitError ? ran.code : 'ok'}`);
      }
    }
    console.log(JSON.stringify(outcomes));
    // Most of them go through; the rest fail with a domain error (e.g. an op the float
    // interpreter lacks during calibration).
    expect(outcomes['int8:ok']).toBeGreaterThan(paths.length / 2);
    expect(outcomes['int8 run:ok']).toBe(outcomes['int8:ok']);
    for (const k of Object.keys(outcomes)) if (k.includes(' run:')) expect(k).toMatch(/ run:(ok|skipped)/);
    expect(outcomes['float16:ok']).toBe(
      paths.length -
        Object.entries(outcomes)
          .filter(([k]) => k.startsWith('dequantize:'))
          .reduce((a, [, v]) => a + v, 0),
    );
  });
});
