/**
 * Issue 18: an IPC call is answered only when it comes from the top frame of the app window
 * while that frame shows our own page; any other sender (a subframe, another origin, a frame
 * that is gone or destroyed, another window) gets a `{code, message}` error, is logged, and never
 * reaches a service. Electron is stubbed: the events are plain objects of the same shape.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CHANNEL_PREFIX, METHODS } from '../../main/contract/types';
import type { Services } from '../../main/services';
import { appPageMatcher, APP_ENTRY_URL } from '../../main/app/app-protocol';
import { senderRefusal, type SenderEvent } from '../../main/app/ipc-sender';

type Handler = (event: SenderEvent, args: unknown) => Promise<unknown>;
const ipcHandlers = new Map<string, Handler>();

vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, h: Handler) => ipcHandlers.set(channel, h),
    removeHandler: (channel: string) => ipcHandlers.delete(channel),
  },
}));

interface StubFrame {
  url: string;
  parent: StubFrame | null;
  detached: boolean;
  processId: number;
  routingId: number;
  destroyed: boolean;
  isDestroyed(): boolean;
}

function frame(url: string, parent: StubFrame | null = null, routingId = 1): StubFrame {
  return {
    url,
    parent,
    detached: false,
    processId: 7,
    routingId,
    destroyed: false,
    isDestroyed() {
      return this.destroyed;
    },
  };
}

function appWindow(url = APP_ENTRY_URL) {
  const mainFrame = frame(url);
  return { mainFrame, destroyed: false, isDestroyed: () => false };
}

const isAppPage = appPageMatcher(null);
const event = (sender: unknown, senderFrame: StubFrame | null) =>
  ({ sender, senderFrame }) as unknown as SenderEvent;
const refusal = (e: SenderEvent, win: ReturnType<typeof appWindow> | null) =>
  senderRefusal(e, win as unknown as Parameters<typeof senderRefusal>[1], isAppPage);

describe('senderRefusal', () => {
  it('accepts the top frame of the app window showing app://lowbit', () => {
    const win = appWindow();
    expect(refusal(event(win, win.mainFrame), win)).toBeNull();
    // Electron may hand out another WebFrameMain object for the same frame: same ids, same frame.
    expect(refusal(event(win, { ...win.mainFrame }), win)).toBeNull();
  });

  it('refuses a subframe, even one on our own origin', () => {
    const win = appWindow();
    const sub = frame(APP_ENTRY_URL, win.mainFrame, 2);
    expect(refusal(event(win, sub), win)).toBe('a subframe');
    // A frame without a parent that is not the window's main frame is not it either.
    expect(refusal(event(win, frame(APP_ENTRY_URL, null, 3)), win)).toBe('a subframe');
  });

  it('refuses the top frame once it shows another origin', () => {
    for (const url of ['https://evil.test/x', 'file:///home/me/page.html', 'app://evil/index.html']) {
      const win = appWindow(url);
      expect(refusal(event(win, win.mainFrame), win), url).toMatch(/^a page outside the app \(/);
    }
    const win = appWindow('https://evil.test/x?token=1');
    expect(refusal(event(win, win.mainFrame), win)).toBe('a page outside the app (https://evil.test)');
  });

  it('refuses a null, destroyed, detached or throwing frame', () => {
    const win = appWindow();
    expect(refusal(event(win, null), win)).toBe('a frame that no longer exists');
    const destroyed = { ...win.mainFrame, isDestroyed: () => true };
    expect(refusal(event(win, destroyed), win)).toBe('a frame that no longer exists');
    const detached = { ...win.mainFrame, detached: true };
    expect(refusal(event(win, detached), win)).toBe('a frame that no longer exists');
    const throwing = {
      sender: win,
      get senderFrame(): StubFrame {
        throw new Error('Render frame was disposed before WebFrameMain could be accessed');
      },
    } as unknown as SenderEvent;
    expect(refusal(throwing, win)).toBe('a frame that no longer exists');
  });

  it('refuses another window, and every call when the app window is gone', () => {
    const win = appWindow();
    const other = appWindow();
    expect(refusal(event(other, other.mainFrame), win)).toBe('a window other than the app window');
    expect(refusal(event(win, win.mainFrame), null)).toBe('no app window is open');
    const closed = { ...win, isDestroyed: () => true };
    expect(refusal(event(closed, closed.mainFrame), closed)).toBe('no app window is open');
  });

  it('accepts the dev server page in development only', () => {
    const win = appWindow('http://localhost:5173/');
    const dev = appPageMatcher('http://localhost:5173/');
    const w = win as unknown as Parameters<typeof senderRefusal>[1];
    expect(senderRefusal(event(win, win.mainFrame), w, dev)).toBeNull();
    expect(senderRefusal(event(win, win.mainFrame), w, isAppPage)).toMatch(/outside the app/);
  });
});

describe('registerIpc', () => {
  afterEach(() => vi.restoreAllMocks());

  it('answers every channel from our top frame, refuses a subframe with {code, message} and logs it', async () => {
    const { registerIpc } = await import('../../main/app/ipc');
    const handled: string[] = [];
    const services = {
      handle: async (method: string) => {
        handled.push(method);
        return { ok: true, value: 'v' };
      },
    } as unknown as Services;
    const win = appWindow();
    const unregister = registerIpc(services, (e) => refusal(e, win));
    expect([...ipcHandlers.keys()].sort()).toEqual(METHODS.map((m) => CHANNEL_PREFIX + m).sort());

    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    for (const method of METHODS) {
      const sub = frame(APP_ENTRY_URL, win.mainFrame, 9);
      const reply = await ipcHandlers.get(CHANNEL_PREFIX + method)!(event(win, sub), {});
      expect(reply, method).toEqual({
        ok: false,
        error: { code: 'INVALID_ARGUMENT', message: 'call refused: it came from a subframe' },
      });
    }
    expect(handled).toEqual([]);
    expect(warn).toHaveBeenCalledTimes(METHODS.length);
    expect(String(warn.mock.calls[0]![0])).toMatch(/refused IPC call .* from a subframe/);

    const reply = await ipcHandlers.get(CHANNEL_PREFIX + 'app.info')!(event(win, win.mainFrame), {});
    expect(reply).toEqual({ ok: true, value: 'v' });
    expect(handled).toEqual(['app.info']);

    unregister();
    expect(ipcHandlers.size).toBe(0);
  });
});
