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
const loaded: string[] = [];
const protocolHandlers = new Map<string, (request: Request) => Promise<Response>>();
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
    loadFile(file: string) {
      loaded.push(`loadFile:${file}`);
      return Promise.resolve();
    }
    loadURL(url: string) {
      loaded.push(url);
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
        protocol: {
          isProtocolHandled: (scheme: string) => protocolHandlers.has(scheme),
          handle: (scheme: string, h: (request: Request) => Promise<Response>) =>
            protocolHandlers.set(scheme, h),
        },
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

  it('loads the page from app://, served from the built renderer folder (issue 18)', () => {
    expect(loaded.at(-1)).toBe('app://lowbit/index.html');
    expect(loaded.some((l) => l.startsWith('loadFile:') || l.startsWith('file:'))).toBe(false);
    expect([...protocolHandlers.keys()]).toEqual(['app']);
  });

  it('allows navigation within app:// only, in the main frame and in subframes (issue 18)', () => {
    const navigate = (url: string) => {
      let prevented = false;
      handlers['will-navigate']!({ preventDefault: () => (prevented = true) }, url);
      return prevented;
    };
    expect(navigate('app://lowbit/index.html#/wizard')).toBe(false);
    expect(navigate('app://evil/index.html')).toBe(true);
    // The page's own file:// URL is no longer the app: only app:// is.
    expect(navigate('file:///opt/lowbit/out/renderer/index.html')).toBe(true);

    const frameNavigate = (url: string, isMainFrame: boolean) => {
      let prevented = false;
      handlers['will-frame-navigate']!({ url, isMainFrame, preventDefault: () => (prevented = true) });
      return prevented;
    };
    expect(frameNavigate('https://example.com/', false)).toBe(true);
    expect(frameNavigate('file:///etc/passwd', false)).toBe(true);
    expect(frameNavigate('app://lowbit/index.html', false)).toBe(false);
    // The main frame's navigations are will-navigate's, so a drop still reaches it.
    expect(frameNavigate('file:///home/me/m.tflite', true)).toBe(false);
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

describe('main window in development (issue 18)', () => {
  it('loads the dev server URL and allows its origin only', async () => {
    loaded.length = 0;
    const { createMainWindow } = await import('../../main/app/window');
    createMainWindow({ devUrl: 'http://localhost:5173/', onFileDrop: () => {} });
    expect(loaded).toEqual(['http://localhost:5173/']);
    let prevented = false;
    handlers['will-navigate']!({ preventDefault: () => (prevented = true) }, 'http://localhost:5173/x');
    expect(prevented).toBe(false);
    handlers['will-navigate']!({ preventDefault: () => (prevented = true) }, 'app://lowbit/index.html');
    expect(prevented).toBe(true);
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
