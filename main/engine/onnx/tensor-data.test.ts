import { fromBinary, toBinary, create } from '@bufbuild/protobuf';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ONNX_NODE_TESTS, onnxPythonMissing, runOnnxPython } from '../../../test/support/onnx-python';
import { ModelFormatError } from '../errors';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { TensorProtoSchema, type TensorProto } from './proto/onnx_pb';

type TensorInit = MessageInitShape<typeof TensorProtoSchema>;
import { makeTensorProto, OnnxDataType, tensorValues, type OnnxValues } from './tensor-data';

/**
 * Python: each file's values as numpy decodes them: floats as float64 ("nan", "inf", "-inf" as
 * strings, JSON has no such numbers), integers exact as strings.
 */
const PY_TO_ARRAY = `
import json, math, sys, numpy as np
from onnx import TensorProto, numpy_helper
fl = lambda x: x if math.isfinite(x) else str(x)
out = []
for f in json.load(sys.stdin):
    t = TensorProto(); t.ParseFromString(open(f, 'rb').read())
    a = numpy_helper.to_array(t)
    if a.dtype.kind in 'iub': out.append([str(int(v)) for v in a.ravel()])
    else: out.append([fl(float(v)) for v in a.astype(np.float64).ravel()])
print(json.dumps(out))
`;

/** Python's spelling of a value: integers and non-finite floats as strings, other floats as numbers. */
const asPython = (x: number | bigint, integer: boolean): number | string => {
  if (typeof x === 'bigint' || integer) return String(x);
  if (Number.isFinite(x)) return x;
  return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
};
const expectSame = (got: OnnxValues, want: (number | string)[]) => {
  const integer = !(got instanceof Float32Array || got instanceof Float64Array);
  expect(Array.from(got as ArrayLike<number | bigint>, (x) => asPython(x, integer))).toEqual(want);
};

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lowbit-onnx-tensor-'));
const writeTensors = (tensors: TensorProto[]) =>
  tensors.map((t, k) => {
    const f = path.join(tmp, `${k}.pb`);
    fs.writeFileSync(f, toBinary(TensorProtoSchema, t));
    return f;
  });

const missing = onnxPythonMissing();

describe.skipIf(missing !== null)('tensorValues matches numpy_helper.to_array (python3-onnx)', () => {
  it("decodes every TensorProto input and output of ONNX's node tests like numpy does", () => {
    const files: string[] = [];
    for (const d of fs.readdirSync(ONNX_NODE_TESTS).sort()) {
      const set = path.join(ONNX_NODE_TESTS, d, 'test_data_set_0');
      if (!fs.existsSync(set)) continue;
      for (const f of fs.readdirSync(set).sort()) files.push(path.join(set, f));
    }
    const decoded: [string, OnnxValues][] = [];
    const dtypes = new Set<number>();
    for (const f of files) {
      // Sequence and optional protos are not TensorProtos: only those that parse and decode.
      let t: TensorProto;
      try {
        t = fromBinary(TensorProtoSchema, fs.readFileSync(f));
        decoded.push([f, tensorValues(t)]);
        dtypes.add(t.dataType);
      } catch {
        continue;
      }
    }
    expect(decoded.length).toBeGreaterThan(2700);
    // float, uint8, int8, uint16, int16, int32, int64, bool, float16, double, uint32, uint64.
    expect([...dtypes].sort((a, b) => a - b)).toEqual(
      expect.arrayContaining([1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13]),
    );
    const want = runOnnxPython<(number | string)[][]>(
      PY_TO_ARRAY,
      decoded.map(([f]) => f),
    );
    decoded.forEach(([, got], k) => expectSame(got, want[k]!));
  });

  it('reads the typed fields (int32_data, int64_data, uint64_data, double_data, float_data) like numpy', () => {
    const t = (dataType: OnnxDataType, fields: TensorInit) =>
      create(TensorProtoSchema, { dataType, dims: [3n], ...fields });
    const tensors = [
      t(OnnxDataType.FLOAT, { floatData: [1.5, -2, 3.25] }),
      t(OnnxDataType.DOUBLE, { doubleData: [1e-300, -2, Math.PI] }),
      t(OnnxDataType.INT8, { int32Data: [-128, 0, 127] }),
      t(OnnxDataType.UINT8, { int32Data: [0, 200, 255] }),
      t(OnnxDataType.INT16, { int32Data: [-32768, 5, 32767] }),
      t(OnnxDataType.UINT16, { int32Data: [0, 40000, 65535] }),
      t(OnnxDataType.INT32, { int32Data: [-(2 ** 31), 7, 2 ** 31 - 1] }),
      t(OnnxDataType.BOOL, { int32Data: [1, 0, 1] }),
      t(OnnxDataType.FLOAT16, { int32Data: [0x3c00, 0xc000, 0x7bff] }),
      t(OnnxDataType.BFLOAT16, { int32Data: [0x3f80, 0xc040, 0x7f7f] }),
      t(OnnxDataType.INT64, { int64Data: [-(2n ** 63n), 0n, 2n ** 63n - 1n] }),
      t(OnnxDataType.UINT32, { uint64Data: [0n, 123n, 2n ** 32n - 1n] }),
      t(OnnxDataType.UINT64, { uint64Data: [0n, 2n ** 53n + 1n, 2n ** 64n - 1n] }),
    ];
    const want = runOnnxPython<(number | string)[][]>(PY_TO_ARRAY, writeTensors(tensors));
    tensors.forEach((tensor, k) => expectSame(tensorValues(tensor), want[k]!));
  });

  it('writes raw_data that numpy reads back: float16 and bfloat16 rounded to nearest even like numpy/onnx', () => {
    // Values on and next to the rounding edges of both formats, the largest half and past it
    // (to Infinity), a half subnormal.
    const floats = Float32Array.from([
      0,
      -0,
      1,
      1 + 2 ** -11,
      1 + 3 * 2 ** -11,
      1 + 2 ** -8,
      1 + 3 * 2 ** -8,
      65504,
      65519,
      1e-7,
      -3.3,
      1e30,
    ]);
    const tensors = [
      makeTensorProto('f', OnnxDataType.FLOAT, [floats.length], floats),
      makeTensorProto('h', OnnxDataType.FLOAT16, [floats.length], floats),
      makeTensorProto('b', OnnxDataType.BFLOAT16, [floats.length], floats),
      makeTensorProto('i8', OnnxDataType.INT8, [3], Int8Array.of(-128, 1, 127)),
      makeTensorProto('u16', OnnxDataType.UINT16, [2], Uint16Array.of(1, 65535)),
      makeTensorProto('i64', OnnxDataType.INT64, [2], BigInt64Array.of(-5n, 2n ** 62n)),
      makeTensorProto('u64', OnnxDataType.UINT64, [1], BigUint64Array.of(2n ** 64n - 1n)),
      makeTensorProto('bool', OnnxDataType.BOOL, [3], Uint8Array.of(1, 0, 1)),
      makeTensorProto('d', OnnxDataType.DOUBLE, [2], Float64Array.of(0.1, -1e300)),
    ];
    const files = writeTensors(tensors);
    const [f, h, b, ...rest] = runOnnxPython<(number | string)[][]>(PY_TO_ARRAY, files);
    expectSame(floats, f!);
    // numpy's own float16 cast and onnx's float32_to_bfloat16 of the float32 tensor (read from
    // its file: JSON would lose the sign of -0).
    const numpy = runOnnxPython<{ half: (number | string)[]; bf16: (number | string)[] }>(
      `
import json, math, sys, numpy as np
from onnx import TensorProto, helper, numpy_helper
fl = lambda x: x if math.isfinite(x) else str(x)
t = TensorProto(); t.ParseFromString(open(json.load(sys.stdin), 'rb').read())
v = numpy_helper.to_array(t)
bf = [helper.float32_to_bfloat16(float(x)) for x in v]
print(json.dumps({'half': [fl(float(x)) for x in v.astype(np.float16)],
                  'bf16': [fl(float(np.array([b << 16], dtype=np.uint32).view(np.float32)[0])) for b in bf]}))`,
      files[0],
    );
    expect(h).toEqual(numpy.half);
    expect(b).toEqual(numpy.bf16);
    expect(h).toContain('inf');
    // And tensorValues reads back what it wrote.
    tensors.forEach((t, k) => expectSame(tensorValues(t), k < 3 ? [f, h, b][k]! : rest[k - 3]!));
  });
});

describe('sub-byte types (INT4/UINT4/INT2/UINT2): packed low bits first, per onnx.proto', () => {
  it('unpacks raw_data and int32_data, sign-extending the signed types', () => {
    // Bytes 0x8f, 0x07: elements 0xf, 0x8, 0x7 (odd count: the last high nibble is padding).
    const raw = (dataType: OnnxDataType, dims: bigint[], rawData: number[]) =>
      create(TensorProtoSchema, { dataType, dims, rawData: Uint8Array.from(rawData) });
    const small = (t: TensorProto) => Array.from(tensorValues(t) as Int8Array | Uint8Array);
    expect(small(raw(OnnxDataType.INT4, [3n], [0x8f, 0x07]))).toEqual([-1, -8, 7]);
    expect(small(raw(OnnxDataType.UINT4, [3n], [0x8f, 0x07]))).toEqual([15, 8, 7]);
    // 0b11_10_01_00: elements 0, 1, 2, 3 (low pair first).
    expect(small(raw(OnnxDataType.UINT2, [4n], [0b11100100]))).toEqual([0, 1, 2, 3]);
    expect(small(raw(OnnxDataType.INT2, [4n], [0b11100100]))).toEqual([0, 1, -2, -1]);
    const typed = create(TensorProtoSchema, {
      dataType: OnnxDataType.INT4,
      dims: [2n, 2n],
      int32Data: [0x21, 0xfe],
    });
    expect(small(typed)).toEqual([1, 2, -2, -1]);
  });

  it('packs what it unpacks', () => {
    const values = Int8Array.of(-8, -1, 0, 7, 3);
    const t = makeTensorProto('q', OnnxDataType.INT4, [5], values);
    expect(Array.from(t.rawData)).toEqual([0xf8, 0x70, 0x03]);
    expect(tensorValues(t)).toEqual(values);
  });
});

describe('bounds', () => {
  const bad = (fields: TensorInit) =>
    create(TensorProtoSchema, { name: 'w', dataType: OnnxDataType.FLOAT, dims: [2n, 3n], ...fields });

  it.each([
    [
      'raw_data shorter than the dims',
      bad({ rawData: new Uint8Array(20) }),
      /"w": 20 bytes of data for float32 dims \[2, 3\] \(expected 24\)/,
    ],
    [
      'a typed field of the wrong length',
      bad({ floatData: [1, 2] }),
      /"w": 2 values in floatData .* \(expected 6\)/,
    ],
    ['a negative dim', bad({ dims: [-1n, 3n] }), /"w": dimension 0 is -1/],
    ['dims past 2^32 elements', bad({ dims: [65536n, 65537n] }), /"w": 65536×65537 elements is more than/],
    [
      'a type Lowbit does not decode',
      bad({ dataType: OnnxDataType.STRING }),
      /"w": data type string is not supported/,
    ],
  ])('%s is refused', (_what, t, message) => {
    expect(() => tensorValues(t)).toThrow(message);
  });

  it('refuses values that do not fit the dims or the type when writing', () => {
    expect(() => makeTensorProto('x', OnnxDataType.FLOAT, [3], new Float32Array(2))).toThrow(
      ModelFormatError,
    );
    expect(() => makeTensorProto('x', OnnxDataType.INT8, [2], new Uint8Array(2))).toThrow(
      /need a Int8Array of 2 values/,
    );
  });

  it('charges the decoded size to the budget before allocating', async () => {
    const { ModelMemoryBudget } = await import('../model/memory-budget');
    const budget = new ModelMemoryBudget(0);
    const t = bad({ dims: [1n << 20n, 20n], rawData: new Uint8Array(0) });
    expect(() => tensorValues(t, { budget })).toThrow(
      /decoding tensor "w" would take the model past its memory limit/,
    );
  });
});
