/**
 * Issue 17 item 9: the Graph tab, like Netron's, in Chromium against `lowbit serve`. MobileNetV2
 * (int8, ../shared) and person_detect: the layout from main is drawn with culling, pans (drag,
 * keys), zooms (buttons, wheel), finds ops and tensors, shows an op's options and a tensor's
 * histogram, and exports SVG and PNG files through main. Expected values come from the
 * flatbuffer read here (options, weights dequantized here), not from the code under test.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { decode as decodePng } from 'fast-png';
import { readTflite } from '../../main/engine/tflite/reader';
import {
  ActivationFunctionType,
  BuiltinOperator,
  Padding,
  type Conv2DOptionsT,
} from '../../main/engine/tflite/generated/tflite';
import { pngScale } from '../../renderer/src/lib/graph-draw';
import { readBytes, sharedPath, ROOT } from '../support/shared';
import { expect, shootBoth, test } from './fixtures';

const MOBILENET = sharedPath('models', 'tflite-micro', 'mobilenet_v2_quantized_1x3x224x224.tflite');
const PERSON_DETECT = sharedPath('models', 'tflite-micro', 'person_detect.tflite');
const FASHION_ONNX = path.join(ROOT, 'test', 'fixtures', 'onnx', 'fashion-cnn.onnx');

function opName(m: ReturnType<typeof readTflite>, opcodeIndex: number): string {
  const oc = m.operatorCodes[opcodeIndex]!;
  return BuiltinOperator[Math.max(oc.builtinCode, oc.deprecatedBuiltinCode)]!;
}

/** Ground truth from the flatbuffer: ops, the first CONV_2D's options and its weights, dequantized. */
function truth(file: string) {
  const m = readTflite(readBytes(file));
  const sg = m.subgraphs[0]!;
  const ops = sg.operators.map((o) => opName(m, o.opcodeIndex));
  const conv = ops.indexOf('CONV_2D');
  const options = sg.operators[conv]!.builtinOptions as Conv2DOptionsT;
  const w = sg.tensors[sg.operators[conv]!.inputs[1]!]!;
  const data = new Int8Array(m.buffers[w.buffer]!.data.slice().buffer);
  const q = w.quantization!;
  const perChannel = data.length / q.scale.length;
  let min = Infinity;
  let max = -Infinity;
  data.forEach((v, i) => {
    const c = Math.floor(i / perChannel); // axis 0: output channels outermost
    const real = q.scale[c]! * (v - Number(q.zeroPoint[c] ?? 0));
    min = Math.min(min, real);
    max = Math.max(max, real);
  });
  // Edges: every op input written by an op or fed as a graph input, and every graph output.
  const written = new Set(sg.operators.flatMap((o) => [...o.outputs]));
  const fed = (i: number) => i >= 0 && (written.has(i) || sg.inputs.includes(i));
  const edges = sg.operators.reduce((n, o) => n + [...o.inputs].filter(fed).length, 0) + sg.outputs.length;
  const name = (i: number) => {
    const n = sg.tensors[i]!.name;
    return typeof n === 'string' ? n : new TextDecoder().decode(n ?? new Uint8Array());
  };
  return {
    ops,
    edges,
    nodes: ops.length + sg.inputs.length + sg.outputs.length,
    conv,
    convOptions: {
      stride_w: String(options.strideW),
      stride_h: String(options.strideH),
      padding: Padding[options.padding]!,
      fused_activation_function: ActivationFunctionType[options.fusedActivationFunction]!,
    },
    weights: {
      index: sg.operators[conv]!.inputs[1]!,
      name: name(sg.operators[conv]!.inputs[1]!),
      count: data.length,
      min,
      max,
      axis: q.quantizedDimension,
    },
  };
}

async function openGraph(page: Page, url: string, file: string) {
  await page.goto(url);
  await page.getByTestId('open-file-input').setInputFiles({
    name: path.basename(file),
    mimeType: 'application/octet-stream',
    buffer: fs.readFileSync(file),
  });
  await expect(page.getByTestId('inspector')).toBeVisible();
  // The inspector resets to its first tab when the report arrives: click until the Graph tab holds.
  await expect(async () => {
    await page.getByTestId('tab-graph').click();
    await expect(page.getByTestId('tab-graph')).toHaveAttribute('aria-selected', 'true', { timeout: 1000 });
  }).toPass();
  await expect(page.getByTestId('graph-view')).toBeVisible();
  await expect(page.getByTestId('graph-node').first()).toBeVisible();
}

const canvasState = async (page: Page) => {
  const c = page.getByTestId('graph-canvas');
  return {
    zoom: Number(await c.getAttribute('data-zoom')),
    tx: Number(await c.getAttribute('data-tx')),
    ty: Number(await c.getAttribute('data-ty')),
    drawn: Number(await c.getAttribute('data-nodes-drawn')),
  };
};

test.describe.configure({ timeout: 180_000 });

test('MobileNetV2: culling, pan, zoom, search, op options, tensor histogram, SVG and PNG export', async ({
  page,
  serve,
}) => {
  const t = truth(MOBILENET);
  expect(t.convOptions).toEqual({
    stride_w: '2',
    stride_h: '2',
    padding: 'VALID',
    fused_activation_function: 'RELU6',
  });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.emulateMedia({ colorScheme: 'light' });
  await openGraph(page, serve.url, MOBILENET);
  const canvas = page.getByTestId('graph-canvas');

  // Culling: at 100 % only the boxes near the viewport are in the DOM, not all 86.
  await expect(page.getByTestId('graph-zoom-level')).toHaveText('100 %');
  const start = await canvasState(page);
  expect(start.drawn).toBeGreaterThan(0);
  expect(start.drawn).toBeLessThan(t.nodes);
  await shootBoth(page, 'graph-mobilenet-1280x800');

  // Pan by dragging: the view moves by exactly the drag.
  const box = (await canvas.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 - 40, box.y + box.height / 2 - 300, { steps: 8 });
  await page.mouse.up();
  const dragged = await canvasState(page);
  expect(dragged.tx - start.tx).toBeCloseTo(-40, 0);
  expect(dragged.ty - start.ty).toBeCloseTo(-300, 0);
  // How smoothly it pans: 60 drag steps, one per animation frame; the frame times are reported
  // (printed, not asserted: they depend on the machine).
  const frames = await page.evaluate(async () => {
    const svg = document.querySelector('[data-testid="graph-canvas"]')!;
    const r = svg.getBoundingClientRect();
    const at = (type: string, y: number) =>
      svg.dispatchEvent(
        new PointerEvent(type, { clientX: r.left + 300, clientY: y, button: 0, pointerId: 1, bubbles: true }),
      );
    const frame = () => new Promise<number>((res) => requestAnimationFrame(res));
    at('pointerdown', r.top + 700);
    const times: number[] = [];
    let last = await frame();
    for (let i = 1; i <= 60; i++) {
      at('pointermove', r.top + 700 - i * 10);
      const now = await frame();
      times.push(now - last);
      last = now;
    }
    at('pointerup', r.top + 100);
    times.sort((a, b) => a - b);
    return { median: times[30]!, p90: times[54]!, drawn: svg.getAttribute('data-nodes-drawn') };
  });
  console.log(
    `MobileNetV2 pan: frame median ${frames.median.toFixed(1)} ms, p90 ${frames.p90.toFixed(1)} ms, ${frames.drawn} of ${t.nodes} boxes in the DOM`,
  );
  const panned = await canvasState(page);
  expect(panned.ty - dragged.ty).toBeCloseTo(-600, 0);

  // Pan by keyboard: ArrowDown moves 80 px.
  await canvas.focus();
  await page.keyboard.press('ArrowDown');
  expect((await canvasState(page)).ty - panned.ty).toBeCloseTo(-80, 0);

  // Zoom: the button by 1.25, the wheel around the pointer, the keyboard (−), Fit shows every box.
  await page.getByTestId('graph-zoom-in').click();
  await expect(page.getByTestId('graph-zoom-level')).toHaveText('125 %');
  await page.mouse.move(box.x + 200, box.y + 200);
  await page.mouse.wheel(0, 300);
  const wheeled = await canvasState(page);
  expect(wheeled.zoom).toBeLessThan(1.25);
  await canvas.focus();
  await page.keyboard.press('-');
  expect((await canvasState(page)).zoom).toBeCloseTo(wheeled.zoom * 0.8, 2);
  await page.getByTestId('graph-fit').click();
  await expect(canvas).toHaveAttribute('data-nodes-drawn', String(t.nodes));
  await expect(page.getByTestId('graph-node')).toHaveCount(t.nodes);
  await expect(page.locator('[data-testid="graph-node"][data-kind="op"]')).toHaveCount(t.ops.length);
  await expect(page.getByTestId('graph-edge')).toHaveCount(t.edges);
  await canvas.focus();
  await page.keyboard.press('1');
  await expect(page.getByTestId('graph-zoom-level')).toHaveText('100 %');

  // Search by op type: every DEPTHWISE_CONV_2D is listed; picking one centres and selects it.
  const depthwise = t.ops.filter((o) => o === 'DEPTHWISE_CONV_2D').length;
  expect(depthwise).toBeGreaterThan(10);
  await page.getByTestId('graph-search').fill('depthwise');
  await expect(page.locator('[data-testid="graph-search-result"][data-kind="op"]')).toHaveCount(depthwise);
  await shootBoth(page, 'graph-search-1280x800');
  const pick = t.ops.map((o, i) => (o === 'DEPTHWISE_CONV_2D' ? i : -1)).filter((i) => i >= 0)[9]!;
  await page.locator('[data-testid="graph-search-result"][data-kind="op"]').nth(9).click();
  const picked = page.locator(`[data-testid="graph-node"][data-id="op:${pick}"]`);
  await expect(picked).toHaveClass(/sel/);
  await expect(page.getByTestId('graph-details')).toContainText('DEPTHWISE_CONV_2D');
  await expect(page.getByTestId('graph-details')).toContainText(`op ${pick}`);
  // …and it is in view, near the middle of the canvas.
  const pb = (await picked.boundingBox())!;
  const cb = (await canvas.boundingBox())!;
  expect(Math.abs(pb.y + pb.height / 2 - (cb.y + cb.height / 2))).toBeLessThan(5);

  // Search by tensor name: the first CONV_2D's weights; the view centres on the op that holds them.
  await page.getByTestId('graph-search').fill(t.weights.name);
  await page
    .locator('[data-testid="graph-search-result"][data-kind="tensor"]', { hasText: t.weights.name })
    .first()
    .click();
  await expect(page.getByTestId('graph-tensor-details')).toBeVisible();
  await expect(page.getByTestId('graph-details')).toContainText(`tensor ${t.weights.index}`);

  // Click an op: its options as in the flatbuffer, its operands' quantization.
  // (On its title bar: a click on a constant's row selects that tensor.)
  await page
    .locator(`[data-testid="graph-node"][data-id="op:${t.conv}"]`)
    .click({ position: { x: 12, y: 8 } });
  const attrs = page.getByTestId('graph-op-details');
  for (const [name, value] of Object.entries(t.convOptions))
    await expect(
      attrs.locator(`[data-testid="graph-attr"][data-name="${name}"] [data-testid="graph-attr-value"]`),
    ).toHaveText(value);
  await expect(attrs.getByTestId('graph-op-quant').first()).toContainText('s=');

  // Click the weights' row in the op's box: details and the histogram of the dequantized weights.
  await page.locator(`[data-testid="graph-constant"][data-tensor="${t.weights.index}"]`).click();
  const hist = page.getByTestId('graph-histogram');
  await expect(hist).toBeVisible();
  await expect(hist).toHaveAttribute('data-count', String(t.weights.count));
  await expect(hist).toHaveAttribute('data-dequantized', 'true');
  expect(Number(await hist.getAttribute('data-min'))).toBeCloseTo(t.weights.min, 6);
  expect(Number(await hist.getAttribute('data-max'))).toBeCloseTo(t.weights.max, 6);
  const bars = await page
    .getByTestId('graph-histogram-bar')
    .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-count'))));
  expect(bars).toHaveLength(40);
  expect(bars.reduce((a, b) => a + b, 0)).toBe(t.weights.count);
  await expect(page.getByTestId('graph-tensor-quant')).toContainText(`per-axis (dim ${t.weights.axis})`);
  await shootBoth(page, 'graph-histogram-1280x800');

  // Click an edge where the pointer finds it (the middle of a route inside the canvas): an
  // activation, whose values exist only while the model runs.
  const target = await page.evaluate(() => {
    const c = document.querySelector('[data-testid="graph-canvas"]')!.getBoundingClientRect();
    for (const g of document.querySelectorAll('[data-testid="graph-edge"]')) {
      const p = g.querySelector('path.line') as SVGPathElement;
      const mid = p.getPointAtLength(p.getTotalLength() / 2);
      const m = p.getScreenCTM()!;
      const x = m.a * mid.x + m.c * mid.y + m.e;
      const y = m.b * mid.x + m.d * mid.y + m.f;
      if (x > c.left + 20 && x < c.right - 20 && y > c.top + 20 && y < c.bottom - 20)
        return { x, y, tensor: g.getAttribute('data-tensor') };
    }
    return null;
  });
  expect(target).not.toBeNull();
  await page.mouse.click(target!.x, target!.y);
  await expect(page.getByTestId('graph-tensor-details')).toBeVisible();
  await expect(page.getByTestId('graph-details')).toContainText(`tensor ${target!.tensor}`);
  await expect(page.getByTestId('graph-values-note')).toContainText('activation');
  await expect(
    page.locator(`[data-testid="graph-edge"][data-tensor="${target!.tensor}"]`).first(),
  ).toHaveClass(/sel/);

  // Export: SVG and PNG written by main to the path typed, then read back.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lowbit-graph-'));
  try {
    const svgPath = path.join(dir, 'mobilenet-graph.svg');
    await page.getByTestId('graph-export-svg').click();
    await page.getByTestId('graph-export-path').fill(svgPath);
    await page.getByTestId('graph-export-save').click();
    await expect(page.getByTestId('graph-export-status')).toContainText(svgPath);
    const svg = fs.readFileSync(svgPath, 'utf8');
    // A well-formed SVG document with every box, every edge and every op's name.
    const parsed = await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      const root = doc.documentElement;
      return {
        error: doc.getElementsByTagName('parsererror').length,
        root: root.nodeName,
        width: Number(root.getAttribute('width')),
        height: Number(root.getAttribute('height')),
        boxes: root.querySelectorAll(':scope > g').length,
        edges: root.querySelectorAll(':scope > path').length,
      };
    }, svg);
    expect(parsed.error).toBe(0);
    expect(parsed.root).toBe('svg');
    expect(parsed.boxes).toBe(t.nodes);
    expect(parsed.edges).toBe(t.edges);
    for (const op of new Set(t.ops)) expect(svg).toContain(`>${op}</text>`);

    const pngPath = path.join(dir, 'mobilenet-graph.png');
    await page.getByTestId('graph-export-png').click();
    await page.getByTestId('graph-export-path').fill(pngPath);
    await page.getByTestId('graph-export-save').click();
    await expect(page.getByTestId('graph-export-status')).toContainText(pngPath);
    const png = decodePng(fs.readFileSync(pngPath));
    const s = pngScale(parsed.width, parsed.height);
    expect(png.width).toBe(Math.round(parsed.width * s));
    expect(png.height).toBe(Math.round(parsed.height * s));
    // Drawn, not blank: many distinct colours (text antialiasing, title bars, edges).
    const colours = new Set<number>();
    const px = png.data as Uint8Array;
    for (let i = 0; i < px.length; i += png.channels * 7)
      colours.add((px[i]! << 16) | (px[i + 1]! << 8) | px[i + 2]!);
    expect(colours.size).toBeGreaterThan(20);
    // Kept beside the screenshots, to look at.
    fs.copyFileSync(pngPath, path.join(ROOT, 'test-output', 'screenshots', 'graph-export-mobilenet.png'));

    // The same name again: refused, the file untouched.
    const before = fs.readFileSync(pngPath);
    await page.getByTestId('graph-export-png').click();
    await page.getByTestId('graph-export-path').fill(pngPath);
    await page.getByTestId('graph-export-save').click();
    await expect(page.getByTestId('graph-export-error')).toContainText('already exists');
    expect(fs.readFileSync(pngPath).equals(before)).toBe(true);
    // A name that does not end in the kind's extension: refused.
    await page.getByTestId('graph-export-path').fill(path.join(dir, 'graph.tflite'));
    await page.getByTestId('graph-export-save').click();
    await expect(page.getByTestId('graph-export-error')).toContainText('ends in .png');
    expect(fs.existsSync(path.join(dir, 'graph.tflite'))).toBe(false);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('MobileNetV2 at 1920x1080 in both themes', async ({ page, serve }) => {
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.emulateMedia({ colorScheme: 'light' });
  await openGraph(page, serve.url, MOBILENET);
  const t = truth(MOBILENET);
  await page
    .locator(`[data-testid="graph-node"][data-id="op:${t.conv}"]`)
    .click({ position: { x: 12, y: 8 } });
  await expect(page.getByTestId('graph-op-details')).toBeVisible();
  await shootBoth(page, 'graph-mobilenet-1920x1080');
});

test('person_detect: every op laid out, keyboard selection, histogram, both sizes', async ({
  page,
  serve,
}) => {
  const t = truth(PERSON_DETECT);
  for (const [w, h] of [
    [1280, 800],
    [1920, 1080],
  ] as const) {
    await page.setViewportSize({ width: w, height: h });
    await page.emulateMedia({ colorScheme: 'light' });
    await openGraph(page, serve.url, PERSON_DETECT);
    await page.getByTestId('graph-fit').click();
    await expect(page.getByTestId('graph-canvas')).toHaveAttribute('data-nodes-drawn', String(t.nodes));
    await expect(page.locator('[data-testid="graph-node"][data-kind="op"]')).toHaveCount(t.ops.length);
    // Every op type of the model is drawn by name.
    for (const op of new Set(t.ops))
      await expect(page.locator(`[data-testid="graph-node"][data-op="${op}"]`)).toHaveCount(
        t.ops.filter((o) => o === op).length,
      );
    // Search by op type, Enter jumps to the first hit.
    await page.getByTestId('graph-search').fill('softmax');
    await page.getByTestId('graph-search').press('Enter');
    await expect(page.getByTestId('graph-details')).toContainText('SOFTMAX');
    // Keyboard: Enter on a focused op box selects it.
    await page.getByTestId('graph-search').fill('');
    await page.getByTestId('graph-fit').click();
    await page.locator(`[data-testid="graph-node"][data-id="op:${t.conv}"]`).focus();
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('graph-op-details')).toBeVisible();
    await expect(page.getByTestId('graph-details')).toContainText(`op ${t.conv}`);
    // The first CONV_2D's weights, found by name, then its row clicked: the histogram counts every weight.
    await page.getByTestId('graph-search').fill(t.weights.name);
    await page.getByTestId('graph-search').press('Enter');
    await page.locator(`[data-testid="graph-constant"][data-tensor="${t.weights.index}"]`).click();
    await expect(page.getByTestId('graph-histogram')).toHaveAttribute('data-count', String(t.weights.count));
    expect(Number(await page.getByTestId('graph-histogram').getAttribute('data-min'))).toBeCloseTo(
      t.weights.min,
      6,
    );
    await shootBoth(page, `graph-person-detect-${w}x${h}`);
  }
});

test('ONNX (Fashion-MNIST CNN): the graph and a Conv node attributes', async ({ page, serve }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await openGraph(page, serve.url, FASHION_ONNX);
  await page.getByTestId('graph-fit').click();
  const convs = page.locator('[data-testid="graph-node"][data-op="Conv"]');
  expect(await convs.count()).toBeGreaterThan(0);
  await convs.first().click();
  await expect(
    page.locator('[data-testid="graph-attr"][data-name="kernel_shape"] [data-testid="graph-attr-value"]'),
  ).toHaveText(/^\[\d+, \d+\]$/);
  await shootBoth(page, 'graph-onnx-1280x800');
});
