/**
 * Issue 2: the main window's options satisfy the security rules, and the preload exposes only
 * the contract's methods — asserted with `electron` stubbed (no Electron binary needed).
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { METHODS } from '../../main/contract/types';

const created: any[] = [];
const handlers: Record<string, (...args: any[]) => void> = {};
let windowOpenHandler: ((d: { url: string }) => { action: string }) | null = null;
let permissionRequest: ((wc: unknown, perm: string, cb: (ok: boolean) => void) => void) | null = null;
let permissionCheck: ((...a: unknown[]) => boolean) | null = null;
let headersHook: ((details: any, cb: (r: any) => void) => void) | null = null;
const exposed: Record<string, unknown> = {};
const invoked: [string, unknown][] = [];

vi.mock('electron', () => {
  class BrowserWindow {
    webContents = {
      setWindowOpenHandler: (h: typeof windowOpenHandler) => (windowOpenHandler = h),
      on: (ev: string, h: (...a: any[]) => void) => (handlers[ev] = h),
    };
    constructor(opts: unknown) {
      created.push(opts);
    }
    once() {}
    loadFile() {
      return Promise.resolve();
    }
    loadURL() {
      return Promise.resolve();
    }
  }
  return {
    BrowserWindow,
    session: {
      defaultSession: {
        setPermissionRequestHandler: (h: typeof permissionRequest) => (permissionRequest = h),
        setPermissionCheckHandler: (h: typeof permissionCheck) => (permissionCheck = h),
        setDevicePermissionHandler: () => {},
        webRequest: { onHeadersReceived: (h: typeof headersHook) => (headersHook = h) },
      },
    },
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => (exposed[key] = api) },
    ipcRenderer: {
      on: () => {},
      invoke: async (channel: string, args: unknown) => {
        invoked.push([channel, args]);
        return channel === 'lowbit:model.inspect'
          ? { ok: false, error: { code: 'MODEL_FORMAT', message: 'bad' } }
          : { ok: true, value: 'v' };
      },
    },
  };
});

describe('main window security', () => {
  const dropped: string[] = [];
  beforeEach(async () => {
    created.length = 0;
    const { createMainWindow } = await import('../../main/app/window');
    createMainWindow({ devUrl: null, onFileDrop: (p) => dropped.push(p) });
  });

  it('uses contextIsolation, sandbox and no node integration', () => {
    const prefs = created[0].webPreferences;
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(prefs.preload).toMatch(/preload[/\\]index\.cjs$/);
  });

  it('denies new windows and navigation away from the app', () => {
    expect(windowOpenHandler!({ url: 'https://example.com' })).toEqual({ action: 'deny' });
    let prevented = false;
    handlers['will-navigate']!({ preventDefault: () => (prevented = true) }, 'https://example.com/');
    expect(prevented).toBe(true);
    prevented = false;
    handlers['will-redirect']!({ preventDefault: () => (prevented = true) }, 'http://evil.test/');
    expect(prevented).toBe(true);
  });

  it('turns a file dropped outside the drop zone into an open, not a navigation', () => {
    let prevented = false;
    handlers['will-navigate']!(
      { preventDefault: () => (prevented = true) },
      'file:///home/me/models/my%20model.tflite',
    );
    expect(prevented).toBe(true);
    expect(dropped).toContain('/home/me/models/my model.tflite');
  });

  it('denies every permission request and check', () => {
    for (const perm of ['media', 'notifications', 'geolocation', 'serial', 'usb', 'hid', 'clipboard-read']) {
      let granted: boolean | null = null;
      permissionRequest!({}, perm, (ok) => (granted = ok));
      expect(granted).toBe(false);
    }
    expect(permissionCheck!({}, 'media')).toBe(false);
  });

  it('sends a strict CSP with every response', async () => {
    const { CONTENT_SECURITY_POLICY } = await import('../../main/app/security');
    let headers: any;
    headersHook!({ responseHeaders: { a: ['b'] } }, (r) => (headers = r.responseHeaders));
    expect(headers['Content-Security-Policy']).toEqual([CONTENT_SECURITY_POLICY]);
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'self'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-eval');
    expect(CONTENT_SECURITY_POLICY).toContain("object-src 'none'");
  });
});

describe('preload', () => {
  it('exposes exactly the contract methods, grouped by service, plus on()', async () => {
    await import('../../preload/index');
    const api = exposed['lowbit'] as Record<string, any>;
    expect(Object.keys(exposed)).toEqual(['lowbit']);
    const flat = Object.entries(api)
      .filter(([k]) => k !== 'on')
      .flatMap(([service, fns]) => Object.keys(fns).map((f) => `${service}.${f}`))
      .sort();
    expect(flat).toEqual([...METHODS].sort());
    expect(typeof api['on']).toBe('function');
    for (const [, fns] of Object.entries(api))
      if (typeof fns === 'object') for (const f of Object.values(fns)) expect(typeof f).toBe('function');
  });

  it('calls lowbit:<service>.<method> and rejects failures as plain {code, message}', async () => {
    const api = exposed['lowbit'] as any;
    await expect(api.app.info({})).resolves.toBe('v');
    expect(invoked.at(-1)).toEqual(['lowbit:app.info', {}]);
    await expect(api.model.inspect({ modelId: 'x' })).rejects.toEqual({
      code: 'MODEL_FORMAT',
      message: 'bad',
    });
  });
});
