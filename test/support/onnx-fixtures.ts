/**
 * The real PyTorch models of scripts/onnx-fixtures.py (read its header): the committed
 * Fashion-MNIST CNN and the generated torchvision MobileNetV2 and ResNet-18, each with 20 inputs
 * and PyTorch's outputs for them (.npy). A generated model that is missing is made here when
 * Debian's python3-torch is present (about 20 s; concurrent callers wait on the script's lock);
 * otherwise `onnxFixture` returns the reason to print when skipping.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './shared';

export type OnnxFixtureName = 'fashion-cnn' | 'mobilenet_v2' | 'resnet18';

export interface OnnxFixture {
  name: OnnxFixtureName;
  model: string;
  /** The manifest the script wrote (fashion-cnn: onnxruntimeAccuracy, preprocess, ...). */
  manifest: Record<string, unknown>;
  /** input_00.npy ... and PyTorch's output_00.npy ..., paired by index. */
  inputs: string[];
  pytorchOutputs: string[];
}

export const ONNX_FIXTURES_DIR = path.join(ROOT, 'test', 'fixtures', 'onnx');
const GENERATED_DIR = path.join(ONNX_FIXTURES_DIR, 'generated');
const PYTHON = '/usr/bin/python3';
const SAMPLES = 20;

function folderOf(name: OnnxFixtureName): string {
  return name === 'fashion-cnn' ? ONNX_FIXTURES_DIR : GENERATED_DIR;
}

function complete(name: OnnxFixtureName): boolean {
  const dir = folderOf(name);
  const last = path.join(dir, `${name}-io`, `output_${String(SAMPLES - 1).padStart(2, '0')}.npy`);
  return (
    [`${name}.onnx`, `${name}.json`].every((f) => fs.existsSync(path.join(dir, f))) && fs.existsSync(last)
  );
}

function torchMissing(): string | undefined {
  try {
    execFileSync(PYTHON, ['-c', 'import torch, torchvision, onnx'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return `${PYTHON} lacks torch/torchvision/onnx (Debian python3-torch, python3-torchvision, python3-onnx)`;
  }
}

/** The fixture, generating it if needed; a string is the reason it is unavailable. */
export function onnxFixture(name: OnnxFixtureName): OnnxFixture | string {
  if (!complete(name)) {
    const missing = torchMissing();
    if (missing) return `${name}.onnx not generated and ${missing}: run npm run fixtures:onnx`;
    execFileSync(PYTHON, [path.join(ROOT, 'scripts', 'onnx-fixtures.py')], { cwd: ROOT, stdio: 'ignore' });
    if (!complete(name)) return `${name}.onnx: scripts/onnx-fixtures.py did not produce it`;
  }
  const dir = folderOf(name);
  const io = (kind: string) =>
    Array.from({ length: SAMPLES }, (_, i) =>
      path.join(dir, `${name}-io`, `${kind}_${String(i).padStart(2, '0')}.npy`),
    );
  return {
    name,
    model: path.join(dir, `${name}.onnx`),
    manifest: JSON.parse(fs.readFileSync(path.join(dir, `${name}.json`), 'utf8')) as Record<string, unknown>,
    inputs: io('input'),
    pytorchOutputs: io('output'),
  };
}

/** The fixture, or (when it cannot be had) the reason printed and the test skipped. */
export function onnxFixtureOrSkip(
  name: OnnxFixtureName,
  ctx: { skip: (note?: string) => never },
): OnnxFixture {
  const fixture = onnxFixture(name);
  if (typeof fixture !== 'string') return fixture;
  console.log(`skipped: ${fixture}`);
  return ctx.skip(fixture);
}

/** Largest |a - b| over the range of b: the "1e-4 relative to the output's range". */
export function relativeToRange(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let lo = Infinity;
  let hi = -Infinity;
  let worst = 0;
  for (let i = 0; i < b.length; i++) {
    lo = Math.min(lo, b[i]);
    hi = Math.max(hi, b[i]);
    worst = Math.max(worst, Math.abs(a[i] - b[i]));
  }
  return worst / Math.max(hi - lo, Number.MIN_VALUE);
}
