/**
 * Where the app's page comes from: the `app://` protocol, which serves the built renderer (out/
 * renderer) and nothing else, instead of file://, which would give the page the whole disk as
 * its origin. In development (electron-vite dev) the page comes from the dev server instead.
 *
 *   registerAppScheme(protocol)   before app ready: app:// is standard (relative URLs, an
 *                                 origin of its own) and secure (a secure context, like https)
 *   serveRenderer(session, dir)   answers app://lowbit/<path> with the file under dir
 *   appPageMatcher(devUrl)        which URLs are our page: navigation (security.ts) and the IPC
 *                                 sender check (ipc-sender.ts) both ask it
 *
 * Every response, errors included, carries security.ts's RESPONSE_SECURITY_HEADERS (the CSP).
 */
import type { CustomScheme, Protocol } from 'electron';
import { readFile } from 'node:fs/promises';
import { contentTypeOf, findStaticFile, resolveStaticPath } from '../files/static-files';
import { RESPONSE_SECURITY_HEADERS } from './security';

export const APP_SCHEME = 'app';
/** The one host of app:// URLs: the renderer's folder. Any other host is not found. */
export const APP_HOST = 'lowbit';
export const APP_ENTRY_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  // No bypassCSP, no corsEnabled, no service workers: the page is held to the same rules as a
  // web page served over https.
  privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
};

/** Must run before the app's ready event (Electron accepts it only then, and only once). */
export function registerAppScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
}

/** Answers app:// requests in this session with the files of `rendererDir`. */
export function serveRenderer(
  protocol: Pick<Protocol, 'handle' | 'isProtocolHandled'>,
  rendererDir: string,
): void {
  if (protocol.isProtocolHandled(APP_SCHEME)) return;
  protocol.handle(APP_SCHEME, (request) => rendererResponse(rendererDir, request));
}

/**
 * The response to one app:// request: the file under rendererDir the URL names, with its
 * Content-Type; 404 for another host, a path refused by its text ("..", NUL, backslash,
 * undecodable), a missing file, a folder or a symlink leading out; 405 for methods other than
 * GET and HEAD.
 */
export async function rendererResponse(rendererDir: string, request: Request): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return plain(405, 'method not allowed', { Allow: 'GET, HEAD' });
  }
  const url = new URL(request.url);
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return plain(404, 'not found');
  const file = resolveStaticPath(rendererDir, url.pathname);
  const found = file ? await findStaticFile(rendererDir, file) : null;
  if (!file || !found) return plain(404, 'not found');
  const headers = {
    ...RESPONSE_SECURITY_HEADERS,
    'Content-Type': contentTypeOf(file),
    'Content-Length': String(found.size),
  };
  if (request.method === 'HEAD') return new Response(null, { status: 200, headers });
  return new Response(await readFile(file), { status: 200, headers });
}

function plain(status: number, text: string, extra: Record<string, string> = {}): Response {
  return new Response(text, {
    status,
    headers: { ...RESPONSE_SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', ...extra },
  });
}

/**
 * Whether a URL is our page: app://lowbit/… when the renderer is built, the dev server's origin
 * in development. Anything unparsable is not.
 */
export function appPageMatcher(devUrl: string | null): (url: string) => boolean {
  const devOrigin = devUrl ? new URL(devUrl).origin : null;
  return (url) => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return false;
    }
    // Node's URL gives non-special schemes (app:) the origin "null": compare scheme and host.
    if (devOrigin) return parsed.origin === devOrigin;
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
  };
}
