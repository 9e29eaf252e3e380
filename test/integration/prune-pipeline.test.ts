// Issue 8: prune → cluster → quantize. Every quantizer keeps the cluster count (per layer after
// layer-wide clustering, per channel after per-channel clustering) and the zeros; outputs read
// back and run in the interpreter and in Arm NN.
import { describe, expect, it } from 'vitest';
import { Interpreter } from '../../main/engine/interpreter/index';
import { parsePipeline, runPipeline, type StageResult } from '../../main/engine/optimize/pipeline';
import { randomInput, smallCnn } from '../support/prune-fixtures';
import { readTflite } from '../../main/engine/tflite/reader';
import { armnnAvailable } from '../support/armnn';
import { armnnOnModel, maxAbsDiff, runReal } from '../support/quantize-helpers';

const calibration = Array.from({ length: 12 }, (_v, i) => [randomInput(300 + i)]);
const base = smallCnn();

describe('pipeline parsing', () => {
  it('accepts the documented form and refuses disorder, repeats and bad arguments', () => {
    expect(parsePipeline('prune:0.5,cluster:16,quantize:int8')).toEqual([
      { kind: 'prune', sparsity: 0.5 },
      { kind: 'cluster', clusters: 16 },
      { kind: 'quantize', technique: 'int8' },
    ]);
    expect(parsePipeline('quantize:16x8')).toEqual([{ kind: 'quantize', technique: 'int16x8' }]);
    // Technique names in any case, as `lowbit quantize --technique` takes them.
    expect(parsePipeline('Prune:0.5, quantize:INT8')).toEqual([
      { kind: 'prune', sparsity: 0.5 },
      { kind: 'quantize', technique: 'int8' },
    ]);
    for (const bad of [
      '',
      'cluster:16,prune:0.5',
      'prune:0.5,prune:0.6',
      'prune:1',
      'cluster:1',
      'quantize:int4',
      'shrink:2',
    ])
      expect(() => parsePipeline(bad)).toThrow();
  });
});

describe('cluster counts and zeros survive quantization', () => {
  const techniques = ['float16', 'dynamic', 'int8', 'int16x8'] as const;
  for (const perChannel of [false, true]) {
    for (const t of techniques) {
      it(`prune 0.5 → cluster 16${perChannel ? ' per channel' : ''} → ${t}`, async () => {
        const stages = await runPipeline(base, parsePipeline(`prune:0.5,cluster:16,quantize:${t}`), {
          calibration,
          perChannel,
          minWeights: 0,
        });
        const [input, pruned, clustered, quantized] = stages as [
          StageResult,
          StageResult,
          StageResult,
          StageResult,
        ];
        expect(quantized.warnings.filter((w) => /more than the/.test(w))).toEqual([]);
        const zerosBefore = Object.fromEntries(pruned.layers.map((l) => [l.name, l.zeros]));
        // Dynamic range leaves layers under its own 1024 minimum float (minWeights 0 passes through).
        expect(quantized.layers).toHaveLength(6);
        for (const l of quantized.layers) {
          if (perChannel) expect(l.maxUniquePerChannel).toBeLessThanOrEqual(16);
          else expect(l.uniqueValues).toBeLessThanOrEqual(16);
          expect(l.zeros).toBe(zerosBefore[l.name]);
        }
        expect(clustered.size.gzipBytes).toBeLessThan(pruned.size.gzipBytes);
        expect(quantized.size.bytes).toBeLessThan(input.size.bytes);
        const back = readTflite(quantized.bytes);
        expect(runReal(back, [randomInput(1)])[0]).toHaveLength(10);
      });
    }
  }
});

describe('Arm NN runs the pipeline output', () => {
  it.skipIf(!armnnAvailable())(
    'prune 0.5 + cluster 16 + int8 (per-tensor weights): same outputs ±1 step',
    async () => {
      const stages = await runPipeline(base, parsePipeline('prune:0.5,cluster:16,quantize:int8'), {
        calibration,
        minWeights: 0,
      });
      const m = readTflite(stages[3].bytes);
      const x = randomInput(77);
      const ours = Interpreter.create(m);
      ours.setInput(0, x);
      ours.invoke();
      const theirs = armnnOnModel(m, [x]).outputs[0].data as Float32Array;
      // float I/O (QUANTIZE/DEQUANTIZE at the edges); softmax output step 1/256.
      expect(maxAbsDiff(ours.output(0).data as Float32Array, theirs)).toBeLessThanOrEqual(1 / 256 + 1e-6);
    },
  );
});
