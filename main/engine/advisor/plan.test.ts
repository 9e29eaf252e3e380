/**
 * Targeted advisor tests: limits, board fit (with the numbers), already-quantized models,
 * measured loss over the limit, blocked ops, and input validation. Expected byte counts are
 * worked out by hand in the comments from the model facts given.
 */
import { describe, expect, it } from 'vitest';
import { boardLimitsFor, recommend } from '.';
import type { AdvisorInput, ModelFacts } from '.';
import { boardById } from '../deploy/boards';
import { TFLM_CORE_BYTES, TFLM_OPS } from '../deploy/tflm-ops';
import { InvalidArgumentError } from '../errors';

/** A float32 model: 2,000,000 bytes, 1,960,000 of them float32 weights; arena 600,000 bytes. */
const BIG: ModelFacts = {
  sizeBytes: 2_000_000,
  dtype: 'float32',
  alreadyQuantized: false,
  opCounts: { CONV_2D: 10, FULLY_CONNECTED: 1 },
  float32WeightBytes: 1_960_000,
  float16WeightBytes: 0,
  activationDtype: 'float32',
  int8UnsupportedOps: [],
  edgeTpuUnsupportedOps: [],
  arenaBytes: 600_000,
};

const base = (over: Partial<AdvisorInput>): AdvisorInput => ({
  data: { kind: 'unlabelled', count: 300 },
  retrain: false,
  target: 'cpu',
  priority: 'latency',
  ...over,
});

describe('size limits', () => {
  // trained_lstm.tflite facts: 41,240 bytes, 38,120 of float32 weights, so 3,120 fixed bytes.
  const lstm: ModelFacts = { ...BIG, sizeBytes: 41_240, float32WeightBytes: 38_120, arenaBytes: 5_376 };

  it('estimates bytes from the float weights only', () => {
    const p = recommend(base({ data: { kind: 'none' }, priority: 'accuracy', model: lstm }));
    // float16: 3,120 + 38,120 / 2 = 22,180 bytes; no size limit, so float16 stays first.
    expect(p.recommended!.steps[0]!.id).toBe('float16');
    expect(p.recommended!.effect.expectedBytes).toEqual({ min: 22_180, max: 22_180 });
    const dyn = p.alternatives.find((a) => a.steps[0]!.id === 'dynamic')!;
    // dynamic range: 3,120 + 38,120 / 4 = 12,650 bytes.
    expect(dyn.effect.expectedBytes).toEqual({ min: 12_650, max: 12_650 });
  });

  it('moves an option over --max-bytes behind one that fits, and says why with the numbers', () => {
    const p = recommend(
      base({ data: { kind: 'none' }, priority: 'accuracy', model: lstm, limits: { maxModelBytes: 15_000 } }),
    );
    expect(p.recommended!.steps.map((s) => s.id)).toEqual(['dynamic']);
    expect(p.recommended!.fit).toEqual([
      { what: 'max-bytes', neededBytes: 12_650, availableBytes: 15_000, fits: true, basis: 'estimate' },
    ]);
    // float16 is still offered, after the fitting option.
    expect(p.alternatives.map((a) => a.steps[0]!.id)).toEqual(['float16']);
    expect(p.warnings).toContain(
      'The float16 model would be about 21.7 KiB (22,180 bytes), over your 14.6 KiB (15,000 bytes) limit by 7.0 KiB (7,180 bytes).',
    );
  });

  it('keeps the preferred option and warns when nothing fits', () => {
    const p = recommend(base({ model: lstm, limits: { maxModelBytes: 5_000 } }));
    expect(p.recommended!.steps[0]!.id).toBe('int8');
    expect(p.recommended!.fit[0]).toMatchObject({ neededBytes: 12_650, availableBytes: 5_000, fits: false });
    expect(p.warnings.some((w) => w.startsWith('Nothing here meets the limits'))).toBe(true);
  });

  it('scales a measured arena by bytes per activation for --max-ram', () => {
    const p = recommend(base({ model: lstm, limits: { maxRamBytes: 2_000 } }));
    // int8 activations: 5,376 × 1/4 = 1,344 bytes.
    expect(p.recommended!.effect.expectedRamBytes).toEqual({ value: 1_344, basis: 'arena' });
    expect(p.recommended!.fit).toContainEqual({
      what: 'max-ram',
      neededBytes: 1_344,
      availableBytes: 2_000,
      fits: true,
      basis: 'arena',
    });
  });
});

describe('microcontroller board fit', () => {
  const board = {
    id: 'test-board',
    name: 'Test board',
    flashBytes: 524_288,
    ramBytes: 131_072,
    runtimeFlashBytes: 30_000,
  };

  it('reports a flash and RAM failure with the numbers', () => {
    const p = recommend(base({ target: 'mcu', model: BIG, board }));
    const rec = p.recommended!;
    expect(rec.steps[0]!.id).toBe('int8');
    expect(rec.steps[0]!.params).toEqual({ io: 'int8' });
    // int8: 40,000 fixed + 1,960,000 / 4 = 530,000 model bytes, + 30,000 runtime = 560,000.
    expect(rec.fit).toContainEqual({
      what: 'flash',
      neededBytes: 560_000,
      availableBytes: 524_288,
      fits: false,
      basis: 'estimate',
      modelBytes: 530_000,
      runtimeBytes: 30_000,
    });
    // Arena 600,000 float32 bytes → 150,000 int8 bytes, over 131,072.
    expect(rec.fit).toContainEqual({
      what: 'ram',
      neededBytes: 150_000,
      availableBytes: 131_072,
      fits: false,
      basis: 'arena',
    });
    const flash = p.warnings.find((w) => w.includes('of flash'))!;
    expect(flash).toContain('560,000 bytes');
    expect(flash).toContain('model 518 KiB (530,000 bytes)');
    expect(flash).toContain('the Test board has 512 KiB (524,288 bytes): 34.9 KiB (35,712 bytes) short');
    const ram = p.warnings.find((w) => w.includes('of RAM'))!;
    expect(ram).toContain('about 146 KiB (150,000 bytes) of RAM');
    expect(ram).toContain('18.5 KiB (18,928 bytes) short');
    expect(p.warnings).toContain(
      'Nothing here meets the limits: choose a board with more memory or start from a smaller model architecture.',
    );
  });

  it('points to distillation when retraining is possible and nothing fits', () => {
    const p = recommend(base({ target: 'mcu', model: BIG, board, retrain: true }));
    expect(p.warnings.some((w) => w.includes('distill this model into a smaller student'))).toBe(true);
  });

  it('uses a lower bound from the activations when no arena was measured', () => {
    const model = { ...BIG, arenaBytes: undefined, peakActivationBytes: 800_000 };
    const p = recommend(base({ target: 'mcu', model, board }));
    expect(p.recommended!.effect.expectedRamBytes).toEqual({ value: 200_000, basis: 'lower-bound' });
    expect(p.warnings.find((w) => w.includes('of RAM'))).toContain('at least 195 KiB (200,000 bytes)');
  });

  it('adapts a catalogue board and reserves the TFLite Micro runtime for the model ops', () => {
    const b = boardLimitsFor(boardById('nucleo-f446re')!, ['FULLY_CONNECTED', 'SOFTMAX']);
    expect(b).toEqual({
      id: 'nucleo-f446re',
      name: boardById('nucleo-f446re')!.name,
      flashBytes: 512 * 1024,
      ramBytes: 128 * 1024,
      runtimeFlashBytes: TFLM_CORE_BYTES + TFLM_OPS.FULLY_CONNECTED!.codeBytes + TFLM_OPS.SOFTMAX!.codeBytes,
    });
  });

  it('notes thin flash headroom when the model fits', () => {
    // 40,000 + 1,600,000/4 = 440,000 + 30,000 = 470,000 of 524,288: 54,288 left (< a quarter).
    const model = { ...BIG, sizeBytes: 1_640_000, float32WeightBytes: 1_600_000, arenaBytes: 100_000 };
    const p = recommend(base({ target: 'mcu', model, board }));
    expect(p.recommended!.fit.every((f) => f.fits)).toBe(true);
    expect(p.warnings.find((w) => w.includes('leaves only'))).toContain(
      '53.0 KiB (54,288 bytes) for your application',
    );
  });
});

describe('models that are already quantized', () => {
  const int8: ModelFacts = {
    ...BIG,
    dtype: 'int8',
    alreadyQuantized: true,
    float32WeightBytes: 0,
    inputDtypes: ['float32'],
    outputDtypes: ['int8'],
  };

  it('recommends nothing for an int8 model and says so', () => {
    const p = recommend(base({ target: 'mcu', model: int8 }));
    expect(p.recommended).toBeNull();
    expect(p.alternatives).toEqual([]);
    expect(p.standing).toBe('nothing');
    // Issue 17: good news is a note, not a warning; the float I/O is a warning.
    expect(p.notes[0]).toContain('already int8');
    expect(p.notes).toContain('It is already in the integer-only form the microcontroller needs.');
    expect(p.warnings.some((w) => w.includes('already'))).toBe(false);
    expect(p.warnings.some((w) => w.startsWith('Its inputs or outputs are float'))).toBe(true);
    expect(p.runsAsIs).toBe(true);
  });

  it('skips float16 for a float16 model and halves from there', () => {
    const f16: ModelFacts = {
      ...BIG,
      dtype: 'float16',
      alreadyQuantized: true,
      sizeBytes: 1_020_000,
      float32WeightBytes: 0,
      float16WeightBytes: 980_000,
    };
    const p = recommend(base({ data: { kind: 'none' }, priority: 'accuracy', model: f16 }));
    expect(p.recommended!.steps[0]!.id).toBe('dynamic');
    expect(p.notRecommended).toContainEqual(expect.objectContaining({ id: 'float16' }));
    // dynamic: 40,000 fixed + (2 × 980,000) / 4 = 530,000.
    expect(p.recommended!.effect.expectedBytes).toEqual({ min: 530_000, max: 530_000 });
    expect(p.warnings.some((w) => w.includes('already has float16 weights'))).toBe(true);
  });
});

describe('measured accuracy loss over the limit', () => {
  it('puts QAT first when int8 loses more than allowed and retraining is possible', () => {
    const p = recommend(
      base({
        data: { kind: 'labelled', count: 1000 },
        retrain: true,
        limits: { maxAccuracyLossPoints: 1 },
        measuredLoss: { int8: 3.5 },
      }),
    );
    expect(p.recommended!.steps.map((s) => s.id)).toEqual(['qat', 'int8']);
    expect(p.recommended!.steps[0]!.reasons[0]).toBe(
      'Post-training int8 measured 3.5 points of accuracy loss, over your 1-point limit: quantization-aware training is how to win it back.',
    );
    expect(p.alternatives[p.alternatives.length - 1]!.steps.map((s) => s.id)).toEqual(['int8']);
  });

  it('ranks int8 last without retraining and says why', () => {
    const p = recommend(base({ limits: { maxAccuracyLossPoints: 1 }, measuredLoss: { int8: 3.5 } }));
    expect(p.recommended!.steps[0]!.id).toBe('dynamic');
    expect(p.warnings).toContain(
      'int8 measured 3.5 points of accuracy loss, over your 1-point limit: ranked last.',
    );
    expect(p.impossible).toContainEqual(expect.objectContaining({ id: 'qat' }));
  });

  it('asks to measure when a loss limit is set and the risk is not low', () => {
    const p = recommend(base({ data: { kind: 'labelled' }, limits: { maxAccuracyLossPoints: 0.5 } }));
    expect(p.recommended!.steps[0]!.id).toBe('int8');
    expect(p.warnings.some((w) => w.includes('against your 0.5-point limit'))).toBe(true);
  });
});

describe('what is impossible and what unlocks it', () => {
  it('says how many samples full int8 needs on an integer-only target', () => {
    const p = recommend(base({ data: { kind: 'none' }, target: 'edgetpu' }));
    expect(p.recommended!.deployable).toBe(false);
    expect(p.alternatives).toEqual([]);
    expect(p.impossible).toContainEqual({
      id: 'int8',
      title: 'full integer int8 quantization (calibrated)',
      why: 'Full integer quantization needs a representative sample to calibrate the activation ranges.',
      unlock: 'Provide an unlabelled sample of 100–500 typical inputs (labels are not needed).',
    });
  });

  it('advises against pruning and distillation without retraining', () => {
    const p = recommend(base({ priority: 'size' }));
    const ids = p.notRecommended.map((b) => b.id);
    expect(ids).toEqual(['prune', 'cluster', 'distill']);
    expect(p.notRecommended[0]!.why).toContain('without fine-tuning costs accuracy');
  });

  it('blocks full int8 on ops without int8 kernels and warns about Edge TPU ops', () => {
    const custom = {
      ...BIG,
      opCounts: { CONV_2D: 3, CUSTOM: 1 },
      int8UnsupportedOps: ['CUSTOM'],
      edgeTpuUnsupportedOps: ['CUSTOM'],
    };
    const mcu = recommend(base({ target: 'mcu', model: custom }));
    expect(mcu.recommended!.deployable).toBe(false);
    expect(mcu.impossible.find((b) => b.id === 'int8')!.why).toBe(
      'No int8 kernel for CUSTOM: full integer conversion fails on it.',
    );
    const tpu = recommend(base({ target: 'edgetpu', model: { ...BIG, edgeTpuUnsupportedOps: ['GATHER'] } }));
    expect(tpu.recommended!.steps[0]!.id).toBe('int8');
    expect(tpu.warnings).toContain(
      'The Edge TPU compiler does not map GATHER: the first of them and every op after it will run on the host CPU.',
    );
  });

  it('runs full int8 for the Edge TPU with uint8 I/O (int8 I/O needs runtime 12), int8 I/O for a microcontroller', () => {
    const tpu = recommend(base({ target: 'edgetpu' }));
    expect(tpu.recommended!.steps.find((s) => s.id === 'int8')!.params).toEqual({ io: 'uint8' });
    const mcu = recommend(base({ target: 'mcu' }));
    expect(mcu.recommended!.steps.find((s) => s.id === 'int8')!.params).toEqual({ io: 'int8' });
  });
});

describe('input validation', () => {
  const bad: [string, unknown][] = [
    ['target', { ...base({}), target: 'tpu' }],
    ['priority', { ...base({}), priority: 'speed' }],
    ['data.kind', { ...base({}), data: { kind: 'some' } }],
    ['data.count', { ...base({}), data: { kind: 'unlabelled', count: 0 } }],
    ['retrain', { ...base({}), retrain: 'yes' }],
    ['maxModelBytes', base({ limits: { maxModelBytes: -1 } })],
    ['maxAccuracyLossPoints', base({ limits: { maxAccuracyLossPoints: Number.NaN } })],
    ['board', base({ board: { id: 'x', name: 'x', flashBytes: 1024, ramBytes: 1024 } })],
  ];
  it.each(bad)('rejects a bad %s with InvalidArgumentError', (_name, input) => {
    expect(() => recommend(input as AdvisorInput)).toThrow(InvalidArgumentError);
  });
});

describe('issue 17: nothing that cannot run or misses a limit is recommended', () => {
  const lstm: ModelFacts = { ...BIG, sizeBytes: 41_240, float32WeightBytes: 38_120, arenaBytes: 5_376 };

  it('calls an option recommended only when it runs and meets every limit', () => {
    const p = recommend(base({ model: lstm, limits: { maxModelBytes: 20_000 } }));
    expect(p.standing).toBe('recommended');
    expect(p.recommended!.fit.every((f) => f.fits)).toBe(true);
  });

  it('says "misses-limits" with impossible limits, and the fit check carries the shortfall', () => {
    const p = recommend(base({ model: lstm, limits: { maxModelBytes: 5_000 } }));
    expect(p.standing).toBe('misses-limits');
    const miss = p.recommended!.fit.find((f) => !f.fits)!;
    // int8: 3,120 + 38,120 / 4 = 12,650 bytes against 5,000: 7,650 over.
    expect(miss.neededBytes - miss.availableBytes).toBe(7_650);
  });

  it('says "cannot-run" when only a host-side preview is left (no sample, microcontroller)', () => {
    const p = recommend(base({ data: { kind: 'none' }, target: 'mcu', model: lstm }));
    expect(p.recommended!.deployable).toBe(false);
    expect(p.standing).toBe('cannot-run');
  });

  it('ranks a measured loss over the limit as missing the limits', () => {
    const p = recommend(
      base({
        data: { kind: 'unlabelled', count: 300 },
        model: lstm,
        limits: { maxAccuracyLossPoints: 0.5 },
        measuredLoss: { int8: 3, dynamic: 2, float16: 1, 'keep-float-fallback': 2 },
      }),
    );
    expect(p.standing).toBe('misses-limits');
  });
});

describe('issue 17: RAM on a microcontroller is the figure lowbit fit gives', () => {
  const board = { id: 'b', name: 'Test board', flashBytes: 4 * 1024 * 1024, ramBytes: 131_072 };
  // 11 tensors, 5 operators; 22 per-channel parameters once int8 (fashion_cnn's counts).
  const counted: ModelFacts = {
    ...BIG,
    sizeBytes: 83_056,
    float32WeightBytes: 82_000,
    arenaBytes: 40_560,
    tensorCount: 11,
    operatorCount: 5,
    perChannelTotal: 0,
    int8PerChannelTotal: 22,
  };

  it('adds TFLite Micro bookkeeping and the margin to the planned arena', () => {
    const p = recommend(base({ target: 'mcu', priority: 'size', model: counted, board }));
    const ram = p.recommended!.fit.find((f) => f.what === 'ram')!;
    // arena 40,560 / 4 = 10,140; bookkeeping 11 × 32 + 5 × 48 + 22 × 8 = 768;
    // margin max(1,024, ceil(10% of 10,908)) = 1,091; total 11,999.
    expect(ram).toEqual({
      what: 'ram',
      neededBytes: 11_999,
      availableBytes: 131_072,
      fits: true,
      basis: 'arena',
      ramParts: { arenaBytes: 10_140, bookkeepingBytes: 768, marginBytes: 1_091 },
    });
  });

  it('says "may not fit" when the figure is only a lower bound', () => {
    const model = { ...counted, arenaBytes: undefined, peakActivationBytes: 20_000 };
    const p = recommend(base({ target: 'mcu', priority: 'size', model, board }));
    const ram = p.recommended!.fit.find((f) => f.what === 'ram')!;
    expect(ram.fits).toBe(true);
    expect(ram.mayNotFit).toBe(true);
    expect(p.warnings.find((w) => w.includes('may not fit'))).toContain('a lower bound');
  });

  it('says "may not fit" for an arena without the bookkeeping counts', () => {
    const model = { ...counted, tensorCount: undefined, operatorCount: undefined };
    const p = recommend(base({ target: 'mcu', priority: 'size', model, board }));
    const ram = p.recommended!.fit.find((f) => f.what === 'ram')!;
    expect(ram).toMatchObject({ neededBytes: 10_140, fits: true, mayNotFit: true });
  });
});
