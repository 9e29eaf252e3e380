/**
 * Coral's `edgetpu_compiler`, when the user has it. Lowbit never ships it (it is closed source,
 * x86-64 Linux only, and may not be redistributed): `findEdgeTpuCompiler` looks at a configured
 * path, then $LOWBIT_EDGETPU_COMPILER, then $PATH, and `EDGETPU_COMPILER_HOWTO` says how to get it
 * when it is absent. Everything else of the Edge TPU path (the check, reading compiled models)
 * works without it.
 *
 * `runEdgeTpuCompiler` runs it as a cancellable, time-limited child process in a fresh folder
 * inside the output folder, reports each line it prints as progress, parses its stdout and .log
 * into the check's per-op rows (engine/targets/edgetpu/compiler-log.ts), and only then moves
 * `<name>_edgetpu.tflite` and its log into the output folder, atomically, never over the input.
 * A cancelled, failed or timed-out run leaves nothing behind.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CancelledError, InvalidArgumentError, LowbitError } from '../engine/errors';
import { parseCompilerOutput, type EdgeTpuCompilerResult } from '../engine/targets/edgetpu/compiler-log';
import { readFileBytes } from './read-file';
import { makeOutputDir, writeFileAtomic } from './write-file';

export const EDGETPU_COMPILER_NAME = 'edgetpu_compiler';
export const EDGETPU_COMPILER_ENV = 'LOWBIT_EDGETPU_COMPILER';
export const DEFAULT_COMPILE_TIMEOUT_MS = 180_000;

export const EDGETPU_COMPILER_HOWTO =
  `${EDGETPU_COMPILER_NAME} was not found (on PATH, at $${EDGETPU_COMPILER_ENV} or the configured path). ` +
  "It is Google's closed-source compiler for x86-64 Linux and Lowbit does not ship it. " +
  "On x86-64 Debian or Ubuntu: add Coral's apt repository (https://coral.ai/docs/edgetpu/compiler/#system-requirements) " +
  'and run `sudo apt-get install edgetpu-compiler`. Elsewhere (macOS, Windows, ARM): run it in an x86-64 ' +
  "Debian container with Docker, or in Coral's Colab notebook. `lowbit edgetpu check` predicts its result without it.";

export interface EdgeTpuCompileOptions {
  /** The compiler to run; found with findEdgeTpuCompiler when absent. */
  compilerPath?: string;
  /** Where `<name>_edgetpu.tflite` and `<name>_edgetpu.log` go (-o). */
  outDir: string;
  /** -m: the oldest Edge TPU runtime the compiled model must run on. */
  minRuntimeVersion?: number;
  /** -s: print the per-op table on stdout (on by default; the .log has it anyway). */
  showOperations?: boolean;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Each line the compiler prints, as it prints it. */
  onLine?: (line: string) => void;
}

export interface EdgeTpuCompileRun {
  compiler: string;
  args: string[];
  exitCode: number | null;
  stdout: string;
  log: string;
  result: EdgeTpuCompilerResult;
  /** Where the compiled model was written, or null when the compiler produced none. */
  outputModel: string | null;
  outputLog: string | null;
}

/** The compiler's path, or null: `configured`, then $LOWBIT_EDGETPU_COMPILER, then each $PATH folder. */
export function findEdgeTpuCompiler(
  configured?: string,
  env: NodeJS.ProcessEnv = process.env,
): string | null {
  const candidates = [configured, env[EDGETPU_COMPILER_ENV]].filter((c): c is string => !!c);
  for (const dir of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    candidates.push(path.join(dir, EDGETPU_COMPILER_NAME));
  }
  return candidates.find(isExecutableFile) ?? null;
}

function isExecutableFile(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The compiler's path (`configured`, or as findEdgeTpuCompiler finds it); NOT_FOUND says how to get it. */
export function requireEdgeTpuCompiler(configured?: string): string {
  const compiler = configured ?? findEdgeTpuCompiler();
  if (!compiler || !isExecutableFile(compiler)) {
    const what = configured ? `${configured} is not an executable file. ` : '';
    throw new LowbitError('NOT_FOUND', what + EDGETPU_COMPILER_HOWTO);
  }
  return compiler;
}

export async function runEdgeTpuCompiler(
  model: string,
  options: EdgeTpuCompileOptions,
): Promise<EdgeTpuCompileRun> {
  const compiler = requireEdgeTpuCompiler(options.compilerPath);
  const minRuntime = options.minRuntimeVersion;
  if (minRuntime !== undefined && !(Number.isInteger(minRuntime) && minRuntime >= 10)) {
    throw new InvalidArgumentError(
      `minimum runtime version must be an integer of 10 or more, not ${minRuntime}`,
      {
        option: 'minRuntimeVersion',
      },
    );
  }
  readFileBytes(model, 'model'); // a regular, readable model file within the size limit, named in errors
  makeOutputDir(options.outDir);
  const work = fs.mkdtempSync(path.join(options.outDir, '.edgetpu-compile-'));
  try {
    const args = [
      ...(options.showOperations === false ? [] : ['-s']),
      ...(minRuntime !== undefined ? ['-m', String(minRuntime)] : []),
      '-o',
      work,
      path.resolve(model),
    ];
    const { exitCode, stdout } = await runChild(compiler, args, options);
    const base = path.basename(model).replace(/\.tflite$/i, '');
    const logPath = path.join(work, `${base}_edgetpu.log`);
    const log = fs.existsSync(logPath) ? fs.readFileSync(logPath, 'utf8').slice(0, 1 << 20) : '';
    const result = parseCompilerOutput(`${stdout}\n${log}`);
    const compiledPath = path.join(work, `${base}_edgetpu.tflite`);
    let outputModel: string | null = null;
    let outputLog: string | null = null;
    if (exitCode === 0 && result.compiled && fs.existsSync(compiledPath)) {
      outputModel = path.join(options.outDir, `${base}_edgetpu.tflite`);
      writeFileAtomic(outputModel, readFileBytes(compiledPath, 'model'), [model]);
      if (log) writeFileAtomic((outputLog = path.join(options.outDir, `${base}_edgetpu.log`)), log, [model]);
    } else if (result.failure === null) {
      result.compiled = false;
      result.failure = `${EDGETPU_COMPILER_NAME} exited with status ${exitCode} and wrote no model`;
    }
    return { compiler, args, exitCode, stdout, log, result, outputModel, outputLog };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** Runs the compiler, collecting stdout+stderr (capped at 1 MiB) and reporting lines. */
function runChild(
  compiler: string,
  args: string[],
  options: EdgeTpuCompileOptions,
): Promise<{ exitCode: number | null; stdout: string }> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_COMPILE_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) return reject(new CancelledError('edgetpu_compiler run cancelled'));
    // Its own process group (POSIX): edgetpu_compiler 16 runs the compilation in a child process
    // ("Compilation child process completed within timeout period"), and a wrapper script (Docker)
    // runs it as a child too. Killing only the process we started would leave that child running
    // with our pipes open, so 'close' would wait for it: cancel and timeout kill the whole group.
    const group = process.platform !== 'win32';
    const child = spawn(compiler, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: group });
    let text = '';
    let pending = '';
    let stopped: LowbitError | null = null;
    const onData = (chunk: Buffer) => {
      const s = chunk.toString('utf8');
      if (text.length < 1 << 20) text += s;
      pending += s;
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const l of lines) if (l.trim()) options.onLine?.(l);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const stop = (error: LowbitError) => {
      stopped ??= error;
      try {
        if (group && child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch {
        child.kill('SIGKILL'); // the group is gone already: the process itself, if still there
      }
    };
    const timer = setTimeout(
      () =>
        stop(
          new LowbitError(
            'IO',
            `${EDGETPU_COMPILER_NAME} did not finish within ${Math.round(timeoutMs / 1000)} s: stopped`,
          ),
        ),
      timeoutMs,
    );
    const onAbort = () => stop(new CancelledError('edgetpu_compiler run cancelled'));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    };
    child.on('error', (e) => {
      done();
      reject(new LowbitError('IO', `could not run ${compiler}: ${e.message}`, { cause: e }));
    });
    child.on('close', (code) => {
      done();
      if (pending.trim()) options.onLine?.(pending);
      if (stopped) reject(stopped);
      else resolve({ exitCode: code, stdout: text });
    });
  });
}
