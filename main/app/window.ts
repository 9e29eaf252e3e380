import { BrowserWindow, session as electronSession } from 'electron';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { denyPermissions, enforceCsp, lockNavigation, secureWebPreferences } from './security';

export interface WindowDeps {
  /** Dev server URL (electron-vite dev) or null to load the built renderer from disk. */
  devUrl: string | null;
  onFileDrop(path: string): void;
}

const here = path.dirname(fileURLToPath(import.meta.url));

export function createMainWindow(deps: WindowDeps): BrowserWindow {
  const ses = electronSession.defaultSession;
  denyPermissions(ses);
  enforceCsp(ses);
  const win = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'Lowbit',
    backgroundColor: '#1e1f22',
    webPreferences: secureWebPreferences(path.join(here, '../preload/index.cjs')),
  });
  const indexFile = path.join(here, '../renderer/index.html');
  const isAppUrl = (url: string) =>
    deps.devUrl
      ? url.startsWith(deps.devUrl)
      : url.startsWith('file://') && decodeURIComponent(new URL(url).pathname) === indexFile;
  lockNavigation(win.webContents, isAppUrl, deps.onFileDrop);
  win.once('ready-to-show', () => win.show());
  if (deps.devUrl) void win.loadURL(deps.devUrl);
  else void win.loadFile(indexFile);
  return win;
}
