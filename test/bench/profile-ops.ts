/**
 * Per-operator time of one model in Lowbit's interpreter, and int8 against its float32 twin timed
 * alternately in one process (fair on a shared machine). Not a test: prints tables.
 *
 *   npx tsx test/bench/profile-ops.ts person_detect.tflite [--io-float] [--rounds 20]
 *
 * The path is looked up in the shared tflite-micro models, then assets/demo. `--io-float` quantizes
 * the float twin with Lowbit's quantizer (float32 in and out), as `npm run bench` does.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { Interpreter } from '../../main/engine/interpreter/index';
import { dequantizeModel } from '../../main/engine/optimize/dequantize';
import { quantizeFullInteger } from '../../main/engine/optimize/full-integer';
import { TensorType, type TflModel } from '../../main/engine/tflite/model';
import { readTflite } from '../../main/engine/tflite/reader';
import { ROOT, sharedPath } from '../support/shared';

const args = process.argv.slice(2);
const file = args[0]!;
const ioFloat = args.includes('--io-float');
const roundsArg = args.indexOf('--rounds');
const ROUNDS = roundsArg >= 0 ? Number(args[roundsArg + 1]) : 20;

function rand(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from(
    { length: n },
    () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 31 - 1,
  );
}

function fill(interp: Interpreter, model: TflModel): void {
  const sg = model.subgraphs[0];
  sg.inputs.forEach((ti, i) => {
    const t = sg.tensors[ti];
    const n = t.shape.reduce((a, b) => a * b, 1);
    const f = rand(n, 7 + i);
    const q = t.quantization;
    let x: ArrayLike<number> = f;
    if (t.type === TensorType.INT8 && q)
      x = Int8Array.from(f, (v) =>
        Math.max(-128, Math.min(127, Math.round(v / q.scale[0]! + Number(q.zeroPoint[0] ?? 0)))),
      );
    else if (t.type === TensorType.UINT8) x = Uint8Array.from(f, (v) => Math.round((v + 1) * 127));
    interp.setInput(i, x as never);
  });
}

async function main(): Promise<void> {
  const p = fs.existsSync(sharedPath('models', 'tflite-micro', file))
    ? sharedPath('models', 'tflite-micro', file)
    : path.join(ROOT, 'assets', 'demo', file);
  const shipped = readTflite(new Uint8Array(fs.readFileSync(p)));
  const isInt = shipped.subgraphs[0].tensors.some((t) => t.type === TensorType.INT8);
  const float = isInt ? dequantizeModel(shipped).model : shipped;
  let int8 = shipped;
  if (ioFloat || !isInt) {
    const sg = float.subgraphs[0];
    const n = sg.tensors[sg.inputs[0]].shape.reduce((a, b) => a * b, 1);
    let samples: Float32Array[][];
    if (file.startsWith('fashion')) {
      const idx = zlib.gunzipSync(
        fs.readFileSync(
          path.join(ROOT, 'assets', 'demo', 'fashion-mnist', 'calibration-images-idx3-ubyte.gz'),
        ),
      );
      samples = Array.from({ length: 8 }, (_v, k) => [
        Float32Array.from(idx.subarray(16 + k * 784, 16 + (k + 1) * 784), (v) => v / 255),
      ]);
    } else samples = Array.from({ length: 4 }, (_v, k) => [rand(n, 1000 + 10 * k)]);
    int8 = (await quantizeFullInteger(float, samples, { io: 'float', perTensorFullyConnected: true })).model;
  }
  const models: [string, TflModel][] = [
    ['int8', int8],
    ['float32', float],
  ];
  const interps = models.map(([, m]) => {
    const it = Interpreter.create(m);
    fill(it, m);
    return it;
  });
  for (const it of interps) for (let w = 0; w < 20; w++) it.invoke();
  // Alternate: one batch of each per round.
  const totals = [[], []] as number[][];
  for (let r = 0; r < ROUNDS; r++)
    interps.forEach((it, k) => {
      let n = 0;
      const t0 = performance.now();
      do {
        it.invoke();
        n++;
      } while (performance.now() - t0 < 5);
      totals[k]!.push((performance.now() - t0) / n);
    });
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  const [mi, mf] = [med(totals[0]!), med(totals[1]!)];
  console.log(
    `${file}${ioFloat ? ' --io float' : ''}: int8 ${mi.toFixed(4)} ms, float32 ${mf.toFixed(4)} ms, int8/float32 ${(mi / mf).toFixed(2)}x`,
  );
  // Per-op time of each model.
  interps.forEach((it, k) => {
    const evals = (it as unknown as { evals: (() => void)[] }).evals;
    const t = new Float64Array(evals.length);
    const reps = Math.max(3, Math.ceil(200 / (k === 0 ? mi : mf)));
    for (let r = 0; r < reps; r++)
      for (let i = 0; i < evals.length; i++) {
        const t0 = performance.now();
        evals[i]!();
        t[i] += performance.now() - t0;
      }
    const byName = new Map<string, number>();
    const rows = evals.map((_e, i) => ({ i, name: it.opNames[i]!, ms: t[i]! / reps }));
    for (const r of rows) byName.set(r.name, (byName.get(r.name) ?? 0) + r.ms);
    const total = rows.reduce((a, r) => a + r.ms, 0);
    console.log(`\n${models[k]![0]}: ${total.toFixed(4)} ms over ${evals.length} ops`);
    for (const [n, ms] of [...byName].sort((a, b) => b[1] - a[1]))
      console.log(`  ${n.padEnd(24)} ${ms.toFixed(4)}`);
    if (args.includes('--ops'))
      for (const r of rows.sort((a, b) => b.ms - a.ms).slice(0, 12)) {
        const sg = models[k]![1].subgraphs[0];
        const op = sg.operators[r.i]!;
        const sh = (ti: number) => (ti >= 0 ? sg.tensors[ti]!.shape.join('x') : '-');
        console.log(
          `  #${r.i} ${r.name} ${r.ms.toFixed(4)}  ${[...op.inputs].map(sh).join(' ')} -> ${[...op.outputs].map(sh).join(' ')}`,
        );
      }
  });
}

void main();
