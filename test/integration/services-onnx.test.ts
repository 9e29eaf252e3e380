/**
 * Issue 13: the app's inspector takes ONNX models, including ones the converter cannot lower
 * (a QDQ model's DequantizeLinear): opening reads the model, `model.inspect` reports it with
 * its quantization parameters, and only what needs the TFLite model says why it cannot have it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { InspectReport, ModelHandle } from '../../main/contract/types';
import { createServices } from '../../main/services';
import { lowbitInProcess } from '../support/cli';
import { ROOT } from '../support/shared';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lowbit-services-onnx-'));
const services = createServices({ mode: 'browser', version: '0.0.0-test', allowedFolders: [tmp, ROOT] });
afterAll(() => {
  services.dispose();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const FASHION = path.join(ROOT, 'test', 'fixtures', 'onnx', 'fashion-cnn.onnx');

describe('ONNX models in the services (issue 13)', () => {
  it('opens the float PyTorch export by path: format onnx, symbolic batch dim, producer', async () => {
    const opened = await services.handle('model.open', { path: FASHION });
    expect(opened.ok, JSON.stringify(opened)).toBe(true);
    const handle = (opened as { value: ModelHandle }).value;
    expect(handle).toMatchObject({ name: 'fashion-cnn.onnx', format: 'onnx' });
    const r = (await services.handle('model.inspect', { modelId: handle.id })) as { value: InspectReport };
    const sg = r.value.subgraphs[0]!;
    expect(sg.tensors[sg.inputs[0]!]!.symbolicShape).toEqual(['batch', 1, 28, 28]);
    expect(r.value.onnx!.producerName).toBe('pytorch');
  });

  it('inspects a QDQ model the converter cannot lower; what needs TFLite says why', async () => {
    const qdq = path.join(tmp, 'fashion-dynamic.onnx');
    const q = await lowbitInProcess('quantize', FASHION, '--technique', 'dynamic', '--out', qdq);
    expect(q.code, q.stderr).toBe(0);
    const loaded = await services.handle('model.load', {
      name: 'fashion-dynamic.onnx',
      bytes: new Uint8Array(fs.readFileSync(qdq)),
    });
    expect(loaded.ok, JSON.stringify(loaded)).toBe(true);
    const handle = (loaded as { value: ModelHandle }).value;
    const r = (await services.handle('model.inspect', { modelId: handle.id })) as { value: InspectReport };
    const quant = r.value.onnx!.quantization;
    expect(quant.map((n) => n.op)).toEqual(Array(6).fill('DequantizeLinear'));
    expect(quant.every((n) => n.operands[0]!.axis === 0 && n.operands[0]!.dtype === 'int8')).toBe(true);
    const check = await services.handle('edgetpu.check', { modelId: handle.id });
    expect(check.ok).toBe(false);
    expect(!check.ok && check.error.code).toBe('UNSUPPORTED_OP');
    expect(!check.ok && check.error.message).toMatch(/^fashion-dynamic\.onnx: .*DequantizeLinear/);
  });
});
