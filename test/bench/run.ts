/**
 * `npm run bench`: milliseconds per inference of Lowbit's interpreter against Arm NN's CpuRef
 * backend (an independent reference runtime) and LiteRT, on hello_world, person_detect and
 * mobilenet_v2 from ../shared and the bundled demo models (assets/demo): the int8 models as
 * shipped, float32 (the demo models, the others' dequantized twins), and int8 with float I/O made
 * from the float models by Lowbit's own quantizer (`--io float`). Not a test: it prints a table
 * and writes bench-output/bench.json. LiteRT's own runtime (@litertjs/core, XNNPACK in
 * WebAssembly, in Chromium through Playwright; float32 inputs only) is timed in the same run for
 * the float-I/O models. Goals (issue 16, one column): float32 and int8 float-I/O within 3x of
 * LiteRT, int8 faster than float32 in Lowbit, at least 10x faster than Arm NN CpuRef on every
 * model. Also the peak memory (maxRSS) of `lowbit run` on MobileNetV2 int8, in a child process
 * (peak-memory.ts).
 *
 * How each runtime is timed, alike so that sub-microsecond models (hello_world) compare fairly:
 *  - One inference is the same work on each side: the caller's input values copied in, the model
 *    run, the outputs copied out to the caller. Lowbit: setInput for every input, invoke, output
 *    for every output (a fresh copy each). Arm NN: one EnqueueWorkload with input and output
 *    tensors bound once to the caller's buffers (it copies the inputs in and the outputs out).
 *    LiteRT: model.run on input tensors made once (its outputs are new tensors, freed).
 *  - Each runtime is called from its own language: Lowbit from TypeScript in this process, Arm NN
 *    from C++ (armnn-bench.cpp, compiled here with g++ when Arm NN's headers are installed:
 *    Debian libarmnn-dev libarmnntfliteparser-dev), LiteRT from JavaScript in the page. Arm NN's
 *    Python binding (armnn-bench.py, pyarmnn) adds its own per-call cost, converting the input
 *    and output lists on every EnqueueWorkload: about a microsecond or more, a large share of
 *    hello_world's few microseconds. It is the fallback when the C++ timer cannot be built (the
 *    table's header says which was used); for models under 0.1 ms the pyarmnn figure is also
 *    given in the notes when both are available. `--armnn python` forces the Python timer.
 *  - Warm-up of at least one inference and up to ~300 ms; then `--runs` timed samples (default
 *    10), each a batch of inferences lasting at least 2 ms (one inference for big models), so a
 *    microsecond model is not timed at the timer's resolution; the figure is the median sample.
 *
 * usage: npm run bench [-- --runs N] [-- --only part-of-a-model-name] [-- --armnn python]
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import zlib from 'node:zlib';
import os from 'node:os';
import path from 'node:path';
import { Interpreter } from '../../main/engine/interpreter/index';
import type { TypedArray } from '../../main/engine/tensor/dtype';
import { dequantizeModel } from '../../main/engine/optimize/dequantize';
import { quantizeFullInteger } from '../../main/engine/optimize/full-integer';
import type { ModelInputs } from '../../main/engine/tensor/model-inputs';
import type { TflModel } from '../../main/engine/tflite/model';
import { readTflite } from '../../main/engine/tflite/reader';
import { writeTflite } from '../../main/engine/tflite/writer';
import { ROOT, sharedPath } from '../support/shared';
import { startLiteRt, type LiteRtSession } from './litert';
import { peakMemoryOfRun, type PeakMemory } from './peak-memory';

interface Row {
  /** The model family (hello_world, demo fashion_cnn, person_detect, ...), for the per-model checks. */
  family: string;
  /** 'int8' (the model as shipped, integer I/O), 'float32' (float or float twin), 'int8 float-I/O'. */
  kind: 'int8' | 'float32' | 'int8 float-I/O';
  model: string;
  dtype: string;
  lowbitMs: number | null;
  armnnMs: number | null;
  litertMs: number | null;
  note: string;
}

interface Case {
  family: string;
  kind: Row['kind'];
  file: string;
  /** Dequantize the shipped int8 model first (its float twin). */
  twin?: boolean;
}

/** Calibration samples for the int8 float-I/O rows: 8 Fashion-MNIST images (pixel / 255) for the demo models, else 4 fixed pseudo-random inputs. */
function calibrationSamples(c: Case, model: TflModel): ModelInputs[] {
  const sg = model.subgraphs[0];
  const sizes = sg.inputs.map((i) => sg.tensors[i].shape.reduce((a, b) => a * b, 1));
  if (c.family.startsWith('demo')) {
    const gz = path.join(ROOT, 'assets', 'demo', 'fashion-mnist', 'calibration-images-idx3-ubyte.gz');
    const idx = zlib.gunzipSync(fs.readFileSync(gz));
    return Array.from({ length: 8 }, (_v, k) => [
      Float32Array.from(idx.subarray(16 + k * 784, 16 + (k + 1) * 784), (p) => p / 255),
    ]);
  }
  return Array.from({ length: 4 }, (_v, k) =>
    sizes.map((n, i) => fixedInput('float32', n, 1000 + 10 * k + i) as Float32Array),
  );
}

const args = process.argv.slice(2);
const runsArg = args.indexOf('--runs');
const RUNS = runsArg >= 0 ? Number(args[runsArg + 1]) : 10;
const onlyArg = args.indexOf('--only');
const ONLY = onlyArg >= 0 ? args[onlyArg + 1] : undefined;
const armnnArg = args.indexOf('--armnn');
const ARMNN_FROM = armnnArg >= 0 ? args[armnnArg + 1] : 'c++';
if (ARMNN_FROM !== 'c++' && ARMNN_FROM !== 'python') throw new Error('--armnn takes c++ or python');
const PYTHON = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Deterministic pseudo-random input of the right dtype (LCG; same bytes every run). */
function fixedInput(dtype: string, n: number, seed: number): TypedArray {
  let s = seed >>> 0;
  const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
  switch (dtype) {
    case 'float32':
      return Float32Array.from({ length: n }, () => next() * 2 - 1);
    case 'int8':
      return Int8Array.from({ length: n }, () => Math.floor(next() * 256) - 128);
    case 'uint8':
      return Uint8Array.from({ length: n }, () => Math.floor(next() * 256));
    case 'int16':
      return Int16Array.from({ length: n }, () => Math.floor(next() * 65536) - 32768);
    default:
      throw new Error(`no bench input for ${dtype}`);
  }
}

function armnnNeedsAxisFix(model: TflModel): boolean {
  return model.subgraphs[0].tensors.some(
    (t) => t.shape.length === 1 && (t.quantization?.quantizedDimension ?? 0) !== 0,
  );
}

/**
 * Median ms per inference: setInput for every input, invoke, output for every output (the work of
 * one Arm NN EnqueueWorkload; see the header). Each timed sample is a batch of inferences lasting
 * at least BATCH_MS (one inference for big models), so microsecond models (hello_world) are not
 * measured at the timer's resolution; armnn-bench.cpp and armnn-bench.py do the same.
 */
function timeLowbit(model: TflModel, inputs: TypedArray[]): number {
  const interp = Interpreter.create(model);
  const nOut = interp.outputs.length;
  const once = () => {
    for (let i = 0; i < inputs.length; i++) interp.setInput(i, inputs[i]);
    interp.invoke();
    for (let i = 0; i < nOut; i++) interp.output(i);
  };
  // Warm-up so small models are timed with optimized code: at least one run, up to ~300 ms.
  const warmStart = performance.now();
  const warmEnd = warmStart + 300;
  let warmRuns = 0;
  do {
    once();
    warmRuns++;
  } while (performance.now() < warmEnd);
  const perInvoke = (performance.now() - warmStart) / warmRuns;
  const batch = Math.max(1, Math.ceil(BATCH_MS / perInvoke));
  const times: number[] = [];
  const deadline = performance.now() + 20_000;
  for (let r = 0; r < RUNS && (r < 3 || performance.now() < deadline); r++) {
    const t0 = performance.now();
    for (let b = 0; b < batch; b++) once();
    times.push((performance.now() - t0) / batch);
  }
  return median(times);
}

/** Each timed sample lasts at least this long (a batch of invokes for fast models). */
const BATCH_MS = 2;

/**
 * armnn-bench.cpp compiled into `dir` (Arm NN timed from C++), or why not: no g++, no Arm NN
 * headers (Debian libarmnn-dev libarmnntfliteparser-dev), or `--armnn python`.
 */
function buildArmnnTimer(dir: string): { exe: string | null; why: string } {
  if (ARMNN_FROM === 'python') return { exe: null, why: '--armnn python' };
  const exe = path.join(dir, 'armnn-bench');
  try {
    execFileSync(
      'g++',
      [
        '-O2',
        '-std=c++14',
        path.join(ROOT, 'test', 'bench', 'armnn-bench.cpp'),
        '-o',
        exe,
        '-larmnn',
        '-larmnnTfLiteParser',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 },
    );
    return { exe, why: '' };
  } catch (e) {
    const err = e as { stderr?: Buffer; message: string };
    const first = (err.stderr?.toString() ?? err.message).split('\n').find((l) => l.trim()) ?? 'failed';
    return { exe: null, why: `C++ timer not built (${first.slice(0, 100)})` };
  }
}

/** Median ms per inference on Arm NN CpuRef: from C++ (`exe`) or, with exe null, through pyarmnn. */
function timeArmnn(
  exe: string | null,
  modelPath: string,
  inputs: TypedArray[],
  dir: string,
): { ms: number | null; note: string } {
  const files = inputs.map((x, i) => {
    const p = path.join(dir, `in${i}.bin`);
    fs.writeFileSync(p, new Uint8Array(x.buffer, x.byteOffset, x.byteLength));
    return p;
  });
  const [cmd, script] = exe ? [exe, []] : [PYTHON, [path.join(ROOT, 'test', 'bench', 'armnn-bench.py')]];
  try {
    const out = execFileSync(
      cmd,
      [...script, modelPath, ...files, '--runs', String(RUNS), '--batch-ms', String(BATCH_MS)],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 600_000,
      },
    );
    const line = out.trim().split('\n').pop()!;
    return { ms: JSON.parse(line).medianMs, note: '' };
  } catch (e) {
    const err = e as { stdout?: string };
    const msg = (err.stdout ?? String(e)).split('\n').find((l) => l.includes('could not')) ?? 'failed';
    return { ms: null, note: `Arm NN: ${msg.slice(0, 140)}` };
  }
}

/** LiteRT.js checks inputs against shape_signature literally; give it a copy with static shapes. */
function staticShapes(model: TflModel): Uint8Array {
  const copy = readTflite(writeTflite(model));
  for (const sg of copy.subgraphs) for (const t of sg.tensors) t.shapeSignature = [];
  return writeTflite(copy);
}

async function main(): Promise<void> {
  let litert: LiteRtSession | null = null;
  let litertNote = '';
  try {
    litert = await startLiteRt();
  } catch (e) {
    litertNote = `LiteRT: ${(e as Error).message.split('\n')[0]!.slice(0, 120)}`;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lowbit-bench-'));
  const armnnTimer = buildArmnnTimer(dir);
  const armnnFrom = armnnTimer.exe
    ? 'Arm NN timed from C++ (armnn-bench.cpp)'
    : `Arm NN timed through pyarmnn (armnn-bench.py; ${armnnTimer.why})`;
  process.stderr.write(armnnFrom + '\n');
  const micro = (f: string) => sharedPath('models', 'tflite-micro', f);
  const demo = (f: string) => path.join(ROOT, 'assets', 'demo', f);
  const cases: Case[] = [
    { family: 'hello_world', kind: 'float32', file: micro('hello_world_float.tflite') },
    { family: 'hello_world', kind: 'int8', file: micro('hello_world_int8.tflite') },
    { family: 'demo fashion_cnn', kind: 'float32', file: demo('fashion_cnn.tflite') },
    { family: 'demo fashion_cnn', kind: 'int8 float-I/O', file: demo('fashion_cnn.tflite') },
    { family: 'demo fashion_dwcnn', kind: 'float32', file: demo('fashion_dwcnn.tflite') },
    { family: 'demo fashion_dwcnn', kind: 'int8 float-I/O', file: demo('fashion_dwcnn.tflite') },
    { family: 'person_detect', kind: 'int8', file: micro('person_detect.tflite') },
    { family: 'person_detect', kind: 'float32', file: micro('person_detect.tflite'), twin: true },
    { family: 'person_detect', kind: 'int8 float-I/O', file: micro('person_detect.tflite'), twin: true },
    { family: 'mobilenet_v2', kind: 'int8', file: micro('mobilenet_v2_quantized_1x3x224x224.tflite') },
    {
      family: 'mobilenet_v2',
      kind: 'float32',
      file: micro('mobilenet_v2_quantized_1x3x224x224.tflite'),
      twin: true,
    },
    {
      family: 'mobilenet_v2',
      kind: 'int8 float-I/O',
      file: micro('mobilenet_v2_quantized_1x3x224x224.tflite'),
      twin: true,
    },
  ];
  const rows: Row[] = [];
  for (const c of cases) {
    if (ONLY && !c.family.includes(ONLY)) continue;
    let model = readTflite(new Uint8Array(fs.readFileSync(c.file)));
    let modelPath = c.file;
    const tag = `${c.family.replace(/\W+/g, '_')}_${c.kind.replace(/\W+/g, '_')}`;
    if (c.twin) model = dequantizeModel(model).model;
    if (c.kind === 'int8 float-I/O') {
      // Lowbit's own full-integer quantizer, float32 model in and out (LiteRT.js takes float32),
      // calibrated on a few samples: real Fashion-MNIST images for the demo models, fixed
      // pseudo-random inputs for the others. FULLY_CONNECTED weights per tensor (TFLite's
      // converter's default), since Arm NN 20.08 aborts on per-channel ones.
      model = (
        await quantizeFullInteger(model, calibrationSamples(c, model), {
          io: 'float',
          perTensorFullyConnected: true,
        })
      ).model;
    }
    if (c.twin || c.kind === 'int8 float-I/O' || armnnNeedsAxisFix(model)) {
      // Arm NN 20.08 rejects 1-D per-channel biases whose quantized_dimension is not 0 (person_detect
      // has 3); the axis of a 1-D tensor means nothing else, so give Arm NN a copy with 0.
      const copy = readTflite(writeTflite(model));
      for (const t of copy.subgraphs[0].tensors)
        if (t.shape.length === 1 && t.quantization) t.quantization.quantizedDimension = 0;
      modelPath = path.join(dir, `${tag}.tflite`);
      fs.writeFileSync(modelPath, writeTflite(copy));
    }
    const sg = model.subgraphs[0];
    let inputs: TypedArray[] = [];
    let lowbitMs: number | null = null;
    let note = '';
    let dtype = '?';
    try {
      const probe = Interpreter.create(model);
      dtype =
        probe.inputs.map((t) => t.dtype).join(',') + (c.kind === 'int8 float-I/O' ? ' (int8 inside)' : '');
      inputs = probe.inputs.map((t, i) =>
        fixedInput(
          t.dtype,
          t.shape.reduce((a, b) => a * b, 1),
          17 + i,
        ),
      );
      lowbitMs = timeLowbit(model, inputs);
    } catch (e) {
      note = `Lowbit: ${(e as Error).message.slice(0, 140)}`;
    }
    const arm =
      inputs.length === sg.inputs.length
        ? timeArmnn(armnnTimer.exe, modelPath, inputs, dir)
        : { ms: null, note: '' };
    if (armnnTimer.exe && arm.ms !== null && arm.ms < 0.1) {
      // A few-microsecond model: the Python binding's per-call cost shows; give its figure too.
      const py = timeArmnn(null, modelPath, inputs, dir);
      if (py.ms !== null) arm.note = `Arm NN through pyarmnn: ${fmt(py.ms)} ms`;
    }
    let litertMs: number | null = null;
    let ltNote = litertNote;
    if (litert && inputs.length > 0 && inputs.every((x) => x instanceof Float32Array)) {
      try {
        const shapes = model.subgraphs[0].inputs.map((i) => [...model.subgraphs[0].tensors[i].shape]);
        const feeds = inputs.map((x, i) => ({ data: x as Float32Array, shape: shapes[i] }));
        litertMs = await litert.time(staticShapes(model), feeds, RUNS, BATCH_MS);
      } catch (e) {
        ltNote = `LiteRT: ${(e as Error).message.split('\n')[0]!.slice(0, 120)}`;
      }
    } else if (litert) ltNote = 'LiteRT.js takes float32 inputs only';
    rows.push({
      family: c.family,
      kind: c.kind,
      model:
        c.family +
        (c.twin && c.kind === 'float32' ? ' (float twin)' : '') +
        (c.kind === 'int8 float-I/O' ? ` (int8 --io float${c.twin ? ', from the float twin' : ''})` : ''),
      dtype,
      lowbitMs,
      armnnMs: arm.ms,
      litertMs,
      note: [note, arm.note, ltNote].filter(Boolean).join('; '),
    });
    const r = rows[rows.length - 1];
    process.stderr.write(
      `${r.model} ${r.dtype}: lowbit ${fmt(r.lowbitMs)} ms, armnn ${fmt(r.armnnMs)} ms, litert ${fmt(r.litertMs)} ms ${r.note}\n`,
    );
  }
  const memory = measurePeakMemory(dir);
  fs.rmSync(dir, { recursive: true, force: true });
  await litert?.close();
  const ratio = (a: number | null, b: number | null) =>
    a && b ? (a / b < 1 ? (a / b).toPrecision(2) : (a / b).toFixed(1)) + 'x' : '-';
  const floatOf = (r: Row) =>
    rows.find((f) => f.family === r.family && f.kind === 'float32')?.lowbitMs ?? null;
  // Issue 16's acceptance, per row: ≥10x faster than Arm NN CpuRef; float32 and int8 float-I/O
  // within 3x of LiteRT; int8 faster than float32 in Lowbit on the same model.
  const checks = (r: Row): string[] => {
    const out: string[] = [];
    const mark = (ok: boolean, what: string) => out.push(`${ok ? 'ok' : 'MISSED'} ${what}`);
    if (r.lowbitMs && r.armnnMs) mark(r.armnnMs / r.lowbitMs >= 10, 'Arm NN ≥10x');
    if (r.lowbitMs && r.litertMs) mark(r.lowbitMs / r.litertMs <= 3, 'LiteRT ≤3x');
    const f = floatOf(r);
    if (r.kind !== 'float32' && r.lowbitMs && f) mark(r.lowbitMs < f, 'int8 < float32');
    return out;
  };
  const missed = rows.flatMap((r) =>
    checks(r)
      .filter((c) => c.startsWith('MISSED'))
      .map((c) => `${r.model} ${r.dtype}: ${c.slice(7)}`),
  );
  const lines = [
    `runs per case: ${RUNS} (median; each sample a batch of inferences lasting ≥ ${BATCH_MS} ms, ms per inference: inputs in, run, outputs out), node ${process.version}, ${os.cpus().length} cpu(s) ${os.cpus()[0]?.model ?? ''}; ${armnnFrom}`,
    '',
    '| model | input | Lowbit ms | Arm NN CpuRef ms | LiteRT ms | Arm NN / Lowbit | Lowbit / LiteRT | Lowbit int8 / float32 | goals | notes |',
    '|---|---|---:|---:|---:|---:|---:|---:|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.model} | ${r.dtype} | ${fmt(r.lowbitMs)} | ${fmt(r.armnnMs)} | ${fmt(r.litertMs)} | ${ratio(r.armnnMs, r.lowbitMs)} | ${ratio(r.lowbitMs, r.litertMs)} | ${r.kind === 'float32' ? '' : ratio(r.lowbitMs, floatOf(r))} | ${checks(r).join(', ')} | ${r.note} |`,
    ),
    '',
    missed.length === 0 ? 'All goals met in this run.' : `Goals missed in this run: ${missed.join('; ')}`,
  ];
  if (memory) lines.push('', memory.line);
  process.stdout.write(lines.join('\n') + '\n');
  const outDir = path.join(ROOT, 'bench-output');
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(
    path.join(outDir, 'bench.json'),
    JSON.stringify({ runs: RUNS, armnnFrom, rows, peakMemory: memory?.figures ?? null }, null, 1) + '\n',
  );
}

/** Peak RSS of `lowbit run` on MobileNetV2 int8 in a child process, against hello_world's (the baseline). */
function measurePeakMemory(
  dir: string,
): { line: string; figures: { mobilenetV2Int8: PeakMemory; baseline: PeakMemory } } | null {
  if (ONLY && !'mobilenet_v2'.includes(ONLY)) return null;
  try {
    const model = (f: string) => sharedPath('models', 'tflite-micro', f);
    const mobilenetV2Int8 = peakMemoryOfRun(
      model('mobilenet_v2_quantized_1x3x224x224.tflite'),
      [new Uint8Array(fixedInput('int8', 3 * 224 * 224, 17).buffer)],
      dir,
    );
    const baseline = peakMemoryOfRun(model('hello_world_int8.tflite'), [new Uint8Array(1)], dir);
    const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
    const line =
      `Peak memory of \`lowbit run\` on mobilenet_v2 int8 (child process, maxRSS): ` +
      `${mib(mobilenetV2Int8.maxRssBytes)}; on hello_world int8 (Node + CLI baseline): ` +
      `${mib(baseline.maxRssBytes)}; the model's share ${mib(mobilenetV2Int8.maxRssBytes - baseline.maxRssBytes)} ` +
      `(array buffers at exit ${mib(mobilenetV2Int8.arrayBuffersBytes)})`;
    process.stderr.write(line + '\n');
    return { line, figures: { mobilenetV2Int8, baseline } };
  } catch (e) {
    process.stderr.write(`peak memory: ${(e as Error).message}\n`);
    return null;
  }
}

function fmt(x: number | null): string {
  return x === null ? '-' : x < 0.01 ? x.toPrecision(2) : x < 1 ? x.toFixed(3) : x.toFixed(1);
}

main().catch((e) => {
  process.stderr.write(`bench failed: ${(e as Error).stack ?? e}\n`);
  process.exitCode = 1;
});
