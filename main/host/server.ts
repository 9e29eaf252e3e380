/**
 * Browser-mode host (`lowbit serve`): serves the built renderer and carries the IPC contract over
 * a WebSocket, so the UI runs in any browser without Electron.
 *
 * Security model: any web page the user visits can make requests to 127.0.0.1, so
 *  - we listen on 127.0.0.1 only (never 0.0.0.0 / ::),
 *  - every request must carry Host: 127.0.0.1:<port> (defeats DNS rebinding: a page on
 *    evil.example re-pointed at 127.0.0.1 still sends Host: evil.example),
 *  - the WebSocket upgrade needs the random session token (compared in constant time) AND an
 *    Origin equal to our own origin, so another local page cannot drive the services,
 *  - static files go out with a strict CSP and nosniff, and no CORS headers at all.
 * The token is printed in the URL's fragment (#token=...), which browsers never send to servers
 * or in Referer headers; the page passes it on the WebSocket URL.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { METHODS, type EventMessage, type Method, type Outcome } from '../contract/types';
import { decode, encode } from '../contract/wire';
import { sendPlain, serveStatic } from './static';

/** What the host needs from the services layer. */
export interface HostBackend {
  /** Validates and runs one call; never rejects (failures are `{ok: false}` outcomes). */
  handle(method: Method, args: unknown): Promise<Outcome<unknown>>;
  /** Every contract event, for forwarding to connected pages. Returns an unsubscribe function. */
  subscribe(listener: (message: EventMessage) => void): () => void;
}

export interface HostOptions {
  /** The built renderer (renderer/dist). */
  rootDir: string;
  backend: HostBackend;
  /** 0 picks a free port. */
  port?: number;
  /** Fixed token for tests; normally random. */
  token?: string;
}

export interface RunningHost {
  /** The address to open, token included. */
  url: string;
  /** http://127.0.0.1:<port> */
  origin: string;
  port: number;
  token: string;
  /** Connected, authenticated WebSocket clients. */
  clientCount(): number;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';
/** Largest WebSocket message: a model of a few hundred MB, base64-encoded (4/3 bigger). */
export const MAX_MESSAGE_BYTES = 512 * 1024 * 1024;
const KNOWN_METHODS = new Set<string>(METHODS);

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Constant-time equality that does not leak the length either: compares SHA-256 digests. */
export function tokenMatches(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${reason.length}\r\n\r\n${reason}`,
  );
}

export async function startHost(opts: HostOptions): Promise<RunningHost> {
  const token = opts.token ?? newToken();
  const clients = new Set<WebSocket>();
  let port = 0;
  const hostHeader = () => `${HOST}:${port}`;
  const origin = () => `http://${HOST}:${port}`;

  const server = createServer((req, res) => {
    if (req.headers.host !== hostHeader()) {
      sendPlain(res, 421, 'wrong Host header: open the address `lowbit serve` printed');
      return;
    }
    void serveStatic(opts.rootDir, req, res).catch(() => res.destroy());
  });
  // Slow or idle clients must not pin sockets forever.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_MESSAGE_BYTES,
    perMessageDeflate: false,
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    let url: URL;
    try {
      url = new URL(req.url ?? '/', origin());
    } catch {
      return refuseUpgrade(socket, 400, 'Bad Request'); // e.g. "//[": not even a URL
    }
    if (url.pathname !== '/ws') return refuseUpgrade(socket, 404, 'Not Found');
    if (req.headers.host !== hostHeader()) return refuseUpgrade(socket, 403, 'Forbidden');
    if (req.headers.origin !== origin()) return refuseUpgrade(socket, 403, 'Forbidden');
    if (!tokenMatches(url.searchParams.get('token') ?? '', token))
      return refuseUpgrade(socket, 403, 'Forbidden');
    wss.handleUpgrade(req, socket, head, (ws) => {
      clients.add(ws);
      ws.on('close', () => clients.delete(ws));
      ws.on('error', () => ws.terminate());
      ws.on('message', (data, isBinary) => void onMessage(ws, data, isBinary));
    });
  });

  const send = (ws: WebSocket, message: unknown) => {
    if (ws.readyState === WebSocket.OPEN) ws.send(encode(message));
  };

  async function onMessage(ws: WebSocket, data: WebSocket.RawData, isBinary: boolean): Promise<void> {
    let msg: unknown;
    try {
      if (isBinary) throw new Error('binary frames are not part of the protocol');
      msg = decode(
        Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(data as Buffer[]).toString('utf8'),
      );
    } catch {
      ws.close(1007, 'malformed message');
      return;
    }
    const { id, method, args } = (msg ?? {}) as { id?: unknown; method?: unknown; args?: unknown };
    if (typeof id !== 'number' || !Number.isSafeInteger(id)) {
      ws.close(1008, 'message without an integer id');
      return;
    }
    if (typeof method !== 'string' || !KNOWN_METHODS.has(method)) {
      send(ws, {
        id,
        outcome: {
          ok: false,
          error: { code: 'INVALID_ARGUMENT', message: `unknown method "${String(method)}"` },
        },
      });
      return;
    }
    let outcome: Outcome<unknown>;
    try {
      outcome = await opts.backend.handle(method as Method, args ?? {});
    } catch (e) {
      // The backend promises not to throw; if it does, the page still gets an answer.
      outcome = {
        ok: false,
        error: { code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) },
      };
    }
    send(ws, { id, outcome });
  }

  const unsubscribe = opts.backend.subscribe((message) => {
    for (const ws of clients) send(ws, message);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address();
  if (!addr || typeof addr === 'string') throw new Error('server has no TCP address');
  port = addr.port;

  return {
    url: `${origin()}/#token=${token}`,
    origin: origin(),
    port,
    token,
    clientCount: () => clients.size,
    close: async () => {
      unsubscribe();
      for (const ws of clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
