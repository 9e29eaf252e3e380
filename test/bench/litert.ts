/**
 * Times LiteRT's own runtime (@litertjs/core: TFLite with XNNPACK compiled to WebAssembly) in
 * Chromium via Playwright, for `npm run bench`. LiteRT.js takes float32 inputs, so only float
 * models are timed. A static server on 127.0.0.1 serves the package files and the model bytes;
 * nothing leaves the machine.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright';
import { ROOT } from '../support/shared';

const PKG = path.join(ROOT, 'node_modules', '@litertjs');

const PAGE = `<!doctype html><html><head>
<script type="importmap">{"imports":{"@litertjs/wasm-utils":"/litert/wasm-utils/dist/index.js"}}</script>
<script type="module">
import * as litert from '/litert/core/dist/index.js';
window.litert = litert;
window.litertReady = true;
</script></head><body></body></html>`;

// Runs in the page. A string, not a function, so the bundler's helpers (tsx adds __name) stay out.
const BROWSER_TIME = `async ({ url, runs, inputs, batchMs }) => {
  const lr = window.litert;
  const model = await lr.loadAndCompile(url, { accelerator: 'wasm' });
  const tensors = inputs.map((x) => new lr.Tensor(new Float32Array(x.data), x.shape));
  const once = async () => {
    const outs = await model.run(tensors);
    for (const o of outs) o.delete();
  };
  const warmStart = performance.now();
  let warmRuns = 0;
  do {
    await once();
    warmRuns++;
  } while (performance.now() - warmStart < 300);
  const batch = Math.max(1, Math.ceil(batchMs / ((performance.now() - warmStart) / warmRuns)));
  const times = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    for (let b = 0; b < batch; b++) await once();
    times.push((performance.now() - t0) / batch);
  }
  for (const t of tensors) t.delete();
  times.sort((a, b) => a - b);
  const m = times.length >> 1;
  return times.length % 2 ? times[m] : (times[m - 1] + times[m]) / 2;
}`;

export interface LiteRtSession {
  /**
   * Median ms per inference of `runs` timed samples after a warm-up (up to ~300 ms), each sample a
   * batch of inferences lasting at least `batchMs` (as Lowbit's and Arm NN's), or throws.
   */
  time(
    modelBytes: Uint8Array,
    inputs: { data: Float32Array; shape: number[] }[],
    runs: number,
    batchMs?: number,
  ): Promise<number>;
  close(): Promise<void>;
}

export async function startLiteRt(): Promise<LiteRtSession> {
  const models = new Map<string, Uint8Array>();
  const server = http.createServer((req, res) => {
    const url = decodeURIComponent((req.url ?? '/').split('?')[0]!);
    if (url === '/') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
      return;
    }
    if (url.startsWith('/model/')) {
      const m = models.get(url.slice(7));
      if (m) res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(m);
      else res.writeHead(404).end();
      return;
    }
    if (url.startsWith('/litert/')) {
      const file = path.join(PKG, path.normalize(url.slice(8)));
      if (!file.startsWith(PKG) || !fs.existsSync(file)) {
        res.writeHead(404).end();
        return;
      }
      const type = file.endsWith('.wasm')
        ? 'application/wasm'
        : file.endsWith('.js')
          ? 'text/javascript'
          : 'application/octet-stream';
      res.writeHead(200, { 'content-type': type }).end(fs.readFileSync(file));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const executablePath = fs.existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined;
  const browser: Browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
  const page: Page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.waitForFunction('window.litertReady === true');
  await page.evaluate(`window.litert.loadLiteRt('/litert/core/wasm/')`);
  let next = 0;
  return {
    async time(modelBytes, inputs, runs, batchMs = 0) {
      const id = `m${next++}`;
      models.set(id, modelBytes);
      const arg = {
        url: `/model/${id}`,
        runs,
        batchMs,
        inputs: inputs.map((x) => ({ data: Array.from(x.data), shape: x.shape })),
      };
      const ms = (await page.evaluate(`(${BROWSER_TIME})(${JSON.stringify(arg)})`)) as number;
      models.delete(id);
      return ms;
    },
    async close() {
      await browser.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
