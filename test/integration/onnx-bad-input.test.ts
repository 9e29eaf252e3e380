/**
 * Issue 13, "Bad input": a truncated protobuf, a file that is not ONNX, external data that is
 * missing, escapes the model's folder (.., an absolute path, a symbolic link out) or runs past
 * its file, a graph with a cycle, an op with a missing input: each is one line naming the file
 * and the problem, exit 2 from `lowbit inspect`, never a stack trace.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lowbitInProcess } from '../support/cli';
import { chainParts, externalDataModel } from '../support/crafted-onnx';
import { node, onnxBytes } from '../support/onnx-models';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lowbit-onnx-bad-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Writes `bytes` as tmp/<dir>/<name> and returns the path. */
function put(dir: string, name: string, bytes: Uint8Array | string): string {
  fs.mkdirSync(path.join(tmp, dir), { recursive: true });
  const file = path.join(tmp, dir, name);
  fs.writeFileSync(file, bytes);
  return file;
}

/** `lowbit inspect file` (or `lowbit <args>`): exit 2 and exactly one line that names the file. */
async function refused(file: string, args = ['inspect', file]): Promise<string> {
  const r = await lowbitInProcess(...args);
  expect(r.code, r.stderr).toBe(2);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toContain(file);
  return lines[0]!;
}

describe('lowbit inspect on bad ONNX files: one line, exit 2 (issue 13)', () => {
  it('a truncated protobuf', async () => {
    const bytes = onnxBytes(chainParts());
    const file = put('truncated', 'model.onnx', bytes.subarray(0, bytes.length - 7));
    expect(await refused(file)).toMatch(
      /not a valid ONNX protobuf at byte \d+ \(ModelProto\.\w+\): truncated/,
    );
  });

  it('a file that is not ONNX: text, and a PNG named .onnx', async () => {
    expect(await refused(put('wrong', 'notes.onnx', 'just some notes\n'))).toMatch(
      /not a valid ONNX protobuf/,
    );
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    expect(await refused(put('wrong', 'image.onnx', png))).toMatch(/not a valid ONNX protobuf/);
  });

  it('a graph with a cycle', async () => {
    const bytes = onnxBytes({
      ...chainParts(),
      nodes: [node('Relu', ['b'], ['a']), node('Neg', ['a'], ['b']), node('Abs', ['x'], ['y'])],
    });
    expect(await refused(put('cycle', 'model.onnx', bytes))).toMatch(
      /the graph has a cycle: node 0 "a" \(Relu\), node 1 "b" \(Neg\)/,
    );
  });

  it('an op with a missing input', async () => {
    const bytes = onnxBytes({ ...chainParts(), nodes: [node('Add', ['x', 'bias'], ['y'])] });
    expect(await refused(put('missing-input', 'model.onnx', bytes))).toMatch(
      /node 0 "y" \(Add\) has input "bias", which no node, input or initializer produces/,
    );
  });

  it('ONNX → ONNX quantization reads through the same checks: a cycle is refused, nothing written', async () => {
    const bytes = onnxBytes({
      ...chainParts(),
      nodes: [node('Relu', ['b'], ['a']), node('Neg', ['a'], ['b']), node('Abs', ['x'], ['y'])],
    });
    const file = put('quantize-cycle', 'model.onnx', bytes);
    const out = path.join(tmp, 'quantize-cycle', 'out.onnx');
    const line = await refused(file, ['quantize', file, '--technique', 'dynamic', '--out', out]);
    expect(line).toMatch(/the graph has a cycle/);
    expect(fs.existsSync(out)).toBe(false);
  });

  it('external data that is missing', async () => {
    const file = put('ext-missing', 'model.onnx', externalDataModel('weights.bin', [4]));
    expect(await refused(file)).toMatch(
      /tensor "w": external data "weights\.bin" is missing from the model's folder/,
    );
  });

  it('external data that escapes the folder: .., an absolute path, a symbolic link out', async () => {
    put('outside', 'weights.bin', new Uint8Array(16));
    const up = put('ext-dotdot', 'model.onnx', externalDataModel('../outside/weights.bin', [4]));
    expect(await refused(up)).toMatch(
      /external data "\.\.\/outside\/weights\.bin" leaves the model's folder/,
    );
    const abs = put(
      'ext-absolute',
      'model.onnx',
      externalDataModel(path.join(tmp, 'outside', 'weights.bin'), [4]),
    );
    expect(await refused(abs)).toMatch(/is an absolute path: it must be relative to the model's folder/);
    const linked = put('ext-symlink', 'model.onnx', externalDataModel('weights.bin', [4]));
    fs.symlinkSync(path.join(tmp, 'outside', 'weights.bin'), path.join(tmp, 'ext-symlink', 'weights.bin'));
    expect(await refused(linked)).toMatch(
      /external data "weights\.bin" leads out of the model's folder through a symbolic link/,
    );
  });

  it('external data past the end of its file, and a length that disagrees with the dims', async () => {
    put('ext-short', 'weights.bin', new Uint8Array(16));
    const past = put('ext-short', 'model.onnx', externalDataModel('weights.bin', [4], { offset: '8' }));
    expect(await refused(past)).toMatch(
      /tensor "w": external data "weights\.bin" offset 8 \+ length 16 is past its end \(16 bytes\)/,
    );
    const length = put('ext-short', 'length.onnx', externalDataModel('weights.bin', [4], { length: '12' }));
    expect(await refused(length)).toMatch(
      /external data length 12 does not match its float32 dims \[4\] \(16 bytes\)/,
    );
  });

  it('a good model with external data inside its folder opens', async () => {
    put('ext-good', 'weights.bin', new Uint8Array(32));
    const file = put(
      'ext-good',
      'model.onnx',
      externalDataModel('sub/../weights.bin', [4], { offset: '16' }),
    );
    // "sub/../x" has a '..' segment: refused even though it would land inside.
    expect(await refused(file)).toMatch(/leaves the model's folder/);
    const ok = put('ext-good', 'ok.onnx', externalDataModel('weights.bin', [4], { offset: '16' }));
    const r = await lowbitInProcess('inspect', ok, '--json');
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { format: string; onnx: { externalBytes: number } };
    expect(report.format).toBe('onnx');
    expect(report.onnx.externalBytes).toBe(16);
  });
});
