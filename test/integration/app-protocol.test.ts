/**
 * Issue 18: the Electron app loads its page from app://, which serves the built renderer's
 * folder and nothing else (no "..", no other host, no symlink out), with the right Content-Type
 * and the app's one CSP on every response. Electron's protocol object is a stub here.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appPageMatcher,
  APP_ENTRY_URL,
  registerAppScheme,
  rendererResponse,
  serveRenderer,
} from '../../main/app/app-protocol';
import { CONTENT_SECURITY_POLICY } from '../../main/app/security';

let top: string;
let rendererDir: string;
const SECRET = 'outside the renderer folder';

beforeAll(() => {
  top = fs.mkdtempSync(path.join(os.tmpdir(), 'lowbit-app-protocol-'));
  rendererDir = path.join(top, 'renderer');
  fs.mkdirSync(path.join(rendererDir, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Lowbit</title>');
  for (const name of ['index-1.js', 'index-1.css', 'logo.svg', 'font.woff2', 'weights.wasm', 'blob.bin'])
    fs.writeFileSync(path.join(rendererDir, 'assets', name), name);
  fs.writeFileSync(path.join(top, 'secret.txt'), SECRET);
  fs.mkdirSync(path.join(top, 'outside'));
  fs.writeFileSync(path.join(top, 'outside', 'secret.txt'), SECRET);
  fs.symlinkSync(path.join(top, 'secret.txt'), path.join(rendererDir, 'link-out.txt'));
  fs.symlinkSync(path.join(top, 'outside'), path.join(rendererDir, 'dir-out'));
  fs.symlinkSync(path.join(rendererDir, 'index.html'), path.join(rendererDir, 'link-in.html'));
});

afterAll(() => fs.rmSync(top, { recursive: true, force: true }));

const get = (url: string, method = 'GET') => rendererResponse(rendererDir, new Request(url, { method }));

async function expectNotFound(urls: string[]): Promise<void> {
  for (const url of urls) {
    const r = await get(url);
    expect(r.status, url).toBe(404);
    expect(await r.text(), url).not.toContain(SECRET);
  }
}

describe('app:// serves the renderer folder only', () => {
  it('serves index.html at the entry URL and at the root', async () => {
    for (const url of [APP_ENTRY_URL, 'app://lowbit/', 'app://lowbit']) {
      const r = await get(url);
      expect(r.status, url).toBe(200);
      expect(await r.text()).toContain('<title>Lowbit</title>');
    }
  });

  it('maps Content-Type by extension, unknown types to opaque bytes', async () => {
    const expected: Record<string, string> = {
      'index.html': 'text/html; charset=utf-8',
      'assets/index-1.js': 'text/javascript; charset=utf-8',
      'assets/index-1.css': 'text/css; charset=utf-8',
      'assets/logo.svg': 'image/svg+xml',
      'assets/font.woff2': 'font/woff2',
      'assets/weights.wasm': 'application/wasm',
      'assets/blob.bin': 'application/octet-stream',
    };
    for (const [file, type] of Object.entries(expected)) {
      const r = await get(`app://lowbit/${file}`);
      expect(r.status, file).toBe(200);
      expect(r.headers.get('content-type'), file).toBe(type);
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('sets the app CSP on every response, errors included', async () => {
    for (const url of [APP_ENTRY_URL, 'app://lowbit/assets/index-1.js', 'app://lowbit/missing.js']) {
      const r = await get(url);
      expect(r.headers.get('content-security-policy'), url).toBe(CONTENT_SECURITY_POLICY);
    }
    const head = await get(APP_ENTRY_URL, 'HEAD');
    expect(head.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
  });

  it('refuses path traversal, encoded or not', async () => {
    await expectNotFound([
      'app://lowbit/../secret.txt',
      'app://lowbit/%2e%2e/secret.txt',
      'app://lowbit/assets/../../secret.txt',
      'app://lowbit/..%2fsecret.txt',
      'app://lowbit/assets/..%2F..%2Fsecret.txt',
      'app://lowbit/..%5csecret.txt',
      'app://lowbit/index.html%00.js',
      'app://lowbit/%E0%A4%A',
      `app://lowbit/${encodeURIComponent(path.join(top, 'secret.txt'))}`,
    ]);
  });

  it('refuses symlinks leading out of the folder, folders and missing files', async () => {
    await expectNotFound([
      'app://lowbit/link-out.txt',
      'app://lowbit/dir-out/secret.txt',
      'app://lowbit/assets',
      'app://lowbit/assets/',
      'app://lowbit/nope.js',
    ]);
    // A symlink that stays inside is just another name for the file.
    expect((await get('app://lowbit/link-in.html')).status).toBe(200);
  });

  it('answers only its own host and only GET and HEAD', async () => {
    expect((await get('app://evil/index.html')).status).toBe(404);
    expect((await get('app://lowbit.evil/index.html')).status).toBe(404);
    const post = await get(APP_ENTRY_URL, 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    const head = await get(APP_ENTRY_URL, 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });
});

describe('app:// registration (protocol stubbed)', () => {
  it('registers app as a standard, secure scheme that does not bypass the CSP', () => {
    const registered: unknown[] = [];
    registerAppScheme({ registerSchemesAsPrivileged: (schemes) => registered.push(...schemes) });
    expect(registered).toEqual([
      {
        scheme: 'app',
        privileges: expect.objectContaining({ standard: true, secure: true }),
      },
    ]);
    const privileges = (registered[0] as { privileges: Record<string, boolean> }).privileges;
    expect(privileges['bypassCSP']).toBeFalsy();
    expect(privileges['corsEnabled']).toBeFalsy();
    expect(privileges['allowServiceWorkers']).toBeFalsy();
  });

  it('handles app:// with the renderer folder, once', async () => {
    const handlers = new Map<string, (r: Request) => Response | Promise<Response>>();
    const protocol = {
      isProtocolHandled: (scheme: string) => handlers.has(scheme),
      handle: (scheme: string, h: (r: Request) => Response | Promise<Response>) => {
        if (handlers.has(scheme)) throw new Error('already handled');
        handlers.set(scheme, h);
      },
    };
    serveRenderer(protocol, rendererDir);
    serveRenderer(protocol, rendererDir);
    const r = await handlers.get('app')!(new Request('app://lowbit/../secret.txt'));
    expect(r.status).toBe(404);
    expect((await handlers.get('app')!(new Request(APP_ENTRY_URL))).status).toBe(200);
  });
});

describe('which URLs are the app page', () => {
  it('is app://lowbit when built, the dev server origin in development', () => {
    const built = appPageMatcher(null);
    expect(built(APP_ENTRY_URL)).toBe(true);
    expect(built('app://lowbit/index.html#/wizard')).toBe(true);
    for (const url of [
      'app://evil/index.html',
      'file:///tmp/out/renderer/index.html',
      'https://lowbit/index.html',
      'http://localhost:5173/',
      'not a url',
      '',
    ])
      expect(built(url), url).toBe(false);

    const dev = appPageMatcher('http://localhost:5173/');
    expect(dev('http://localhost:5173/')).toBe(true);
    expect(dev('http://localhost:5173/src/main.ts')).toBe(true);
    expect(dev('http://localhost:51730/')).toBe(false);
    expect(dev('http://localhost:5173.evil.test/')).toBe(false);
    expect(dev(APP_ENTRY_URL)).toBe(false);
  });
});
