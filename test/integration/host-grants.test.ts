/**
 * Issue 18: over `lowbit serve`'s WebSocket, a page reaches only files under the folders named
 * with --allow (default: the working directory): the same refusal whether a path outside exists
 * or not, no `..` or symlink out, model.save writes only new model files there and never
 * overwrites, and parse errors do not quote the file.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { EventMessage, JobFinished, Outcome } from '../../main/contract/types';
import { decode, encode } from '../../main/contract/wire';
import { startHost, type RunningHost } from '../../main/host/server';
import { createServices, type Services } from '../../main/services';
import {
  commonGrantCases,
  makeGrantTree,
  MODEL_BYTES,
  refusal,
  type GrantTree,
} from '../support/grant-fixture';
import { ROOT } from '../support/shared';
import { spawnServe } from '../support/serve-child';

const CLI = path.join(ROOT, 'bin', 'lowbit.mjs');
const tree: GrantTree = makeGrantTree();
const dist = tree.at('dist');
fs.mkdirSync(dist);
fs.writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>t</title>');

/** A WebSocket client as the served page is one: token and Origin of the server. */
async function connect(url: string) {
  const u = new URL(url);
  const token = new URLSearchParams(u.hash.slice(1)).get('token') ?? '';
  const ws = new WebSocket(`ws://${u.host}/ws?token=${token}`, { origin: u.origin });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const pending = new Map<number, (o: Outcome<unknown>) => void>();
  const jobs = new Map<string, JobFinished>();
  ws.on('message', (d) => {
    const m = decode(d.toString()) as { id?: number; outcome?: Outcome<unknown> } & Partial<EventMessage>;
    if (typeof m.id === 'number') pending.get(m.id)?.(m.outcome!);
    if (m.event === 'jobs.finished') jobs.set((m.payload as JobFinished).jobId, m.payload as JobFinished);
  });
  const finished = async (jobId: string): Promise<JobFinished> => {
    while (!jobs.has(jobId)) await new Promise((r) => setTimeout(r, 10));
    return jobs.get(jobId)!;
  };
  let next = 1;
  const call = (method: string, args: Record<string, unknown>) =>
    new Promise<Outcome<unknown>>((resolve) => {
      const id = next++;
      pending.set(id, resolve);
      ws.send(encode({ id, method, args }));
    });
  return { call, finished, close: () => ws.close() };
}

let services: Services;
let host: RunningHost;
let client: Awaited<ReturnType<typeof connect>>;
const call = (method: string, args: Record<string, unknown>) => client.call(method, args);

beforeAll(async () => {
  // What `lowbit serve --allow <inside>` builds.
  services = createServices({ mode: 'browser', version: 't', allowedFolders: [tree.inside] });
  host = await startHost({ rootDir: dist, backend: services, port: 0 });
  client = await connect(host.url);
});
afterAll(async () => {
  client?.close();
  await host?.close();
  await services?.dispose();
  tree.remove();
});

describe('lowbit serve --allow <inside>: the WebSocket API', () => {
  for (const [name, run] of Object.entries(commonGrantCases(call, (id) => client.finished(id), tree)))
    it(name, run);

  it('model.save writes a new model file in the allowed folder, never over an existing one', async () => {
    const modelId = (
      (await call('model.load', { name: 'm.tflite', bytes: MODEL_BYTES })) as { value: { id: string } }
    ).value.id;
    const out = tree.at('inside/saved.tflite');
    expect(await call('model.save', { modelId, path: out })).toEqual({ ok: true, value: { path: out } });
    fs.writeFileSync(out, 'the user edited it');
    for (const overwrite of [false, true]) {
      const again = await call('model.save', { modelId, path: out, overwrite });
      expect(!again.ok && again.error.message).toMatch(
        /already exists: choose another name \(only a file picked in the Save dialog is replaced; delete it yourself/,
      );
    }
    expect(fs.readFileSync(out, 'utf8')).toBe('the user edited it');
    // Only model files: a caller must not plant scripts or autostart entries.
    const script = await call('model.save', { modelId, path: tree.at('inside/run.sh') });
    expect(!script.ok && script.error.message).toMatch(/a model's file name ends in \.tflite/);
    expect(fs.existsSync(tree.at('inside/run.sh'))).toBe(false);
  });

  it('deploy.flash uf2: a drive folder outside the allowed folders is refused the same whether it exists or not', async () => {
    const modelId = (
      (await call('model.load', { name: 'm.tflite', bytes: MODEL_BYTES })) as { value: { id: string } }
    ).value.id;
    const flash = (port: string) => ({
      kind: 'deploy.flash',
      params: { modelId, port, protocol: 'uf2', board: 'raspberry-pi-pico' },
    });
    fs.writeFileSync(tree.at('outside/INFO_UF2.TXT'), 'UF2 Bootloader v3.0\nBoard-ID: RPI-RP2\n');
    const a = refusal(await call('jobs.start', flash(tree.outside)), tree.outside);
    const b = refusal(await call('jobs.start', flash(tree.at('nowhere'))), tree.at('nowhere'));
    expect(a).toEqual(b);
    expect(fs.readdirSync(tree.outside).filter((f) => f.endsWith('.uf2'))).toEqual([]);
  });
});

describe('lowbit serve --allow (child process)', () => {
  it('serves only the named folders', async () => {
    const { child, url, stderr, exit } = await spawnServe(dist, ['--allow', tree.inside]);
    try {
      const c = await connect(url);
      expect((await c.call('model.open', { path: tree.at('inside/model.tflite') })).ok).toBe(true);
      // The working directory (the repository) is not allowed once --allow names folders.
      const other = await c.call('model.open', { path: path.join(ROOT, 'assets/demo/fashion_cnn.tflite') });
      expect(!other.ok && other.error.message).toMatch(
        /not a file or folder you chose: lowbit serve reaches only files under/,
      );
      // The bundled demo is main's own choice: it opens all the same.
      expect((await c.call('demo.open', {})).ok).toBe(true);
      c.close();
      expect(stderr()).toContain(`the page reaches only files under ${fs.realpathSync(tree.inside)}`);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exit).toBe(0);
  });

  it('refuses an --allow that is not a folder (usage, exit 1)', () => {
    const r = spawnSync(process.execPath, [CLI, 'serve', '--allow', tree.at('inside/data.csv')], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, LOWBIT_RENDERER_DIST: dist },
      timeout: 30_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('--allow needs an existing folder');
  });
});
