/** Constant → a folded constant (value, value_float(s), value_int(s)); never an operator. */
import { float32Const, int64Const } from '../const-tensor';
import type { OpConverter } from '../op-converter';
import { constValue } from '../values';

export const constant: OpConverter = {
  convert(ctx) {
    const a = ctx.attrs;
    const t = a.tensor('value');
    if (t) return [constValue(t)];
    if (a.has('value_float')) return [constValue(float32Const([], [a.float('value_float', 0)]))];
    if (a.has('value_floats')) {
      const v = a.floats('value_floats', []);
      return [constValue(float32Const([v.length], v))];
    }
    if (a.has('value_int')) return [constValue(int64Const([], [a.int('value_int', 0)]))];
    if (a.has('value_ints')) {
      const v = a.ints('value_ints', []);
      return [constValue(int64Const([v.length], v))];
    }
    return ctx.unsupported('a Constant without a dense numeric value');
  },
};
