/**
 * Model facts from real inspector reports (shared/models/tflite-micro), and the plans they lead to.
 * Expected figures are worked out from the models' published structure, noted beside each.
 */
import { describe, expect, it } from 'vitest';
import { modelFactsFromReport, recommend } from '../../main/engine/advisor';
import { boardById } from '../../main/engine/deploy/boards';
import { boardLimitsFor } from '../../main/engine/advisor';
import { Interpreter } from '../../main/engine/interpreter';
import { inspectModel } from '../../main/engine/tflite/inspect';
import { readTflite } from '../../main/engine/tflite/reader';
import path from 'node:path';
import { estimateFootprint } from '../../main/engine/deploy/fit';
import { footprintFacts } from '../../main/engine/deploy/footprint-facts';
import { ROOT, readBytes, sharedPath } from '../support/shared';

function facts(name: string, withArena = false) {
  const bytes = readBytes(sharedPath('models', 'tflite-micro', name));
  const model = readTflite(bytes);
  const report = inspectModel(model, bytes.length);
  return modelFactsFromReport(report, withArena ? { arenaBytes: Interpreter.create(model).arenaBytes } : {});
}

describe('modelFactsFromReport', () => {
  it('reads hello_world_float as a float32 model with its 321 parameters', () => {
    const f = facts('hello_world_float.tflite');
    // Three FULLY_CONNECTED layers 1→16→16→1: 16+16 + 256+16 + 16+1 = 321 float32 values.
    expect(f).toMatchObject({
      sizeBytes: 3164,
      dtype: 'float32',
      alreadyQuantized: false,
      opCounts: { FULLY_CONNECTED: 3 },
      parameterCount: 321,
      float32WeightBytes: 321 * 4,
      float16WeightBytes: 0,
      activationDtype: 'float32',
      inputDtypes: ['float32'],
      outputDtypes: ['float32'],
      int8UnsupportedOps: [],
      edgeTpuUnsupportedOps: [],
      tflmUnsupportedOps: [],
    });
  });

  it('reads person_detect as int8 with int8 I/O and a 55,296-byte activation peak', () => {
    const f = facts('person_detect.tflite', true);
    expect(f.dtype).toBe('int8');
    expect(f.alreadyQuantized).toBe(true);
    expect(f.opCounts).toEqual({
      CONV_2D: 14,
      DEPTHWISE_CONV_2D: 14,
      AVERAGE_POOL_2D: 1,
      RESHAPE: 1,
      SOFTMAX: 1,
    });
    expect(f.inputDtypes).toEqual(['int8']);
    expect(f.outputDtypes).toEqual(['int8']);
    expect(f.float32WeightBytes).toBe(0);
    // The first pointwise conv reads 48×48×8 and writes 48×48×16 int8: 18,432 + 36,864.
    expect(f.peakActivationBytes).toBe(55_296);
    // The planner cannot do better than that peak; for this chain it meets it exactly.
    expect(f.arenaBytes).toBe(55_296);
  });
});

describe('plans from real models', () => {
  it('says person_detect is already int8 and checks it against a board as it is', () => {
    const f = facts('person_detect.tflite', true);
    const board = boardLimitsFor(boardById('arduino-nano-33-ble-sense')!, Object.keys(f.opCounts));
    const p = recommend({
      data: { kind: 'unlabelled', count: 200 },
      retrain: false,
      target: 'mcu',
      priority: 'latency',
      model: f,
      board,
    });
    expect(p.recommended).toBeNull();
    expect(p.notes[0]).toBe(
      'The model is already int8: quantizing it again would not make it smaller or faster. To try other techniques, start from the float model.',
    );
    // Issue 17 item 1: it runs on the board as it is, so fit, export and flash apply directly.
    expect(p.runsAsIs).toBe(true);
    const flash = p.currentFit!.find((c) => c.what === 'flash')!;
    expect(flash).toMatchObject({ modelBytes: 300_568, availableBytes: 1024 * 1024, fits: true });
    expect(flash.neededBytes).toBe(300_568 + board.runtimeFlashBytes!);
    // Issue 17 item 5: the RAM figure is `lowbit fit`'s: arena 55,296 + 89 tensors × 32 B + 31
    // nodes × 48 B + 2,738 per-channel params × 8 B (26,240) + 10% margin (8,154) = 89,690.
    expect(p.currentFit!.find((c) => c.what === 'ram')).toEqual({
      what: 'ram',
      neededBytes: 89_690,
      availableBytes: 256 * 1024,
      fits: true,
      basis: 'arena',
      ramParts: { arenaBytes: 55_296, bookkeepingBytes: 26_240, marginBytes: 8_154 },
    });
    const bytes = readBytes(sharedPath('models', 'tflite-micro', 'person_detect.tflite'));
    expect(estimateFootprint(footprintFacts(readTflite(bytes), bytes.length)).ram.total).toBe(89_690);
  });

  it("predicts the int8 model's per-channel bookkeeping as the quantizer makes it (issue 17)", async () => {
    // fashion_cnn (float): quantized to int8, `lowbit fit` counts 22 per-channel parameters;
    // the advisor predicts them from the float model's conv and fully connected weights.
    const bytes = readBytes(path.join(ROOT, 'assets', 'demo', 'fashion_cnn.tflite'));
    const model = readTflite(bytes);
    const f = modelFactsFromReport(inspectModel(model, bytes.length));
    expect(f.perChannelTotal).toBe(0);
    expect(f.int8PerChannelTotal).toBe(22);
    expect(f.tensorCount).toBe(footprintFacts(model, bytes.length).tensorCount);
    expect(f.operatorCount).toBe(5);
  });

  it('on a GPU, tells the person_detect user the int8 model runs at float speed', () => {
    const p = recommend({
      data: { kind: 'none' },
      retrain: false,
      target: 'gpu',
      priority: 'latency',
      model: facts('person_detect.tflite'),
    });
    expect(p.recommended).toBeNull();
    expect(p.warnings.some((w) => w.includes('runs at float speed'))).toBe(true);
  });

  it('plans trained_lstm for a microcontroller: int8 at about a quarter of the weights', () => {
    const f = facts('trained_lstm.tflite', true);
    const p = recommend({
      data: { kind: 'unlabelled', count: 300 },
      retrain: false,
      target: 'mcu',
      priority: 'size',
      model: f,
    });
    const rec = p.recommended!;
    expect(rec.steps.map((s) => s.id)).toEqual(['int8']);
    // 41,240 bytes of which 38,120 float32 weights: 3,120 + 9,530.
    expect(rec.effect.expectedBytes).toEqual({ min: 12_650, max: 12_650 });
    // The float arena shrinks to a quarter with int8 activations.
    expect(rec.effect.expectedRamBytes).toEqual({ value: Math.round(f.arenaBytes! / 4), basis: 'arena' });
    // Without retraining: distillation is out, and pruning/clustering save nothing in MCU flash.
    expect(p.notRecommended.map((b) => b.id)).toEqual(['distill', 'prune', 'cluster']);
    expect(p.notRecommended[1]!.why).toContain('stores the model uncompressed');
  });
});
