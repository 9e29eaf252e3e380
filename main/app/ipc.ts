import { ipcMain, type WebContents } from 'electron';
import { CHANNEL_PREFIX, EVENT_CHANNEL, METHODS } from '../contract/types';
import type { Services } from '../services';
import type { SenderEvent } from './ipc-sender';

/**
 * One `lowbit:<service>.<method>` channel per contract method, answered by the shared services
 * (which validate every argument). `refusal` (ipc-sender.ts's `senderRefusal`, bound to the app
 * window) vets the sender first: a call it refuses is logged and answered with a plain
 * `{code, message}` error, and never reaches a service.
 */
export function registerIpc(services: Services, refusal: (event: SenderEvent) => string | null): () => void {
  for (const method of METHODS) {
    ipcMain.handle(CHANNEL_PREFIX + method, async (event, args) => {
      const why = refusal(event);
      if (why !== null) {
        console.warn(`lowbit: refused IPC call ${method} from ${why}`);
        return {
          ok: false,
          error: { code: 'INVALID_ARGUMENT', message: `call refused: it came from ${why}` },
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
