/**
 * Static files for browser mode: only files under the renderer's dist folder, only GET/HEAD,
 * with the same CSP as the page's <meta> tag. Path traversal is refused before touching the disk,
 * a symlink out of the folder after (main/files/static-files.ts).
 */
import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { contentTypeOf, findStaticFile, resolveStaticPath } from '../files/static-files';

export const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self' ws://127.0.0.1:*; " +
  "img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/** Headers on every response, errors included. Deliberately no Access-Control-* (no CORS). */
export const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CSP,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export function sendPlain(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': 'text/plain; charset=utf-8',
    'Cache-Control': 'no-store',
  });
  res.end(text + '\n');
}

export async function serveStatic(root: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    sendPlain(res, 405, 'method not allowed');
    return;
  }
  const urlPath = (req.url ?? '/').split(/[?#]/, 1)[0];
  const file = resolveStaticPath(root, urlPath);
  if (!file) {
    sendPlain(res, 400, 'bad path');
    return;
  }
  const found = await findStaticFile(root, file);
  if (!found) {
    sendPlain(res, 404, 'not found');
    return;
  }
  // Hashed assets never change; index.html must be re-read so a rebuild is picked up.
  const cache = file.includes(`${path.sep}assets${path.sep}`)
    ? 'public, max-age=31536000, immutable'
    : 'no-store';
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'Content-Type': contentTypeOf(file),
    'Content-Length': String(found.size),
    'Cache-Control': cache,
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const stream = createReadStream(file);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}
