/**
 * ONNX benchmark (issue 13), separate from `npm run bench`: `npm run bench:onnx [-- --runs R]`.
 *
 * Read throughput: for each model, the time to read its file from disk (the baseline, page cache
 * warm), to read and check it with readOnnx (wire check, decode, graph checks), and to do that
 * and decode every initializer with tensorValues, each in MB/s of file and as a multiple of the
 * disk read. Conversion time: readOnnx then convertOnnxToTflite (float32, NCHW I/O), and the
 * conversion alone on a model already read, with the TFLite file's size. Models: the committed PyTorch Fashion CNN and, when `npm run fixtures:onnx` has made
 * them, MobileNetV2 and ResNet-18. Medians over R runs (default 7). Prints a table and writes
 * bench-output/onnx.json. Not a test: timings depend on the machine.
 *
 * Adding a measurement (conversion time, say): a function over the loaded models that returns
 * rows for ROWS, and its figures in the JSON under its own key.
 */
import fs from 'node:fs';
import path from 'node:path';
import { convertOnnxToTflite } from '../../main/engine/convert/index';
import { readOnnx } from '../../main/engine/onnx/reader';
import { writeTflite } from '../../main/engine/tflite/writer';
import { tensorValues } from '../../main/engine/onnx/tensor-data';
import { ROOT } from '../support/shared';

const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const RUNS = runsAt >= 0 ? Number(args[runsAt + 1]) : 7;

const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'onnx');
const BENCH_MODELS: Record<string, string> = {
  'fashion-cnn': path.join(FIXTURES, 'fashion-cnn.onnx'),
  mobilenet_v2: path.join(FIXTURES, 'generated', 'mobilenet_v2.onnx'),
  resnet18: path.join(FIXTURES, 'generated', 'resnet18.onnx'),
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Median milliseconds of `run` over RUNS, after one warm-up. */
function time(run: () => void): number {
  run();
  const ms: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    run();
    ms.push(performance.now() - t0);
  }
  return median(ms);
}

interface ReadFigures {
  bytes: number;
  diskMs: number;
  readMs: number;
  readAndDecodeMs: number;
}

function readThroughput(file: string): ReadFigures {
  const bytes = fs.statSync(file).size;
  const diskMs = time(() => fs.readFileSync(file));
  const readMs = time(() => readOnnx(fs.readFileSync(file), file));
  const readAndDecodeMs = time(() => {
    const model = readOnnx(fs.readFileSync(file), file);
    for (const t of model.initializers.values()) tensorValues(t, model);
  });
  return { bytes, diskMs, readMs, readAndDecodeMs };
}

const mbps = (bytes: number, ms: number) => bytes / 1e6 / (ms / 1000);

const present = Object.entries(BENCH_MODELS).filter(([, file]) => fs.existsSync(file));
const missing = Object.keys(BENCH_MODELS).filter((name) => !present.some(([n]) => n === name));
if (missing.length > 0) console.log(`not found (run npm run fixtures:onnx): ${missing.join(', ')}`);

const read: Record<string, ReadFigures> = {};
for (const [name, file] of present) read[name] = readThroughput(file);

const ROWS: string[][] = [
  ['model', 'MB', 'disk MB/s', 'readOnnx MB/s', '+ decode MB/s', 'read × disk', '+ decode × disk'],
];
for (const [name, f] of Object.entries(read)) {
  ROWS.push([
    name,
    (f.bytes / 1e6).toFixed(1),
    mbps(f.bytes, f.diskMs).toFixed(0),
    mbps(f.bytes, f.readMs).toFixed(0),
    mbps(f.bytes, f.readAndDecodeMs).toFixed(0),
    (f.readMs / f.diskMs).toFixed(2),
    (f.readAndDecodeMs / f.diskMs).toFixed(2),
  ]);
}
interface ConvertFigures {
  /** readOnnx + convertOnnxToTflite + writeTflite, from the file's bytes in memory. */
  readConvertWriteMs: number;
  /** convertOnnxToTflite alone, on a model already read. */
  convertMs: number;
  tfliteBytes: number;
  tfliteOps: number;
}

function conversionTime(file: string): ConvertFigures {
  const bytes = fs.readFileSync(file);
  const model = readOnnx(bytes, file);
  const convertMs = time(() => convertOnnxToTflite(model));
  let tfliteBytes = 0;
  const readConvertWriteMs = time(() => {
    tfliteBytes = writeTflite(convertOnnxToTflite(readOnnx(bytes, file)).model).length;
  });
  const tfliteOps = convertOnnxToTflite(model).model.subgraphs[0]!.operators.length;
  return { readConvertWriteMs, convertMs, tfliteBytes, tfliteOps };
}

const convert: Record<string, ConvertFigures> = {};
for (const [name, file] of present) convert[name] = conversionTime(file);
const CONVERT_ROWS: string[][] = [
  ['model', 'convert ms', 'read+convert+write ms', 'TFLite MB', 'TFLite ops'],
];
for (const [name, f] of Object.entries(convert))
  CONVERT_ROWS.push([
    name,
    f.convertMs.toFixed(0),
    f.readConvertWriteMs.toFixed(0),
    (f.tfliteBytes / 1e6).toFixed(1),
    String(f.tfliteOps),
  ]);

function printTable(rows: string[][]): void {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const r of rows)
    console.log(
      r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '),
    );
}
printTable(ROWS);
console.log('');
printTable(CONVERT_ROWS);

const outDir = path.join(ROOT, 'bench-output');
fs.mkdirSync(outDir, { recursive: true });
fs.writeFileSync(
  path.join(outDir, 'onnx.json'),
  JSON.stringify({ runs: RUNS, read, convert }, null, 2) + '\n',
);
console.log(`median of ${RUNS} runs; bench-output/onnx.json`);
