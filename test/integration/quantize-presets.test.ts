// Issue 13, item 5: the full-integer quantizer keeps preset parameters (what a quantized ONNX
// model chose) where TFLite's int8 spec allows, without calibration. External truth: TFLite's own
// converter's person_detect (shared TFLite Micro model): dequantized to float, then quantized with
// its own parameters as presets, every scale, zero point and int8 weight comes back bit for bit.
import { beforeAll, describe, expect, it } from 'vitest';
import { quantizeFullInteger } from '../../main/engine/optimize/full-integer';
import type { PresetParams } from '../../main/engine/optimize/full-integer-types';
import { OP_SPECS } from '../../main/engine/optimize/op-specs';
import { lintQuantization } from '../../main/engine/optimize/spec-lint';
import { builtinOf, bufferAs } from '../../main/engine/tflite/edit';
import { BuiltinOperator, TensorType, type TflModel } from '../../main/engine/tflite/model';
import { asString } from '../../main/engine/tflite/names';
import { floatVersion, loadShared } from '../support/quantize-helpers';

let original: TflModel;
let float: TflModel;

/** The original model's parameters, attached to the float model's tensors of the same name. */
function presetsFromOriginal(): PresetParams {
  const presets: PresetParams = { activations: new Map(), weights: new Map(), biases: new Map() };
  const osg = original.subgraphs[0];
  const byName = new Map(osg.tensors.map((t) => [asString(t.name), t]));
  const fsg = float.subgraphs[0];
  const weightSlots = new Map<number, 'weight' | 'bias'>();
  for (const op of fsg.operators) {
    const spec = OP_SPECS[BuiltinOperator[builtinOf(float, op)]];
    if (spec?.weights) weightSlots.set(op.inputs[spec.weights.slot], 'weight');
    if (spec?.bias !== undefined && op.inputs[spec.bias] >= 0) weightSlots.set(op.inputs[spec.bias], 'bias');
  }
  fsg.tensors.forEach((t, i) => {
    const o = byName.get(asString(t.name));
    const q = o?.quantization;
    if (!o || !q || q.scale.length === 0) return;
    const kind = weightSlots.get(i);
    if (kind === 'weight') presets.weights.set(i, [...q.scale]);
    else if (kind === 'bias') presets.biases.set(i, [...q.scale]);
    else if (
      o.type === TensorType.INT8 &&
      fsg.operators.some((op) => op.outputs.includes(i) || op.inputs.includes(i))
    )
      presets.activations.set(i, { scale: q.scale[0], zeroPoint: Number(q.zeroPoint[0]) });
  });
  return presets;
}

beforeAll(() => {
  original = loadShared('person_detect.tflite');
  float = floatVersion('person_detect.tflite');
});

describe('full-integer quantization with preset parameters (issue 13, item 5)', () => {
  it("person_detect re-quantized with its own parameters and no samples is TFLite's model again", async () => {
    const presets = presetsFromOriginal();
    expect(presets.weights.size).toBeGreaterThan(10);
    expect(presets.activations.size).toBeGreaterThan(20);
    const r = await quantizeFullInteger(float, [], { presets, io: 'int8' });
    expect(r.presetChanges).toEqual([]);
    expect(lintQuantization(r.model).filter((f) => f.severity === 'error')).toEqual([]);
    const byName = new Map(r.model.subgraphs[0].tensors.map((t) => [asString(t.name), t]));
    let compared = 0;
    for (const o of original.subgraphs[0].tensors) {
      if (!o.quantization || o.quantization.scale.length === 0) continue;
      const t = byName.get(asString(o.name));
      expect(t, asString(o.name)).toBeDefined();
      expect(t!.type).toBe(o.type);
      expect(t!.quantization!.scale).toEqual(o.quantization.scale);
      expect(t!.quantization!.zeroPoint).toEqual(o.quantization.zeroPoint);
      if (o.type === TensorType.INT8 && o.buffer > 0 && original.buffers[o.buffer].data.length > 0)
        expect(bufferAs(r.model.buffers[t!.buffer].data, Int8Array)).toEqual(
          bufferAs(original.buffers[o.buffer].data, Int8Array),
        );
      compared++;
    }
    expect(compared).toBeGreaterThan(60);
  });

  it('a preset the spec forbids is replaced and listed: weights beyond ±127, shared parameters that differ', async () => {
    const presets = presetsFromOriginal();
    const [weight, scales] = [...presets.weights][0];
    presets.weights.set(
      weight,
      scales.map((s) => s / 2),
    );
    const fsg = float.subgraphs[0];
    const pool = fsg.operators.find((op) => builtinOf(float, op) === BuiltinOperator.AVERAGE_POOL_2D)!;
    const before = presets.activations.get(pool.outputs[0])!;
    presets.activations.set(pool.outputs[0], { scale: before.scale * 2, zeroPoint: before.zeroPoint });
    const r = await quantizeFullInteger(float, [], { presets, io: 'int8' });
    const changed = r.presetChanges.map((c) => `${c.kind} ${c.tensor}: ${c.reason}`);
    expect(changed).toEqual([
      expect.stringMatching(/^activation .*: TFLite needs one set of parameters across this op/),
      `weight ${asString(fsg.tensors[weight].name)}: values beyond ±127 at the preset scale`,
    ]);
    const weightChange = r.presetChanges.find((c) => c.kind === 'weight')!;
    expect(weightChange.to.scale).toEqual(scales);
    expect(lintQuantization(r.model).filter((f) => f.severity === 'error')).toEqual([]);
  });
});
