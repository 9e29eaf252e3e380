/**
 * The Edge TPU services: the compatibility check on an open model (engine/targets/edgetpu),
 * whether Coral's edgetpu_compiler is installed (files/edgetpu-compiler.ts; never bundled), and
 * the `edgetpu.compile` job that runs it. Compiled models need nothing here: model.inspect reports
 * their Edge TPU op.
 *
 * The compile job runs in main's event loop, like the device jobs (services/devices.ts): it waits
 * on a child process and does no CPU work of its own, so it takes no worker thread and does not
 * count against the JobManager's limits. It reports through the same jobs.progress /
 * jobs.finished events and stops through jobs.cancel. One compile runs at a time (the compiler
 * is heavy; a second start is refused as busy).
 *
 * Files: the model goes to the compiler through a folder of Lowbit's own (a fresh temp folder per
 * job, removed when the job ends, however it ends), never beside the user's model; the compiled
 * model comes back as a produced model, registered like the optimize job's (inspect, model.save,
 * model.bytes), so it is written only where the user chooses to save it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {
  ArgsOf,
  EdgeTpuCompileOutcome,
  EdgeTpuCompileParams,
  EventName,
  Events,
  ModelHandle,
  ResultOf,
} from '../contract/types';
import { InvalidArgumentError, LowbitError } from '../engine/errors';
import { checkEdgeTpu } from '../engine/targets/edgetpu/check';
import { comparePrediction } from '../engine/targets/edgetpu/prediction-vs-compiler';
import { describeEdgeTpu } from '../engine/tflite/edgetpu/compiled';
import type { TflModel } from '../engine/tflite/model';
import { writeTflite } from '../engine/tflite/writer';
import {
  DEFAULT_COMPILE_TIMEOUT_MS,
  EDGETPU_COMPILER_HOWTO,
  findEdgeTpuCompiler,
  requireEdgeTpuCompiler,
  runEdgeTpuCompiler,
} from '../files/edgetpu-compiler';
import { readFileBytes } from '../files/read-file';
import { MainJobs } from './main-jobs';

export interface EdgeTpuHost {
  getModel(id: string): { handle: ModelHandle; model: TflModel; bytes: Uint8Array };
  /** Registers a produced model (path null) and returns its handle, as the optimize job does. */
  registerModel(name: string, file: string | null, bytes: Uint8Array): ModelHandle;
  emit<E extends EventName>(event: E, payload: Events[E]): void;
  /** Where the per-job folders go (default the system's temp folder). */
  tempDir?: string;
}

type EdgeTpuMethod = 'edgetpu.check' | 'edgetpu.compiler';
type EdgeTpuImpl = { [M in EdgeTpuMethod]: (args: ArgsOf<M>) => ResultOf<M> };

export interface EdgeTpu {
  impl: EdgeTpuImpl;
  startCompile(p: EdgeTpuCompileParams): { jobId: string };
  /** True when the job was a compile job here (and is now being cancelled). */
  cancel(jobId: string): boolean;
  /** Stops running compiles and waits for their folders to be removed. */
  dispose(): Promise<void>;
}

/** A progress line is the compiler's own; one longer than this is cut (a line, not a log). */
const MAX_LINE = 500;

/**
 * A file stem for the compiler from a model's display name (untrusted: `model.load` names come
 * from the page): letters, digits, `.`, `_`, `-` only, not starting with `.` or `-`, at most 100
 * characters. The compiler names its outputs after it (`<stem>_edgetpu.tflite`).
 */
export function compileStem(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const stem = base
    .replace(/\.(tflite|onnx)$/i, '')
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .replace(/^[.-]+/, '')
    .slice(0, 100);
  return stem || 'model';
}

export function createEdgeTpu(host: EdgeTpuHost): EdgeTpu {
  const jobs = new MainJobs(host.emit.bind(host));

  async function compile(jobId: string, p: EdgeTpuCompileParams, signal: AbortSignal) {
    const m = host.getModel(p.modelId);
    const compilerPath = requireEdgeTpuCompiler();
    const prediction = checkEdgeTpu(m.model);
    // The compiler reads TFLite: a TFLite model's own bytes, any other format as Lowbit lowered it.
    const input = m.handle.format === 'tflite' ? m.bytes : writeTflite(m.model);
    const stem = compileStem(m.handle.name);
    const work = fs.mkdtempSync(path.join(host.tempDir ?? os.tmpdir(), 'lowbit-edgetpu-'));
    try {
      const modelFile = path.join(work, `${stem}.tflite`);
      fs.writeFileSync(modelFile, input, { flag: 'wx', mode: 0o600 });
      let lines = 0;
      const run = await runEdgeTpuCompiler(modelFile, {
        compilerPath,
        outDir: path.join(work, 'out'),
        minRuntimeVersion: p.minRuntime,
        showOperations: p.showOperations,
        timeoutMs: p.timeoutSec !== undefined ? p.timeoutSec * 1000 : DEFAULT_COMPILE_TIMEOUT_MS,
        signal,
        onLine: (line) =>
          host.emit('jobs.progress', {
            jobId,
            stage: line.length > MAX_LINE ? `${line.slice(0, MAX_LINE)}…` : line,
            done: ++lines,
            total: 0, // the compiler says nothing of how much is left
          }),
      });
      let model: ModelHandle | null = null;
      let compiled: EdgeTpuCompileOutcome['compiled'] = null;
      if (run.outputModel) {
        const bytes = readFileBytes(run.outputModel, 'model');
        try {
          model = host.registerModel(`${stem}_edgetpu.tflite`, null, bytes);
          compiled = describeEdgeTpu(host.getModel(model.id).model) ?? null;
        } catch (e) {
          throw new LowbitError(
            'MODEL_FORMAT',
            `the compiled model edgetpu_compiler wrote does not read: ${(e as Error).message}`,
            { cause: e },
          );
        }
      }
      // The options as the user chose them; -o and the model are paths in our temp folder.
      const out = run.args.indexOf('-o');
      const outcome: EdgeTpuCompileOutcome = {
        compiler: run.compiler,
        flags: out >= 0 ? run.args.slice(0, out) : run.args.slice(0, -1),
        exitCode: run.exitCode,
        stdout: run.stdout,
        log: run.log,
        result: run.result,
        prediction,
        comparison: comparePrediction(prediction, run.result),
        compiled,
        model,
      };
      return outcome;
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  }

  return {
    impl: {
      'edgetpu.check': ({ modelId }) => checkEdgeTpu(host.getModel(modelId).model),
      'edgetpu.compiler': () => {
        const found = findEdgeTpuCompiler();
        return { path: found, howTo: found ? '' : EDGETPU_COMPILER_HOWTO };
      },
    },
    startCompile(p) {
      // Refused now, not in the job: an unknown model, no compiler (NOT_FOUND says how to get it).
      host.getModel(p.modelId);
      requireEdgeTpuCompiler();
      if (jobs.size > 0)
        throw new InvalidArgumentError(
          'busy: edgetpu_compiler is already running: wait for it to finish or cancel it',
        );
      return { jobId: jobs.start('edgetpu.compile', (jobId, signal) => compile(jobId, p, signal)) };
    },
    cancel: (jobId) => jobs.cancel(jobId),
    dispose: () => jobs.cancelAll(),
  };
}
