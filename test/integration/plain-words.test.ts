/**
 * Issue 17 item 7: the app says the engine's messages in an embedded developer's words. The
 * messages here come from the real reader and debugger text, so a change there that the app's
 * wording misses fails this test.
 */
import { describe, expect, it } from 'vitest';
import { readTflite } from '../../main/engine/tflite/reader';
import { adviceFor, plainModelFormat } from '../../renderer/src/lib/errors';
import { keepFloatLabel, plainText } from '../../renderer/src/lib/format';
import { readBytes, sharedPath } from '../support/shared';

function readerMessage(bytes: Uint8Array): string {
  try {
    readTflite(bytes);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected the reader to refuse these bytes');
}

describe('plain words for model reader errors', () => {
  it('a text file: no "file identifier is", the missing TFL3 marker instead', () => {
    const raw = readerMessage(new TextEncoder().encode('hello, this is not a model at all'));
    expect(raw).toContain('file identifier is "o, t"');
    const a = adviceFor({ code: 'MODEL_FORMAT', message: raw });
    expect(a.detail).toBe(
      'This file is not a valid .tflite model: it does not carry the "TFL3" marker every .tflite file has near its start, so it is another kind of file or not a model at all.',
    );
    expect(a.detail).not.toContain('identifier');
  });

  it('a truncated person_detect: says the file is truncated', () => {
    const full = readBytes(sharedPath('models', 'tflite-micro', 'person_detect.tflite'));
    const raw = readerMessage(full.subarray(0, 4096));
    expect(plainModelFormat(raw)).toBe(
      'it is truncated: the file ends before the model does (an incomplete copy or download?).',
    );
  });
});

describe('plain words for keep-float rules', () => {
  it('shows the tensor name, not the rule', () => {
    expect(keepFloatLabel('tensor:^conv2d_0$')).toBe('conv2d_0');
    expect(keepFloatLabel('tensor:^model/conv\\.1/Relu$')).toBe('model/conv.1/Relu');
    expect(keepFloatLabel('op:SOFTMAX')).toBe('every SOFTMAX op');
  });

  it('rewrites the debugger remedy and the quantizer warning', () => {
    expect(plainText('keep this layer float (keep-float rule tensor:^conv2d_0$)')).toBe(
      'keep this layer in float (Keep float & re-run)',
    );
    expect(plainText('conv2d_0 #3 stays float: kept float (keep-float rule)')).toBe(
      'conv2d_0 #3 stays float: you chose to keep it in float',
    );
  });
});

describe('plain words for a file that is no model at all', () => {
  it("names the formats Lowbit opens instead of the sniffers' details", async () => {
    const { openModel } = await import('../../main/engine/model/registry');
    let raw = '';
    try {
      openModel(new TextEncoder().encode('hello, this is not a model at all'), 'notes.txt');
    } catch (e) {
      raw = (e as Error).message;
    }
    expect(raw).toContain('not a model format Lowbit reads');
    const a = adviceFor({ code: 'MODEL_FORMAT', message: raw });
    expect(a.title).toBe('Not a model Lowbit opens');
    expect(a.detail).toBe('notes.txt is neither a TensorFlow Lite (.tflite) nor an ONNX (.onnx) model.');
  });
});
