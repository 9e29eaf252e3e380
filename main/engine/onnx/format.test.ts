import { describe, expect, it } from 'vitest';
import { chainParts } from '../../../test/support/crafted-onnx';
import { onnxBytes } from '../../../test/support/onnx-models';
import { formatFor, readModel } from '../model/registry';
import { onnxFormat } from './format';
import { readOnnx } from './reader';

describe('ONNX through the model-format seam', () => {
  it('is recognised by content under any name, and by its extension when damaged', () => {
    const bytes = onnxBytes(chainParts());
    expect(formatFor(bytes, 'model.bin').id).toBe('onnx');
    expect(formatFor(bytes, 'model.onnx').id).toBe('onnx');
    expect(formatFor(new Uint8Array([1, 2, 3]), 'broken.onnx').id).toBe('onnx');
    expect(onnxFormat.sniff(new Uint8Array([1, 2, 3]), 'broken.bin')).toBe(false);
    expect(onnxFormat.sniff(new TextEncoder().encode('hello, world'), 'notes.txt')).toBe(false);
    expect(readModel(bytes, 'model.bin').format.id).toBe('onnx');
  });

  it('skips unknown fields of any wire type (a newer exporter may add some)', () => {
    const bytes = onnxBytes(chainParts());
    // Field 99, length-delimited, 3 bytes; field 98, varint; at the front and at the end.
    const unknown = [0x9a, 0x06, 3, 1, 2, 3, 0x90, 0x06, 0x80, 0x01];
    const withUnknown = new Uint8Array([...unknown, ...bytes, ...unknown]);
    expect(readOnnx(withUnknown, 'newer.onnx').nodes.map((n) => n.opType)).toEqual(['Relu', 'Neg']);
    expect(onnxFormat.sniff(new Uint8Array([...bytes, ...unknown]), 'newer.bin')).toBe(false);
  });

  it('writes what it reads', () => {
    const bytes = onnxBytes(chainParts());
    expect(onnxFormat.write!(onnxFormat.read(bytes, 'm.onnx'))).toEqual(bytes);
  });
});
