/**
 * Electron hardening, kept in one place so a test can assert it with electron stubbed.
 * contextIsolation + sandbox + no nodeIntegration; the renderer is treated like a web page.
 */
import type { BrowserWindowConstructorOptions, Session, WebContents } from 'electron';

/** Served with every renderer response (and mirrored in renderer/index.html's meta tag). */
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

/** Adds the CSP header to every response the renderer receives. */
export function enforceCsp(session: Session): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
        'X-Content-Type-Options': ['nosniff'],
      },
    });
  });
}

/**
 * No navigation away from the app and no new windows. A file dropped outside the drop zone
 * makes Chromium navigate to its file:// URL: intercept that and hand the path to `onFileDrop`.
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
    if (url.startsWith('file://')) onFileDrop(decodeURIComponent(new URL(url).pathname));
  });
  contents.on('will-redirect', (event, url) => {
    if (!appUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}
