/**
 * Full-integer post-training quantization: int8 activations (or int16, the 16x8 scheme) and int8
 * weights, calibrated by running the float model over representative samples.
 *
 * Per the TFLite quantization spec: weights symmetric int8 in [-127, 127], per channel (CONV_2D
 * axis 0, DEPTHWISE_CONV_2D axis 3, FULLY_CONNECTED axis 0) unless `perTensor`; activations per
 * tensor, int8 asymmetric with the range widened to contain 0 and the zero point rounded (so 0 is
 * exact), or int16 symmetric (zero point 0); biases int32 (int64 for 16x8) with scale =
 * input scale × weight scale; fixed output parameters for SOFTMAX/LOGISTIC/TANH/LOG_SOFTMAX/
 * L2_NORMALIZATION; one shared set of parameters across the inputs and outputs of the ops that
 * only move data (pooling, reshape, concatenation... see op-specs.ts), found by union-find over
 * tensors with the union of their calibrated ranges.
 *
 * Graph rewrite: each quantized op's float activations are replaced by quantized ones in place
 * (same index and name, so the debugger can pair them with the float model); where a float op
 * (no integer kernel, or kept float by the user) meets a quantized tensor, a QUANTIZE or
 * DEQUANTIZE is inserted once per tensor, just before its first reader. Model inputs/outputs are
 * float (QUANTIZE/DEQUANTIZE at the edges), int8/int16, or uint8 (a QUANTIZE requantizes between
 * uint8 and int8 at the edges, as LiteRT does).
 */
import { DatasetError, InvalidArgumentError, QuantizationError } from '../errors';
import { checkSupport } from '../interpreter/support';
import { asymmetricParams, quantizeValue, symmetricScale } from '../quant/math';
import { BuiltinOperator, OperatorT, TensorType, type TensorT } from '../tflite/generated/tflite';
import {
  addTensor,
  builtinOf,
  bufferAs,
  bytesOf,
  isConstant,
  opcodeIndex,
  pruneUnused,
  quantParams,
} from '../tflite/edit';
import type { TflModel } from '../tflite/model';
import { asString } from '../tflite/names';
import { calibrate, type CalibrationMethod, type Range, type Sample } from './calibrate/index';
import { minMaxOf } from './calibrate/types';
import { checkInputRanges, type InputRangeReport } from './input-ranges';
import { keepFloatMatcher, type KeepFloatRule } from './keep-float';
import { readQuantizationRecord, recordQuantization } from './metadata';
import { cloneModel } from './model-util';
import { OP_SPECS, type OpQuantSpec } from './op-specs';
import type { ProgressFn, QuantizeResult } from './types';
import { opVersion } from './versions';
import { quantizeBias, quantizeWeightsSymmetric } from './weights';

export type ModelIo = 'float' | 'int8' | 'uint8' | 'int16';

export interface FullIntegerOptions {
  /** 'int8' (default) or 'int16' activations (16x8). */
  activations?: 'int8' | 'int16';
  /** Model input/output type (default float). int8/uint8 for int8 models, int16 for 16x8. */
  io?: ModelIo;
  method?: CalibrationMethod;
  percentile?: number;
  perTensor?: boolean;
  /**
   * Per-tensor FULLY_CONNECTED weights only (conv stays per channel): what older converters
   * wrote and what runtimes without per-channel FC (Arm NN 20.08, older TFLite Micro) accept.
   */
  perTensorFullyConnected?: boolean;
  keepFloat?: KeepFloatRule[];
  /** Fail, listing every op without an integer kernel, instead of keeping them float. */
  strict?: boolean;
  /** The real range each model input is expected to have (e.g. from the preprocessing). */
  expectedInputRanges?: (Range | null)[];
  signal?: AbortSignal;
  onProgress?: ProgressFn;
}

export interface FullIntegerResult extends QuantizeResult {
  inputRanges: InputRangeReport[];
  /** Ops left float, with the reason. */
  floatOpList: { op: number; name: string; reason: string }[];
}

interface OpPlan {
  quantize: boolean;
  name: string;
  reason: string;
  spec?: OpQuantSpec;
}

/** Decides per operator whether it is quantized; used before calibration so --strict fails fast. */
export function planFullInteger(model: TflModel, options: FullIntegerOptions = {}): OpPlan[] {
  const sg = model.subgraphs[0];
  const int16 = options.activations === 'int16';
  const keep = keepFloatMatcher(options.keepFloat ?? []);
  const isFloatAct = (i: number) =>
    i >= 0 && sg.tensors[i].type === TensorType.FLOAT32 && !isConstant(model, sg.tensors[i]);
  return sg.operators.map((op) => {
    const name = BuiltinOperator[builtinOf(model, op)] ?? `UNKNOWN_${builtinOf(model, op)}`;
    const spec = OP_SPECS[name];
    const touchesFloat = op.inputs.some(isFloatAct) || op.outputs.some(isFloatAct);
    if (!touchesFloat) return { quantize: false, name, reason: 'no float activations' };
    if (!spec) return { quantize: false, name, reason: 'no integer kernel in TFLite' };
    if (int16 && !spec.int16) return { quantize: false, name, reason: 'no 16x8 kernel in TFLite' };
    // Tensor rules match the op's outputs and its constant inputs (weights), not the activations
    // it reads, which belong to the op that produced them.
    const own = [...op.outputs, ...op.inputs.filter((i) => i >= 0 && isConstant(model, sg.tensors[i]))];
    const tensorNames = own.filter((i) => i >= 0).map((i) => asString(sg.tensors[i].name));
    if (keep.op(name) || tensorNames.some((n) => keep.tensor(n)))
      return { quantize: false, name, reason: 'kept float (--keep-float)', spec };
    if (spec.weights) {
      const w = op.inputs[spec.weights.slot];
      if (
        w === undefined ||
        w < 0 ||
        !isConstant(model, sg.tensors[w]) ||
        sg.tensors[w].type !== TensorType.FLOAT32
      ) {
        return { quantize: false, name, reason: 'weights are not a constant float32 tensor', spec };
      }
      const b = spec.bias !== undefined ? op.inputs[spec.bias] : -1;
      if (
        b !== undefined &&
        b >= 0 &&
        (!isConstant(model, sg.tensors[b]) || sg.tensors[b].type !== TensorType.FLOAT32)
      ) {
        return { quantize: false, name, reason: 'bias is not a constant float32 tensor', spec };
      }
    }
    if (!spec.anyInput && op.outputs.some((i) => i >= 0 && sg.tensors[i].type !== TensorType.FLOAT32)) {
      return { quantize: false, name, reason: 'non-float output', spec };
    }
    return { quantize: true, name, reason: '', spec };
  });
}

/** Ops that stop a --strict quantization (no integer kernel), one line each. */
export function strictViolations(plan: OpPlan[]): string[] {
  return plan.flatMap((p, k) =>
    !p.quantize && p.reason.startsWith('no ') && p.reason !== 'no float activations'
      ? [`${p.name} #${k}: ${p.reason}`]
      : [],
  );
}

export async function quantizeFullInteger(
  input: TflModel,
  samples: readonly Sample[],
  options: FullIntegerOptions = {},
): Promise<FullIntegerResult> {
  const int16 = options.activations === 'int16';
  const io = options.io ?? 'float';
  if (int16 && (io === 'int8' || io === 'uint8'))
    throw new InvalidArgumentError(`--io ${io} does not apply to 16x8 models: use float or int16`);
  if (!int16 && io === 'int16')
    throw new InvalidArgumentError('--io int16 applies to 16x8 models only: use float, int8 or uint8');
  if (input.subgraphs.length !== 1)
    throw new QuantizationError(
      `the model has ${input.subgraphs.length} subgraphs: only single-subgraph models can be fully quantized`,
    );
  for (const t of input.subgraphs[0].tensors) {
    if (
      (t.type === TensorType.INT8 || t.type === TensorType.UINT8 || t.type === TensorType.INT16) &&
      !isConstant(input, t)
    ) {
      throw new QuantizationError(
        `tensor "${asString(t.name)}" is already quantized: dequantize the model first (lowbit dequantize)`,
      );
    }
  }
  const plan = planFullInteger(input, options);
  const violations = strictViolations(plan);
  if (options.strict && violations.length > 0) {
    throw new QuantizationError(
      `--strict: ${violations.length} operator(s) have no ${int16 ? '16x8' : 'int8'} kernel:\n  ${violations.join('\n  ')}`,
    );
  }
  if (samples.length === 0)
    throw new DatasetError('full-integer quantization needs representative samples (--calibration)');
  const target = int16
    ? { qmin: -32767, qmax: 32767, symmetric: true }
    : { qmin: -128, qmax: 127, symmetric: false };
  const ranges = await calibrate(input, samples, {
    method: options.method,
    percentile: options.percentile,
    target,
    signal: options.signal,
    onProgress: options.onProgress,
  });

  const model = cloneModel(input);
  const warnings: string[] = [];
  const sg = model.subgraphs[0];
  const record = readQuantizationRecord(input);
  const inputRanges = checkInputRanges(
    sg,
    ranges,
    options.expectedInputRanges ?? record?.inputRanges ?? [],
    warnings,
  );
  const rewriter = new Rewriter(
    model,
    plan,
    ranges,
    int16,
    !!options.perTensor,
    !!options.perTensorFullyConnected,
    warnings,
  );
  rewriter.run(io);

  const floatOpList = plan.flatMap((p, k) => (p.quantize ? [] : [{ op: k, name: p.name, reason: p.reason }]));
  for (const f of floatOpList)
    if (f.reason !== 'no float activations') warnings.push(`${f.name} #${f.op} stays float: ${f.reason}`);
  recordQuantization(model, {
    technique: int16 ? 'int16x8' : 'int8',
    method: options.method ?? 'minmax',
    perTensor: options.perTensor ? true : options.perTensorFullyConnected ? 'FULLY_CONNECTED' : false,
    io,
    samples: samples.length,
    keptFloat: floatOpList.filter((f) => f.reason.startsWith('kept')).map((f) => `${f.name} #${f.op}`),
  });
  pruneUnused(model);
  for (const issue of checkSupport(model))
    warnings.push(
      `Lowbit's interpreter cannot run ${issue.opName} #${issue.opIndex} of the result: ${issue.message}`,
    );
  return {
    model,
    warnings,
    quantizedOps: plan.filter((p) => p.quantize).length,
    floatOps: floatOpList.filter((f) => f.reason !== 'no float activations').length,
    convertedTensors: rewriter.convertedConstants,
    inputRanges,
    floatOpList,
  };
}

class UnionFind {
  private parent = new Map<number, number>();
  find(x: number): number {
    let p = this.parent.get(x) ?? x;
    if (p !== x) {
      p = this.find(p);
      this.parent.set(x, p);
    }
    return p;
  }
  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent.set(rb, ra);
  }
}

interface Params {
  scale: number;
  zeroPoint: number;
}

class Rewriter {
  convertedConstants = 0;
  private readonly sg;
  private readonly groups = new UnionFind();
  private readonly params = new Map<number, Params>();
  private readonly qVer = new Map<number, number>();
  private readonly fVer = new Map<number, number>();
  private readonly newOps: OperatorT[] = [];
  private readonly weightCache = new Map<number, { index: number; scale: number[] }>();
  private readonly constCache = new Map<number, number>();
  private readonly qType: TensorType;

  constructor(
    private readonly model: TflModel,
    private readonly plan: OpPlan[],
    private readonly ranges: Map<number, Range>,
    private readonly int16: boolean,
    private readonly perTensor: boolean,
    private readonly perTensorFc: boolean,
    private readonly warnings: string[],
  ) {
    this.sg = model.subgraphs[0];
    this.qType = int16 ? TensorType.INT16 : TensorType.INT8;
  }

  run(io: ModelIo): void {
    this.assignParams();
    const sg = this.sg;
    // Model inputs.
    for (const t of sg.inputs) {
      if (!this.isFloatAct(t)) continue;
      if (io === 'float') this.fVer.set(t, t);
      else if (io === 'uint8') {
        const p = this.paramsOf(t);
        const tensor = sg.tensors[t];
        tensor.type = TensorType.UINT8;
        tensor.quantization = quantParams({ scale: [p.scale], zeroPoint: [p.zeroPoint + 128] });
        const q = this.newActivation(t, '_int8', this.qType, p);
        this.emit(BuiltinOperator.QUANTIZE, [t], [q]);
        this.qVer.set(t, q);
      } else {
        this.toQuantizedInPlace(t);
      }
    }
    this.plan.forEach((p, k) => {
      const op = this.sg.operators[k];
      if (p.quantize) this.quantizeOp(op, p.spec!);
      else {
        op.inputs = op.inputs.map((i) => (this.isTracked(i) ? this.getF(i) : i));
        for (const o of op.outputs) if (this.isFloatAct(o)) this.fVer.set(o, o);
      }
      this.newOps.push(op);
    });
    // Model outputs.
    sg.outputs = sg.outputs.map((t) => {
      if (!this.isFloatAct(t) && !this.qVer.has(t)) return t;
      let idx = io === 'float' ? this.getF(t) : this.getQ(t);
      if (io === 'uint8') {
        const p = this.paramsOf(t);
        const u = addTensor(this.model, sg, {
          name: `${asString(sg.tensors[t].name)}_uint8`,
          shape: sg.tensors[t].shape,
          type: TensorType.UINT8,
          quant: { scale: [p.scale], zeroPoint: [p.zeroPoint + 128] },
        });
        this.emit(BuiltinOperator.QUANTIZE, [idx], [u]);
        idx = u;
      }
      for (const sd of this.model.signatureDefs)
        for (const m of sd.outputs) if (m.tensorIndex === t) m.tensorIndex = idx;
      return idx;
    });
    sg.operators = this.newOps;
    for (const op of sg.operators) {
      const b = builtinOf(this.model, op);
      const v = opVersion(b, sg, op);
      if (v !== null) op.opcodeIndex = opcodeIndex(this.model, b, v);
    }
  }

  /** An activation the rewrite already gave a float and/or quantized version. */
  private isTracked(i: number): boolean {
    return i >= 0 && (this.qVer.has(i) || this.fVer.has(i));
  }

  /** A float32 tensor without constant data (an activation still in float). */
  private isFloatAct(i: number): boolean {
    if (i < 0) return false;
    const t = this.sg.tensors[i];
    return t.type === TensorType.FLOAT32 && !isConstant(this.model, t) && !t.isVariable;
  }

  private assignParams(): void {
    const sg = this.sg;
    const constRanges = new Map<number, Range>();
    this.plan.forEach((p, k) => {
      if (!p.quantize || !p.spec?.shared) return;
      const op = sg.operators[k];
      const members = [...op.inputs, ...op.outputs].filter(
        (i) =>
          i >= 0 &&
          sg.tensors[i].type === TensorType.FLOAT32 &&
          !(p.spec!.weights && i === op.inputs[p.spec!.weights.slot]),
      );
      for (const m of members) {
        if (isConstant(this.model, sg.tensors[m]))
          constRanges.set(m, minMaxOf(bufferAs(this.model.buffers[sg.tensors[m].buffer].data, Float32Array)));
        this.groups.union(members[0], m);
      }
    });
    // Group ranges: the union of the members' ranges; fixed-output ops pin their group.
    const groupRange = new Map<number, Range>();
    const add = (i: number, r: Range) => {
      const g = this.groups.find(i);
      const cur = groupRange.get(g);
      if (!cur) groupRange.set(g, { ...r });
      else {
        cur.min = Math.min(cur.min, r.min);
        cur.max = Math.max(cur.max, r.max);
      }
    };
    for (const [i, r] of this.ranges) add(i, r);
    for (const [i, r] of constRanges) add(i, r);
    const fixed = new Map<number, Params>();
    this.plan.forEach((p, k) => {
      const f = p.quantize ? p.spec?.fixed : undefined;
      if (!f) return;
      const v = this.int16 ? f.int16 : f.int8;
      if (!v) return;
      const g = this.groups.find(sg.operators[k].outputs[0]);
      if (fixed.has(g) && (fixed.get(g)!.scale !== v[0] || fixed.get(g)!.zeroPoint !== v[1])) {
        this.warnings.push(
          `${p.name} #${k}: its fixed output parameters conflict with another op sharing the tensor`,
        );
      }
      fixed.set(g, { scale: Math.fround(v[0]), zeroPoint: v[1] });
    });
    this.paramsFor = (i: number) => {
      const g = this.groups.find(i);
      const cached = this.params.get(g);
      if (cached) return cached;
      let p = fixed.get(g);
      if (!p) {
        const r = groupRange.get(g);
        if (!r)
          throw new QuantizationError(
            `tensor "${asString(sg.tensors[i].name)}" was never observed during calibration`,
          );
        p = this.int16
          ? { scale: symmetricScale(Math.max(-r.min, r.max), 32767), zeroPoint: 0 }
          : asymmetricParams(r.min, r.max, -128, 127);
      }
      this.params.set(g, p);
      return p;
    };
  }

  private paramsFor: (i: number) => Params = () => {
    throw new Error('assignParams first');
  };

  private paramsOf(i: number): Params {
    return this.paramsFor(i);
  }

  private toQuantizedInPlace(i: number): void {
    const p = this.paramsOf(i);
    const t = this.sg.tensors[i];
    t.type = this.qType;
    t.quantization = quantParams({ scale: [p.scale], zeroPoint: [p.zeroPoint] });
    this.qVer.set(i, i);
  }

  private newActivation(of: number, suffix: string, type: TensorType, p: Params | null): number {
    const t = this.sg.tensors[of];
    return addTensor(this.model, this.sg, {
      name: `${asString(t.name)}${suffix}`,
      shape: t.shape,
      type,
      quant: p ? { scale: [p.scale], zeroPoint: [p.zeroPoint] } : null,
    });
  }

  private emit(op: BuiltinOperator, inputs: number[], outputs: number[]): void {
    const o = new OperatorT();
    o.opcodeIndex = opcodeIndex(this.model, op, 1);
    o.inputs = inputs;
    o.outputs = outputs;
    this.newOps.push(o);
  }

  /** The quantized version of activation i, adding a QUANTIZE on first use. */
  private getQ(i: number): number {
    const q = this.qVer.get(i);
    if (q !== undefined) return q;
    const f = this.fVer.get(i) ?? i;
    const idx = this.newActivation(i, '_quantized', this.qType, this.paramsOf(i));
    this.emit(BuiltinOperator.QUANTIZE, [f], [idx]);
    this.qVer.set(i, idx);
    return idx;
  }

  /** The float version of activation i, adding a DEQUANTIZE on first use. */
  private getF(i: number): number {
    const f = this.fVer.get(i);
    if (f !== undefined) return f;
    const q = this.qVer.get(i);
    if (q === undefined) return i;
    const idx = this.newActivation(i, '_dequantized', TensorType.FLOAT32, null);
    this.emit(BuiltinOperator.DEQUANTIZE, [q], [idx]);
    this.fVer.set(i, idx);
    return idx;
  }

  private quantizeOp(op: OperatorT, spec: OpQuantSpec): void {
    const sg = this.sg;
    const wSlot = spec.weights?.slot ?? -1;
    const inputs = [...op.inputs];
    let weightScales: number[] | null = null;
    if (spec.weights) {
      const fc = builtinOf(this.model, op) === BuiltinOperator.FULLY_CONNECTED;
      const w = this.quantizeWeights(inputs[wSlot], spec.weights.axis, fc && this.perTensorFc);
      inputs[wSlot] = w.index;
      weightScales = w.scale;
    }
    inputs.forEach((i, slot) => {
      if (i < 0 || slot === wSlot || slot === spec.bias) return;
      const t = sg.tensors[i];
      if (this.isTracked(i))
        inputs[slot] = spec.anyInput ? (this.qVer.get(i) ?? this.fVer.get(i)!) : this.getQ(i);
      else if (t.type === TensorType.FLOAT32 && isConstant(this.model, t))
        inputs[slot] = this.quantizeConstant(i);
    });
    if (
      spec.bias !== undefined &&
      inputs[spec.bias] !== undefined &&
      inputs[spec.bias] >= 0 &&
      weightScales
    ) {
      const b = inputs[spec.bias];
      const inScale = this.paramsOf(op.inputs[0]).scale;
      const bt = sg.tensors[b];
      const qb = quantizeBias(
        bufferAs(this.model.buffers[bt.buffer].data, Float32Array),
        inScale,
        weightScales,
        this.int16 ? 'int64' : 'int32',
      );
      inputs[spec.bias] = addTensor(this.model, sg, {
        name: asString(bt.name),
        shape: bt.shape,
        type: this.int16 ? TensorType.INT64 : TensorType.INT32,
        data: bytesOf(qb.data),
        quant: { scale: qb.scale, zeroPoint: qb.zeroPoint, axis: 0 },
      });
      this.convertedConstants++;
    }
    op.inputs = inputs;
    for (const o of op.outputs) if (this.isFloatAct(o)) this.toQuantizedInPlace(o);
    // General int16 ADD/SUB kernels (not the power-of-two-scale ones) need pot_scale_int16 off.
    const opts = op.builtinOptions as { potScaleInt16?: boolean } | null;
    if (this.int16 && opts && 'potScaleInt16' in opts) opts.potScaleInt16 = false;
  }

  private quantizeWeights(i: number, axis: number, perTensor: boolean): { index: number; scale: number[] } {
    const hit = this.weightCache.get(i);
    if (hit) return hit;
    const t = this.sg.tensors[i];
    const perChannel = !this.perTensor && !perTensor && t.shape.length > axis;
    const qw = quantizeWeightsSymmetric(
      bufferAs(this.model.buffers[t.buffer].data, Float32Array),
      t.shape,
      perChannel ? axis : null,
    );
    const index = addTensor(this.model, this.sg, {
      name: asString(t.name),
      shape: t.shape,
      type: TensorType.INT8,
      data: bytesOf(qw.data),
      quant: qw,
    });
    this.convertedConstants++;
    const r = { index, scale: qw.scale };
    this.weightCache.set(i, r);
    return r;
  }

  /** A constant operand of a quantized op (ADD with a constant, PADV2's pad value...). */
  private quantizeConstant(i: number): number {
    const hit = this.constCache.get(i);
    if (hit !== undefined) return hit;
    const t: TensorT = this.sg.tensors[i];
    const values = bufferAs(this.model.buffers[t.buffer].data, Float32Array);
    const r = minMaxOf(values);
    const p = this.groupHasRange(i)
      ? this.paramsOf(i)
      : this.int16
        ? { scale: symmetricScale(Math.max(-r.min, r.max), 32767), zeroPoint: 0 }
        : asymmetricParams(r.min, r.max, -128, 127);
    const [qmin, qmax] = this.int16 ? [-32768, 32767] : [-128, 127];
    const data = this.int16 ? new Int16Array(values.length) : new Int8Array(values.length);
    for (let k = 0; k < values.length; k++)
      data[k] = quantizeValue(values[k], p.scale, p.zeroPoint, qmin, qmax);
    const index = addTensor(this.model, this.sg, {
      name: asString(t.name),
      shape: t.shape,
      type: this.qType,
      data: bytesOf(data),
      quant: { scale: [p.scale], zeroPoint: [p.zeroPoint] },
    });
    this.convertedConstants++;
    this.constCache.set(i, index);
    return index;
  }

  private groupHasRange(i: number): boolean {
    try {
      this.paramsOf(i);
      return true;
    } catch {
      return false;
    }
  }
}
