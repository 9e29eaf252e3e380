import { BrowserWindow, session as electronSession } from 'electron';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { appPageMatcher, APP_ENTRY_URL, serveRenderer } from './app-protocol';
import { denyPermissions, enforceCsp, lockNavigation, secureWebPreferences } from './security';

export interface WindowDeps {
  /** Dev server URL (electron-vite dev) or null to load the built renderer over app://. */
  devUrl: string | null;
  onFileDrop(path: string): void;
}

const here = path.dirname(fileURLToPath(import.meta.url));

export function createMainWindow(deps: WindowDeps): BrowserWindow {
  const ses = electronSession.defaultSession;
  denyPermissions(ses);
  enforceCsp(ses);
  if (!deps.devUrl) serveRenderer(ses.protocol, path.join(here, '../renderer'));
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
  lockNavigation(win.webContents, appPageMatcher(deps.devUrl), deps.onFileDrop);
  win.once('ready-to-show', () => win.show());
  void win.loadURL(deps.devUrl ?? APP_ENTRY_URL);
  return win;
}
