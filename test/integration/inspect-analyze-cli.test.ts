// Issue 17, item 10: `lowbit inspect --analyze [--json]`.
import { describe, expect, it } from 'vitest';
import type { ModelAnalysis } from '../../main/engine/analysis/analyze';
import { lowbitInProcess } from '../support/cli';
import { mobilenetV1 } from '../support/reference-architectures';
import { ROOT, sharedPath } from '../support/shared';
import path from 'node:path';

const PERSON = sharedPath('models', 'tflite-micro', 'person_detect.tflite');

describe('lowbit inspect --analyze', () => {
  it('--json adds "analysis" to the report; its peak is the arena `lowbit fit --json` reports', async () => {
    const r = await lowbitInProcess('inspect', PERSON, '--analyze', '--json');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as { format: string; analysis: ModelAnalysis };
    expect(json.format).toBe('tflite');
    expect(json.analysis.layers).toHaveLength(31);
    // MobileNet v1 0.25 at 96×96×1, 2 classes (test/support/reference-architectures.ts).
    expect(json.analysis.totals.macs).toBe(mobilenetV1(0.25, 96, 1, 2).macs);
    const fit = await lowbitInProcess('fit', PERSON, '--json');
    expect(fit.code).toBe(0);
    const arena = (JSON.parse(fit.stdout) as { facts: { arenaBytes: number } }).facts.arenaBytes;
    expect(json.analysis.memory.arenaBytes).toBe(arena);
    expect(arena).toBe(55_296);
  });

  it('prints the table, the chart with its peak and the totals', async () => {
    const r = await lowbitInProcess('inspect', PERSON, '--analyze');
    expect(r.code).toBe(0);
    const out = r.stdout;
    expect(out).toMatch(
      /#\s+op\s+layer \(its output\)\s+output\s+MACs\s+params\s+weights\s+activations\s+live/,
    );
    // Operator 2: the first pointwise convolution, 48·48·16 outputs × 8 inputs each.
    expect(out).toMatch(/\n 2 {2}CONV_2D +…\/Conv2d_1_pointwise\/Relu6 +1×48×48×16 +294912 +144 +/);
    expect(out).toContain('^ peak');
    expect(out).toContain('totals: 31 operators, 7.2 M MACs (7157888)');
    expect(out).toContain(
      'peak activation memory (tensor arena, as lowbit fit): 54.0 KiB (55296 B) at operator 1',
    );
    // Without --analyze, no analysis.
    const plain = await lowbitInProcess('inspect', PERSON);
    expect(plain.stdout).not.toContain('peak activation memory');
  });

  it('an ONNX model is analysed as the operators Lowbit runs for it', async () => {
    const r = await lowbitInProcess(
      'inspect',
      path.join(ROOT, 'test/fixtures/onnx/fashion-cnn.onnx'),
      '--analyze',
      '--json',
    );
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as { format: string; analysis: ModelAnalysis };
    expect(json.format).toBe('onnx');
    expect(json.analysis.memory.source).toBe('interpreter');
    expect(json.analysis.totals.macs).toBeGreaterThan(0);
    expect(json.analysis.layers.some((l) => l.op === 'CONV_2D')).toBe(true);
  });

  it('an Edge TPU-compiled model: the compiled op uncounted, memory from the file, said so', async () => {
    const r = await lowbitInProcess(
      'inspect',
      sharedPath('models', 'coral', 'mobilenet_v1_0.25_128_quant_edgetpu.tflite'),
      '--analyze',
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('1 custom op(s) not counted');
    expect(r.stdout).toMatch(/note: planned from the shapes in the file: .*edgetpu-custom-op/);
  });
});
