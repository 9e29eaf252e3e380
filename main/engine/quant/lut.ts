/**
 * Lookup tables as TFLite builds them (tflite::LUTPopulate, float32 arithmetic), and the int16
 * interpolating lookup (tflite::LUTLookup). Used by int16 SOFTMAX and other LUT-based kernels.
 * Every float operation is rounded to float32 (Math.fround) in the reference's order; the
 * transform itself is evaluated in double and rounded to float32, which equals the C library's
 * float exp except in rare last-bit cases.
 */
import { roundAwayFromZero } from './math';

const f = Math.fround;

/** tflite LUTPopulate<int16_t>: 513 entries (512 steps + 1) over the input range. */
export function lutPopulateInt16(
  inputScale: number,
  inputZeroPoint: number,
  outputScale: number,
  outputZeroPoint: number,
  transform: (x: number) => number,
): Int16Array {
  const fn = (x: number) => f(transform(x));
  const inputMin = f(f(inputScale) * (-32768 - inputZeroPoint));
  const inputMax = f(f(inputScale) * (32767 - inputZeroPoint));
  const outputMin = f(f(outputScale) * (-32768 - outputZeroPoint));
  const outputMax = f(f(outputScale) * (32767 - outputZeroPoint));
  const steps = 512;
  const step = f(f(inputMax - inputMin) / steps);
  const halfStep = f(step / 2);
  const scaleInv = f(65536 / f(outputMax - outputMin));
  const lut = new Int16Array(steps + 1);
  const sat = (v: number) => Math.min(Math.max(v, -32768), 32767);
  for (let i = 0; i < steps; i++) {
    const x0 = f(inputMin + f(i * step));
    const val = fn(x0);
    const valMid = fn(f(x0 + halfStep));
    const valNext = fn(f(inputMin + f((i + 1) * step)));
    const sample = roundAwayFromZero(f(val * scaleInv));
    const midInterp = roundAwayFromZero(f(f(f(valNext * scaleInv) + sample) / 2));
    const midVal = roundAwayFromZero(f(valMid * scaleInv));
    const bias = roundAwayFromZero(f((midInterp - midVal) / 2));
    lut[i] = sat(sample - bias);
  }
  lut[steps] = sat(roundAwayFromZero(f(fn(inputMax) * scaleInv)));
  return lut;
}

/** tflite LUTLookup for int16: 9-bit index, 7-bit linear interpolation, rounded. */
export function lutLookupInt16(value: number, lut: Int16Array): number {
  const index = 256 + (value >> 7);
  const offset = value & 0x7f;
  const base = lut[index];
  const slope = lut[index + 1] - base;
  const delta = (slope * offset + 64) >> 7;
  return ((base + delta) << 16) >> 16;
}
