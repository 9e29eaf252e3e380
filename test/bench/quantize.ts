/**
 * Quantization benchmark (issue 4), separate from `npm run bench`:
 *   npx tsx test/bench/quantize.ts [--samples N] [--runs R] [--model mobilenet_v2|person_detect]
 *
 * On the dequantized model (default mobilenet_v2, as the issue asks):
 *  - float16 and dynamic range: time to read the file, quantize, serialise and write it, against
 *    reading and writing the same file unchanged (goal ≤ 1.5x);
 *  - int8 calibration over N samples (default 100) against N plain float inferences
 *    (goal ≤ 1.3x), and the whole int8 quantization (calibration + rewrite) for reference.
 * Medians over R runs (default 5) for the file-level timings. Prints a table and writes
 * bench-output/quantize.json. Not a test: timings depend on the machine.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Interpreter } from '../../main/engine/interpreter/index';
import { calibrate } from '../../main/engine/optimize/calibrate/index';
import type { ModelInputs as Sample } from '../../main/engine/tensor/model-inputs';
import { dequantizeModel } from '../../main/engine/optimize/dequantize';
import { quantizeDynamicRange } from '../../main/engine/optimize/dynamic-range';
import { quantizeFloat16 } from '../../main/engine/optimize/float16';
import { quantizeFullInteger } from '../../main/engine/optimize/full-integer';
import type { TflModel } from '../../main/engine/tflite/model';
import { readTflite } from '../../main/engine/tflite/reader';
import { writeTflite } from '../../main/engine/tflite/writer';
import { ROOT, sharedPath } from '../support/shared';

const args = process.argv.slice(2);
const arg = (name: string, def: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const SAMPLES = Number(arg('samples', '100'));
const RUNS = Number(arg('runs', '5'));
const MODEL = arg('model', 'mobilenet_v2');
const FILES: Record<string, string> = {
  mobilenet_v2: 'mobilenet_v2_quantized_1x3x224x224.tflite',
  person_detect: 'person_detect.tflite',
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Read the file, transform, write the result; median over RUNS. The variants run round-robin
 * within each run, so a change in machine load affects them alike.
 */
function timeFiles(src: string, dst: string, transforms: ((m: TflModel) => TflModel)[]): number[] {
  const times = transforms.map(() => [] as number[]);
  for (let r = 0; r < RUNS; r++) {
    transforms.forEach((transform, k) => {
      const t0 = performance.now();
      const m = readTflite(new Uint8Array(fs.readFileSync(src)));
      fs.writeFileSync(dst, writeTflite(transform(m)));
      times[k].push(performance.now() - t0);
    });
  }
  return times.map(median);
}

/** Deterministic inputs spread over the model input's expected range. */
function makeSamples(model: TflModel, n: number): Sample[] {
  const sg = model.subgraphs[0];
  const size = sg.tensors[sg.inputs[0]].shape.reduce((a, b) => a * b, 1);
  return Array.from({ length: n }, (_v, s) => [
    Float32Array.from(
      { length: size },
      (_w, i) => 2 * Math.sin((i + 1) * 0.0007 * (s + 1)) * Math.cos(i * 0.013 + s),
    ),
  ]);
}

async function main(): Promise<void> {
  const file = FILES[MODEL];
  if (!file) throw new Error(`--model must be one of ${Object.keys(FILES).join(', ')}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lowbit-qbench-'));
  try {
    const float = dequantizeModel(
      readTflite(new Uint8Array(fs.readFileSync(sharedPath('models', 'tflite-micro', file)))),
    ).model;
    const src = path.join(dir, 'float.tflite');
    fs.writeFileSync(src, writeTflite(float));
    const out = path.join(dir, 'out.tflite');
    const [rw, f16, dyn] = timeFiles(src, out, [
      (m) => m,
      (m) => quantizeFloat16(m).model,
      (m) => quantizeDynamicRange(m).model,
    ]);

    // Calibration vs plain inference, interleaved in chunks of 10 samples (calibrate() builds its
    // own interpreter per call, a cost included here) so load changes hit both sides alike.
    const samples = makeSamples(float, SAMPLES);
    const interp = Interpreter.create(float);
    interp.setInput(0, samples[0][0]);
    interp.invoke(); // warm-up
    let plain = 0;
    let cal = 0;
    const target = { qmin: -128, qmax: 127, symmetric: false };
    for (let i = 0; i < samples.length; i += 10) {
      const chunk = samples.slice(i, i + 10);
      let t0 = performance.now();
      for (const s of chunk) {
        interp.setInput(0, s[0]);
        interp.invoke();
      }
      plain += performance.now() - t0;
      t0 = performance.now();
      await calibrate(float, chunk, { target });
      cal += performance.now() - t0;
    }
    const t0 = performance.now();
    await quantizeFullInteger(float, samples.slice(0, Math.min(10, SAMPLES)));
    const full = performance.now() - t0;
    const fullPlain = (plain * Math.min(10, SAMPLES)) / SAMPLES;

    const rows = [
      { what: 'read + write (baseline)', ms: rw, ratio: 1, goal: '' },
      { what: 'float16 (read, quantize, write)', ms: f16, ratio: f16 / rw, goal: '≤ 1.5' },
      { what: 'dynamic (read, quantize, write)', ms: dyn, ratio: dyn / rw, goal: '≤ 1.5' },
      { what: `${SAMPLES} plain float inferences`, ms: plain, ratio: 1, goal: '' },
      { what: `int8 calibration, ${SAMPLES} samples`, ms: cal, ratio: cal / plain, goal: '≤ 1.3' },
      {
        what: `int8 quantization, ${Math.min(10, SAMPLES)} samples (calibration + rewrite)`,
        ms: full,
        ratio: full / fullPlain,
        goal: '',
      },
    ];
    console.log(
      `quantization benchmark on dequantized ${MODEL} (${fs.statSync(src).size} bytes), ${RUNS} runs, ${SAMPLES} samples`,
    );
    for (const r of rows)
      console.log(
        `  ${r.what.padEnd(44)} ${r.ms.toFixed(0).padStart(9)} ms  ${r.ratio.toFixed(2).padStart(6)}x ${r.goal}`,
      );
    const outDir = path.join(ROOT, 'bench-output');
    fs.mkdirSync(outDir, { recursive: true });
    fs.writeFileSync(
      path.join(outDir, 'quantize.json'),
      JSON.stringify({ model: MODEL, runs: RUNS, samples: SAMPLES, rows }, null, 2),
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
