// Issue 13, item 4: what the converter refuses by name instead of writing a model that fails at
// run time (each case came from ONNX's node tests, test/integration/onnx-node-tests.test.ts).
import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { onnxModel } from '../../../test/support/onnx-build';
import { UnsupportedOpError } from '../errors';
import { ModelProtoSchema, TensorProto_DataType } from '../onnx/proto/onnx_pb';
import { parseOnnx } from '../onnx/reader';
import { convertOnnxToTflite as convertModel } from './index';

const convertOnnxToTflite = (bytes: Uint8Array) => convertModel(parseOnnx(bytes, 'test.onnx'));

/** Edits the encoded model (what onnx-build cannot express: other dtypes, missing types). */
function edited(
  bytes: Uint8Array,
  edit: (m: ReturnType<typeof fromBinary<typeof ModelProtoSchema>>) => void,
) {
  const m = fromBinary(ModelProtoSchema, bytes);
  edit(m);
  return toBinary(ModelProtoSchema, m);
}

const relu = onnxModel({
  inputs: { x: [2, 3] },
  outputs: ['y'],
  nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }],
});

describe('converter refusals (issue 13)', () => {
  it('a uint8 or int8 graph input is refused naming its dtype (test_add_uint8 ran as uint8 ADD before)', () => {
    const bytes = edited(relu, (m) => {
      const t = m.graph!.input[0].type!.value;
      if (t.case === 'tensorType') t.value.elemType = TensorProto_DataType.UINT8;
    });
    expect(() => convertOnnxToTflite(bytes)).toThrow(UnsupportedOpError);
    expect(() => convertOnnxToTflite(bytes)).toThrow(
      /input "x" is uint8 \(the converter makes float32 models/,
    );
  });

  it('an input that is not a tensor (optional, sequence) is unsupported, not a missing shape', () => {
    const bytes = edited(relu, (m) => {
      m.graph!.input[0].type = undefined;
    });
    expect(() => convertOnnxToTflite(bytes)).toThrow(UnsupportedOpError);
  });

  it('training-mode Dropout is refused (random), unless its ratio is a constant 0', () => {
    const dropout = (ratio: number) =>
      onnxModel({
        inputs: { x: [2, 3] },
        outputs: ['y'],
        nodes: [{ op: 'Dropout', inputs: ['x', 'r', 't'], outputs: ['y'] }],
        initializers: {
          r: { dims: [], data: Float32Array.of(ratio) },
          t: { dims: [], data: BigInt64Array.of(1n) },
        },
      });
    expect(() => convertOnnxToTflite(dropout(0.5))).toThrow(
      /training_mode with a ratio that is not a constant 0/,
    );
    expect(() => convertOnnxToTflite(dropout(0))).not.toThrow();
  });

  it('an op without a converter is named even when an initializer has an unsupported type', () => {
    const bytes = edited(
      onnxModel({
        inputs: { x: [3] },
        outputs: ['y'],
        nodes: [{ op: 'BitShift', inputs: ['x', 'k'], outputs: ['y'], attrs: { direction: { s: 'LEFT' } } }],
        initializers: { k: { dims: [3], data: Float32Array.of(1, 2, 3) } },
      }),
      (m) => {
        m.graph!.initializer[0].dataType = TensorProto_DataType.UINT32;
      },
    );
    expect(() => convertOnnxToTflite(bytes)).toThrow(
      /unsupported \(BitShift\): node 0 "bitshift_0" \(BitShift\)/,
    );
  });

  it('a Cast to float16 or bfloat16 is refused: float32 would drop its rounding (test_cast_FLOAT_to_FLOAT16 passed through unrounded)', () => {
    const cast = (to: number) =>
      onnxModel({
        inputs: { x: [3] },
        outputs: ['y'],
        nodes: [{ op: 'Cast', inputs: ['x'], outputs: ['y'], attrs: { to: { i: to } } }],
      });
    expect(() => convertOnnxToTflite(cast(TensorProto_DataType.FLOAT16))).toThrow(/Cast to float16/);
    expect(() => convertOnnxToTflite(cast(TensorProto_DataType.BFLOAT16))).toThrow(/Cast to bfloat16/);
    expect(() => convertOnnxToTflite(cast(TensorProto_DataType.FLOAT))).not.toThrow();
  });
});
