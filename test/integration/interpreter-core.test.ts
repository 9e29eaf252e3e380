// Issue 3: the interpreter runs whole models, plans its arena, observes, and fails clearly.
import { describe, expect, it } from 'vitest';
import { ModelFormatError, ShapeMismatchError, UnsupportedOpError } from '../../main/engine/errors';
import { checkSupport, Interpreter, recordingObserver } from '../../main/engine/interpreter/index';
import { BuiltinOperator } from '../../main/engine/tflite/model';
import { readTflite } from '../../main/engine/tflite/reader';
import { readBytes, sharedPath } from '../support/shared';

const model = (name: string) => readTflite(readBytes(sharedPath('models', 'tflite-micro', name)));

describe('Interpreter on hello_world (issue 3)', () => {
  it('float model approximates sin(x) and plans a shared arena', () => {
    const it1 = Interpreter.create(model('hello_world_float.tflite'));
    expect(it1.inputs[0]).toMatchObject({ dtype: 'float32', shape: [1, 1] });
    const xs = [0.5, 1, 2, 3, 4, 5, 6];
    for (const x of xs) {
      it1.setInput(0, new Float32Array([x]));
      it1.invoke();
      const y = it1.output(0).data[0] as number;
      expect(Math.abs(y - Math.sin(x))).toBeLessThan(0.1);
    }
    // Three FC layers: two [1,16] float activations (64 B) alternate with the [1,1] tensors.
    expect(it1.arenaBytes).toBe(128);
    const byTensor = new Map(it1.plan.map((p) => [p.tensor, p]));
    for (const a of it1.plan)
      for (const b of it1.plan) {
        if (a === b || a.first > b.last || b.first > a.last) continue;
        expect(
          a.offset + Math.ceil(a.size / 16) * 16 <= b.offset ||
            b.offset + Math.ceil(b.size / 16) * 16 <= a.offset,
        ).toBe(true);
      }
    expect(byTensor.size).toBe(4);
  });

  it('int8 model dequantizes to sin(x) within 0.1', () => {
    const it8 = Interpreter.create(model('hello_world_int8.tflite'));
    const qi = it8.inputs[0].quant!;
    const qo = it8.outputs[0].quant!;
    for (const x of [0.5, 1, 2, 4, 5]) {
      it8.setInput(0, [Math.round(x / qi.scale[0]) + qi.zeroPoint[0]]);
      it8.invoke();
      const y = ((it8.output(0).data[0] as number) - qo.zeroPoint[0]) * qo.scale[0];
      expect(Math.abs(y - Math.sin(x))).toBeLessThan(0.1);
    }
  });

  it('observer sees every op output and does not change results', () => {
    const m = Interpreter.create(model('hello_world_float.tflite'));
    m.setInput(0, [1.5]);
    m.invoke();
    const plain = m.output(0).data[0];
    const { observer, records } = recordingObserver();
    m.invoke({ observer });
    expect(records.map((r) => r.opIndex)).toEqual([0, 1, 2]);
    expect(records[0].shape).toEqual([1, 16]);
    expect(records[2].data[0]).toBe(plain);
    expect(m.output(0).data[0]).toBe(plain);
  });

  it('wrong input length or dtype gives ShapeMismatchError', () => {
    const m = Interpreter.create(model('hello_world_float.tflite'));
    expect(() => m.setInput(0, [1, 2])).toThrow(ShapeMismatchError);
    expect(() => m.setInput(0, new Int8Array(1))).toThrow(/float32/);
  });

  it('an op without a kernel fails at create with UnsupportedOpError naming op, version, dtype, index', () => {
    const m = model('hello_world_float.tflite');
    m.operatorCodes[0].builtinCode = BuiltinOperator.LSH_PROJECTION;
    m.operatorCodes[0].version = 2;
    let err: unknown;
    try {
      Interpreter.create(m);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UnsupportedOpError);
    expect((err as Error).message).toMatch(/LSH_PROJECTION v2 \(operator 0\).*float32/);
    // checkSupport lists every failing operator, not just the first.
    const issues = checkSupport(m);
    expect(issues.map((i) => [i.opIndex, i.opName, i.code])).toEqual([
      [0, 'LSH_PROJECTION', 'UNSUPPORTED_OP'],
      [1, 'LSH_PROJECTION', 'UNSUPPORTED_OP'],
      [2, 'LSH_PROJECTION', 'UNSUPPORTED_OP'],
    ]);
    expect(checkSupport(model('hello_world_int8.tflite'))).toEqual([]);
  });

  it('a constant buffer too short for its shape is a ModelFormatError', () => {
    const m = model('hello_world_float.tflite');
    const w = m.subgraphs[0].tensors.find((t) => t.shape.join() === '16,16')!;
    m.buffers[w.buffer].data = m.buffers[w.buffer].data.subarray(0, 100);
    expect(() => Interpreter.create(m)).toThrow(ModelFormatError);
  });

  it('a truncated model file is a ModelFormatError', () => {
    const bytes = readBytes(sharedPath('models', 'tflite-micro', 'hello_world_int8.tflite'));
    expect(() => readTflite(bytes.subarray(0, 600))).toThrow(ModelFormatError);
  });
});
