/**
 * Issue 18: what the interpreter makes per tensor (a densified sparse constant) is charged to the
 * model's memory cap (model/memory-budget.ts), so tensors sharing one tiny buffer cannot each
 * densify it into megabytes. (A file like that is refused when read, reader-budget.test.ts; this
 * guards models built in memory.)
 */
import { describe, expect, it } from 'vitest';
import { sparseFanOutTflModel } from '../../../test/support/crafted-models';
import { modelMemoryLimit } from '../model/memory-budget';
import { Interpreter } from './interpreter';

describe('bounded interpreter setup (issue 18)', () => {
  it('refuses 100 sparse tensors of a model in memory, each densifying one tiny buffer to 16 MB', () => {
    const model = sparseFanOutTflModel(100, [4096, 1024]);
    const before = process.memoryUsage().arrayBuffers;
    expect(() => Interpreter.create(model)).toThrow(
      /^densifying tensor \d+ "w\d+" would take the model past its memory limit of \d+ bytes \(64 × the 4-byte model data/,
    );
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(2 * modelMemoryLimit(4));
  });
});
