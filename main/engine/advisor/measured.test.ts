/**
 * Issue 17 item 4: the estimate next to the measurement, with the reason when they differ.
 * Byte figures are worked out from the facts in the comments.
 */
import { describe, expect, it } from 'vitest';
import { checkEstimates } from './measured';
import type { ModelFacts } from './types';

// 41,240 bytes, 38,120 of them float32 weights (3,120 fixed); float arena 5,376 bytes.
const FACTS: ModelFacts = {
  sizeBytes: 41_240,
  dtype: 'float32',
  alreadyQuantized: false,
  opCounts: { FULLY_CONNECTED: 2 },
  float32WeightBytes: 38_120,
  float16WeightBytes: 0,
  activationDtype: 'float32',
  int8UnsupportedOps: [],
  edgeTpuUnsupportedOps: [],
  arenaBytes: 5_376,
};

describe('checkEstimates', () => {
  it('puts 0.99× next to "2–3× on CPU" and says why they differ', () => {
    const [speed] = checkEstimates('dynamic', 'cpu', FACTS, {
      bytes: 12_700,
      speedup: 0.99,
      arenaBytes: 5_376,
    });
    expect(speed).toMatchObject({
      what: 'speed',
      estimate: '2–3× on CPU (hybrid int8 kernels)',
      measured: '0.99×',
      agrees: false,
    });
    expect(speed!.reason).toContain("TensorFlow Lite's optimised CPU kernels");
    expect(speed!.reason).toContain('slower than the float model here (0.99×)');
    expect(speed!.reason).toContain("Lowbit's own interpreter");
  });

  it('says nothing more when the measurement is within the estimate', () => {
    const checks = checkEstimates('dynamic', 'cpu', FACTS, {
      bytes: 12_650,
      speedup: 2.5,
      arenaBytes: 5_376,
    });
    // dynamic range: 3,120 + 38,120 / 4 = 12,650 bytes; activations stay float (arena unchanged).
    expect(checks.map((c) => [c.what, c.agrees, c.reason])).toEqual([
      ['speed', true, undefined],
      ['size', true, undefined],
      ['ram', true, undefined],
    ]);
    expect(checks[1]!.estimate).toBe('about 12.4 KiB (12,650 bytes)');
  });

  it('explains a file larger than the estimate', () => {
    // 12,650 × 1.05 = 13,282.5: 14,000 is over.
    const size = checkEstimates('dynamic', 'cpu', FACTS, {
      bytes: 14_000,
      speedup: 2,
      arenaBytes: 5_376,
    })[1]!;
    expect(size.agrees).toBe(false);
    expect(size.reason).toContain('keeps some float');
  });

  it('compares the int8 arena with a quarter of the float arena', () => {
    // 5,376 / 4 = 1,344 bytes; 2,000 planned is more than 5% over.
    const ram = checkEstimates('int8', 'mcu', FACTS, { bytes: 12_650, speedup: 2.4, arenaBytes: 2_000 })[2]!;
    expect(ram).toMatchObject({ what: 'ram', agrees: false });
    expect(ram.estimate).toBe('about 1.3 KiB (1,344 bytes)');
    expect(ram.reason).toContain('wider than the estimate');
  });

  it('has no figure to compare on a microcontroller, and says the measurement is from this machine', () => {
    const speed = checkEstimates('int8', 'mcu', FACTS, {
      bytes: 12_650,
      speedup: 2.4,
      arenaBytes: 1_344,
    })[0]!;
    expect(speed.agrees).toBeNull();
    expect(speed.reason).toContain('not the microcontroller');
  });
});
