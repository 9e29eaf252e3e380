/**
 * Electron main process entry: windows, menu, IPC — thin. All work happens in main/services
 * (validated calls) and worker threads (main/jobs); this file only wires Electron to them.
 */
import { app, BrowserWindow, dialog, protocol } from 'electron';
import path from 'node:path';
import { toErrorInfo } from './engine/errors';
import { hasModelExtension, MODEL_FORMATS } from './engine/model/registry';
import { createServices } from './services';
import { buildMenu } from './app/menu';
import { forwardEvents, registerIpc } from './app/ipc';
import { senderRefusal } from './app/ipc-sender';
import { appPageMatcher, registerAppScheme } from './app/app-protocol';
import { createMainWindow } from './app/window';
import { showDatasetDialog, showSaveImageDialog, showSaveModelDialog } from './app/dialogs';

const devUrl = process.env['ELECTRON_RENDERER_URL'] ?? null;
let win: BrowserWindow | null = null;

const services = createServices({
  mode: 'electron',
  version: app.getVersion(),
  recentFile: path.join(app.getPath('userData'), 'recent-models.json'),
  showOpenDialog: async () => {
    const r = await dialog.showOpenDialog(win ?? undefined!, {
      title: 'Open Model',
      properties: ['openFile'],
      filters: [
        ...MODEL_FORMATS.map((f) => ({
          name: `${f.name} models`,
          extensions: f.extensions.map((ext) => ext.slice(1)),
        })),
        { name: 'All files', extensions: ['*'] },
      ],
    });
    return r.canceled || r.filePaths.length === 0 ? null : r.filePaths[0]!;
  },
  showDatasetDialog: () => showDatasetDialog(win),
  showSaveDialog: (name) => showSaveModelDialog(win, name),
  showSaveImageDialog: (name, kind) => showSaveImageDialog(win, name, kind),
});

async function openFromMain(file: string): Promise<void> {
  try {
    await services.openFromMain(file);
  } catch (e) {
    services.emit('app.error', toErrorInfo(e));
  }
  refreshMenu();
}

function refreshMenu(): void {
  void services.handle('model.recent', {}).then((r) => {
    const recent = r.ok ? (r.value as Parameters<typeof buildMenu>[0]) : [];
    const menu = buildMenu(recent, {
      openModel: async () => {
        const r2 = await services.handle('model.open', {});
        if (r2.ok && r2.value) services.emit('model.opened', r2.value as never);
        else if (!r2.ok) services.emit('app.error', r2.error);
        refreshMenu();
      },
      openRecent: (p) => void openFromMain(p),
      quit: () => app.quit(),
    });
    // Imported lazily to keep this file free of Menu plumbing.
    void import('electron').then(({ Menu }) => Menu.setApplicationMenu(menu));
  });
}

app.enableSandbox();
registerAppScheme(protocol);
app.on('web-contents-created', (_e, contents) => {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
});

void app.whenReady().then(() => {
  const isAppPage = appPageMatcher(devUrl);
  const appContents = () => (win && !win.isDestroyed() ? win.webContents : null);
  registerIpc(services, (event) => senderRefusal(event, appContents(), isAppPage));
  forwardEvents(services, () => win?.webContents ?? null);
  win = createMainWindow({ devUrl, onFileDrop: (p) => void openFromMain(p) });
  win.on('closed', () => (win = null));
  refreshMenu();
  // A model path on the command line (`lowbit-app model.tflite`, file associations).
  const arg = process.argv.slice(app.isPackaged ? 1 : 2).find(hasModelExtension);
  if (arg) win.webContents.once('did-finish-load', () => void openFromMain(arg));
});

app.on('window-all-closed', () => {
  void services.dispose();
  app.quit();
});
