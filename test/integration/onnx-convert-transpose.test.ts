// Issue 13, item 4: Transpose is absorbed into the layout (no operator), so one TFLite tensor can
// hold an ONNX value and its transpose; moving either to another order must not hand back the
// other's copy (the layout cache was keyed by the wanted order alone).
import { describe, expect, it } from 'vitest';
import { convertOnnxToTflite } from '../../main/engine/convert';
import { Interpreter } from '../../main/engine/interpreter';
import { parseOnnx } from '../../main/engine/onnx/reader';
import { onnxModel } from '../support/onnx-build';

describe('Transpose absorbed into the layout (issue 13)', () => {
  it('a convolution of x and of its H/W transpose give transposed outputs', () => {
    const bytes = onnxModel({
      inputs: { x: [1, 2, 3, 4] },
      outputs: ['a', 'b'],
      nodes: [
        { op: 'Conv', inputs: ['x', 'w'], outputs: ['a'], attrs: { kernel_shape: { ints: [1, 1] } } },
        { op: 'Transpose', inputs: ['x'], outputs: ['t'], attrs: { perm: { ints: [0, 1, 3, 2] } } },
        { op: 'Conv', inputs: ['t', 'w'], outputs: ['b'], attrs: { kernel_shape: { ints: [1, 1] } } },
      ],
      initializers: { w: { dims: [2, 2, 1, 1], data: Float32Array.of(1, 2, 3, 4) } },
    });
    const { model, report } = convertOnnxToTflite(parseOnnx(bytes, 'transpose.onnx'));
    expect(report.nodes[1].tflite).toEqual([]);
    const it = Interpreter.create(model);
    it.setInput(
      0,
      Float32Array.from({ length: 24 }, (_, i) => i),
    );
    it.invoke();
    const a = it.output(0);
    const b = it.output(1);
    expect(a.shape).toEqual([1, 2, 3, 4]);
    expect(b.shape).toEqual([1, 2, 4, 3]);
    const at = (d: ArrayLike<number>, c: number, y: number, x: number, w: number, h: number) =>
      d[(c * h + y) * w + x];
    for (let c = 0; c < 2; c++)
      for (let y = 0; y < 3; y++)
        for (let x = 0; x < 4; x++)
          expect(at(b.data as Float32Array, c, x, y, 3, 4)).toBe(at(a.data as Float32Array, c, y, x, 4, 3));
  });
});
