// Issue 13, item 4: `lowbit convert` — the output written atomically and readable, the input
// never overwritten, JSON with the per-node report, and each failure one line naming the file
// with its exit status, nothing written.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readTflite } from '../../main/engine/tflite/reader';
import { lowbitInProcess } from '../support/cli';
import { onnxModel } from '../support/onnx-build';
import { ONNX_FIXTURES_DIR } from '../support/onnx-fixtures';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lowbit-convert-cli-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const CNN = path.join(ONNX_FIXTURES_DIR, 'fashion-cnn.onnx');

function write(name: string, bytes: Uint8Array): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  return file;
}

describe('lowbit convert (issue 13)', () => {
  it('writes a TFLite model and prints the per-node report as JSON', async () => {
    const out = path.join(dir, 'cnn.tflite');
    const r = await lowbitInProcess('convert', CNN, '--out', out, '--json', '--quiet');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as {
      outputBytes: number;
      report: { nodes: { opType: string; tflite: string[] }[]; insideTransposes: number };
    };
    expect(json.outputBytes).toBe(fs.statSync(out).size);
    expect(json.report.insideTransposes).toBe(0);
    expect(json.report.nodes[0]).toMatchObject({ opType: 'Conv', tflite: ['RESHAPE', 'CONV_2D'] });
    const model = readTflite(new Uint8Array(fs.readFileSync(out)));
    expect(model.subgraphs[0].inputs.map((i) => model.subgraphs[0].tensors[i].shape)).toEqual([
      [1, 1, 28, 28],
    ]);
    expect(fs.readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('--io-layout nhwc gives a channel-last input; the table names every node', async () => {
    const out = path.join(dir, 'cnn-nhwc.tflite');
    const r = await lowbitInProcess('convert', CNN, '--out', out, '--io-layout', 'nhwc', '--quiet');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('BatchNormalization');
    expect(r.stdout).toContain('folded into CONV_2D of node 0');
    const model = readTflite(new Uint8Array(fs.readFileSync(out)));
    expect(model.subgraphs[0].tensors[model.subgraphs[0].inputs[0]].shape).toEqual([1, 28, 28, 1]);
  });

  it('never overwrites its input', async () => {
    const copy = write('copy.onnx', new Uint8Array(fs.readFileSync(CNN)));
    const before = fs.readFileSync(copy);
    const r = await lowbitInProcess('convert', copy, '--out', copy, '--quiet');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('refusing to overwrite the input');
    expect(fs.readFileSync(copy).equals(before)).toBe(true);
  });

  it('an unsupported op: exit 2, one line naming the file and every unsupported node, nothing written', async () => {
    const file = write(
      'lstm.onnx',
      onnxModel({
        inputs: { x: [1, 4] },
        outputs: ['z'],
        nodes: [
          { op: 'Erf', name: 'e', inputs: ['x'], outputs: ['y'] },
          { op: 'Einsum', name: 'mix', inputs: ['y'], outputs: ['z'] },
        ],
      }),
    );
    const out = path.join(dir, 'lstm.tflite');
    const r = await lowbitInProcess('convert', file, '--out', out, '--quiet');
    expect(r.code).toBe(2);
    const line = r.stderr.trim();
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toContain(`${file}: cannot convert to TFLite: 2 node(s) unsupported (Erf, Einsum)`);
    expect(line).toContain('node 0 "e" (Erf)');
    expect(line).toContain('node 1 "mix" (Einsum)');
    expect(fs.existsSync(out)).toBe(false);
  });

  it('a dynamic dim: the error says to give the shape, with the flag; --input-shape fixes it', async () => {
    const file = write(
      'dyn.onnx',
      onnxModel({
        inputs: { x: ['n', 3, 'h', 4] },
        outputs: ['y'],
        nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }],
      }),
    );
    const out = path.join(dir, 'dyn.tflite');
    const bad = await lowbitInProcess('convert', file, '--out', out, '--quiet');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(
      `--input-shape: ${file}: input "x" has a dynamic dim 2 ("h"): give its shape`,
    );
    expect(fs.existsSync(out)).toBe(false);
    const good = await lowbitInProcess(
      'convert',
      file,
      '--out',
      out,
      '--input-shape',
      'x=1,3,5,4',
      '--quiet',
    );
    expect(good.code).toBe(0);
    const model = readTflite(new Uint8Array(fs.readFileSync(out)));
    expect(model.subgraphs[0].tensors[model.subgraphs[0].inputs[0]].shape).toEqual([1, 3, 5, 4]);
  });

  it('a file that is not ONNX: exit 2, one line naming it', async () => {
    const file = write('junk.onnx', new Uint8Array([0xff, 0xff, 0xff, 0x01, 0x02]));
    const r = await lowbitInProcess('convert', file, '--out', path.join(dir, 'junk.tflite'), '--quiet');
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(file);
  });
});
