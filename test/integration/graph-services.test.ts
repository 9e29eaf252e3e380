/**
 * Issue 17 item 9, the graph view's calls through the services as the renderer makes them:
 * graph.layout (cached, every op), graph.tensor (a weight's histogram matches the weights
 * dequantized here from the flatbuffer; an activation has none, and says why) and graph.export
 * (only real SVG/PNG, only new files under an allowed folder, never an open model's file, never
 * replaced, extension matching the kind).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphLayout, ModelHandle, Outcome, TensorValues } from '../../main/contract/types';
import { createServices, type Services } from '../../main/services';
import { readTflite } from '../../main/engine/tflite/reader';
import { builtinCodeOf } from '../../main/engine/tflite/names';
import { BuiltinOperator } from '../../main/engine/tflite/model';
import { readBytes, sharedPath } from '../support/shared';

const PERSON = sharedPath('models', 'tflite-micro', 'person_detect.tflite');
let dir: string;
let services: Services;
let model: ModelHandle;

const call = async <T>(method: string, args: unknown): Promise<T> => {
  const r = (await services.handle(method, args)) as Outcome<T>;
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
};
const refusal = async (method: string, args: unknown): Promise<string> => {
  const r = await services.handle(method, args);
  expect(r.ok).toBe(false);
  return r.ok ? '' : r.error.message;
};

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lowbit-graph-svc-'));
  fs.copyFileSync(PERSON, path.join(dir, 'person_detect.tflite'));
  services = createServices({ mode: 'browser', version: 't', allowedFolders: [dir] });
  model = await call<ModelHandle>('model.open', { path: path.join(dir, 'person_detect.tflite') });
});
afterAll(async () => {
  await services.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('graph.layout', () => {
  it('lays out every op of person_detect, the same object the second time', async () => {
    const layout = await call<GraphLayout>('graph.layout', { modelId: model.id, subgraph: 0 });
    expect(layout.nodes.filter((n) => n.kind === 'op')).toHaveLength(31);
    expect(layout.width).toBeGreaterThan(0);
    const again = await call<GraphLayout>('graph.layout', { modelId: model.id, subgraph: 0 });
    expect(again).toEqual(layout);
  });
  it('refuses a subgraph the model does not have', async () => {
    expect(await refusal('graph.layout', { modelId: model.id, subgraph: 3 })).toContain('no subgraph 3');
  });
});

describe('graph.tensor', () => {
  it("a CONV_2D's int8 weights: the histogram of the real values, per channel", async () => {
    const m = readTflite(readBytes(PERSON));
    const sg = m.subgraphs[0]!;
    const conv = sg.operators.find(
      (o) => builtinCodeOf(m.operatorCodes[o.opcodeIndex]!) === BuiltinOperator.CONV_2D,
    )!;
    const w = sg.tensors[conv.inputs[1]!]!;
    const q = w.quantization!;
    const raw = new Int8Array(m.buffers[w.buffer]!.data.slice().buffer);
    const inner = raw.length / q.scale.length;
    const real = Array.from(
      raw,
      (v, i) => q.scale[Math.floor(i / inner)]! * (v - Number(q.zeroPoint[Math.floor(i / inner)] ?? 0)),
    );
    const min = Math.min(...real);
    const max = Math.max(...real);
    const bins = 16;
    const expected = new Array<number>(bins).fill(0);
    for (const v of real) expected[Math.min(bins - 1, Math.floor(((v - min) / (max - min)) * bins))]!++;

    const r = await call<TensorValues>('graph.tensor', {
      modelId: model.id,
      subgraph: 0,
      tensor: conv.inputs[1]!,
      bins,
    });
    expect(r.note).toBe('');
    const h = r.histogram!;
    expect(h.dequantized).toBe(true);
    expect(h.count).toBe(raw.length);
    expect(h.min).toBeCloseTo(min, 9);
    expect(h.max).toBeCloseTo(max, 9);
    expect(h.mean).toBeCloseTo(real.reduce((a, b) => a + b, 0) / real.length, 9);
    expect(h.zeros).toBe(real.filter((v) => v === 0).length);
    expect(h.counts).toEqual(expected);
  });
  it('an activation has no histogram and says why', async () => {
    const input = readTflite(readBytes(PERSON)).subgraphs[0]!.inputs[0]!;
    const r = await call<TensorValues>('graph.tensor', { modelId: model.id, subgraph: 0, tensor: input });
    expect(r.histogram).toBeNull();
    expect(r.note).toContain('activation');
  });
  it('refuses more than 256 bins and a tensor that does not exist', async () => {
    expect(await refusal('graph.tensor', { modelId: model.id, subgraph: 0, tensor: 1, bins: 257 })).toContain(
      'bins',
    );
    expect(await refusal('graph.tensor', { modelId: model.id, subgraph: 0, tensor: 5000 })).toContain(
      'no tensor 5000',
    );
  });
});

describe('graph.export', () => {
  const svg = new TextEncoder().encode(
    '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>\n',
  );
  const png = (() => {
    const b = new Uint8Array(64);
    b.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
    return b;
  })();

  it('writes a new SVG and PNG under an allowed folder, byte for byte', async () => {
    const s = path.join(dir, 'g.svg');
    const p = path.join(dir, 'sub-absent-not', 'g.png');
    expect(await call('graph.export', { modelId: model.id, kind: 'svg', bytes: svg, path: s })).toEqual({
      path: s,
    });
    expect(new Uint8Array(fs.readFileSync(s))).toEqual(svg);
    expect(await refusal('graph.export', { modelId: model.id, kind: 'png', bytes: png, path: p })).toContain(
      'no such file',
    );
    const p2 = path.join(dir, 'g.png');
    await call('graph.export', { modelId: model.id, kind: 'png', bytes: png, path: p2 });
    expect(new Uint8Array(fs.readFileSync(p2))).toEqual(png);
    // No temp file left beside them.
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
  it('never replaces a file, never the model, only the kind it claims', async () => {
    const s = path.join(dir, 'g.svg');
    expect(await refusal('graph.export', { modelId: model.id, kind: 'svg', bytes: svg, path: s })).toContain(
      'already exists',
    );
    const modelFile = path.join(dir, 'person_detect.tflite');
    const before = fs.readFileSync(modelFile);
    expect(
      await refusal('graph.export', { modelId: model.id, kind: 'svg', bytes: svg, path: modelFile }),
    ).toContain('ends in .svg');
    expect(fs.readFileSync(modelFile).equals(before)).toBe(true);
    expect(
      await refusal('graph.export', {
        modelId: model.id,
        kind: 'png',
        bytes: svg,
        path: path.join(dir, 'x.png'),
      }),
    ).toContain('not a PNG');
    const script = new TextEncoder().encode(
      '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    );
    expect(
      await refusal('graph.export', {
        modelId: model.id,
        kind: 'svg',
        bytes: script,
        path: path.join(dir, 'y.svg'),
      }),
    ).toContain('scripts');
    const link = new TextEncoder().encode(
      '<svg xmlns="http://www.w3.org/2000/svg"><image href="http://x/a.png"/></svg>',
    );
    expect(
      await refusal('graph.export', {
        modelId: model.id,
        kind: 'svg',
        bytes: link,
        path: path.join(dir, 'z.svg'),
      }),
    ).toContain('external');
    expect(fs.existsSync(path.join(dir, 'x.png'))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'y.svg'))).toBe(false);
  });
  it('refuses a path outside the allowed folders, and no path in browser mode', async () => {
    const outside = path.join(os.tmpdir(), `lowbit-outside-${process.pid}.svg`);
    expect(
      await refusal('graph.export', { modelId: model.id, kind: 'svg', bytes: svg, path: outside }),
    ).toContain('not a file or folder you chose');
    expect(fs.existsSync(outside)).toBe(false);
    expect(await refusal('graph.export', { modelId: model.id, kind: 'svg', bytes: svg })).toContain(
      'no save dialog',
    );
  });
});
