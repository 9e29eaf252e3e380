import path from 'node:path';
import {
  Interpreter,
  recordingObserver,
  type OutputTensor,
  type TensorInfo,
} from '../../engine/interpreter/index';
import { formatFor, openModel } from '../../engine/model/registry';
import { hasNativeRuntime, openRunner } from '../../runtimes/open-runner';
import type { QuantParams, TypedArray } from '../../engine/tensor/dtype';
import { decodeTensorFile } from '../../engine/tensor/tensor-files';
import { describeWarmRuns, timeRepeatedRuns, type WarmRunTimes } from '../../engine/evaluate/warm-runs';
import { externalDataBeside } from '../../files/external-data';
import { readFileBytes } from '../../files/read-file';
import { makeOutputDir, writeFileAtomic } from '../../files/write-file';
import { parse } from '../args';
import { JSON_FLAG, OUT_FLAG, positiveInt } from '../options';
import { UsageError, type CliCommand, type CliContext } from '../command';

interface TensorMeta {
  name: string;
  dtype: string;
  shape: number[];
  scale: number | number[] | null;
  zeroPoint: number | number[] | null;
}

function meta(t: { name: string; dtype: string; shape: number[]; quant: QuantParams | null }): TensorMeta {
  const q = t.quant;
  const one = <T>(a: T[] | undefined) => (a === undefined ? null : a.length === 1 ? a[0]! : a);
  return { name: t.name, dtype: t.dtype, shape: t.shape, scale: one(q?.scale), zeroPoint: one(q?.zeroPoint) };
}

function bytesOf(a: TypedArray): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

function values(a: TypedArray): (number | string)[] {
  return a instanceof BigInt64Array ? Array.from(a, (v) => v.toString()) : Array.from(a as ArrayLike<number>);
}

function preview(o: OutputTensor): string {
  const v = values(o.data).slice(0, 8).join(', ');
  return `${o.name}  ${o.dtype} [${o.shape.join(',')}]  ${v}${o.data.length > 8 ? ', ...' : ''}`;
}

export const command: CliCommand = {
  name: 'run',
  summary: 'Run a model on input files with the interpreter; write or print its outputs',
  usage: `usage: lowbit run MODEL --input FILE [--input FILE ...] [--out DIR] [--json] [--repeat N] [--dump DIR] [--reference]

Runs subgraph 0 of a .tflite model in Lowbit's interpreter, or an .onnx model in ONNX Runtime (CPU;
a dynamic batch is 1), once per --repeat, with one --input per model input, in order.
An input file is raw little-endian bytes in the tensor's dtype (.bin or any other name), a NumPy
.npy (v1-v3, little-endian, C order; the tensor's dtype, float16 for a float32 tensor, or any
integer dtype for an integer tensor, every value range-checked), or a .csv/.txt of numbers
separated by commas or whitespace. The element count must match the tensor.
  --out DIR     write output<k>.bin (raw bytes) and outputs.json [{name,dtype,shape,scale,zeroPoint}]
  --json        print {outputs:[{...meta, data}], arenaBytes} on stdout (with --repeat also
                medianMs, p90Ms, repeat, timedRuns, warmRuns, firstRunExcluded, threads)
  --repeat N    run N times (default 1) and report the median and p90 milliseconds per inference
                over the warm runs (the first run is excluded) and the threads one inference used
  --dump DIR    write every operator's output as op<k>_t<tensor>.bin plus dump.json (interpreter only)
  --reference   use the TypeScript reference kernels only, not the WebAssembly SIMD ones (interpreter only)`,
  async run(argv, ctx) {
    const { values: opts, positionals } = parse(
      argv,
      {
        input: { type: 'string', multiple: true },
        ...OUT_FLAG,
        ...JSON_FLAG,
        repeat: { type: 'string' },
        dump: { type: 'string' },
        reference: { type: 'boolean' },
      },
      { minPositionals: 1, maxPositionals: 1 },
    );
    const modelFile = positionals[0]!;
    const inputFiles = opts.input ?? [];
    const repeat = opts.repeat === undefined ? 1 : positiveInt(opts.repeat, '--repeat');
    const protectedPaths = [modelFile, ...inputFiles];

    const bytes = readFileBytes(modelFile, 'model');
    if (hasNativeRuntime(formatFor(bytes, modelFile).id)) {
      if (opts.dump)
        throw new UsageError(
          '--dump needs the interpreter: ONNX Runtime does not expose intermediate tensors',
        );
      if (opts.reference)
        throw new UsageError('--reference selects interpreter kernels: .onnx models run in ONNX Runtime');
      const runner = await openRunner(bytes, modelFile, { externalData: externalDataBeside(modelFile) });
      try {
        runner.setInputs(readInputs(runner.inputs, inputFiles));
        const timing = await timeRepeatedRuns(
          repeat,
          { invoke: () => runner.invoke() },
          { threads: runner.threads ?? null, signal: ctx.signal, onRun: runProgress(ctx, repeat) },
        );
        ctx.log(`ran in ${runner.runtime}`);
        report(
          ctx,
          opts,
          runner.readOutputs(),
          { repeat, timing, arenaBytes: runner.arenaBytes },
          protectedPaths,
        );
      } finally {
        await runner.dispose();
      }
      return 0;
    }
    const interp = Interpreter.create(
      openModel(bytes, modelFile, { externalData: externalDataBeside(modelFile) }).tflite,
      { reference: opts.reference === true },
    );
    readInputs(interp.inputs, inputFiles).forEach((x, i) => interp.setInput(i, x));

    // Every run is one inference from the model's initial state: stateful models (LSTM, SVDF
    // variable tensors) would otherwise carry state from run to run, and the outputs and the
    // dump would belong to the last run rather than to one inference. The observed (dumped) run
    // is slower, so it is not timed.
    const observed = opts.dump ? recordingObserver() : null;
    let outputs: ReturnType<typeof interp.output>[] = [];
    const observe = (r: number) => r === 0 && observed !== null;
    const timing = await timeRepeatedRuns(
      repeat,
      {
        before: () => interp.reset(),
        invoke: (r) => interp.invoke(observe(r) ? { observer: observed!.observer } : {}),
        after: (r) => {
          if (r === 0) outputs = interp.outputs.map((_, i) => interp.output(i));
        },
        timed: (r) => !observe(r),
      },
      { threads: 1, signal: ctx.signal, onRun: runProgress(ctx, repeat) },
    );

    if (opts.dump && observed) {
      const { records } = observed;
      makeOutputDir(opts.dump);
      const index = records.map((r) => {
        const file = `op${r.opIndex}_t${r.index}.bin`;
        writeFileAtomic(path.join(opts.dump!, file), bytesOf(r.data), protectedPaths);
        return { op: r.opIndex, opName: interp.opNames[r.opIndex], tensor: r.index, ...meta(r), file };
      });
      writeFileAtomic(
        path.join(opts.dump, 'dump.json'),
        JSON.stringify(index, null, 1) + '\n',
        protectedPaths,
      );
      ctx.log(`dumped ${records.length} intermediate tensor(s) to ${opts.dump}`);
    }

    report(ctx, opts, outputs, { repeat, timing, arenaBytes: interp.arenaBytes }, protectedPaths);
    return 0;
  },
};

/** Progress per run, only when there are several. */
function runProgress(ctx: CliContext, repeat: number): ((done: number, total: number) => void) | undefined {
  return repeat > 1 ? (done, total) => ctx.progress('run', done, total) : undefined;
}

/** The model's inputs from the --input files, one per input, each checked against its tensor. */
function readInputs(inputs: readonly TensorInfo[], files: string[]): TypedArray[] {
  if (files.length !== inputs.length) {
    const want = inputs.map((t) => `${t.name} ${t.dtype} [${t.shape.join(',')}]`).join('; ');
    throw new UsageError(`the model has ${inputs.length} input(s) (${want}); got ${files.length} --input`);
  }
  return inputs.map((t, i) =>
    decodeTensorFile(files[i]!, readFileBytes(files[i]!, 'tensor'), t.dtype, t.shape),
  );
}

/** Writes (--out) and prints the outputs the same way whichever runtime ran the model. */
function report(
  ctx: CliContext,
  opts: { out?: string; json?: boolean },
  outputs: OutputTensor[],
  run: { repeat: number; timing: WarmRunTimes | null; arenaBytes: number },
  protectedPaths: string[],
): void {
  const { repeat, timing, arenaBytes } = run;
  if (opts.out) {
    makeOutputDir(opts.out);
    outputs.forEach((o, k) =>
      writeFileAtomic(path.join(opts.out!, `output${k}.bin`), bytesOf(o.data), protectedPaths),
    );
    writeFileAtomic(
      path.join(opts.out, 'outputs.json'),
      JSON.stringify(outputs.map(meta), null, 1) + '\n',
      protectedPaths,
    );
    ctx.log(`wrote ${outputs.length} output(s) to ${opts.out}`);
  }
  if (opts.json) {
    ctx.out(
      JSON.stringify({
        outputs: outputs.map((o) => ({ ...meta(o), data: values(o.data) })),
        arenaBytes,
        ...(timing ? { repeat, ...timing } : {}),
      }),
    );
  } else {
    ctx.out(outputs.map(preview).join('\n'));
    if (timing) ctx.out(describeWarmRuns(timing));
  }
}
