import { CALIBRATION_MAX, CALIBRATION_MIN, TARGET_NAMES, integerOnly } from './techniques';
import { techniqueById } from '../optimize/techniques/registry';
import type { Template } from './rules';
import type { AdvisorInput, TechniqueId } from './types';

/**
 * The sentences shown next to each step. They are read verbatim by embedded developers, so each
 * one states the rule and the concrete consequence, without adjectives.
 */

const SAMPLE_RANGE = `${CALIBRATION_MIN}–${CALIBRATION_MAX}`;

function sampleNote(input: AdvisorInput): string {
  const d = input.data;
  if (d.kind === 'none') return '';
  const source =
    d.kind === 'labelled'
      ? 'Your labelled data doubles as the calibration sample (calibration ignores the labels) and lets you measure the accuracy change.'
      : 'Your unlabelled sample is what calibration needs.';
  if (d.count === undefined) return `${source} Calibrate on ${SAMPLE_RANGE} typical items.`;
  if (d.count < CALIBRATION_MIN)
    return `${source} ${d.count} items is below the usual ${SAMPLE_RANGE}: ranges may miss rarer inputs, so add more if you can.`;
  return `${source} ${d.count} items is enough (${SAMPLE_RANGE} is the usual range).`;
}

function int8Reasons(input: AdvisorInput, template: Template): string[] {
  const afterQat = template[0] === 'qat';
  const out: string[] = [];
  switch (input.target) {
    case 'cpu':
      out.push(
        input.priority === 'size'
          ? 'Full integer int8 stores weights in a quarter of the space and also cuts activation memory to a quarter; on CPU it is the fastest option too (3× or more).'
          : 'Full integer int8 is the fastest option on CPU: integer kernels end to end, 3× or more over float, at a quarter of the size.',
      );
      break;
    case 'gpu':
      out.push(
        'int8 cuts the download to a quarter. The GPU delegate dequantizes int8 weights at load, so on the GPU it runs at float speed and memory; on a CPU fallback it is the fastest option.',
      );
      break;
    case 'edgetpu':
      out.push('The Edge TPU runs only fully 8-bit models: full integer int8 is the only deployable choice.');
      break;
    case 'mcu':
      out.push(
        'Microcontrollers need an integer-only model: full integer int8 with int8 inputs and outputs, so no float conversion runs on the device.',
      );
      break;
    case 'dsp':
      out.push(
        'Hexagon-class DSPs and NPUs run integer-only models: full integer int8. Keep int8 inputs and outputs; if your SDK expects uint8 I/O (older Hexagon delegate releases), convert the I/O to uint8 and keep the inside int8.',
      );
      break;
  }
  if (integerOnly(input.target) && input.priority === 'size')
    out.push(
      `On a ${TARGET_NAMES[input.target]} the model is stored uncompressed, so int8's quarter size is the real saving; pruning and clustering would add nothing there.`,
    );
  if (afterQat)
    out.push('Convert the QAT model to full int8 here: it keeps the ranges it learned in training.');
  else out.push(sampleNote(input));
  return out.filter((s) => s !== '');
}

function dynamicReasons(input: AdvisorInput): string[] {
  if (integerOnly(input.target)) {
    const where = TARGET_NAMES[input.target];
    return [
      `Full integer quantization needs a representative sample (${SAMPLE_RANGE} inputs); without one, nothing deployable to the ${where} can be made yet.`,
      `Dynamic range gives a host-side preview of the int8 weight size and error on this machine. It is not deployable to the ${where}: it still computes in float${input.target === 'mcu' ? ' and TFLite Micro has no hybrid kernels' : ''}.`,
    ];
  }
  const out: string[] = [];
  if (input.data.kind === 'none')
    out.push(
      'With no data, only post-training, weight-only techniques apply: dynamic range stores weights as int8 (about a quarter of the size) and quantizes activations on the fly, typically 2–3× faster on CPU.',
    );
  else
    out.push(
      'Dynamic range stores weights as int8 (about a quarter of the size) and quantizes activations on the fly: 2–3× faster on CPU, with no calibration.',
    );
  if (input.target === 'gpu')
    out.push('On a phone with a GPU delegate, the int8-weight ops run on the CPU, not the GPU.');
  return out;
}

function float16Reasons(input: AdvisorInput): string[] {
  if (input.target === 'gpu') {
    const out = [
      'GPU delegates compute in fp16, so float16 weights are what the GPU runs natively: half the size, negligible accuracy loss.',
    ];
    if (input.data.kind !== 'none' && input.priority === 'latency')
      out.push(
        'int8 would not be faster on the GPU (the delegate dequantizes it to float); keep it as the alternative for devices that fall back to the CPU.',
      );
    if (input.priority === 'accuracy' && input.data.kind === 'labelled' && input.retrain)
      out.push(
        'Quantization-aware training is not needed for the GPU: float16 is already near-lossless there. It only pays off if you also ship an int8 model for CPUs.',
      );
    return out;
  }
  const out = [
    input.priority === 'accuracy'
      ? 'Accuracy first: float16 halves the size with negligible loss, the lowest-risk option.'
      : 'float16 halves the size with negligible accuracy loss.',
    'On CPU it brings no speed-up: weights are expanded to float32 at load.',
  ];
  return out;
}

function qatReasons(input: AdvisorInput, overLimit: string | undefined): string[] {
  const out = [
    overLimit ??
      'Accuracy first, with labelled data and retraining: quantization-aware training simulates int8 rounding while fine-tuning and recovers most of the post-training loss.',
    'Lowbit trains it here on your labelled data (lowbit train --recipe qat, or Train in the wizard); a model fine-tuned with QAT in your own framework (e.g. TensorFlow Model Optimization quantize_model) converts to int8 here too.',
  ];
  if (input.target === 'cpu' || input.target === 'mcu')
    out.push(
      input.target === 'cpu'
        ? 'Without training, the post-training fallbacks are float16, 16x8 and int8 with per-layer float fallback (listed as alternatives, lowest risk first).'
        : 'Without training, the post-training fallbacks are int8 and 16x8 (listed as alternatives).',
    );
  return out;
}

/** Reasons for one step of a plan. `overLimit` is set when a measured loss put QAT first. */
export function stepReasons(
  id: TechniqueId,
  input: AdvisorInput,
  template: Template,
  overLimit?: string,
): string[] {
  switch (id) {
    case 'int8':
      return int8Reasons(input, template);
    case 'dynamic':
      return dynamicReasons(input);
    case 'float16':
      return float16Reasons(input);
    case 'qat':
      return qatReasons(input, overLimit);
    case 'int16x8':
      return [
        'int8 weights with int16 activations: weights still shrink to about a quarter, and activations keep far more precision than int8.',
        `Kernels are slower than int8 and few delegates have them${input.target === 'mcu' ? '; TFLite Micro does, at twice the activation RAM of int8' : ''}.`,
        sampleNote(input),
      ].filter((s) => s !== '');
    case 'keep-float-fallback':
      return [
        'Full int8 except the layers that lose the most (the per-layer debugger ranks them by SQNR), which stay float.',
        'Each float layer costs some size and speed, and the model needs a CPU or GPU runtime that mixes both.',
        sampleNote(input),
      ].filter((s) => s !== '');
    case 'prune':
      return [
        'Size first, with retraining: prune 50% of the weights to zero while fine-tuning.',
        'Pruning and clustering shrink the compressed download (the zipped .tflite), not the in-memory size or the latency on ordinary CPUs.',
      ];
    case 'cluster':
      return [
        'Cluster each layer to 16 shared values while fine-tuning (keeping the pruned zeros), so the compressed file shrinks further.',
      ];
    case 'distill':
      return [
        'Train a smaller student network on this model\u2019s outputs: the only way to shrink the model beyond what quantization gives.',
        'Lowbit trains the student here on your labelled data (lowbit train --recipe distill:0.5); quantize it afterwards.',
      ];
    default:
      // A technique added to the registry that has no sentences here yet: its own summary.
      return [techniqueById(id).summary, sampleNote(input)].filter((s) => s !== '');
  }
}
