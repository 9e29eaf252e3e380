/**
 * Issue 18: over Electron IPC (electron stubbed: ipcMain records the handlers main/app/ipc.ts
 * registers), the renderer reaches only what the user chose: files from the Open, dataset and
 * Save dialogs, drops, and the recent list. Anything else is refused the same whether it exists
 * or not; `..` and symlinks do not lead out; model.save replaces only a Save-dialog pick.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { EventMessage, JobFinished, Outcome } from '../../main/contract/types';
import type { Services } from '../../main/services';
import {
  commonGrantCases,
  makeGrantTree,
  MODEL_BYTES,
  refusal,
  VICTIM_TEXT,
  type GrantTree,
} from '../support/grant-fixture';

const handlers = new Map<string, (event: unknown, args: unknown) => Promise<Outcome<unknown>>>();
vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, h: (event: unknown, args: unknown) => Promise<Outcome<unknown>>) =>
      handlers.set(channel, h),
    removeHandler: (channel: string) => handlers.delete(channel),
  },
}));

const tree: GrantTree = makeGrantTree();
/** What the next dialog returns (the user's pick), or null (cancelled). */
const picks: { open: string | null; dataset: string | null; save: string | null } = {
  open: null,
  dataset: null,
  save: null,
};
let services: Services;
const recentFile = tree.at('settings/recent-models.json');

/** The app window's top frame, showing our own page (the sender every call comes from). */
const APP_PAGE = 'app://lowbit/index.html';
const mainFrame = {
  url: APP_PAGE,
  parent: null,
  detached: false,
  isDestroyed: () => false,
  processId: 1,
  routingId: 1,
};
const appWindow = { isDestroyed: () => false, mainFrame };
/** The window's webContents as forwardEvents sees it: events land in `jobs`. */
const window = {
  isDestroyed: () => false,
  send: (_channel: string, m: EventMessage) => {
    if (m.event === 'jobs.finished') jobs.set((m.payload as JobFinished).jobId, m.payload as JobFinished);
  },
};

/** One call as the renderer makes it: through the IPC channel main registered. */
async function call(method: string, args: Record<string, unknown>): Promise<Outcome<unknown>> {
  const h = handlers.get(`lowbit:${method}`);
  if (!h) throw new Error(`no handler for ${method}`);
  return h({ sender: appWindow, senderFrame: appWindow.mainFrame }, args);
}
/** A job's end, as main forwards it to the window (`jobs.finished`). */
const jobs = new Map<string, JobFinished>();
async function finished(jobId: string): Promise<JobFinished> {
  while (!jobs.has(jobId)) await new Promise((r) => setTimeout(r, 10));
  return jobs.get(jobId)!;
}
const value = <T>(o: Outcome<unknown>): T => {
  if (!o.ok) throw new Error(`${o.error.code}: ${o.error.message}`);
  return o.value as T;
};

beforeAll(async () => {
  const { createServices } = await import('../../main/services');
  const { forwardEvents, registerIpc } = await import('../../main/app/ipc');
  services = createServices({
    mode: 'electron',
    version: 't',
    recentFile,
    showOpenDialog: async () => picks.open,
    showDatasetDialog: async () => picks.dataset,
    showSaveDialog: async () => picks.save,
  });
  const { senderRefusal } = await import('../../main/app/ipc-sender');
  // As main/index.ts wires it: the app window's top frame showing our page may call.
  forwardEvents(services, () => window as never);
  registerIpc(services, (event) => senderRefusal(event as never, appWindow as never, (u) => u === APP_PAGE));
});
afterAll(async () => {
  await services.dispose();
  tree.remove();
});

describe('Electron IPC: before the user chose anything', () => {
  it('nothing on disk is reachable, not even the folder the user will pick later', async () => {
    const a = refusal(
      await call('model.open', { path: tree.at('inside/model.tflite') }),
      tree.at('inside/model.tflite'),
    );
    const b = refusal(
      await call('model.open', { path: tree.at('inside/nope.tflite') }),
      tree.at('inside/nope.tflite'),
    );
    expect(a).toEqual(b);
    expect(a.code).toBe('INVALID_ARGUMENT');
    expect(a.message).toMatch(/not a file or folder you chose: choose it with a dialog/);
  });
});

describe('Electron IPC: paths the user chose', () => {
  it('a file picked in the Open dialog opens, and opens again by its path', async () => {
    const chosen = tree.at('picked/model.tflite');
    fs.mkdirSync(path.dirname(chosen), { recursive: true });
    fs.writeFileSync(chosen, MODEL_BYTES);
    fs.writeFileSync(tree.at('picked/secret.csv'), 'a\n1\n');
    picks.open = chosen;
    const h = value<{ path: string }>(await call('model.open', {}));
    expect(h.path).toBe(chosen);
    value(await call('model.open', { path: h.path }));
    // The grant is that file, not its folder.
    const sibling = tree.at('picked/secret.csv');
    const modelId = value<{ id: string }>(
      await call('model.load', { name: 'm.tflite', bytes: MODEL_BYTES }),
    ).id;
    const r = refusal(await call('datasets.open', { modelId, path: sibling }), sibling);
    expect(r.message).toMatch(/not a file or folder you chose/);
  });

  it('a dropped file (main opens it) opens again by its path, and stays granted through the recent list', async () => {
    const dropped = tree.at('dropped/model.tflite');
    fs.mkdirSync(path.dirname(dropped), { recursive: true });
    fs.writeFileSync(dropped, MODEL_BYTES);
    await services.openFromMain(dropped);
    value(await call('model.open', { path: dropped }));
    // A new session (the app restarted) reads the recent list: the user's earlier choices.
    const { createServices } = await import('../../main/services');
    const next = createServices({ mode: 'electron', version: 't', recentFile });
    try {
      expect((await next.handle('model.open', { path: dropped })).ok).toBe(true);
      expect((await next.handle('model.open', { path: tree.at('outside/victim.tflite') })).ok).toBe(false);
    } finally {
      await next.dispose();
    }
  });

  it('model.save replaces only a file picked in the Save dialog', async () => {
    const modelId = value<{ id: string }>(
      await call('model.load', { name: 'm.tflite', bytes: MODEL_BYTES }),
    ).id;
    const target = tree.at('outside/victim.tflite');
    const refused = await call('model.save', { modelId, path: target, overwrite: true });
    expect(refused.ok).toBe(false);
    expect(fs.readFileSync(target, 'utf8')).toBe(VICTIM_TEXT);
    const picked = tree.at('outside/saved.tflite');
    fs.writeFileSync(picked, 'old');
    picks.save = picked;
    expect(value<{ path: string }>(await call('model.save', { modelId }))).toEqual({ path: picked });
    expect(new Uint8Array(fs.readFileSync(picked))).toEqual(MODEL_BYTES);
    // Cancelled dialog: nothing written.
    picks.save = null;
    expect(value(await call('model.save', { modelId }))).toBeNull();
  });
});

describe('Electron IPC: a dataset folder picked in the dialog', () => {
  beforeAll(async () => {
    picks.dataset = tree.inside;
    const modelId = value<{ id: string }>(
      await call('model.load', { name: 'm.tflite', bytes: MODEL_BYTES }),
    ).id;
    // The folder itself is not a dataset; the pick is what matters here.
    await call('datasets.open', { modelId });
  });
  for (const [name, run] of Object.entries(commonGrantCases(call, finished, tree))) it(name, run);
});
