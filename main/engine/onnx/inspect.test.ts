import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { onnxPythonMissing, runOnnxPython } from '../../../test/support/onnx-python';
import { inspectOnnx } from './inspect';
import { readOnnx } from './reader';

/**
 * A QDQ + QOperator model made with onnx.helper and passed by onnx.checker: QuantizeLinear and
 * DequantizeLinear of the input (per-tensor uint8), per-axis int8 weights behind a
 * DequantizeLinear, a Conv, a QLinearConv reusing them, and a QLinearMatMul whose scales come
 * from Constant nodes. Prints where it wrote the model and the parameters it used.
 */
const MAKE_QDQ = `
import json, sys, numpy as np, onnx
from onnx import helper, numpy_helper, TensorProto as T
out = json.load(sys.stdin)
w = np.arange(4 * 3 * 3 * 3, dtype=np.int8).reshape(4, 3, 3, 3) - 50
w_scale = np.array([0.01, 0.02, 0.03, 0.04], dtype=np.float32)
inits = [
  numpy_helper.from_array(np.array(0.05, dtype=np.float32), 'x_scale'),
  numpy_helper.from_array(np.array(128, dtype=np.uint8), 'x_zp'),
  numpy_helper.from_array(w, 'wq'),
  numpy_helper.from_array(w_scale, 'w_scale'),
  numpy_helper.from_array(np.zeros(4, dtype=np.int8), 'w_zp'),
  numpy_helper.from_array(np.array(0.25, dtype=np.float32), 'y_scale'),
  numpy_helper.from_array(np.array(3, dtype=np.uint8), 'y_zp'),
  numpy_helper.from_array(np.ones((6, 2), dtype=np.uint8), 'b'),
]
nodes = [
  helper.make_node('QuantizeLinear', ['x', 'x_scale', 'x_zp'], ['xq'], name='q'),
  helper.make_node('DequantizeLinear', ['xq', 'x_scale', 'x_zp'], ['xd'], name='dq'),
  helper.make_node('DequantizeLinear', ['wq', 'w_scale', 'w_zp'], ['wd'], name='dqw', axis=0),
  helper.make_node('Conv', ['xd', 'wd'], ['y'], name='conv'),
  helper.make_node('QLinearConv', ['xq', 'x_scale', 'x_zp', 'wq', 'w_scale', 'w_zp', 'y_scale', 'y_zp'], ['yq'], name='qconv'),
  helper.make_node('Constant', [], ['m_scale'], name='c1', value_float=0.5),
  helper.make_node('Constant', [], ['m_zp'], name='c2', value=numpy_helper.from_array(np.array(7, dtype=np.uint8))),
  helper.make_node('QLinearMatMul', ['a', 'm_scale', 'm_zp', 'b', 'y_scale', 'y_zp', 'y_scale', 'y_zp'], ['mm'], name='qmm'),
]
g = helper.make_graph(nodes, 'qdq', [
    helper.make_tensor_value_info('x', T.FLOAT, ['N', 3, 8, 8]),
    helper.make_tensor_value_info('a', T.UINT8, [5, 6]),
  ], [
    helper.make_tensor_value_info('y', T.FLOAT, ['N', 4, 6, 6]),
    helper.make_tensor_value_info('yq', T.UINT8, ['N', 4, 6, 6]),
    helper.make_tensor_value_info('mm', T.UINT8, [5, 2]),
  ], inits)
m = helper.make_model(g, producer_name='lowbit-test', producer_version='2.0', opset_imports=[helper.make_opsetid('', 13)])
m.ir_version = 8
onnx.checker.check_model(m)
onnx.save(m, out)
print(json.dumps({'w_scale': [float(v) for v in w_scale], 'ops': [n.op_type for n in m.graph.node]}))
`;

describe.skipIf(onnxPythonMissing() !== null)(
  'inspectOnnx on a model made by onnx.helper (python3-onnx)',
  () => {
    it('reports producer, opsets, symbolic dims, op counts, bytes by dtype and QDQ/QOperator parameters', () => {
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lowbit-onnx-inspect-')), 'qdq.onnx');
      const made = runOnnxPython<{ w_scale: number[]; ops: string[] }>(MAKE_QDQ, file);
      const bytes = fs.readFileSync(file);
      const r = inspectOnnx(readOnnx(bytes, file), bytes.length);

      expect(r.format).toBe('onnx');
      expect(r.version).toBe(8);
      expect(r.onnx).toMatchObject({
        irVersion: 8,
        producerName: 'lowbit-test',
        producerVersion: '2.0',
        opsets: [{ domain: '', version: 13 }],
      });
      const sg = r.subgraphs[0]!;
      const x = sg.tensors[sg.inputs[0]!]!;
      expect([x.name, x.dtype, x.shape, x.symbolicShape]).toEqual([
        'x',
        'float32',
        [-1, 3, 8, 8],
        ['N', 3, 8, 8],
      ]);
      expect(sg.inputs.map((i) => sg.tensors[i]!.name)).toEqual(['x', 'a']);
      expect(sg.outputs.map((i) => sg.tensors[i]!.name)).toEqual(['y', 'yq', 'mm']);
      expect(r.opCounts).toEqual({
        QuantizeLinear: 1,
        DequantizeLinear: 2,
        Conv: 1,
        QLinearConv: 1,
        Constant: 2,
        QLinearMatMul: 1,
      });
      expect(sg.operators.map((o) => o.op)).toEqual(made.ops);
      // int8 weights 108 + int8 zero points 4; float32: x_scale 4, w_scale 16, y_scale 4; uint8: x_zp, y_zp, b (12).
      expect(r.size.weightsByDtype).toEqual({ int8: 112, float32: 24, uint8: 14 });
      expect(r.size.weightsBytes).toBe(150);

      const q = r.onnx!.quantization;
      expect(q.map((n) => [n.op, n.style])).toEqual([
        ['QuantizeLinear', 'qdq'],
        ['DequantizeLinear', 'qdq'],
        ['DequantizeLinear', 'qdq'],
        ['QLinearConv', 'qoperator'],
        ['QLinearMatMul', 'qoperator'],
      ]);
      const f32 = (v: number) => Math.fround(v);
      expect(q[0]!.operands).toEqual([
        { role: 'y', tensor: 'xq', scale: [f32(0.05)], zeroPoint: [128], axis: null, dtype: 'uint8' },
      ]);
      expect(q[2]!.operands).toEqual([
        { role: 'x', tensor: 'wq', scale: made.w_scale, zeroPoint: [0, 0, 0, 0], axis: 0, dtype: 'int8' },
      ]);
      expect(q[3]!.operands.map((o) => [o.role, o.tensor, o.scale.length, o.dtype])).toEqual([
        ['x', 'xq', 1, 'uint8'],
        ['w', 'wq', 4, 'int8'],
        ['y', 'yq', 1, 'uint8'],
      ]);
      // Scale and zero point from Constant nodes (value_float, value).
      expect(q[4]!.operands[0]).toEqual({
        role: 'a',
        tensor: 'a',
        scale: [0.5],
        zeroPoint: [7],
        axis: null,
        dtype: 'uint8',
      });
      // The quantized tensors carry their parameters in the tensor table too.
      expect(sg.tensors.find((t) => t.name === 'wq')!.quantization).toEqual({
        scale: made.w_scale,
        zeroPoint: [0, 0, 0, 0],
        axis: 0,
      });
    });
  },
);
