/**
 * Issue 18: reading a model costs memory proportional to the file, whatever its layout. Files
 * whose tables alias one large region (test/support/crafted-models.ts) are refused with a
 * MODEL_FORMAT error naming the limit, quickly and without allocating the naive cost; the same
 * kinds of aliasing at a small count still read, within the measured bound.
 */
import { describe, expect, it } from 'vitest';
import { aliasingModel, sparseFanOutModel } from '../../../test/support/crafted-models';
import { readBytes, sharedModelPaths } from '../../../test/support/shared';
import { LowbitError } from '../errors';
import { modelMemoryLimit, MODEL_MEMORY_FACTOR } from '../model/memory-budget';
import { readTflite } from './reader';

const REGION = 200_000;

function rejected(bytes: Uint8Array): LowbitError {
  const before = process.memoryUsage();
  const t0 = performance.now();
  let error: unknown;
  try {
    readTflite(bytes);
  } catch (e) {
    error = e;
  }
  const ms = performance.now() - t0;
  const after = process.memoryUsage();
  expect(error).toBeInstanceOf(LowbitError);
  expect((error as LowbitError).code).toBe('MODEL_FORMAT');
  expect((error as LowbitError).message).toContain(`memory limit of ${modelMemoryLimit(bytes.length)} bytes`);
  expect(ms).toBeLessThan(2000);
  // Nothing near the naive cost (gigabytes) was allocated on the way to the refusal.
  const grown = after.arrayBuffers - before.arrayBuffers + (after.heapUsed - before.heapUsed);
  expect(grown).toBeLessThan(modelMemoryLimit(bytes.length) + 64 * 2 ** 20);
  return error as LowbitError;
}

describe('bounded model reading (issue 18)', () => {
  it('refuses 10,000 buffer entries aliasing one 200 KB region (2 GB if each were copied)', () => {
    const bytes = aliasingModel({ bufferAliases: 10_000, regionBytes: REGION });
    expect(bytes.length).toBeLessThan(400_000);
    expect(rejected(bytes).message).toMatch(/buffer \d+ \(200000 bytes\)/);
  });

  it('refuses 10,000 tensors on one 200 KB buffer (per-tensor setup would cost 2 GB)', () => {
    const bytes = aliasingModel({ tensorAliases: 10_000, regionBytes: REGION });
    expect(rejected(bytes).message).toMatch(/^subgraph 0's tensor \d+ would take/);
  });

  it('refuses 10,000 tensor names aliasing one 200 KB string', () => {
    const bytes = aliasingModel({ nameAliases: 10_000, regionBytes: REGION });
    expect(rejected(bytes).message).toContain('200000-byte string');
  });

  it('refuses 100 sparse tensors on one tiny buffer, each 16 MB densified, at read time', () => {
    const bytes = sparseFanOutModel(100, [4096, 1024]);
    expect(rejected(bytes).message).toMatch(/^subgraph 0's tensor \d+ \(sparse, densified\) would take/);
  });

  it('refuses 10,000 tensor shapes aliasing one 50,000-element vector', () => {
    rejected(aliasingModel({ shapeAliases: 10_000, regionBytes: REGION }));
  });

  it('reads a few aliases within the bound, each buffer its own copy', () => {
    const bytes = aliasingModel({ bufferAliases: 20, regionBytes: REGION });
    const before = process.memoryUsage().arrayBuffers;
    const model = readTflite(bytes);
    const grown = process.memoryUsage().arrayBuffers - before;
    expect(model.buffers).toHaveLength(21);
    expect(model.buffers[1].data.buffer).not.toBe(model.buffers[2].data.buffer);
    expect(grown).toBeLessThan(modelMemoryLimit(bytes.length));
  });

  it(`reads every shared model well within ${MODEL_MEMORY_FACTOR} × its size`, () => {
    for (const file of sharedModelPaths()) {
      const bytes = readBytes(file);
      expect(() => readTflite(bytes), file).not.toThrow();
    }
  });
});
