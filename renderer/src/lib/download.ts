/**
 * Files leaving the app: a browser download in `lowbit serve` mode, main's Save dialog in
 * Electron. Never over the input: main picks or asks for the path.
 */
import type { ModelHandle } from './contract';
import { api, hostKind } from './api';

/** Offers `blob` as a download named after the last part of `name`. */
export function downloadBlob(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name.split('/').pop() ?? name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function download(name: string, bytes: Uint8Array): void {
  downloadBlob(name, new Blob([bytes as BlobPart], { type: 'application/octet-stream' }));
}

/**
 * Saves a model the session holds: Electron's Save dialog (the path written, or null when the
 * user cancelled it), or a download in the browser (the file name offered).
 */
export async function saveModel(model: Pick<ModelHandle, 'id' | 'name'>): Promise<string | null> {
  if (hostKind === 'electron') {
    const out = await api.model.save({ modelId: model.id });
    return out ? out.path : null;
  }
  download(model.name, await api.model.bytes({ modelId: model.id }));
  return model.name;
}
