/**
 * Spec linter: checks a quantized model against the TFLite int8 / 16x8 quantization spec and
 * returns every finding (an empty list means the model follows the spec). Used by the tests on
 * every model the quantizer produces and by `lowbit inspect MODEL --lint`.
 *
 * Rules: weight zero points 0; int8 weights within [-127, 127]; per-channel weights on the
 * output-channel axis with one scale per channel; bias int32 (int64 or int32 for 16x8) with zero
 * point 0 and scale = input scale × weight scale per channel (within float32 rounding, 4 ulp);
 * fixed output parameters for SOFTMAX/LOGISTIC/TANH/LOG_SOFTMAX/L2_NORMALIZATION; one shared set
 * of parameters across the inputs and outputs of the data-movement ops; activation zero points
 * inside their dtype's range; int16 activations symmetric; scales positive and finite.
 * Integer UNIDIRECTIONAL_SEQUENCE_LSTM (TFLite's 8x8->16 kernel): weights symmetric per tensor,
 * gate biases int32 at input scale × input-to-gate weight scale, cell state int16 with a
 * power-of-two scale in [2^-15, 2^-9], output state and hidden intermediate with the output's
 * parameters, five intermediates.
 */
import { BuiltinOperator, TensorType, type TensorT } from '../tflite/generated/tflite';
import { builtinOf, bufferAs, isConstant } from '../tflite/edit';
import type { TflModel } from '../tflite/model';
import { asString } from '../tflite/names';
import { OP_SPECS } from './op-specs';

export interface LintFinding {
  severity: 'error' | 'warning';
  rule: string;
  subgraph: number;
  op: number | null;
  opName: string | null;
  tensor: number | null;
  tensorName: string | null;
  message: string;
}

const QTYPES = new Set([TensorType.INT8, TensorType.UINT8, TensorType.INT16]);
const RANGE: Partial<Record<TensorType, [number, number]>> = {
  [TensorType.INT8]: [-128, 127],
  [TensorType.UINT8]: [0, 255],
  [TensorType.INT16]: [-32768, 32767],
};
/** Relative tolerance for "equal within float32 rounding": 4 ulp of a float32. */
const REL = 4 * 2 ** -23;
const close = (a: number, b: number) => Math.abs(a - b) <= REL * Math.max(Math.abs(a), Math.abs(b));

export function lintQuantization(model: TflModel): LintFinding[] {
  const findings: LintFinding[] = [];
  model.subgraphs.forEach((sg, s) => {
    const add = (
      severity: LintFinding['severity'],
      rule: string,
      op: number | null,
      tensor: number | null,
      message: string,
    ) => {
      findings.push({
        severity,
        rule,
        subgraph: s,
        op,
        opName: op === null ? null : (BuiltinOperator[builtinOf(model, sg.operators[op])] ?? null),
        tensor,
        tensorName: tensor === null ? null : asString(sg.tensors[tensor].name),
        message,
      });
    };
    const q = (i: number) => (i >= 0 ? sg.tensors[i].quantization : null);
    const quantized = (i: number) =>
      i >= 0 && QTYPES.has(sg.tensors[i].type) && (q(i)?.scale.length ?? 0) > 0;

    // Every quantized tensor: sane scales and zero points.
    sg.tensors.forEach((t, i) => {
      if (!quantized(i)) return;
      const p = t.quantization!;
      if (p.scale.some((x) => !(x > 0) || !Number.isFinite(x)))
        add(
          'error',
          'scale',
          null,
          i,
          `scale ${p.scale.find((x) => !(x > 0) || !Number.isFinite(x))} is not positive and finite`,
        );
      if (p.zeroPoint.length !== p.scale.length)
        add(
          'error',
          'zero-point-count',
          null,
          i,
          `${p.zeroPoint.length} zero points for ${p.scale.length} scales`,
        );
      const [lo, hi] = RANGE[t.type]!;
      const zps = p.zeroPoint.map(Number);
      if (zps.some((z) => z < lo || z > hi))
        add(
          'error',
          'zero-point-range',
          null,
          i,
          `zero point ${zps.find((z) => z < lo || z > hi)} is outside ${TensorType[t.type].toLowerCase()} [${lo}, ${hi}]`,
        );
      if (!isConstant(model, t)) {
        if (t.type === TensorType.INT16 && zps.some((z) => z !== 0))
          add('error', 'int16-symmetric', null, i, `int16 activation has zero point ${zps[0]}, must be 0`);
        if (p.scale.length > 1)
          add(
            'warning',
            'activation-per-tensor',
            null,
            i,
            `activation has ${p.scale.length} scales; activations are per tensor`,
          );
      }
    });

    sg.operators.forEach((op, k) => {
      const name = BuiltinOperator[builtinOf(model, op)] ?? '';
      const spec = OP_SPECS[name];
      if (!spec) return;
      const in0 = op.inputs[0] ?? -1;
      const out0 = op.outputs[0] ?? -1;
      if (spec.lstm) {
        if (quantized(in0) && sg.tensors[in0].type === TensorType.INT8)
          lintLstm(model, sg.tensors, op.inputs, op.outputs, op.intermediates ?? [], k, add);
        return;
      }
      if (spec.weights) {
        const w = op.inputs[spec.weights.slot] ?? -1;
        if (w < 0 || sg.tensors[w].type !== TensorType.INT8 || !quantized(w)) return;
        checkWeights(model, sg.tensors[w], w, k, spec.weights.axis, add);
        const b = spec.bias !== undefined ? (op.inputs[spec.bias] ?? -1) : -1;
        if (b >= 0 && quantized(in0)) checkBias(sg.tensors, in0, w, b, k, add);
        return;
      }
      if (spec.fixed && quantized(out0)) {
        const t = sg.tensors[out0];
        const want =
          t.type === TensorType.INT16
            ? spec.fixed.int16
            : t.type === TensorType.INT8
              ? spec.fixed.int8
              : undefined;
        const p = t.quantization!;
        if (want && (!close(p.scale[0], want[0]) || Number(p.zeroPoint[0]) !== want[1])) {
          add(
            'error',
            'fixed-params',
            k,
            out0,
            `${name} output must have scale ${want[0]} and zero point ${want[1]}, has ${p.scale[0]} and ${Number(p.zeroPoint[0])}`,
          );
        }
      }
      if (spec.shared) {
        const members = [...op.inputs, ...op.outputs].filter((i) => quantized(i));
        if (members.length < 2) return;
        const ref = q(members[0])!;
        for (const m of members.slice(1)) {
          const p = q(m)!;
          if (!close(p.scale[0], ref.scale[0]) || Number(p.zeroPoint[0]) !== Number(ref.zeroPoint[0])) {
            add(
              'error',
              'shared-params',
              k,
              m,
              `${name} must keep its input's parameters (scale ${ref.scale[0]}, zero point ${Number(ref.zeroPoint[0])}), tensor has scale ${p.scale[0]}, zero point ${Number(p.zeroPoint[0])}`,
            );
          }
        }
      }
    });
  });
  return findings;
}

type Add = (
  severity: LintFinding['severity'],
  rule: string,
  op: number | null,
  tensor: number | null,
  message: string,
) => void;

function checkWeights(model: TflModel, t: TensorT, w: number, k: number, axis: number, add: Add): void {
  const p = t.quantization!;
  if (p.zeroPoint.some((z) => z !== 0n))
    add(
      'error',
      'weight-zero-point',
      k,
      w,
      `weight zero point ${Number(p.zeroPoint.find((z) => z !== 0n))}, must be 0 (symmetric)`,
    );
  if (p.scale.length > 1) {
    if (p.quantizedDimension !== axis)
      add(
        'error',
        'weight-axis',
        k,
        w,
        `per-channel weights on axis ${p.quantizedDimension}, expected ${axis}`,
      );
    else if (t.shape[axis] !== p.scale.length)
      add('error', 'weight-axis', k, w, `${p.scale.length} scales for ${t.shape[axis]} channels`);
  }
  if (isConstant(model, t)) {
    const v = bufferAs(model.buffers[t.buffer].data, Int8Array);
    const bad = v.indexOf(-128);
    if (bad >= 0)
      add(
        'error',
        'weight-range',
        k,
        w,
        `weight value -128 at element ${bad}: int8 weights must lie in [-127, 127]`,
      );
  }
}

function checkBias(tensors: TensorT[], in0: number, w: number, b: number, k: number, add: Add): void {
  const bias = tensors[b];
  const inT = tensors[in0];
  const okTypes = inT.type === TensorType.INT16 ? [TensorType.INT64, TensorType.INT32] : [TensorType.INT32];
  if (!okTypes.includes(bias.type)) {
    add(
      'error',
      'bias-type',
      k,
      b,
      `bias is ${TensorType[bias.type]}, expected ${okTypes.map((x) => TensorType[x]).join(' or ')}`,
    );
    return;
  }
  const bq = bias.quantization;
  if (!bq || bq.scale.length === 0) {
    add('error', 'bias-scale', k, b, 'bias has no quantization parameters');
    return;
  }
  if (bq.zeroPoint.some((z) => z !== 0n)) add('error', 'bias-zero-point', k, b, 'bias zero point must be 0');
  const sIn = inT.quantization!.scale[0];
  const ws = tensors[w].quantization!.scale;
  const n = Math.max(ws.length, bq.scale.length);
  for (let c = 0; c < n; c++) {
    const want = sIn * ws[ws.length === 1 ? 0 : c];
    const have = bq.scale[bq.scale.length === 1 ? 0 : c];
    if (have === undefined || !close(have, want)) {
      add(
        'error',
        'bias-scale',
        k,
        b,
        `bias scale[${c}] is ${have}, expected input scale × weight scale = ${sIn} × ${ws[ws.length === 1 ? 0 : c]} = ${want}`,
      );
      return;
    }
  }
}

const sameParams = (a: TensorT, b: TensorT) =>
  !!a.quantization &&
  !!b.quantization &&
  a.quantization.scale.length === 1 &&
  b.quantization.scale.length === 1 &&
  close(a.quantization.scale[0], b.quantization.scale[0]) &&
  a.quantization.zeroPoint[0] === b.quantization.zeroPoint[0];

function lintLstm(
  model: TflModel,
  tensors: TensorT[],
  inputs: number[],
  outputs: number[],
  intermediates: number[],
  k: number,
  add: Add,
): void {
  const at = (slot: number) => (inputs[slot] ?? -1) >= 0;
  for (const slot of [1, 2, 3, 4, 5, 6, 7, 8]) {
    if (!at(slot)) continue;
    const w = inputs[slot];
    const t = tensors[w];
    if (t.type !== TensorType.INT8 || !t.quantization || t.quantization.scale.length === 0) {
      add(
        'error',
        'lstm-weights',
        k,
        w,
        `LSTM weight operand ${slot} must be int8 (is ${TensorType[t.type]})`,
      );
      continue;
    }
    checkWeights(model, t, w, k, 0, add);
    if (t.quantization.scale.length !== 1)
      add(
        'error',
        'lstm-weights',
        k,
        w,
        `LSTM weights are per tensor, operand ${slot} has ${t.quantization.scale.length} scales`,
      );
  }
  for (let g = 0; g < 4; g++)
    if (at(1 + g) && at(12 + g) && tensors[inputs[1 + g]].type === TensorType.INT8)
      checkBias(tensors, inputs[0], inputs[1 + g], inputs[12 + g], k, add);
  const out = tensors[outputs[0]];
  if (at(18)) {
    const h = tensors[inputs[18]];
    if (h.type !== TensorType.INT8 || !sameParams(h, out))
      add(
        'error',
        'lstm-output-state',
        k,
        inputs[18],
        "LSTM output state must be int8 with the output's scale and zero point",
      );
  }
  if (at(19)) {
    const c = tensors[inputs[19]];
    const p = c.quantization;
    const e = p && p.scale.length === 1 ? Math.log2(p.scale[0]) : NaN;
    if (
      c.type !== TensorType.INT16 ||
      !p ||
      p.zeroPoint[0] !== 0n ||
      !Number.isInteger(e) ||
      e < -15 ||
      e > -9
    )
      add(
        'error',
        'lstm-cell-state',
        k,
        inputs[19],
        `LSTM cell state must be int16, zero point 0, scale a power of two in [2^-15, 2^-9] (has ${TensorType[c.type]} scale ${p?.scale[0]})`,
      );
  }
  if (intermediates.length !== 5) {
    add(
      'error',
      'lstm-intermediates',
      k,
      null,
      `integer LSTM needs 5 intermediate tensors, has ${intermediates.length}`,
    );
    return;
  }
  const hidden = tensors[intermediates[4]];
  if (hidden.type !== TensorType.INT8 || !sameParams(hidden, out))
    add(
      'error',
      'lstm-intermediates',
      k,
      intermediates[4],
      "the hidden intermediate must be int8 with the output's parameters (no projection: the hidden state is the output)",
    );
}
