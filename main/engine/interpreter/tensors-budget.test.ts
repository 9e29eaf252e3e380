/**
 * Issue 18: what the interpreter makes per tensor (a densified sparse constant) is charged to the
 * model's memory cap (model/memory-budget.ts), so tensors sharing one tiny buffer cannot each
 * densify it into megabytes.
 */
import { describe, expect, it } from 'vitest';
import { sparseFanOutModel } from '../../../test/support/crafted-models';
import { modelMemoryLimit } from '../model/memory-budget';
import { readTflite } from '../tflite/reader';
import { Interpreter } from './interpreter';

describe('bounded interpreter setup (issue 18)', () => {
  it('refuses, when building an interpreter, 100 sparse tensors each densifying one tiny buffer to 16 MB', () => {
    const bytes = sparseFanOutModel(100, [4096, 1024]);
    const model = readTflite(bytes);
    const before = process.memoryUsage().arrayBuffers;
    expect(() => Interpreter.create(model)).toThrow(
      /densifying tensor \d+ "w\d+" would take the model past its memory limit/,
    );
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(2 * modelMemoryLimit(bytes.length));
  });
});
