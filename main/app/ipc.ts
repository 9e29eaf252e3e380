import { ipcMain, type WebContents } from 'electron';
import { CHANNEL_PREFIX, EVENT_CHANNEL, METHODS } from '../contract/types';
import type { Services } from '../services';

/**
 * One `lowbit:<service>.<method>` channel per contract method, answered by the shared services
 * (which validate every argument). Calls from any frame other than our own window are refused.
 */
export function registerIpc(
  services: Services,
  isTrustedSender: (wc: WebContents, frameUrl: string) => boolean,
): () => void {
  for (const method of METHODS) {
    ipcMain.handle(CHANNEL_PREFIX + method, async (event, args) => {
      if (!isTrustedSender(event.sender, event.senderFrame?.url ?? '')) {
        return {
          ok: false,
          error: { code: 'INVALID_ARGUMENT', message: 'call from an untrusted frame refused' },
        };
      }
      return services.handle(method, args);
    });
  }
  return () => METHODS.forEach((m) => ipcMain.removeHandler(CHANNEL_PREFIX + m));
}

export function forwardEvents(services: Services, target: () => WebContents | null): () => void {
  return services.subscribe((msg) => {
    const wc = target();
    if (wc && !wc.isDestroyed()) wc.send(EVENT_CHANNEL, msg);
  });
}
