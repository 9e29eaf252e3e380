import { describe, expect, it } from 'vitest';
import { expOnNegativeValues, logisticFixed, srMulByPOT, tanhFixed } from './fixedpoint';

describe('gemmlowp fixed point', () => {
  // Golden vectors: TFLite's tensor_utils tests (QuantSigmoidTest, QuantTanh4Test) for
  // ApplySigmoid (Q3.12 -> Q0.15) and ApplyTanh(4, ...) (Q4.11 -> Q0.15).
  it('int16 logistic matches TFLite ApplySigmoid goldens exactly', () => {
    const input = [
      -10500, 1398, -6963, -7404, 485, -5401, -1757, -7668, -19248, -9692, -24249, -17923, -15840, -10026,
      5249, -89, 1787, -16178, -6691, -19524, -13439, -24048, -1123, 32767, -17267, -3378, 823, 11482, -11139,
      7508,
    ];
    const golden = [
      2339, 19152, 5063, 4617, 17350, 6917, 12921, 4371, 299, 2813, 89, 409, 673, 2605, 25646, 16207, 19904,
      615, 5353, 273, 1187, 91, 14153, 32756, 475, 9983, 18026, 30898, 2023, 28246,
    ];
    expect(input.map((v) => logisticFixed(16, v, 3))).toEqual(golden);
  });

  it('int16 tanh matches TFLite ApplyTanh(4) goldens exactly', () => {
    const input = [
      -5, 163, -31, -5, 54, 90, 1, 2, -4, -42, -8, 29, 0, 47, 150, -26, -36, 9, -73, 25, 14, -2, -1, 29, -10,
      -12, -18, -29, 51, -92,
    ];
    const golden = [
      -76, 2596, -496, -76, 856, 1436, 24, 36, -64, -672, -120, 456, 0, 752, 2400, -412, -576, 148, -1168,
      400, 216, -36, -24, 456, -164, -192, -292, -456, 820, -1476,
    ];
    expect(input.map((v) => tanhFixed(16, v, 4))).toEqual(golden);
  });

  it('int16 logistic on Q3.12 input: anchors and accuracy over the whole range', () => {
    expect(logisticFixed(16, 0, 3)).toBe(16384); // 0.5
    let worst = 0;
    for (let raw = -32768; raw <= 32767; raw += 7) {
      const got = logisticFixed(16, raw, 3) / 32768;
      const want = 1 / (1 + Math.exp(-raw / 4096));
      worst = Math.max(worst, Math.abs(got - want));
    }
    // measured: 1.95e-4 (6.4 Q0.15 ulps); the int16 Newton-Raphson division is the limit
    expect(worst).toBeLessThan(8 / 32768);
    expect(logisticFixed(16, 32767, 3)).toBeGreaterThan(32700);
    expect(logisticFixed(16, -32768, 3)).toBeLessThan(12);
  });

  it('int16 tanh on Q3.12 input is odd and accurate', () => {
    expect(tanhFixed(16, 0, 3)).toBe(0);
    let worst = 0;
    for (let raw = -32767; raw <= 32767; raw += 5) {
      const got = tanhFixed(16, raw, 3);
      expect(tanhFixed(16, -raw, 3)).toBe(-got);
      worst = Math.max(worst, Math.abs(got / 32768 - Math.tanh(raw / 4096)));
    }
    // measured: 3.6e-4 (11.8 ulps)
    expect(worst).toBeLessThan(14 / 32768);
  });

  it('int32 exp on negative values (Q5.26 as softmax uses) is accurate', () => {
    expect(expOnNegativeValues(32, 0, 5)).toBe(2147483647);
    for (const x of [-0.01, -0.25, -1, -2.5, -7, -20, -31.9]) {
      const got = expOnNegativeValues(32, Math.round(x * 2 ** 26), 5) / 2 ** 31;
      expect(Math.abs(got - Math.exp(x))).toBeLessThan(2e-8 + Math.exp(x) * 1e-6);
    }
  });

  it('int32 logistic and tanh agree with float within 1e-7 on Q4.27', () => {
    for (const x of [-6, -1, -0.1, 0.3, 2, 7.5]) {
      const raw = Math.round(x * 2 ** 27);
      expect(Math.abs(logisticFixed(32, raw, 4) / 2 ** 31 - 1 / (1 + Math.exp(-x)))).toBeLessThan(1e-7);
      expect(Math.abs(tanhFixed(32, raw, 4) / 2 ** 31 - Math.tanh(x))).toBeLessThan(1e-7);
    }
  });

  it('saturating multiply by power of two', () => {
    expect(srMulByPOT(16, 8191, 2)).toBe(32764);
    expect(srMulByPOT(16, 8192, 2)).toBe(32767);
    expect(srMulByPOT(16, -8192, 2)).toBe(-32768);
    expect(srMulByPOT(16, -8193, 2)).toBe(-32768);
    expect(srMulByPOT(16, 5, -1)).toBe(3);
    expect(srMulByPOT(16, -5, -1)).toBe(-3);
  });
});
