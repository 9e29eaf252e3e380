/**
 * Issue 6: every combination of data (3) × target (5) × priority (3) × retrain (2) = 90 cases,
 * each with the expected first technique and a reason substring, typed out by hand from the
 * rules in docs/advisor.md (not derived from the advisor). Read a row as: "with this data,
 * target, priority and retraining, the advisor must start with <first> and say <reason>".
 */
import { describe, expect, it } from 'vitest';
import { recommend } from '.';
import type { DataKind, Priority, Target, TechniqueId } from '.';

type Row = [DataKind, Target, Priority, boolean, TechniqueId, string];

// Reason phrases, named once so a row stays readable.
const DYN_NONE = 'only post-training, weight-only techniques apply';
const F16_ACC = 'Accuracy first: float16 halves the size';
const F16_GPU = 'GPU delegates compute in fp16';
const F16_GPU_LAT = 'int8 would not be faster on the GPU';
const F16_GPU_NO_QAT = 'Quantization-aware training is not needed for the GPU';
const PREVIEW = 'host-side preview';
const INT8_CPU_LAT = 'fastest option on CPU';
const INT8_CPU_SIZE = 'quarter of the space';
const INT8_GPU = 'GPU delegate dequantizes int8 weights';
const INT8_TPU = 'only fully 8-bit models';
const INT8_MCU = 'int8 inputs and outputs';
const INT8_DSP = 'uint8 I/O';
const UNCOMPRESSED = 'stored uncompressed';
const PRUNE = 'shrink the compressed download';
const QAT = 'Lowbit trains it here on your labelled data';

// prettier-ignore
const TABLE: Row[] = [
  // data none: post-training, weight-only. Retraining changes nothing without data.
  ['none', 'cpu',     'size',     false, 'dynamic', DYN_NONE],
  ['none', 'cpu',     'size',     true,  'dynamic', DYN_NONE],
  ['none', 'cpu',     'latency',  false, 'dynamic', DYN_NONE],
  ['none', 'cpu',     'latency',  true,  'dynamic', DYN_NONE],
  ['none', 'cpu',     'accuracy', false, 'float16', F16_ACC],
  ['none', 'cpu',     'accuracy', true,  'float16', F16_ACC],
  ['none', 'gpu',     'size',     false, 'float16', F16_GPU],
  ['none', 'gpu',     'size',     true,  'float16', F16_GPU],
  ['none', 'gpu',     'latency',  false, 'float16', F16_GPU],
  ['none', 'gpu',     'latency',  true,  'float16', F16_GPU],
  ['none', 'gpu',     'accuracy', false, 'float16', F16_GPU],
  ['none', 'gpu',     'accuracy', true,  'float16', F16_GPU],
  ['none', 'edgetpu', 'size',     false, 'dynamic', PREVIEW],
  ['none', 'edgetpu', 'size',     true,  'dynamic', PREVIEW],
  ['none', 'edgetpu', 'latency',  false, 'dynamic', PREVIEW],
  ['none', 'edgetpu', 'latency',  true,  'dynamic', PREVIEW],
  ['none', 'edgetpu', 'accuracy', false, 'dynamic', PREVIEW],
  ['none', 'edgetpu', 'accuracy', true,  'dynamic', PREVIEW],
  ['none', 'mcu',     'size',     false, 'dynamic', PREVIEW],
  ['none', 'mcu',     'size',     true,  'dynamic', PREVIEW],
  ['none', 'mcu',     'latency',  false, 'dynamic', PREVIEW],
  ['none', 'mcu',     'latency',  true,  'dynamic', PREVIEW],
  ['none', 'mcu',     'accuracy', false, 'dynamic', PREVIEW],
  ['none', 'mcu',     'accuracy', true,  'dynamic', PREVIEW],
  ['none', 'dsp',     'size',     false, 'dynamic', PREVIEW],
  ['none', 'dsp',     'size',     true,  'dynamic', PREVIEW],
  ['none', 'dsp',     'latency',  false, 'dynamic', PREVIEW],
  ['none', 'dsp',     'latency',  true,  'dynamic', PREVIEW],
  ['none', 'dsp',     'accuracy', false, 'dynamic', PREVIEW],
  ['none', 'dsp',     'accuracy', true,  'dynamic', PREVIEW],

  // unlabelled sample: full int8 becomes possible; training techniques still need labels.
  ['unlabelled', 'cpu',     'size',     false, 'int8',    INT8_CPU_SIZE],
  ['unlabelled', 'cpu',     'size',     true,  'int8',    INT8_CPU_SIZE],
  ['unlabelled', 'cpu',     'latency',  false, 'int8',    INT8_CPU_LAT],
  ['unlabelled', 'cpu',     'latency',  true,  'int8',    INT8_CPU_LAT],
  ['unlabelled', 'cpu',     'accuracy', false, 'float16', F16_ACC],
  ['unlabelled', 'cpu',     'accuracy', true,  'float16', F16_ACC],
  ['unlabelled', 'gpu',     'size',     false, 'int8',    INT8_GPU],
  ['unlabelled', 'gpu',     'size',     true,  'int8',    INT8_GPU],
  ['unlabelled', 'gpu',     'latency',  false, 'float16', F16_GPU_LAT],
  ['unlabelled', 'gpu',     'latency',  true,  'float16', F16_GPU_LAT],
  ['unlabelled', 'gpu',     'accuracy', false, 'float16', F16_GPU],
  ['unlabelled', 'gpu',     'accuracy', true,  'float16', F16_GPU],
  ['unlabelled', 'edgetpu', 'size',     false, 'int8',    UNCOMPRESSED],
  ['unlabelled', 'edgetpu', 'size',     true,  'int8',    INT8_TPU],
  ['unlabelled', 'edgetpu', 'latency',  false, 'int8',    INT8_TPU],
  ['unlabelled', 'edgetpu', 'latency',  true,  'int8',    INT8_TPU],
  ['unlabelled', 'edgetpu', 'accuracy', false, 'int8',    INT8_TPU],
  ['unlabelled', 'edgetpu', 'accuracy', true,  'int8',    INT8_TPU],
  ['unlabelled', 'mcu',     'size',     false, 'int8',    UNCOMPRESSED],
  ['unlabelled', 'mcu',     'size',     true,  'int8',    INT8_MCU],
  ['unlabelled', 'mcu',     'latency',  false, 'int8',    INT8_MCU],
  ['unlabelled', 'mcu',     'latency',  true,  'int8',    INT8_MCU],
  ['unlabelled', 'mcu',     'accuracy', false, 'int8',    INT8_MCU],
  ['unlabelled', 'mcu',     'accuracy', true,  'int8',    INT8_MCU],
  ['unlabelled', 'dsp',     'size',     false, 'int8',    UNCOMPRESSED],
  ['unlabelled', 'dsp',     'size',     true,  'int8',    INT8_DSP],
  ['unlabelled', 'dsp',     'latency',  false, 'int8',    INT8_DSP],
  ['unlabelled', 'dsp',     'latency',  true,  'int8',    INT8_DSP],
  ['unlabelled', 'dsp',     'accuracy', false, 'int8',    INT8_DSP],
  ['unlabelled', 'dsp',     'accuracy', true,  'int8',    INT8_DSP],

  // labelled: calibrates like a sample; with retraining, QAT (accuracy) and pruning (size) open up.
  ['labelled', 'cpu',     'size',     false, 'int8',    INT8_CPU_SIZE],
  ['labelled', 'cpu',     'size',     true,  'prune',   PRUNE],
  ['labelled', 'cpu',     'latency',  false, 'int8',    INT8_CPU_LAT],
  ['labelled', 'cpu',     'latency',  true,  'int8',    INT8_CPU_LAT],
  ['labelled', 'cpu',     'accuracy', false, 'float16', F16_ACC],
  ['labelled', 'cpu',     'accuracy', true,  'qat',     QAT],
  ['labelled', 'gpu',     'size',     false, 'int8',    INT8_GPU],
  ['labelled', 'gpu',     'size',     true,  'prune',   PRUNE],
  ['labelled', 'gpu',     'latency',  false, 'float16', F16_GPU_LAT],
  ['labelled', 'gpu',     'latency',  true,  'float16', F16_GPU_LAT],
  ['labelled', 'gpu',     'accuracy', false, 'float16', F16_GPU],
  ['labelled', 'gpu',     'accuracy', true,  'float16', F16_GPU_NO_QAT],
  ['labelled', 'edgetpu', 'size',     false, 'int8',    UNCOMPRESSED],
  ['labelled', 'edgetpu', 'size',     true,  'int8',    UNCOMPRESSED],
  ['labelled', 'edgetpu', 'latency',  false, 'int8',    INT8_TPU],
  ['labelled', 'edgetpu', 'latency',  true,  'int8',    INT8_TPU],
  ['labelled', 'edgetpu', 'accuracy', false, 'int8',    INT8_TPU],
  ['labelled', 'edgetpu', 'accuracy', true,  'qat',     QAT],
  ['labelled', 'mcu',     'size',     false, 'int8',    UNCOMPRESSED],
  ['labelled', 'mcu',     'size',     true,  'int8',    UNCOMPRESSED],
  ['labelled', 'mcu',     'latency',  false, 'int8',    INT8_MCU],
  ['labelled', 'mcu',     'latency',  true,  'int8',    INT8_MCU],
  ['labelled', 'mcu',     'accuracy', false, 'int8',    INT8_MCU],
  ['labelled', 'mcu',     'accuracy', true,  'qat',     QAT],
  ['labelled', 'dsp',     'size',     false, 'int8',    UNCOMPRESSED],
  ['labelled', 'dsp',     'size',     true,  'int8',    UNCOMPRESSED],
  ['labelled', 'dsp',     'latency',  false, 'int8',    INT8_DSP],
  ['labelled', 'dsp',     'latency',  true,  'int8',    INT8_DSP],
  ['labelled', 'dsp',     'accuracy', false, 'int8',    INT8_DSP],
  ['labelled', 'dsp',     'accuracy', true,  'qat',     QAT],
];

function plan(data: DataKind, target: Target, priority: Priority, retrain: boolean) {
  return recommend({
    data: data === 'none' ? { kind: 'none' } : { kind: data, count: 200 },
    retrain,
    target,
    priority,
  });
}

describe('advisor rule table', () => {
  it('covers every combination exactly once', () => {
    const keys = new Set(TABLE.map((r) => r.slice(0, 4).join('/')));
    expect(TABLE).toHaveLength(90);
    expect(keys.size).toBe(90);
  });

  it.each(TABLE)(
    '%s data, %s, %s first, retrain=%s → %s',
    (data, target, priority, retrain, first, reason) => {
      const p = plan(data, target, priority, retrain);
      expect(p.recommended).not.toBeNull();
      const step = p.recommended!.steps[0]!;
      expect(step.id).toBe(first);
      expect(step.reasons.join(' ')).toContain(reason);
      // A host-side preview is offered exactly when an integer-only target has no sample.
      const integerOnly = target === 'edgetpu' || target === 'mcu' || target === 'dsp';
      expect(p.recommended!.deployable).toBe(!(integerOnly && data === 'none'));
    },
  );
});
