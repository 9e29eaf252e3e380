/**
 * Issue 7: the TFLite Micro export compiles (g++ -std=c++17 against a minimal stub of the TFLM
 * resolver), the array's bytes equal the model, and the resolver registers exactly the model's
 * ops. The stub records each Add…() call, and a tiny program prints the array and the calls.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { unzipSync, strFromU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { exportArduinoLibrary } from '../../main/engine/deploy/arduino';
import { estimateFootprint } from '../../main/engine/deploy/fit';
import { footprintFacts } from '../../main/engine/deploy/footprint-facts';
import { exportTflm } from '../../main/engine/deploy/tflm-export';
import { readTflite } from '../../main/engine/tflite/reader';
import { readBytes, sharedPath } from '../support/shared';
import { stubResolverHeader } from '../support/tflm-stub';

const MAIN = `#include <cstdio>
#include "model_data.h"
#include "model_ops.h"
int main() {
  ModelOpResolver resolver;
  if (RegisterModelOps(resolver) != kTfLiteOk) return 2;
  if ((reinterpret_cast<unsigned long>(g_model) % 16) != 0) return 3;
  std::printf("arena %zu\\n", kModelArenaSize);
  std::printf("len %u\\n", g_model_len);
  std::fwrite(g_model, 1, g_model_len, stderr);
  return 0;
}
`;

for (const name of ['person_detect', 'hello_world_int8']) {
  describe(`TFLM export of ${name}`, () => {
    const bytes = readBytes(sharedPath('models', 'tflite-micro', `${name}.tflite`));
    const model = readTflite(bytes);
    const facts = footprintFacts(model, bytes.length);
    const estimate = estimateFootprint(facts);

    it('compiles with g++ -std=c++17, holds the exact bytes, registers exactly the model ops', () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lowbit-tflm-'));
      try {
        for (const f of exportTflm(bytes, facts.ops, estimate))
          fs.writeFileSync(path.join(dir, f.path), f.contents);
        const stubDir = path.join(dir, 'stub', 'tensorflow', 'lite', 'micro');
        fs.mkdirSync(stubDir, { recursive: true });
        fs.writeFileSync(path.join(stubDir, 'micro_mutable_op_resolver.h'), stubResolverHeader());
        fs.writeFileSync(path.join(dir, 'main.cc'), MAIN);
        const inc = ['-I', dir, '-I', path.join(dir, 'stub')];
        execFileSync(
          'g++',
          ['-std=c++17', '-Wall', '-Werror', '-c', ...inc, 'model_data.cc', '-o', 'model_data.o'],
          { cwd: dir },
        );
        execFileSync(
          'g++',
          ['-std=c++17', '-Wall', '-Werror', ...inc, 'main.cc', 'model_data.o', '-o', 'main'],
          { cwd: dir },
        );
        const run = spawnCollect(path.join(dir, 'main'));
        const lines = run.stdout.trim().split('\n');
        const ops = lines.filter((l) => l.startsWith('op ')).map((l) => l.slice(3));
        expect(ops).toEqual([...facts.ops].sort());
        expect(new Set(ops).size).toBe(ops.length);
        expect(lines).toContain(`len ${bytes.length}`);
        expect(Buffer.compare(run.stderr, Buffer.from(bytes))).toBe(0);
        const arena = Number(lines.find((l) => l.startsWith('arena '))!.slice(6));
        expect(arena % 16).toBe(0);
        expect(arena).toBeGreaterThanOrEqual(facts.arenaBytes);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it('the Arduino library zip has library.properties, src/ and an example sketch', () => {
      const { zip } = exportArduinoLibrary(bytes, facts.ops, estimate);
      const files = unzipSync(zip);
      const names = Object.keys(files).sort();
      expect(names).toEqual([
        'Lowbit_Model/examples/ModelInference/ModelInference.ino',
        'Lowbit_Model/library.properties',
        'Lowbit_Model/src/model_data.cc',
        'Lowbit_Model/src/model_data.h',
        'Lowbit_Model/src/model_ops.h',
      ]);
      expect(strFromU8(files['Lowbit_Model/library.properties']!)).toMatch(/^name=Lowbit_Model$/m);
      expect(strFromU8(files['Lowbit_Model/examples/ModelInference/ModelInference.ino']!)).toContain(
        'RegisterModelOps(resolver)',
      );
      // Same model, same zip bytes (fixed timestamps).
      expect(exportArduinoLibrary(bytes, facts.ops, estimate).zip).toEqual(zip);
    });
  });
}

describe('fit report', () => {
  it('person_detect: the arena is the peak of two live activations (48x48x8 in, 48x48x16 out)', () => {
    const bytes = readBytes(sharedPath('models', 'tflite-micro', 'person_detect.tflite'));
    const facts = footprintFacts(readTflite(bytes), bytes.length);
    expect(facts.arenaBytes).toBe(48 * 48 * 8 + 48 * 48 * 16);
    expect(facts.ops).toEqual(['AVERAGE_POOL_2D', 'CONV_2D', 'DEPTHWISE_CONV_2D', 'RESHAPE', 'SOFTMAX']);
  });

  it('hello_world int8: arena = two live 16-wide int8 activations', () => {
    const bytes = readBytes(sharedPath('models', 'tflite-micro', 'hello_world_int8.tflite'));
    expect(footprintFacts(readTflite(bytes), bytes.length).arenaBytes).toBe(32);
  });
});

function spawnCollect(bin: string): { stdout: string; stderr: Buffer } {
  const r = spawnSync(bin, [], { maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${bin} exited ${r.status}`);
  return { stdout: r.stdout.toString(), stderr: r.stderr };
}
