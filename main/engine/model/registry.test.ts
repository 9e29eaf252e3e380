import { describe, expect, it } from 'vitest';
import { isDeepStrictEqual } from 'node:util';
import { ModelFormatError } from '../errors';
import { readTflite } from '../tflite/reader';
import { mulberry32 } from '../../../test/support/random';
import { readBytes, sharedPath } from '../../../test/support/shared';
import { formatFor, hasModelExtension, MODEL_FORMATS, openModel, readModel } from './registry';

const HELLO = sharedPath('models', 'tflite-micro', 'hello_world_int8.tflite');

describe('model format registry (issue 12)', () => {
  it('sniff never throws on empty, short or random bytes, whatever the name', () => {
    const inputs: Uint8Array[] = [new Uint8Array(0), new Uint8Array(3), new Uint8Array(7)];
    const random = mulberry32(12);
    for (let n = 0; n < 64; n++) inputs.push(Uint8Array.from({ length: n * 5 }, () => random() * 256));
    const names = ['', 'model.tflite', 'MODEL.TFLITE', 'notes.txt', '.', 'a/b/c.onnx'];
    for (const format of MODEL_FORMATS)
      for (const bytes of inputs)
        for (const name of names) expect(typeof format.sniff(bytes, name)).toBe('boolean');
  });

  it('recognises TFLite by its identifier whatever the name, and by the extension without it', () => {
    const bytes = readBytes(HELLO);
    expect(formatFor(bytes, 'weights.bin').id).toBe('tflite');
    expect(formatFor(new Uint8Array(0), 'empty.tflite').id).toBe('tflite');
  });

  it('knows model files by their extension, in any case', () => {
    expect(hasModelExtension('/tmp/person_detect.tflite')).toBe(true);
    expect(hasModelExtension('MODEL.TFLITE')).toBe(true);
    expect(hasModelExtension('--inspect')).toBe(false);
    expect(hasModelExtension('notes.txt')).toBe(false);
  });

  it('an unknown format is a ModelFormatError naming the file and what was expected', () => {
    const junk = new TextEncoder().encode('hello, this is not a model at all');
    expect(() => formatFor(junk, 'notes.txt')).toThrow(ModelFormatError);
    expect(() => openModel(junk, 'notes.txt')).toThrow(/^notes\.txt: not a model format Lowbit reads/);
    expect(() => openModel(junk, 'notes.txt')).toThrow(/TFLite \(the file identifier "TFL3"/);
  });

  it('a damaged .tflite file keeps its TFLite error, with the file name in front', () => {
    const cut = readBytes(HELLO).subarray(0, 600);
    expect(() => openModel(cut, 'cut.tflite')).toThrow(ModelFormatError);
    expect(() => openModel(cut, 'cut.tflite')).toThrow(/^cut\.tflite: /);
    expect(() => openModel(new Uint8Array(12), 'zeros.tflite')).toThrow(
      /^zeros\.tflite: not a TFLite model: file identifier/,
    );
  });

  it('openModel on a shared model gives the same model as readTflite, lowered to itself', () => {
    const bytes = readBytes(HELLO);
    const opened = openModel(bytes, 'hello_world_int8.tflite');
    expect(opened.format.id).toBe('tflite');
    expect(isDeepStrictEqual(opened.model, readTflite(bytes))).toBe(true);
    expect(opened.tflite).toBe(opened.model);
  });

  it('the inspect report is unchanged', () => {
    const bytes = readBytes(HELLO);
    const { format, model } = readModel(bytes, 'hello_world_int8.tflite');
    const report = format.inspect(model, bytes.length);
    expect(report).toMatchObject({
      format: 'tflite',
      version: 3,
      description: 'MLIR Converted.',
      sizeBytes: 2704,
      opCounts: { FULLY_CONNECTED: 3 },
      size: {
        weightsByDtype: { int32: 132, int8: 288 },
        weightsBytes: 420,
        metadataBytes: 104,
        structureBytes: 2180,
      },
      metadata: [
        { name: 'min_runtime_version', bytes: 16 },
        { name: 'CONVERSION_METADATA', bytes: 88 },
      ],
      signatures: [{ key: 'serving_default', subgraph: 0, inputs: ['dense_input'], outputs: ['dense_2'] }],
    });
    expect(report.subgraphs).toHaveLength(1);
    expect(report.subgraphs[0]).toMatchObject({ name: 'main', inputs: [0], outputs: [9] });
    expect(report.subgraphs[0]!.operators.map((o) => o.inputs)).toEqual([
      [0, 6, 5],
      [7, 4, 3],
      [8, 2, 1],
    ]);
    expect(report.subgraphs[0]!.tensors).toHaveLength(10);
  });

  it('writes and reads back to the same model (the model.verify round trip)', () => {
    const bytes = readBytes(HELLO);
    const { format, model } = readModel(bytes, 'hello.tflite');
    const again = format.read(format.write!(model), 'hello.tflite');
    expect(isDeepStrictEqual(again, model)).toBe(true);
  });
});
