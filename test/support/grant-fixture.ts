/**
 * Issue 18: a folder tree for the grant tests (test/integration/grants-*.test.ts), the same for
 * Electron IPC and `lowbit serve`:
 *
 *   <root>/inside/    what the user chose (a dataset folder picked in a dialog, or --allow)
 *     model.tflite    hello_world_int8 (input [1,1])
 *     data.csv        a valid one-column CSV
 *     leak.csv        a passwd-like text file: its lines must never appear in an error
 *     labels/         an image folder whose labels.csv names ../../outside/secret.csv
 *     link/           symlink to ../outside          (a symlink out of the folder)
 *     link.tflite     symlink to ../outside/model.tflite
 *     dangling.tflite symlink to ../outside/new.tflite, which does not exist
 *   <root>/outside/   never chosen
 *     model.tflite, secret.csv (the secret line), victim.tflite (must survive)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import type { JobFinished, Outcome } from '../../main/contract/types';
import { readBytes, sharedPath } from './shared';

/** A line of a private file: no error may contain it, nor any part of it. */
export const SECRET_LINE = 'root:x:0:0:TOPSECRET:/root:/bin/bash';
export const SECRET_FRAGMENT = 'TOPSECRET';
export const MODEL_BYTES = readBytes(sharedPath('models', 'tflite-micro', 'hello_world_int8.tflite'));
export const VICTIM_TEXT = 'the user file an API caller wants to overwrite\n';

export interface GrantTree {
  root: string;
  inside: string;
  outside: string;
  /** root/<rel> */
  at(rel: string): string;
  remove(): void;
}

export function makeGrantTree(): GrantTree {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lowbit-grants-'));
  const at = (rel: string) => path.join(root, rel);
  const write = (rel: string, data: string | Uint8Array) => {
    fs.mkdirSync(path.dirname(at(rel)), { recursive: true });
    fs.writeFileSync(at(rel), data);
  };
  write('inside/model.tflite', MODEL_BYTES);
  write('inside/data.csv', '0.5\n1.0\n-0.25\n');
  write('inside/leak.csv', `name\n${SECRET_LINE}\n${SECRET_LINE}\n`);
  write('inside/labels/labels.csv', 'file,label\n../../outside/secret.csv,1\n');
  write('outside/model.tflite', MODEL_BYTES);
  write('outside/secret.csv', `name\n${SECRET_LINE}\n`);
  write('outside/victim.tflite', VICTIM_TEXT);
  fs.symlinkSync('../outside', at('inside/link'));
  fs.symlinkSync('../outside/model.tflite', at('inside/link.tflite'));
  fs.symlinkSync('../outside/new.tflite', at('inside/dangling.tflite'));
  return {
    root,
    inside: at('inside'),
    outside: at('outside'),
    at,
    remove: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}

/** The error of a refused call, with the path it names replaced, for comparing two refusals. */
export function refusal(o: Outcome<unknown>, p: string): { code: string; message: string } {
  if (o.ok) throw new Error(`expected a refusal for ${p}, got ${JSON.stringify(o.value)}`);
  return { code: o.error.code, message: o.error.message.split(p).join('<path>') };
}

/** hello_world's input is [1,1]: a CSV row of one value, spelled out as the wizard would. */
const FLAT = 'resize=1x1';

type Call = (method: string, args: Record<string, unknown>) => Promise<Outcome<unknown>>;
/** Resolves with a job's `jobs.finished` event, as the transport delivers it. */
type Finished = (jobId: string) => Promise<JobFinished>;

/**
 * The checks both transports must pass, once `tree.inside` is granted as a folder (a dataset
 * folder picked in Electron's dialog, or `lowbit serve --allow inside`). Returns one async
 * function per case, for the caller's `it`.
 */
export function commonGrantCases(
  call: Call,
  finished: Finished,
  tree: GrantTree,
): Record<string, () => Promise<void>> {
  const loaded = async (): Promise<string> => {
    const r = await call('model.load', { name: 'hello.tflite', bytes: MODEL_BYTES });
    if (!r.ok) throw new Error(r.error.message);
    return (r.value as { id: string }).id;
  };
  const expectNoSecret = (o: Outcome<unknown>) => {
    if (o.ok) throw new Error('expected a failure');
    if (o.error.message.includes(SECRET_FRAGMENT))
      throw new Error(`the error quotes the file: ${o.error.message}`);
  };
  const sameRefusal = async (
    method: string,
    args: (p: string) => Record<string, unknown>,
    a: string,
    b: string,
  ) => {
    const ra = refusal(await call(method, args(a)), a);
    const rb = refusal(await call(method, args(b)), b);
    if (ra.code !== 'INVALID_ARGUMENT' || JSON.stringify(ra) !== JSON.stringify(rb))
      throw new Error(`different refusals: ${JSON.stringify(ra)} vs ${JSON.stringify(rb)}`);
    return ra;
  };
  return {
    'model.open: a file outside the grants is refused the same whether it exists or not': async () => {
      await sameRefusal(
        'model.open',
        (p) => ({ path: p }),
        tree.at('outside/model.tflite'),
        tree.at('outside/missing.tflite'),
      );
      await sameRefusal('model.open', (p) => ({ path: p }), tree.at('outside'), '/nonexistent-dir/x.tflite');
    },
    'datasets.open: outside is refused the same whether it exists or not, without its text': async () => {
      const modelId = await loaded();
      const args = (p: string) => ({ modelId, preprocess: FLAT, path: p });
      await sameRefusal('datasets.open', args, tree.at('outside/secret.csv'), tree.at('outside/missing.csv'));
      expectNoSecret(await call('datasets.open', args(tree.at('outside/secret.csv'))));
    },
    'model.save: cannot write or overwrite outside, same refusal whether the file exists or not':
      async () => {
        const modelId = await loaded();
        const args = (p: string) => ({ modelId, path: p, overwrite: true });
        await sameRefusal(
          'model.save',
          args,
          tree.at('outside/victim.tflite'),
          tree.at('outside/new.tflite'),
        );
        if (fs.readFileSync(tree.at('outside/victim.tflite'), 'utf8') !== VICTIM_TEXT)
          throw new Error('victim overwritten');
        if (fs.existsSync(tree.at('outside/new.tflite'))) throw new Error('a file was created outside');
      },
    '.. and symlinks cannot lead out of a granted folder': async () => {
      const modelId = await loaded();
      const open = (p: string) => ({ path: p });
      const missing = tree.at('outside/missing.tflite');
      for (const p of [
        path.join(tree.inside, '..', 'outside', 'model.tflite'),
        tree.at('inside/link/model.tflite'),
        tree.at('inside/link.tflite'),
        tree.at('inside/dangling.tflite'),
      ])
        await sameRefusal('model.open', open, p, missing);
      await sameRefusal(
        'datasets.open',
        (p) => ({ modelId, preprocess: FLAT, path: p }),
        tree.at('inside/link/secret.csv'),
        tree.at('outside/missing.csv'),
      );
      await sameRefusal(
        'datasets.open',
        (p) => ({ modelId, preprocess: FLAT, path: p }),
        tree.at('inside/link'),
        tree.at('outside/missing.csv'),
      );
      for (const p of [
        tree.at('inside/dangling.tflite'),
        tree.at('inside/link/new.tflite'),
        path.join(tree.inside, '..', 'outside', 'new.tflite'),
      ])
        await sameRefusal('model.save', (q) => ({ modelId, path: q }), p, tree.at('outside/new.tflite'));
      if (fs.existsSync(tree.at('outside/new.tflite'))) throw new Error('a file was created outside');
    },
    'inside the granted folder, models and datasets open': async () => {
      const m = await call('model.open', { path: tree.at('inside/model.tflite') });
      if (!m.ok) throw new Error(m.error.message);
      const modelId = (m.value as { id: string }).id;
      const d = await call('datasets.open', { modelId, preprocess: FLAT, path: tree.at('inside/data.csv') });
      if (!d.ok) throw new Error(d.error.message);
    },
    'deploy.flash: a serial port that is a file fails the same as a missing one': async () => {
      const modelId = await loaded();
      const failure = async (port: string) => {
        const started = await call('jobs.start', {
          kind: 'deploy.flash',
          params: { modelId, port, protocol: 'stm32', address: 0x08020000 },
        });
        if (!started.ok) return refusal(started, port);
        const f = await finished((started.value as { jobId: string }).jobId);
        expect(f.status).toBe('failed');
        return refusal({ ok: false, error: (f as { error: { code: string; message: string } }).error }, port);
      };
      const file = await failure(tree.at('outside/secret.csv'));
      expect(file).toEqual(await failure(tree.at('outside/missing-port')));
      expect(file.code).toBe('DEVICE_NOT_FOUND');
      expect(file.message).toMatch(/^<path>: no such serial port: choose one from the device list/);
    },
    'CSV and labels parse errors do not quote the file': async () => {
      const modelId = await loaded();
      for (const p of [tree.at('inside/leak.csv'), tree.at('inside/labels')]) {
        const r = await call('datasets.open', { modelId, preprocess: FLAT, path: p });
        expect(!r.ok && r.error.code).toBe('DATASET');
        expectNoSecret(r);
      }
    },
  };
}
