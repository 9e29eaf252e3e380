/**
 * Runs a model on Arm NN's reference CPU backend through ../shared/tools/armnn-run (an
 * independent TFLite runtime) and returns its outputs, for cross-checking the interpreter.
 * Needs python3-pyarmnn and the CpuRef backend (installed in CI and in the dev image).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sharedPath } from './shared';
import { peer } from './peers';

export type ArmnnArray = Float32Array | Int8Array | Uint8Array | Int16Array | Int32Array;

export interface ArmnnOutput {
  name: string;
  dtype: string;
  shape: number[];
  scale: number;
  zeroPoint: number;
  data: ArmnnArray;
}

export interface ArmnnResult {
  outputs: ArmnnOutput[];
  /** Wall time of the whole armnn-run process (includes Python start-up and model load). */
  ms: number;
}

/** Arm NN refused the model (exit 2): an op or dtype it lacks. */
export class ArmnnUnsupportedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArmnnUnsupportedError';
  }
}

export const ARMNN_RUN = sharedPath('tools', 'armnn-run');
/** The Debian interpreter that has python3-pyarmnn (a pyenv/venv python3 on PATH may not). */
const PYTHON = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

/**
 * Arm NN and its runner are installed (test/support/peers.ts: with LOWBIT_REQUIRE_PEERS=1 a missing
 * Arm NN throws here, so the test file fails instead of skipping).
 */
export function armnnAvailable(): boolean {
  return peer('armnn').ok;
}

function typed(dtype: string, buf: Buffer): ArmnnArray {
  const bytes = new Uint8Array(buf.byteLength);
  bytes.set(buf);
  switch (dtype) {
    case 'float32':
      return new Float32Array(bytes.buffer);
    case 'int8':
      return new Int8Array(bytes.buffer);
    case 'uint8':
      return bytes;
    case 'int16':
      return new Int16Array(bytes.buffer);
    case 'int32':
      return new Int32Array(bytes.buffer);
    default:
      throw new Error(`armnn-run returned unknown dtype ${dtype}`);
  }
}

/** Runs `modelPath` on Arm NN CpuRef with one typed array per model input (raw bytes, model dtype). */
export function runArmnn(modelPath: string, inputs: ArrayBufferView[]): ArmnnResult {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lowbit-armnn-'));
  try {
    const files = inputs.map((a, i) => {
      const p = path.join(dir, `input${i}.bin`);
      fs.writeFileSync(p, new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
      return p;
    });
    const out = path.join(dir, 'out');
    const t0 = performance.now();
    try {
      execFileSync(PYTHON, [ARMNN_RUN, modelPath, ...files, '--out', out], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (e) {
      const err = e as { status?: number; stdout?: Buffer; stderr?: Buffer };
      const msg = `${err.stdout?.toString() ?? ''}${err.stderr?.toString() ?? ''}`.trim();
      if (err.status === 2) throw new ArmnnUnsupportedError(msg);
      throw new Error(`armnn-run failed (${err.status}): ${msg}`, { cause: e });
    }
    const ms = performance.now() - t0;
    const meta = JSON.parse(fs.readFileSync(path.join(out, 'outputs.json'), 'utf8')) as {
      name: string;
      dtype: string;
      shape: number[];
      scale: number;
      zero_point: number;
    }[];
    const outputs = meta.map((m, i) => ({
      name: m.name,
      dtype: m.dtype,
      shape: m.shape,
      scale: m.scale,
      zeroPoint: m.zero_point,
      data: typed(m.dtype, fs.readFileSync(path.join(out, `output${i}.bin`))),
    }));
    return { outputs, ms };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Runs a single-input model on Arm NN CpuRef over `count` samples packed back to back in
 * `inputs` (the input's dtype), loading the network once (test/support/armnn-batch.py); returns
 * output 0 of every sample back to back as float32 (quantized outputs dequantized).
 */
export function runArmnnBatch(modelBytes: Uint8Array, inputs: ArrayBufferView, count: number): Float32Array {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lowbit-armnn-batch-'));
  try {
    const modelPath = path.join(dir, 'm.tflite');
    fs.writeFileSync(modelPath, modelBytes);
    fs.writeFileSync(
      path.join(dir, 'x.bin'),
      new Uint8Array(inputs.buffer, inputs.byteOffset, inputs.byteLength),
    );
    // Run the script itself: its #!/usr/bin/python3 is Debian's Python, which has pyarmnn.
    execFileSync(path.join(import.meta.dirname, 'armnn-batch.py'), [
      modelPath,
      path.join(dir, 'x.bin'),
      String(count),
      path.join(dir, 'y.bin'),
    ]);
    return new Float32Array(new Uint8Array(fs.readFileSync(path.join(dir, 'y.bin'))).buffer);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
