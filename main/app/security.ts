/**
 * Electron hardening, kept in one place so a test can assert it with electron stubbed.
 * contextIsolation + sandbox + no nodeIntegration; the renderer is treated like a web page.
 * Beside it: where the page comes from (app-protocol.ts) and who may call the API (ipc-sender.ts).
 */
import type { BrowserWindowConstructorOptions, Session, WebContents } from 'electron';
import { fileURLToPath } from 'node:url';

/**
 * The one CSP of the app's page: sent with every app:// response (app-protocol.ts) and added to
 * every other response the renderer receives, the dev server's included (`enforceCsp`).
 * renderer/index.html's meta tag says the same, plus the WebSocket browser mode needs.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function secureWebPreferences(
  preload: string,
): NonNullable<BrowserWindowConstructorOptions['webPreferences']> {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  };
}

/** Denies every permission request and check (camera, notifications, serial, usb, hid...). */
export function denyPermissions(session: Session): void {
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler?.(() => false);
}

/** The headers every response to the renderer carries, whoever serves it. */
export const RESPONSE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
};

/** Adds the security headers to every response the renderer receives over the network. */
export function enforceCsp(session: Session): void {
  const asLists = Object.fromEntries(
    Object.entries(RESPONSE_SECURITY_HEADERS).map(([name, value]) => [name, [value]]),
  );
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, ...asLists } });
  });
}

/**
 * No navigation away from the app (`appUrl`: app:// or the dev server), in any frame, and no
 * new windows. A file dropped outside the drop zone makes Chromium navigate to its file:// URL
 * (never an app URL): intercept that and hand the path to `onFileDrop`.
 */
export function lockNavigation(
  contents: WebContents,
  appUrl: (url: string) => boolean,
  onFileDrop: (path: string) => void,
): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (event, url) => {
    if (appUrl(url)) return;
    event.preventDefault();
    const dropped = droppedFilePath(url);
    if (dropped) onFileDrop(dropped);
  });
  // Subframes only: the main frame's navigations are will-navigate's (Electron skips
  // will-navigate when this event was prevented, which would lose the drop).
  contents.on('will-frame-navigate', (event) => {
    if (!event.isMainFrame && !appUrl(event.url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!appUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** The local path of a file:// URL (a drop), or null for any other URL or a remote host's file. */
function droppedFilePath(url: string): string | null {
  if (!url.startsWith('file:')) return null;
  try {
    return fileURLToPath(url);
  } catch {
    return null;
  }
}
