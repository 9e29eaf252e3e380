/**
 * Test helper for TFLM's conformance cases (../shared/conformance/tflm-seanet/<op>/): each case
 * is <name>.tflite, <name>_input0_int16.csv and <name>_golden_int16.csv. runConformanceCase is
 * pure (the caller hands over the files' contents); describeConformance reads them.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readTflite } from '../../main/engine/tflite/reader';
import type { Kernel } from '../../main/engine/interpreter/types';
import { sharedPath } from './shared';
import { prepareSingleOp } from './single-op';

export function parseCsvInts(text: string): number[] {
  return text
    .split(/[,\s]+/)
    .filter((s) => s.length > 0)
    .map((s) => {
      const v = Number(s);
      if (!Number.isInteger(v)) throw new Error(`not an integer in CSV: ${s}`);
      return v;
    });
}

export interface ConformanceResult {
  maxAbsDiff: number;
  count: number;
  outputShape: number[];
}

/** Runs the case and returns the largest |output - golden| over all elements. */
export function runConformanceCase(
  modelBytes: Uint8Array,
  inputCsv: string,
  goldenCsv: string,
  kernel: Kernel,
): ConformanceResult {
  const model = readTflite(modelBytes);
  const run = prepareSingleOp(model, kernel);
  const input = run.inputs[0];
  const values = parseCsvInts(inputCsv);
  if (values.length !== input.data.length)
    throw new Error(`input has ${values.length} values, tensor needs ${input.data.length}`);
  (input.data as Int16Array).set(values);
  run.invoke();
  const golden = parseCsvInts(goldenCsv);
  const out = run.outputs[0].data as Int16Array;
  if (golden.length !== out.length)
    throw new Error(`golden has ${golden.length} values, output has ${out.length}`);
  let maxAbsDiff = 0;
  for (let i = 0; i < out.length; i++) maxAbsDiff = Math.max(maxAbsDiff, Math.abs(out[i] - golden[i]));
  return { maxAbsDiff, count: out.length, outputShape: run.outputs[0].shape };
}

/**
 * One kernel's conformance cases in tflm-seanet/<folder> as tests: at least `minCases` of them,
 * and in each every int16 output element within ±1 of the golden.
 */
export function describeConformance(folder: string, kernel: Kernel, minCases: number): void {
  describe(`TFLM conformance (tflm-seanet/${folder}, int16, every element within ±1)`, () => {
    const dir = sharedPath('conformance', 'tflm-seanet', folder);
    const cases = fs.existsSync(dir)
      ? fs
          .readdirSync(dir)
          .filter((f) => f.endsWith('.tflite'))
          .map((f) => f.replace(/\.tflite$/, ''))
          .sort()
      : [];
    it('has the cases', () => expect(cases.length).toBeGreaterThanOrEqual(minCases));
    for (const name of cases) {
      it(name, () => {
        const res = runConformanceCase(
          fs.readFileSync(`${dir}/${name}.tflite`),
          fs.readFileSync(`${dir}/${name}_input0_int16.csv`, 'utf8'),
          fs.readFileSync(`${dir}/${name}_golden_int16.csv`, 'utf8'),
          kernel,
        );
        expect(res.count).toBeGreaterThan(0);
        expect(res.maxAbsDiff).toBeLessThanOrEqual(1);
      });
    }
  });
}
