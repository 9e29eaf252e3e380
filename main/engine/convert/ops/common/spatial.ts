/**
 * Window ops (Conv, MaxPool, AveragePool): ONNX's explicit or automatic padding mapped to
 * TFLite's SAME or VALID, with the padding TFLite cannot express returned for an explicit PAD.
 *
 * TFLite SAME pads (out - 1) * stride + effective_kernel - in in total, the smaller half before
 * (ComputePaddingHeightWidth), with out = ceil(in / stride); ONNX SAME_UPPER is the same rule.
 */
import {
  BuiltinOperator,
  BuiltinOptions,
  PadOptionsT,
  PadV2OptionsT,
  Padding,
} from '../../../tflite/generated/tflite';
import { ModelFormatError } from '../../../errors';
import type { NodeContext } from '../../node-context';

export interface WindowPlan {
  padding: Padding;
  /** Per spatial dim [before, after] still to apply with a PAD before the op (all 0 when none). */
  explicit: [number, number][];
  /** Per spatial dim [before, after] of the op as ONNX pads it (SAME included). */
  pads: [number, number][];
  /** Output spatial sizes. */
  out: number[];
}

/** Spatial attributes of a window node, 2-D (a 1-D node's lifted to H = 1). */
export interface WindowAttrs {
  kernel: number[];
  strides: number[];
  dilations: number[];
  /** ONNX `pads` order: all begins, then all ends. */
  pads: number[];
}

/**
 * The window attributes for a node with `kernel.length` spatial dims, checked; `lift` turns a
 * 1-D node's into 2-D ones over [1, L] (kernel [1, k], pads [0, b, 0, e]).
 */
export function windowAttrs(ctx: NodeContext, kernel: number[], lift = false): WindowAttrs {
  const n = kernel.length;
  const w = {
    kernel,
    strides: ctx.attrs.ints('strides', Array<number>(n).fill(1)),
    dilations: ctx.attrs.ints('dilations', Array<number>(n).fill(1)),
  };
  for (const [name, v] of Object.entries(w))
    if (v.length !== n || v.some((x) => !Number.isSafeInteger(x) || x <= 0))
      throw new ModelFormatError(`${name} [${v.join(',')}] must be ${n} positive integers`);
  const pads = ctx.attrs.ints('pads', Array<number>(2 * n).fill(0));
  if (pads.length !== 2 * n || pads.some((x) => !Number.isSafeInteger(x) || x < 0))
    throw new ModelFormatError(`pads [${pads.join(',')}] must be ${2 * n} non-negative integers`);
  if (!lift) return { ...w, pads };
  if (n !== 1) ctx.unsupported(`a ${n}-D window`);
  const one = (v: number[]) => [1, ...v];
  return {
    kernel: one(w.kernel),
    strides: one(w.strides),
    dilations: one(w.dilations),
    pads: [0, pads[0], 0, pads[1]],
  };
}

/**
 * How to pad a window op over input spatial sizes `input`. `ceilMode` (pools) rounds the output
 * up, which becomes extra padding after.
 */
export function planWindow(ctx: NodeContext, input: number[], w: WindowAttrs, ceilMode = false): WindowPlan {
  const n = input.length;
  const autoPad = ctx.attrs.string('auto_pad', 'NOTSET');
  const effective = w.kernel.map((k, i) => (k - 1) * w.dilations[i] + 1);
  const same = input.map((size, i) => {
    const out = Math.ceil(size / w.strides[i]);
    const total = Math.max((out - 1) * w.strides[i] + effective[i] - size, 0);
    return [Math.floor(total / 2), total - Math.floor(total / 2)] as [number, number];
  });
  let pads: [number, number][];
  if (autoPad === 'VALID') pads = input.map(() => [0, 0]);
  else if (autoPad === 'SAME_UPPER') pads = same;
  else if (autoPad === 'SAME_LOWER') pads = same.map(([b, a]) => [a, b]);
  else if (autoPad === 'NOTSET') {
    pads = input.map((_, i) => [w.pads[i], w.pads[i + n]]);
  } else ctx.unsupported(`auto_pad ${autoPad}`);
  const out = input.map((size, i) => {
    const span = size + pads[i][0] + pads[i][1] - effective[i];
    return (ceilMode ? Math.ceil(span / w.strides[i]) : Math.floor(span / w.strides[i])) + 1;
  });
  if (out.some((o) => o <= 0)) ctx.unsupported(`the window does not fit the ${input.join('x')} input`);
  if (ceilMode)
    // The last window must start inside the input or its leading padding (ONNX drops it otherwise).
    out.forEach((o, i) => {
      if ((o - 1) * w.strides[i] >= input[i] + pads[i][0]) out[i] = o - 1;
      const need = (out[i] - 1) * w.strides[i] + effective[i] - (input[i] + pads[i][0] + pads[i][1]);
      if (need > 0) pads[i][1] += need;
    });
  if (pads.every(([b, a]) => b === 0 && a === 0))
    return { padding: Padding.VALID, explicit: pads, pads, out };
  const isSame = pads.every(
    ([b, a], i) => b === same[i][0] && a === same[i][1] && out[i] === Math.ceil(input[i] / w.strides[i]),
  );
  if (isSame) return { padding: Padding.SAME, explicit: input.map(() => [0, 0]), pads, out };
  return { padding: Padding.VALID, explicit: pads, pads, out };
}

export function needsPad(plan: WindowPlan): boolean {
  return plan.explicit.some(([b, a]) => b > 0 || a > 0);
}

/**
 * Pads an NHWC tensor (physical shape `shape`) spatially by plan.explicit: PAD with zeros, or
 * PADV2 with `value` (max pooling pads with the lowest float so padding never wins).
 */
export function padSpatial(
  ctx: NodeContext,
  tensor: number,
  shape: number[],
  plan: WindowPlan,
  value?: number,
): { tensor: number; shape: number[] } {
  if (!needsPad(plan)) return { tensor, shape };
  const paddings = [[0, 0], ...plan.explicit, [0, 0]];
  const padShape = shape.map((d, i) => d + paddings[i][0] + paddings[i][1]);
  const p = ctx.builder.int32Tensor(paddings.flat(), ctx.tempName('paddings'), [shape.length, 2]);
  if (value === undefined) {
    const out = ctx.builder.emit({
      op: BuiltinOperator.PAD,
      optionsType: BuiltinOptions.PadOptions,
      options: new PadOptionsT(),
      inputs: [tensor, p],
      shape: padShape,
      name: ctx.tempName('pad'),
    });
    return { tensor: out, shape: padShape };
  }
  const v = ctx.builder.constTensor(
    { dtype: 'float32', dims: [], data: Float32Array.of(value) },
    ctx.tempName('pad_value'),
  );
  const out = ctx.builder.emit({
    op: BuiltinOperator.PADV2,
    optionsType: BuiltinOptions.PadV2Options,
    options: new PadV2OptionsT(),
    inputs: [tensor, p, v],
    shape: padShape,
    name: ctx.tempName('pad'),
  });
  return { tensor: out, shape: padShape };
}
