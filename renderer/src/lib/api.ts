/**
 * The one place the renderer reaches the outside world. In Electron the preload exposes the
 * contract as window.lowbit; in a plain browser (`lowbit serve`) the same LowbitApi runs over a
 * WebSocket to the host. Everything else imports `api` from here.
 */
import type { LowbitApi } from './contract';
import { createWsBridge, wsUrlFromLocation } from './ws-bridge';

declare global {
  interface Window {
    lowbit?: LowbitApi;
  }
}

/** 'electron' when the preload is present, otherwise 'browser'. */
export const hostKind: 'electron' | 'browser' = window.lowbit ? 'electron' : 'browser';

export const api: LowbitApi = window.lowbit ?? createWsBridge(wsUrlFromLocation(window.location));
