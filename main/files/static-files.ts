/**
 * The built renderer's files as a web server sees them: a URL path mapped to a file inside one
 * root folder, and the Content-Type it is served with. Shared by the two shells that serve the
 * renderer: `lowbit serve` (main/host/static.ts, over HTTP) and the Electron app's `app://`
 * protocol (main/app/app-protocol.ts).
 *
 * Two checks, in order: `resolveStaticPath` refuses a path by its text alone (before touching
 * the disk), `findStaticFile` then refuses what the disk says is not a plain file of the root
 * (missing, a folder, a device, or a symlink leading out of the root). A new file type the
 * renderer ships needs a line in CONTENT_TYPES, or it goes out as application/octet-stream.
 */
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { isInside } from './inside';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.map': 'application/json; charset=utf-8',
};

/** The Content-Type a file is served with, by its extension; unknown types are opaque bytes. */
export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Maps a request path to a file under root, or null when the path is not acceptable: not
 * decodable, contains NUL or backslashes, has a "." or ".." segment, or resolves outside root.
 * The empty path is index.html.
 */
export function resolveStaticPath(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const segments = decoded.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '..' || s === '.')) return null;
  const rel = segments.length === 0 ? 'index.html' : segments.join('/');
  const base = path.resolve(root);
  const full = path.resolve(base, rel);
  return isBelow(base, full) ? full : null;
}

/**
 * The file `resolveStaticPath` named, if the disk agrees it is a regular file whose real path
 * (symlinks followed) is still inside root's real path; null otherwise.
 */
export async function findStaticFile(root: string, file: string): Promise<{ size: number } | null> {
  try {
    const [realRoot, realFile] = await Promise.all([realpath(root), realpath(file)]);
    if (!isBelow(realRoot, realFile)) return null;
    const st = await stat(realFile);
    return st.isFile() ? { size: st.size } : null;
  } catch {
    return null;
  }
}

/** Strictly below base: the root folder itself is not a file to serve. */
function isBelow(base: string, full: string): boolean {
  return full !== base && isInside(full, base);
}
