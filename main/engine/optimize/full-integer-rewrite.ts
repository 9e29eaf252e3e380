/**
 * The graph rewrite of full-integer quantization (see full-integer.ts): parameters per tensor
 * group (union-find over shared-parameter ops, fixed-output ops pinned), quantized weights,
 * biases and constants, in-place conversion of activations, and QUANTIZE/DEQUANTIZE glue where
 * float and quantized operators meet, then model I/O in the requested type.
 */
import { QuantizationError } from '../errors';
import { asymmetricParams, quantizeValue, symmetricScale } from '../quant/math';
import { BuiltinOperator, OperatorT, TensorType, type TensorT } from '../tflite/generated/tflite';
import {
  addTensor,
  builtinOf,
  bufferAs,
  bytesOf,
  isConstant,
  opcodeIndex,
  quantParams,
} from '../tflite/edit';
import type { TflModel } from '../tflite/model';
import { asString } from '../tflite/names';
import type { Range } from './calibrate/index';
import { minMaxOf } from './calibrate/types';
import type { ModelIo, OpPlan, PresetChange, PresetParams } from './full-integer-types';
import { presetGroupParams } from './preset-params';
import { rewriteIntegerLstm } from './lstm';
import type { OpQuantSpec } from './op-specs';
import { opVersion } from './versions';
import { quantizeBias, quantizeWeightsAtScales, quantizeWeightsSymmetric } from './weights';

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

export class Rewriter {
  convertedConstants = 0;
  /** Preset parameters the int8 spec did not allow, and what they became. */
  readonly presetChanges: PresetChange[] = [];
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
    private readonly presets: PresetParams | null = null,
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
      if (p.quantize) this.quantizeOp(op, p.spec!, k);
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
    const writtenAt = new Map<number, number>();
    sg.operators.forEach((op, k) => op.outputs.forEach((o) => writtenAt.set(o, k)));
    const preset = this.presets
      ? presetGroupParams(
          this.presets,
          (i) => this.groups.find(i),
          fixed,
          this.nameOf,
          this.presetChanges,
          (i) => writtenAt.get(i) ?? -1,
        )
      : new Map<number, Params>();
    this.paramsFor = (i: number) => {
      const g = this.groups.find(i);
      const cached = this.params.get(g);
      if (cached) return cached;
      let p = fixed.get(g) ?? preset.get(g);
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

  private readonly nameOf = (i: number): string => asString(this.sg.tensors[i].name);

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

  private quantizeOp(op: OperatorT, spec: OpQuantSpec, k: number): void {
    if (spec.lstm) {
      // Weights count themselves in quantizeWeights; the biases are added here.
      this.convertedConstants += rewriteIntegerLstm(
        {
          model: this.model,
          sg: this.sg,
          ranges: this.ranges,
          warnings: this.warnings,
          quantized: (i) => this.getQ(i),
          params: (i) => this.paramsOf(i),
          quantizeOutput: (i) => this.toQuantizedInPlace(i),
          weights: (i) => this.quantizeWeights(i, 0, true),
        },
        op,
        k,
      );
      return;
    }
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
      this.noteBiasChange(b, qb.scale);
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
    const values = bufferAs(this.model.buffers[t.buffer].data, Float32Array);
    const qw =
      this.presetWeights(i, values, t.shape, axis) ??
      quantizeWeightsSymmetric(values, t.shape, perChannel ? axis : null);
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

  /**
   * The weights at their preset scales (per channel along `axis`, or one scale), or null without
   * a preset; a preset TFLite's int8 weights cannot hold (values beyond ±127) is a listed change.
   */
  private presetWeights(
    i: number,
    values: Float32Array,
    shape: number[],
    axis: number,
  ): { data: Int8Array; scale: number[]; zeroPoint: number[]; axis: number } | null {
    const scale = this.presets?.weights.get(i);
    if (!scale) return null;
    const at = scale.length === 1 ? null : axis;
    const data = quantizeWeightsAtScales(values, shape, at, scale);
    if (data) return { data, scale, zeroPoint: scale.map(() => 0), axis: at ?? 0 };
    const own = quantizeWeightsSymmetric(values, shape, at);
    this.presetChanges.push({
      tensor: this.nameOf(i),
      kind: 'weight',
      reason:
        scale.length === shape[axis] || scale.length === 1
          ? 'values beyond ±127 at the preset scale'
          : 'preset scales do not match the output channels',
      from: { scale, zeroPoint: scale.map(() => 0) },
      to: { scale: own.scale, zeroPoint: own.zeroPoint },
    });
    return { ...own, axis: at ?? 0 };
  }

  /** The bias scale is always input scale × weight scale: a preset that differs is a listed change. */
  private noteBiasChange(b: number, scale: number[]): void {
    const preset = this.presets?.biases.get(b);
    if (!preset || (preset.length === scale.length && preset.every((s, c) => s === scale[c]))) return;
    this.presetChanges.push({
      tensor: this.nameOf(b),
      kind: 'bias',
      reason: 'TFLite needs bias scale = input scale × weight scale',
      from: { scale: preset, zeroPoint: preset.map(() => 0) },
      to: { scale, zeroPoint: scale.map(() => 0) },
    });
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
