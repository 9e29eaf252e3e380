// Issue 2: `lowbit serve` must not let other local pages drive Lowbit or read files. The static
// root here is a temp folder with known files; the backend is a recorder that echoes what
// reached it, so these tests look only at the host's transport and security checks.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { EventMessage, Method, Outcome } from '../../main/contract/types';
import { CSP } from '../../main/host/static';
import { newToken, startHost, tokenMatches, type RunningHost } from '../../main/host/server';
import { decode, encode } from '../../main/contract/wire';

const INDEX = '<!doctype html><title>t</title>';
const SCRIPT = 'console.log(1);';
const SECRET = 'top secret, outside the static root';

let dir: string;
let host: RunningHost;
let emit: (m: EventMessage) => void = () => undefined;
const calls: { method: Method; args: unknown }[] = [];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lowbit-host-'));
  fs.mkdirSync(path.join(dir, 'dist', 'assets'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'dist', 'index.html'), INDEX);
  fs.writeFileSync(path.join(dir, 'dist', 'assets', 'app.js'), SCRIPT);
  fs.writeFileSync(path.join(dir, 'secret.txt'), SECRET);
  host = await startHost({
    rootDir: path.join(dir, 'dist'),
    port: 0,
    backend: {
      async handle(method, args): Promise<Outcome<unknown>> {
        calls.push({ method, args });
        return { ok: true, value: { method, args } };
      },
      subscribe(listener) {
        emit = listener;
        return () => (emit = () => undefined);
      },
    },
  });
});

afterAll(async () => {
  await host?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Raw request: http.request sends the path exactly as given (no normalisation of .. or %2e). */
function get(p: string, headers: Record<string, string> = {}, method = 'GET') {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>(
    (resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: host.port,
          path: p,
          method,
          headers: { host: `127.0.0.1:${host.port}`, ...headers },
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (d) => (body += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        },
      );
      req.on('error', reject);
      req.end();
    },
  );
}

/** Opens a WebSocket; resolves with the socket, or with the HTTP status of the refusal. */
function connect(opts: { token?: string; origin?: string | null; hostHeader?: string; path?: string }) {
  const token = opts.token ?? host.token;
  const p = opts.path ?? '/ws';
  const headers: Record<string, string> = {};
  if (opts.hostHeader) headers.host = opts.hostHeader;
  const ws = new WebSocket(`ws://127.0.0.1:${host.port}${p}?token=${encodeURIComponent(token)}`, {
    headers,
    ...(opts.origin === null ? {} : { origin: opts.origin ?? host.origin }),
  });
  return new Promise<{ ws: WebSocket } | { status: number }>((resolve, reject) => {
    ws.once('open', () => resolve({ ws }));
    ws.once('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0 });
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

function nextMessage(ws: WebSocket): Promise<any> {
  return new Promise((resolve) => ws.once('message', (d) => resolve(decode(d.toString()))));
}

function closed(ws: WebSocket): Promise<number> {
  return new Promise((resolve) => ws.once('close', (code) => resolve(code)));
}

describe('lowbit serve: static files', () => {
  it('listens on 127.0.0.1 and puts a 24-byte token in the URL fragment', () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/#token=${host.token}`);
    expect(Buffer.from(host.token, 'base64url')).toHaveLength(24);
    expect(host.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(newToken()).not.toBe(newToken());
  });

  it('serves index.html and assets with CSP and nosniff, and no CORS headers', async () => {
    const index = await get('/');
    expect(index.status).toBe(200);
    expect(index.body).toBe(INDEX);
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.headers['content-security-policy']).toBe(CSP);
    expect(index.headers['x-content-type-options']).toBe('nosniff');
    const js = await get('/assets/app.js', { origin: 'http://evil.example' });
    expect(js.status).toBe(200);
    expect(js.body).toBe(SCRIPT);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    for (const r of [index, js])
      expect(Object.keys(r.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
  });

  it.each([
    '/../secret.txt',
    '/assets/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
    '/..%5csecret.txt',
    '/%2E%2E/%2E%2E/secret.txt',
    '/index.html%00.js',
    '/%ff%fe',
    '/./index.html',
  ])('refuses path traversal and odd paths: %s', async (p) => {
    const r = await get(p);
    expect([400, 404]).toContain(r.status);
    expect(r.body).not.toContain(SECRET);
    expect(r.headers['content-security-policy']).toBe(CSP);
  });

  it('answers 404 for missing files and folders, 405 for other methods', async () => {
    expect((await get('/nope.js')).status).toBe(404);
    expect((await get('/assets')).status).toBe(404);
    const post = await get('/', {}, 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
  });

  it('answers 404 for a symlink leading out of the static root (issue 18)', async () => {
    fs.symlinkSync(path.join(dir, 'secret.txt'), path.join(dir, 'dist', 'assets', 'out.txt'));
    const r = await get('/assets/out.txt');
    expect(r.status).toBe(404);
    expect(r.body).not.toContain(SECRET);
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const r = await get('/', { host: `evil.example:${host.port}` });
    expect(r.status).toBe(421);
    expect(r.body).not.toContain(INDEX);
    expect((await get('/', { host: `localhost:${host.port}` })).status).toBe(421);
  });
});

describe('lowbit serve: WebSocket', () => {
  it('accepts the right token from its own origin and carries calls and bytes exactly', async () => {
    const r = await connect({});
    if (!('ws' in r)) throw new Error(`refused with ${r.status}`);
    const bytes = new Uint8Array(70_000).map((_, i) => (i * 31 + 7) & 0xff);
    r.ws.send(encode({ id: 41, method: 'model.load', args: { name: 'x.tflite', bytes } }));
    const reply = await nextMessage(r.ws);
    expect(reply.id).toBe(41);
    expect(reply.outcome.ok).toBe(true);
    expect(reply.outcome.value.method).toBe('model.load');
    expect(Buffer.from(reply.outcome.value.args.bytes).equals(bytes)).toBe(true);
    const received = calls.at(-1)!.args as { bytes: Uint8Array };
    expect(received.bytes).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(received.bytes).equals(bytes)).toBe(true);
    expect(received.bytes).toHaveLength(70_000);

    const ev = nextMessage(r.ws);
    emit({ event: 'app.error', payload: { code: 'MODEL_FORMAT', message: 'dropped file is not a model' } });
    expect(await ev).toEqual({
      event: 'app.error',
      payload: { code: 'MODEL_FORMAT', message: 'dropped file is not a model' },
    });
    expect(host.clientCount()).toBe(1);
    r.ws.close();
    await closed(r.ws);
  });

  it.each([
    ['a wrong token', { token: newToken() }],
    ['an empty token', { token: '' }],
    ['a token prefix', { token: 'x' }],
    ['a foreign Origin', { origin: 'http://evil.example' }],
    ['a localhost Origin (not our exact origin)', { origin: 'http://localhost:1' }],
    ['another port on 127.0.0.1', { origin: 'http://127.0.0.1:1' }],
    ['the file:// origin "null"', { origin: 'null' }],
    ['no Origin at all', { origin: null }],
    ['a foreign Host header', { hostHeader: 'evil.example' }],
  ] as const)('refuses the upgrade with %s (403)', async (_label, opts) => {
    const before = calls.length;
    const r = await connect(opts as Parameters<typeof connect>[0]);
    expect('status' in r ? r.status : 'opened').toBe(403);
    expect(calls.length).toBe(before);
  });

  it('survives an upgrade request whose target is not a URL', async () => {
    const net = await import('node:net');
    const reply = await new Promise<string>((resolve, reject) => {
      const sock = net.connect(host.port, '127.0.0.1', () =>
        sock.write(
          `GET //[ HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
            `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nOrigin: ${host.origin}\r\n\r\n`,
        ),
      );
      let data = '';
      sock.on('data', (d) => (data += d));
      sock.on('end', () => resolve(data));
      sock.on('error', reject);
    });
    expect(reply.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
    expect((await get('/')).status).toBe(200); // still serving
  });

  it('refuses upgrades on other paths (404)', async () => {
    const r = await connect({ path: '/socket' });
    expect('status' in r ? r.status : 'opened').toBe(404);
  });

  it('answers an unknown method with INVALID_ARGUMENT and keeps the connection', async () => {
    const r = await connect({});
    if (!('ws' in r)) throw new Error('refused');
    r.ws.send(encode({ id: 1, method: 'fs.readFile', args: { path: '/etc/passwd' } }));
    const reply = await nextMessage(r.ws);
    expect(reply).toEqual({
      id: 1,
      outcome: { ok: false, error: { code: 'INVALID_ARGUMENT', message: 'unknown method "fs.readFile"' } },
    });
    r.ws.send(encode({ id: 2, method: 'app.info', args: {} }));
    expect((await nextMessage(r.ws)).id).toBe(2);
    r.ws.close();
  });

  it.each([
    ['malformed JSON', (ws: WebSocket) => ws.send('{"id":'), 1007],
    ['a binary frame', (ws: WebSocket) => ws.send(Buffer.from([1, 2, 3])), 1007],
    ['a message without an id', (ws: WebSocket) => ws.send('{"method":"app.info"}'), 1008],
  ] as const)('closes the socket on %s', async (_label, sendBad, code) => {
    const r = await connect({});
    if (!('ws' in r)) throw new Error('refused');
    const done = closed(r.ws);
    sendBad(r.ws);
    expect(await done).toBe(code);
  });
});

describe('lowbit serve: hostile messages from an authenticated page', () => {
  const hostile = [
    'null',
    '5',
    '[]',
    '"text"',
    '{"id":1.5,"method":"app.info"}',
    '{"id":"1","method":"app.info"}',
    '{"id":9007199254740993,"method":"app.info"}',
    '{"id":1,"method":5}',
    '{"id":1,"method":"constructor"}',
    '{"id":1,"method":"__proto__"}',
    '{"id":1,"method":"toString"}',
    '{"id":1,"method":"model.load","args":{"name":"a","bytes":{"$bytes":"!!!not base64"}}}',
    '{"id":1,"method":"model.load","args":null}',
    '{"id":1,"method":"app.info","args":{"__proto__":{"polluted":true}}}',
    '['.repeat(200_000),
    '{"id":1,"method":"app.info","args":"' + 'x'.repeat(1_000_000) + '"}',
  ];

  it('answers or closes, never crashes, and keeps serving', async () => {
    for (const text of hostile) {
      const r = await connect({});
      if (!('ws' in r)) throw new Error('refused');
      const outcome = new Promise<string>((resolve) => {
        r.ws.once('message', () => resolve('answered'));
        r.ws.once('close', (code) => resolve(`closed ${code}`));
      });
      r.ws.send(text);
      expect(await outcome, text.slice(0, 60)).toMatch(/^(answered|closed 100[78])$/);
      r.ws.terminate();
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const r = await connect({});
    if (!('ws' in r)) throw new Error('refused');
    r.ws.send(encode({ id: 7, method: 'app.info', args: {} }));
    expect((await nextMessage(r.ws)).id).toBe(7);
    r.ws.close();
  });
});

describe('tokenMatches', () => {
  it('is true only for the identical string', () => {
    const t = newToken();
    expect(tokenMatches(t, t)).toBe(true);
    expect(tokenMatches(t.slice(0, -1), t)).toBe(false);
    expect(tokenMatches(t + 'A', t)).toBe(false);
    expect(tokenMatches('', t)).toBe(false);
    expect(tokenMatches(t.toUpperCase() === t ? t.toLowerCase() : t.toUpperCase(), t)).toBe(false);
  });
});
