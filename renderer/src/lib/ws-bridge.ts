/**
 * The contract over a WebSocket, for browser mode (`lowbit serve`): the same LowbitApi the
 * Electron preload exposes, built with the contract's buildApi. See main/contract/wire.ts for the format.
 */
import {
  ApiError,
  buildApi,
  type EventName,
  type Events,
  type LowbitApi,
  type Method,
  type Outcome,
  decode,
  encode,
} from './contract';

type Pending = { resolve: (v: unknown) => void; reject: (e: unknown) => void };
type AnyListener = (payload: unknown) => void;

/** Where the host listens, from the page's own URL: the token is in the fragment (#token=...). */
export function wsUrlFromLocation(loc: Location): string {
  const token =
    new URLSearchParams(loc.hash.replace(/^#/, '')).get('token') ??
    new URLSearchParams(loc.search).get('token') ??
    '';
  const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${loc.host}/ws?token=${encodeURIComponent(token)}`;
}

export function createWsBridge(url: string): LowbitApi {
  let nextId = 1;
  const pending = new Map<number, Pending>();
  const listeners = new Map<EventName, Set<AnyListener>>();
  let socket: Promise<WebSocket> | null = null;

  const failAll = (error: ApiError) => {
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };

  const connect = (): Promise<WebSocket> =>
    new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      let opened = false;
      ws.onopen = () => {
        opened = true;
        resolve(ws);
      };
      ws.onmessage = (ev) => {
        if (typeof ev.data !== 'string') return;
        let msg: { id?: unknown; outcome?: Outcome<unknown>; event?: EventName; payload?: unknown };
        try {
          msg = decode(ev.data) as typeof msg;
        } catch {
          return; // a host bug; nothing the user can act on
        }
        if (typeof msg.id === 'number' && msg.outcome) {
          const p = pending.get(msg.id);
          if (!p) return;
          pending.delete(msg.id);
          if (msg.outcome.ok) p.resolve(msg.outcome.value);
          else p.reject(new ApiError(msg.outcome.error));
        } else if (typeof msg.event === 'string') {
          for (const l of listeners.get(msg.event) ?? []) l(msg.payload);
        }
      };
      ws.onclose = (ev) => {
        socket = null; // the next call reconnects
        const reason =
          ev.code === 1006 && !opened
            ? 'could not connect to the Lowbit host (is `lowbit serve` still running, and is the #token in the address the one it printed?)'
            : `connection to the Lowbit host closed (${ev.code}${ev.reason ? `: ${ev.reason}` : ''})`;
        const err = new ApiError({ code: 'HOST_DISCONNECTED', message: reason });
        if (!opened) reject(err);
        failAll(err);
        // A live connection dropping (server stopped) is news even with no call in flight: tell
        // the UI through the same event main uses for its own errors.
        if (opened)
          for (const l of listeners.get('app.error') ?? []) l({ code: err.code, message: err.message });
      };
    });

  const call = async (method: Method, args: unknown): Promise<unknown> => {
    socket ??= connect();
    let ws: WebSocket;
    try {
      ws = await socket;
    } catch (e) {
      socket = null;
      throw e;
    }
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      ws.send(encode({ id, method, args }));
    });
  };

  const on = <E extends EventName>(event: E, listener: (payload: Events[E]) => void): (() => void) => {
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    const l = listener as AnyListener;
    set.add(l);
    // Events flow only over an open socket: connect now so main-side events are not missed.
    socket ??= connect();
    socket.catch(() => (socket = null));
    return () => set.delete(l);
  };

  return buildApi(call, on as LowbitApi['on']);
}
