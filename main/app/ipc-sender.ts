/**
 * Who may call the API over IPC: only the top frame of the app's own window, while it shows our
 * own page (app-protocol.ts's `appPageMatcher`). Checking the webContents alone would let a
 * subframe, or the window after it somehow navigated elsewhere, call every service.
 *
 * `senderRefusal` says why a call is refused, in words fit for a log line, or null to accept it.
 * It reads only what the IPC event carries, so tests drive it with plain stub objects.
 */
import type { IpcMainInvokeEvent, WebContents, WebFrameMain } from 'electron';

/** What the check needs from Electron's objects (tests pass stubs of this shape). */
export type SenderEvent = Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>;
type Frame = Pick<WebFrameMain, 'url' | 'parent' | 'detached' | 'isDestroyed' | 'processId' | 'routingId'>;

export function senderRefusal(
  event: SenderEvent,
  appWindow: Pick<WebContents, 'isDestroyed' | 'mainFrame'> | null,
  isAppPage: (url: string) => boolean,
): string | null {
  if (!appWindow || appWindow.isDestroyed()) return 'no app window is open';
  if (event.sender !== appWindow) return 'a window other than the app window';
  try {
    // senderFrame is null once the frame has navigated away or gone, and a destroyed frame
    // throws on access.
    const frame: Frame | null = event.senderFrame;
    if (!frame || frame.isDestroyed() || frame.detached) return 'a frame that no longer exists';
    if (frame.parent !== null || !sameFrame(frame, appWindow.mainFrame)) return 'a subframe';
    if (!isAppPage(frame.url)) return `a page outside the app (${originOf(frame.url)})`;
    return null;
  } catch {
    return 'a frame that no longer exists';
  }
}

/** Electron hands out one WebFrameMain per frame; its process and routing ids identify it too. */
function sameFrame(a: Frame, b: Frame): boolean {
  return a === b || (a.processId === b.processId && a.routingId === b.routingId);
}

function originOf(url: string): string {
  try {
    const u = new URL(url);
    return u.host ? `${u.protocol}//${u.host}` : u.protocol;
  } catch {
    return 'an unreadable URL';
  }
}
