/**
 * A test peer for Coral's edgetpu_compiler, which is closed source, x86-64 Linux only, may not be
 * redistributed and is not installed here: an executable shell script, written by the test into a
 * temp folder, that runs test/support/fake-edgetpu-compiler.mjs. It compiles nothing. It prints
 * text in the compiler's real output formats (test/fixtures/edgetpu/, quoted from public issues)
 * and copies a model that the real compiler really produced (../shared/models/coral/*_edgetpu.tflite)
 * as its output. What it prints for DeepLab is built from that compiled model's facts (64 ops in
 * the Edge TPU op, 8 on the CPU), as in test/integration/edgetpu-compiler.test.ts.
 *
 * Each run reads its behaviour from files in the folder, so a test can change it between runs of
 * one `lowbit serve`: `mode` (ok | fail | hang), `stdout.txt`, `log.txt`, `compiled` (the path
 * of the model to copy). The script runs the fake as its child, not with exec, and records the
 * child's pid in `pid`, as the real compiler runs its compilation in a child process: cancel and
 * timeout must stop that process too. Each run records its argv in `args.json` and copies the
 * model it was given to `seen.tflite`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, sharedPath } from './shared';

export const DEEPLAB_INPUT = sharedPath('models', 'coral', 'deeplabv3_mnv2_dm05_pascal_quant.tflite');
export const DEEPLAB_COMPILED = sharedPath(
  'models',
  'coral',
  'deeplabv3_mnv2_dm05_pascal_quant_edgetpu.tflite',
);

/** stdout of `edgetpu_compiler -s` for DeepLab, in the format of v16-yolox-stdout.txt. */
export const DEEPLAB_STDOUT = [
  'Edge TPU Compiler version 16.0.384591198',
  'Started a compilation timeout timer of 180 seconds.',
  '',
  'Model compiled successfully in 812 ms.',
  '',
  'Input model: deeplabv3_mnv2_dm05_pascal_quant.tflite',
  'Output model: deeplabv3_mnv2_dm05_pascal_quant_edgetpu.tflite',
  'On-chip memory used for caching model parameters: 748.75KiB',
  'On-chip memory remaining for caching model parameters: 6.08MiB',
  'Off-chip memory used for streaming uncached model parameters: 0.00B',
  'Number of Edge TPU subgraphs: 1',
  'Total number of operations: 72',
  'Operation log: deeplabv3_mnv2_dm05_pascal_quant_edgetpu.log',
  '',
  'Model successfully compiled but not all operations are supported by the Edge TPU. A percentage of the model will instead run on the CPU, which is slower. If possible, consider updating your model to use only operations supported by the Edge TPU. For details, visit g.co/coral/model-reqs.',
  'Number of operations that will run on Edge TPU: 64',
  'Number of operations that will run on CPU: 8',
  '',
].join('\n');

/** The .log's operator table for DeepLab, in the format of v16-yolov8n-log.txt. */
export const DEEPLAB_LOG = [
  'Edge TPU Compiler version 16.0.384591198',
  'Input: deeplabv3_mnv2_dm05_pascal_quant.tflite',
  'Output: deeplabv3_mnv2_dm05_pascal_quant_edgetpu.tflite',
  '',
  'Operator                       Count      Status',
  '',
  'CONV_2D                        36         Mapped to Edge TPU',
  'CONV_2D                        2          More than one subgraph is not supported',
  'DEPTHWISE_CONV_2D              17         Mapped to Edge TPU',
  'ADD                            10         Mapped to Edge TPU',
  'AVERAGE_POOL_2D                1          Mapped to Edge TPU',
  'RESIZE_BILINEAR                3          Operation is otherwise supported, but not mapped due to some unspecified limitation',
  'QUANTIZE                       1          More than one subgraph is not supported',
  'CONCATENATION                  1          More than one subgraph is not supported',
  'ARG_MAX                        1          Operation not supported',
  '',
].join('\n');

/**
 * A .log where the compiler maps one RESIZE_BILINEAR that Lowbit predicts on the CPU: not the
 * real compiler's result for DeepLab (the log above is), but a disagreement of the shape the UI
 * must highlight, with stdout counts to match (65 / 7).
 */
export const DEEPLAB_LOG_DISAGREEING = DEEPLAB_LOG.replace(
  'RESIZE_BILINEAR                3          Operation is otherwise supported, but not mapped due to some unspecified limitation',
  'RESIZE_BILINEAR                1          Mapped to Edge TPU\nRESIZE_BILINEAR                2          Operation is otherwise supported, but not mapped due to some unspecified limitation',
);
export const DEEPLAB_STDOUT_DISAGREEING = DEEPLAB_STDOUT.replace(
  'run on Edge TPU: 64',
  'run on Edge TPU: 65',
).replace('run on CPU: 8', 'run on CPU: 7');

/** edgetpu_compiler 16 failing, as quoted in google-coral/edgetpu#187 (test/fixtures/edgetpu/v16-failed.txt). */
export const FAILED_STDOUT = fs
  .readFileSync(path.join(ROOT, 'test/fixtures/edgetpu/v16-failed.txt'), 'utf8')
  .split('\n')
  .filter((l) => !l.startsWith('#'))
  .join('\n');

export type PeerMode = 'ok' | 'fail' | 'hang';

export interface CompilerPeer {
  /** The executable to name in $LOWBIT_EDGETPU_COMPILER. */
  executable: string;
  dir: string;
  /** What the next run does and prints. */
  set(mode: PeerMode, stdout: string, log?: string, compiled?: string): void;
  /** The last run's argv. */
  args(): string[];
  /** The model the last run was given. */
  seen(): Buffer;
  /** The pid of the last run's child (the fake compiler itself). */
  childPid(): number;
}

/** Writes the peer into `dir` (which must exist), set to compile DeepLab successfully. */
export function writeCompilerPeer(dir: string): CompilerPeer {
  const executable = path.join(dir, 'edgetpu_compiler');
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  fs.writeFileSync(
    executable,
    [
      '#!/bin/sh',
      "# Test peer for Coral's closed-source edgetpu_compiler (see test/support/edgetpu-compiler-peer.ts).",
      `D=${q(dir)}`,
      'for a; do last=$a; done',
      'cp "$last" "$D/seen.tflite"',
      'FAKE_EDGETPU_ARGS="$D/args.json" FAKE_EDGETPU_STDOUT="$D/stdout.txt" FAKE_EDGETPU_LOG="$D/log.txt" \\',
      '  FAKE_EDGETPU_COMPILED="$(cat "$D/compiled")" FAKE_EDGETPU_MODE="$(cat "$D/mode")" \\',
      `  ${q(process.execPath)} ${q(path.join(ROOT, 'test/support/fake-edgetpu-compiler.mjs'))} "$@" &`,
      'echo $! > "$D/pid"',
      'wait $!',
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  const peer: CompilerPeer = {
    executable,
    dir,
    set(mode, stdout, log = '', compiled = DEEPLAB_COMPILED) {
      fs.writeFileSync(path.join(dir, 'mode'), mode);
      fs.writeFileSync(path.join(dir, 'stdout.txt'), stdout);
      fs.writeFileSync(path.join(dir, 'log.txt'), log);
      fs.writeFileSync(path.join(dir, 'compiled'), compiled);
      fs.rmSync(path.join(dir, 'pid'), { force: true });
    },
    args: () => JSON.parse(fs.readFileSync(path.join(dir, 'args.json'), 'utf8')) as string[],
    seen: () => fs.readFileSync(path.join(dir, 'seen.tflite')),
    childPid: () => Number.parseInt(fs.readFileSync(path.join(dir, 'pid'), 'utf8'), 10),
  };
  peer.set('ok', DEEPLAB_STDOUT, DEEPLAB_LOG);
  return peer;
}

/** True while `pid` is a live process (a zombie, killed but not yet reaped, counts as gone). */
export function isAlive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z /.test(stat);
  } catch {
    return false;
  }
}
