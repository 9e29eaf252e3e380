/**
 * Issue 13: a model whose weights are 2 GB+ of external data opens without loading them. The
 * data file is sparse (2.5 GB on paper, a few blocks on disk); reading and inspecting the model
 * must not grow the process's memory by more than a few megabytes, and a tensor asked for later
 * is read from its range alone, past the 2 GiB offset a 32-bit read would get wrong.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { initializerValues, type OnnxModel } from '../../main/engine/onnx/reader';
import { readModelFile } from '../../main/files/model-file';
import { externalTensor } from '../support/crafted-onnx';
import { node, onnxBytes, valueInfo } from '../support/onnx-models';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lowbit-onnx-2g-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const BIG = 200_000_000; // float32 elements: 800 MB each, three of them
const TAIL_OFFSET = 2_500_000_000;
const TAIL = Float32Array.of(1.5, -2, 3.25, 1e-3);

describe('a 2 GB+ model with external data (issue 13)', () => {
  it('opens and inspects without reading the weights; a tensor is read from its range when asked for', () => {
    const data = path.join(tmp, 'weights.bin');
    const fd = fs.openSync(data, 'w');
    fs.ftruncateSync(fd, TAIL_OFFSET + 4096);
    fs.writeSync(fd, new Uint8Array(TAIL.buffer), 0, 16, TAIL_OFFSET);
    fs.closeSync(fd);
    const big = [0, 1, 2].map((k) =>
      externalTensor(`big${k}`, 'weights.bin', [BIG], {
        offset: String(k * BIG * 4),
        length: String(BIG * 4),
      }),
    );
    const tail = externalTensor('tail', 'weights.bin', [4], { offset: String(TAIL_OFFSET) });
    const model = path.join(tmp, 'model.onnx');
    fs.writeFileSync(
      model,
      onnxBytes({
        nodes: [node('Sum', ['x', 'big0', 'big1', 'big2'], ['s']), node('Mul', ['s', 'tail'], ['y'])],
        inputs: [valueInfo('x', [BIG])],
        outputs: [valueInfo('y', [BIG])],
        initializers: [...big, tail],
      }),
    );
    expect(fs.statSync(data).size).toBeGreaterThan(2 ** 31);

    global.gc?.();
    const before = process.memoryUsage();
    const read = readModelFile(model);
    const report = read.format.inspect(read.model, read.bytes.length);
    const after = process.memoryUsage();
    const grewMiB = (after.rss - before.rss) / 2 ** 20;
    const buffersMiB = (after.arrayBuffers - before.arrayBuffers) / 2 ** 20;
    console.log(
      `2.4 GB external model: opened and inspected; rss +${grewMiB.toFixed(1)} MiB, array buffers +${buffersMiB.toFixed(1)} MiB`,
    );
    expect(report.onnx!.externalBytes).toBe(3 * BIG * 4 + 16);
    expect(report.size.weightsByDtype).toEqual({ float32: 3 * BIG * 4 + 16 });
    // Loading the weights once would be 2.4 GB; the model itself is a few hundred bytes.
    expect(buffersMiB).toBeLessThan(16);
    expect(grewMiB).toBeLessThan(64);

    expect(initializerValues(read.model as OnnxModel, 'tail')).toEqual(TAIL);
  });
});
