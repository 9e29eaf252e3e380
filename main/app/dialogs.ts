/**
 * The wizard's native dialogs (Electron main): pick a dataset (folder or file) and save a
 * produced model. Both resolve null when the user cancels.
 */
import path from 'node:path';
import { dialog, type BrowserWindow } from 'electron';

export async function showDatasetDialog(win: BrowserWindow | null): Promise<string | null> {
  // Linux and Windows cannot offer files and folders in one dialog; folders are the common case
  // (image class folders, IDX directories), so ask for one of those.
  const r = await dialog.showOpenDialog(win ?? undefined!, {
    title: 'Choose a dataset folder',
    properties: ['openDirectory'],
  });
  return r.canceled || r.filePaths.length === 0 ? null : r.filePaths[0]!;
}

export async function showSaveModelDialog(
  win: BrowserWindow | null,
  defaultName: string,
): Promise<string | null> {
  // Models, but also exports, reports and session files: the filter follows the offered name.
  const ext = path.extname(defaultName).slice(1);
  const r = await dialog.showSaveDialog(win ?? undefined!, {
    title: ext === 'tflite' ? 'Save optimized model' : `Save ${defaultName}`,
    defaultPath: defaultName,
    filters:
      ext === 'tflite'
        ? [{ name: 'TFLite models', extensions: ['tflite'] }]
        : ext
          ? [{ name: `.${ext} files`, extensions: [ext] }]
          : [],
    properties: ['createDirectory', 'showOverwriteConfirmation'],
  });
  return r.canceled || !r.filePath ? null : r.filePath;
}

/** Where to save the graph view's drawing (SVG or PNG). */
export async function showSaveImageDialog(
  win: BrowserWindow | null,
  defaultName: string,
  kind: 'svg' | 'png',
): Promise<string | null> {
  const r = await dialog.showSaveDialog(win ?? undefined!, {
    title: 'Export graph',
    defaultPath: defaultName,
    filters: [{ name: kind === 'svg' ? 'SVG images' : 'PNG images', extensions: [kind] }],
    properties: ['createDirectory', 'showOverwriteConfirmation'],
  });
  return r.canceled || !r.filePath ? null : r.filePath;
}
