// Issue 4: the spec linter passes on the shared int8 models and on what the quantizer produces,
// and catches deliberately broken models, one rule each.
import { beforeAll, describe, expect, it } from 'vitest';
import { quantizeFullInteger } from '../../main/engine/optimize/full-integer';
import { lintQuantization } from '../../main/engine/optimize/spec-lint';
import { TensorType, type TflModel } from '../../main/engine/tflite/model';
import { opName } from '../../main/engine/tflite/names';
import { readTflite } from '../../main/engine/tflite/reader';
import { writeTflite } from '../../main/engine/tflite/writer';
import { floatVersion, loadShared, personFloat, personInt8 } from '../support/quantize-helpers';

let int8: Uint8Array;
let int16: Uint8Array;

beforeAll(async () => {
  const f = floatVersion('person_detect.tflite');
  const samples = (['person', 'no_person'] as const).map((n) => [personFloat(personInt8(n))]);
  int8 = writeTflite((await quantizeFullInteger(f, samples, { io: 'int8' })).model);
  int16 = writeTflite((await quantizeFullInteger(f, samples, { activations: 'int16' })).model);
});

/** A fresh copy of a model and the index of its first op named `name`. */
function opOf(
  bytes: Uint8Array,
  name: string,
): { m: TflModel; op: ReturnType<TflModel['subgraphs'][0]['operators']['at']> & object } {
  const m = readTflite(bytes);
  const op = m.subgraphs[0].operators.find((o) => opName(m.operatorCodes[o.opcodeIndex]) === name)!;
  return { m, op };
}

const rules = (m: TflModel) => lintQuantization(m).map((f) => f.rule);

describe('spec linter', () => {
  it('finds nothing in the shared quantized models or in our int8 / 16x8 output', () => {
    for (const name of [
      'person_detect.tflite',
      'hello_world_int8.tflite',
      'mobilenet_v2_quantized_1x3x224x224.tflite',
      'trained_lstm_int8.tflite',
    ]) {
      expect(lintQuantization(loadShared(name))).toEqual([]);
    }
    expect(lintQuantization(readTflite(int8))).toEqual([]);
    expect(lintQuantization(readTflite(int16))).toEqual([]);
  });

  it('wrong bias scale', () => {
    const { m, op } = opOf(int8, 'CONV_2D');
    const b = m.subgraphs[0].tensors[op.inputs[2]];
    b.quantization!.scale[3] *= 1.001;
    const f = lintQuantization(m);
    expect(f.map((x) => x.rule)).toEqual(['bias-scale']);
    expect(f[0].message).toMatch(/bias scale\[3\]/);
    expect(f[0].opName).toBe('CONV_2D');
  });

  it('a bias scale off by one float32 ulp still passes (float32 rounding)', () => {
    const { m, op } = opOf(int8, 'CONV_2D');
    const b = m.subgraphs[0].tensors[op.inputs[2]];
    b.quantization!.scale[0] = b.quantization!.scale[0] * (1 + 2 ** -23);
    expect(rules(m)).toEqual([]);
  });

  it('non-zero weight zero point, -128 weight, wrong axis', () => {
    const a = opOf(int8, 'DEPTHWISE_CONV_2D');
    a.m.subgraphs[0].tensors[a.op.inputs[1]].quantization!.zeroPoint[0] = 3n;
    expect(rules(a.m)).toEqual(['weight-zero-point']);
    const b = opOf(int8, 'CONV_2D');
    const w = b.m.subgraphs[0].tensors[b.op.inputs[1]];
    const data = new Uint8Array(b.m.buffers[w.buffer].data);
    data[5] = 0x80; // -128
    b.m.buffers[w.buffer] = { data };
    expect(rules(b.m)).toEqual(['weight-range']);
    const c = opOf(int8, 'CONV_2D');
    c.m.subgraphs[0].tensors[c.op.inputs[1]].quantization!.quantizedDimension = 3;
    expect(rules(c.m)).toEqual(['weight-axis']);
  });

  it('unshared pooling / reshape parameters and unfixed softmax output', () => {
    const a = opOf(int8, 'AVERAGE_POOL_2D');
    a.m.subgraphs[0].tensors[a.op.outputs[0]].quantization!.zeroPoint[0] += 1n;
    // The pool output is also the next CONV_2D's input: its bias scale no longer matches... only
    // the zero point moved, so the bias rule (scales) stays quiet.
    expect(rules(a.m)).toEqual(['shared-params']);
    const b = opOf(int8, 'SOFTMAX');
    b.m.subgraphs[0].tensors[b.op.outputs[0]].quantization!.scale[0] = 1 / 255;
    expect(rules(b.m)).toEqual(['fixed-params']);
  });

  it('int16 activation with a zero point, int32 bias type in an int8 model given int64', () => {
    const a = readTflite(int16);
    const t = a.subgraphs[0].tensors.find((x) => x.type === TensorType.INT16 && x.buffer === 0)!;
    t.quantization!.zeroPoint[0] = 5n;
    expect(rules(a)).toContain('int16-symmetric');
    const b = opOf(int8, 'CONV_2D');
    b.m.subgraphs[0].tensors[b.op.inputs[2]].type = TensorType.INT64;
    expect(rules(b.m)).toEqual(['bias-type']);
  });
});
