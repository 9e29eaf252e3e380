/**
 * Preprocessing check: the range calibration data actually covered at each model input, against
 * the range the model expects (from the user's preprocessing, or recorded when the float model
 * was dequantized from a quantized one). A mismatch (pixels in [0, 255] fed to a model trained
 * on [-1, 1], say) is the most common cause of a silently useless quantized model.
 */
import type { SubGraphT } from '../tflite/generated/tflite';
import { asString } from '../tflite/names';
import type { Range } from './calibrate/types';

export interface InputRangeReport {
  input: number;
  name: string;
  observed: Range | null;
  expected: Range | null;
  /** null when there is nothing to compare against. */
  agrees: boolean | null;
}

/**
 * They disagree when the data reaches more than 10% of the expected width beyond either end, or
 * spans less than a quarter of the expected width (data scaled down, e.g. /255 twice).
 */
export function rangesAgree(observed: Range, expected: Range): boolean {
  const w = expected.max - expected.min;
  if (!(w > 0)) return true;
  if (observed.min < expected.min - 0.1 * w || observed.max > expected.max + 0.1 * w) return false;
  return observed.max - observed.min >= 0.25 * w;
}

export function checkInputRanges(
  sg: SubGraphT,
  observed: Map<number, Range>,
  expected: readonly (Range | null | undefined)[],
  warnings: string[],
): InputRangeReport[] {
  return sg.inputs.map((t, i) => {
    const name = asString(sg.tensors[t].name);
    const o = observed.get(t) ?? null;
    const e = expected[i] ?? null;
    const agrees = o && e ? rangesAgree(o, e) : null;
    if (agrees === false) {
      warnings.push(
        `input ${i} "${name}": calibration data spans [${fmt(o!.min)}, ${fmt(o!.max)}] but the model expects [${fmt(e!.min)}, ${fmt(e!.max)}]: check the preprocessing (scaling, mean/std, channel order)`,
      );
    }
    return { input: i, name, observed: o, expected: e, agrees };
  });
}

const fmt = (x: number) => String(Number(x.toPrecision(5)));
