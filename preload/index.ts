/**
 * The narrow bridge: exposes `window.lowbit` = exactly the contract's methods (grouped by
 * service) plus `on(event, listener)`. No ipcRenderer, no Node, nothing else crosses.
 * Failures reject with a plain `{code, message}` object: Error subclasses lose their fields
 * when they cross the context bridge, plain objects do not.
 */
import { contextBridge, ipcRenderer } from 'electron';
import {
  buildApi,
  CHANNEL_PREFIX,
  EVENT_CHANNEL,
  type EventMessage,
  type Outcome,
} from '../main/contract/types';

type Listener = (payload: unknown) => void;
const listeners = new Map<string, Set<Listener>>();

ipcRenderer.on(EVENT_CHANNEL, (_event, msg: EventMessage) => {
  listeners.get(msg.event)?.forEach((l) => l(msg.payload));
});

const api = buildApi(
  async (method, args) => {
    const outcome = (await ipcRenderer.invoke(CHANNEL_PREFIX + method, args)) as Outcome<unknown>;
    if (!outcome.ok) throw { code: outcome.error.code, message: outcome.error.message };
    return outcome.value;
  },
  (event, listener) => {
    const set = listeners.get(event) ?? new Set<Listener>();
    listeners.set(event, set);
    set.add(listener as Listener);
    return () => set.delete(listener as Listener);
  },
);

contextBridge.exposeInMainWorld('lowbit', api);
