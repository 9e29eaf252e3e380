import { describe, expect, it } from 'vitest';
import { logXForXGreaterThanOrEqualTo1 } from './log-fixedpoint';

describe('log_x_for_x_greater_than_or_equal_to_1 (Q12.19 -> Q5.26)', () => {
  it('is exact at 1 and within 3e-7 of log(x) up to 4000', () => {
    expect(logXForXGreaterThanOrEqualTo1(2 ** 19, 12, 5)).toBe(0);
    for (const x of [1.5, 2, 3.7, 10, 100, 1000, 4000]) {
      const got = logXForXGreaterThanOrEqualTo1(Math.round(x * 2 ** 19), 12, 5) / 2 ** 26;
      expect(Math.abs(got - Math.log(x))).toBeLessThan(3e-7);
    }
  });
});
