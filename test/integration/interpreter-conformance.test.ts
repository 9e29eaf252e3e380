// Issue 3: every TFLM seanet 16x8 integration case (../shared/conformance/tflm-seanet) must pass
// with each output element within ±1 of TFLite Micro's golden output. A case whose kernel is
// missing fails (with UnsupportedOpError naming the op) rather than being skipped.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../main/engine/tensor/tensor-files';
import { Interpreter } from '../../main/engine/interpreter/index';
import type { DType } from '../../main/engine/tensor/dtype';
import { readTflite } from '../../main/engine/tflite/reader';
import { readBytes, sharedPath } from '../support/shared';

const ROOT = sharedPath('conformance', 'tflm-seanet');

interface Case {
  op: string;
  name: string;
  dir: string;
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const op of fs.readdirSync(ROOT).sort()) {
    const dir = path.join(ROOT, op);
    for (const f of fs.readdirSync(dir).sort()) {
      if (f.endsWith('.tflite')) out.push({ op, name: f.replace(/\.tflite$/, ''), dir });
    }
  }
  return out;
}

function inputFiles(c: Case): { index: number; dtype: DType; file: string }[] {
  const re = new RegExp(`^${c.name}_input(\\d+)_(\\w+)\\.csv$`);
  return fs
    .readdirSync(c.dir)
    .map((f) => ({ f, m: re.exec(f) }))
    .filter((x) => x.m)
    .map((x) => ({ index: Number(x.m![1]), dtype: x.m![2] as DType, file: path.join(c.dir, x.f) }))
    .sort((a, b) => a.index - b.index);
}

const all = cases();

describe('TFLM seanet conformance (16x8), within ±1 of golden', () => {
  it('finds the cases', () => {
    expect(all.length).toBe(66);
    expect(new Set(all.map((c) => c.op))).toEqual(
      new Set(['add', 'conv', 'leaky_relu', 'pad', 'quantize', 'strided_slice', 'sub', 'transpose_conv']),
    );
  });

  for (const c of all) {
    it(`${c.op}/${c.name}`, () => {
      const model = readTflite(readBytes(path.join(c.dir, `${c.name}.tflite`)));
      const interp = Interpreter.create(model);
      const files = inputFiles(c);
      expect(files.length).toBe(interp.inputs.length);
      for (const f of files) {
        const info = interp.inputs[f.index];
        expect(info.dtype).toBe(f.dtype);
        interp.setInput(f.index, parseCsv(fs.readFileSync(f.file, 'utf8'), f.dtype, f.file));
      }
      interp.invoke();
      const golden = parseCsv(
        fs.readFileSync(path.join(c.dir, `${c.name}_golden_int16.csv`), 'utf8'),
        'int16',
      );
      const out = interp.output(0);
      expect(out.dtype).toBe('int16');
      expect(out.data.length).toBe(golden.length);
      let worst = 0;
      let worstAt = -1;
      for (let k = 0; k < golden.length; k++) {
        const d = Math.abs((out.data[k] as number) - (golden[k] as number));
        if (d > worst) {
          worst = d;
          worstAt = k;
        }
      }
      expect(worst, `max |diff| at element ${worstAt}`).toBeLessThanOrEqual(1);
    });
  }
});
